"""A restart in the middle of a purchase, on each framework or from one to the other: the
conversation continues from the database, and what the customer sent while the bot was down is
handled when it is back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from billing_core.storage.database import session_factory
from billing_core.storage.models import ConversationState
from bot.local_bot_api import LocalBotApi
from tests.handlers.conftest import Customer, launched


async def test_the_purchase_continues_after_a_restart(tmp_path: Path, framework: str) -> None:
    async with LocalBotApi() as api:
        async with launched(api, tmp_path, framework=framework) as before:
            an = await before.customer().start()
            await an.tap("Mua gói")
            await an.tap("Không gian làm việc số")
            await an.tap("Standard")
            old_buttons = an.message_with("5 người dùng")
        await api.send_text(an.user, "7")  # typed while the bot is down
        async with launched(api, tmp_path, framework=framework) as after:
            await after.live.bot.conversation.wait_handled(1)
            an = Customer(after, an.user)
            assert an.text.startswith("Dung lượng mở rộng (không bắt buộc)"), an.text  # after the users
            await an.tap("Xong")
            assert "Theo tháng: 756.000\xa0₫" in an.text, an.text  # 7 users × 100.000 ₫ + 8% VAT
            await an.tap("Năm")
            assert an.text.startswith("Bạn có mã giảm giá không?"), an.text
            # A button from before the restart that no longer matches the step is refused.
            conversation = after.live.bot.conversation
            handled = conversation.handled
            await api.press(an.user, old_buttons, old_buttons.button_data("5 người dùng"))
            await conversation.wait_handled(handled + 1)
            assert an.text.startswith("Nút này thuộc một tin nhắn cũ."), an.text
            async with session_factory(after.live.engine)() as s:
                state = await s.scalar(select(ConversationState))
        assert state is not None and state.state["cart"]["lines"][0]["seats"] == 7


@pytest.mark.parametrize(("first", "then"), [("aiogram", "ptb"), ("ptb", "aiogram")])
async def test_switching_the_framework_keeps_the_conversation(tmp_path: Path, first: str, then: str) -> None:
    """BOT_FRAMEWORK changed between two runs: the state is ours, not the framework's, so the
    purchase goes on where it was, and the buttons shown before still work."""
    async with LocalBotApi() as api:
        async with launched(api, tmp_path, framework=first) as before:
            an = await before.customer().start()
            await an.tap("Mua gói")
            await an.tap("Không gian làm việc số")
        async with launched(api, tmp_path, framework=then) as after:
            an = Customer(after, an.user)
            await an.tap("Standard")  # a button sent by the other framework
            assert an.text.startswith("Bạn cần bao nhiêu người dùng cho Không gian làm việc số?"), an.text
            await an.send("7")
            assert an.text.startswith("Dung lượng mở rộng (không bắt buộc)"), an.text
