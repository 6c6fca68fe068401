"""The messenger on each framework against the local Bot API server: Telegram's refusals that
must not lose a customer's turn."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.local_bot_api import LocalBotApi
from conversations import AnswerCallback, CallbackButton, EditMessage, Keyboard, SendMessage
from handlers.chat_messenger import ChatMessenger
from tests.handlers.conftest import connected


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as server:
        yield server


async def test_a_screen_that_can_no_longer_be_edited_is_sent_anew(api: LocalBotApi, framework: str) -> None:
    an = api.add_user("An")
    await api.send_command(an, "start")
    keyboard = Keyboard(((CallbackButton("Mua gói", "n|menu|buy"),),))
    async with connected(framework, api) as adapter:
        messenger = ChatMessenger(adapter.calls)
        first = await messenger.send(an.id, SendMessage("Xin chào!", keyboard))
        api.world.delete(api.chat(an).messages[first])  # the customer deleted it
        anew = await messenger.edit(an.id, EditMessage(first, "Bạn muốn mua giải pháp nào?", keyboard))
        again = await messenger.edit(an.id, EditMessage(first, "Bạn muốn mua giải pháp nào?", keyboard))
    shown = [m for m in api.bot_messages(an) if not m.deleted]
    assert [m.visible_text for m in shown] == ["Bạn muốn mua giải pháp nào?", "Bạn muốn mua giải pháp nào?"]
    assert [anew, again] == [m.message_id for m in shown]  # the runtime learns where the buttons are


async def test_a_tap_answered_twice_or_too_late_raises_nothing(api: LocalBotApi, framework: str) -> None:
    an = api.add_user("An")
    await api.send_command(an, "start")
    async with connected(framework, api) as adapter:
        messenger = ChatMessenger(adapter.calls)
        sent = await messenger.send(an.id, SendMessage("?", Keyboard(((CallbackButton("Có", "n|x|yes"),),))))
        message = next(m for m in api.bot_messages(an) if m.message_id == sent)
        query = await api.press(an, message, "n|x|yes")
        await messenger.answer(query.id, AnswerCallback())
        await messenger.answer(query.id, AnswerCallback("again"))  # Telegram refuses the second
