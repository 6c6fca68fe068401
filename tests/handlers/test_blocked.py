"""A customer who blocked the bot: Telegram answers 403, the turn goes on without the message,
the customer is marked unreachable once (and logged once, at info), nothing crashes."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import make_engine, session_factory, transaction
from billing_core.storage.migrate import upgrade
from billing_core.storage.models import Customer, Order
from billing_core.storage.units import dispose
from bot.local_bot_api import LocalBotApi
from bot.vnpay_sandbox import Outcome
from conversations import CallbackButton, EditMessage, Keyboard, SendMessage
from handlers.chat_messenger import NOT_SHOWN, ChatMessenger
from handlers.reachability import mark_unreachable
from tests.handlers.conftest import Product, connected
from tests.handlers.purchases import to_review

MESSENGER = "handlers.chat_messenger"


def _marked(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == MESSENGER and "marked unreachable" in r.message
    ]


async def test_a_blocked_chat_is_reported_once_until_a_message_gets_through_again(
    framework: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=MESSENGER)
    told: list[int] = []

    async def on_blocked(chat_id: int) -> None:
        told.append(chat_id)

    keyboard = Keyboard(((CallbackButton("Mua gói", "n|menu|buy"),),))
    async with LocalBotApi() as api:
        an = api.add_user("An")
        await api.send_command(an, "start")
        async with connected(framework, api) as adapter:
            messenger = ChatMessenger(adapter.calls, on_blocked=on_blocked)
            shown = await messenger.send(an.id, SendMessage("Xin chào!", keyboard))
            await api.block_bot(an)
            assert await messenger.send(an.id, SendMessage("Bạn còn đó không?", keyboard)) == NOT_SHOWN
            assert await messenger.send(an.id, SendMessage("Bạn còn đó không?")) == NOT_SHOWN
            await messenger.edit(an.id, EditMessage(shown, "Bạn muốn mua giải pháp nào?", keyboard))
            assert told == [an.id]
            assert _marked(caplog) == [
                f"chat {an.id}: cannot write to the customer (Forbidden: bot was blocked by the user); "
                "marked unreachable"
            ]
            await api.send_text(an, "Mình quay lại rồi")  # writing again unblocks the bot
            assert await messenger.send(an.id, SendMessage("Chào mừng trở lại!")) != NOT_SHOWN
            await api.block_bot(an)
            await messenger.send(an.id, SendMessage("Bạn còn đó không?"))
    assert told == [an.id, an.id]
    assert [m.visible_text for m in api.bot_messages(an)] == ["Xin chào!", "Chào mừng trở lại!"]


async def test_a_customer_who_blocked_the_bot_before_vnpay_confirmed_is_marked_unreachable(
    product: Product, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=MESSENGER)
    an = await to_review(product.customer())
    await an.tap("Xác nhận và thanh toán")
    url = an.url_of("Thanh toán qua VNPAY")
    await product.api.block_bot(an.user)
    paid = await product.vnpay.pay(url, Outcome.SUCCESS)
    assert paid.ipn.answer == {"RspCode": "00", "Message": "Confirm Success"}
    async with session_factory(product.live.engine)() as s:
        customer = await s.scalar(select(Customer).where(Customer.telegram_user_id == an.user.id))
        order = await s.scalar(select(Order))
    assert customer is not None and customer.unreachable
    assert order is not None and order.status == "paid"
    assert not an.saw("Thanh toán thành công")
    assert len(_marked(caplog)) == 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_mark_unreachable_marks_only_that_chat_s_customer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        now = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
        async with transaction(sessions) as s:
            for user_id in (1001, 1002):
                await get_or_create_customer(s, user_id, now=now)
        await mark_unreachable(sessions, 1001)
        await mark_unreachable(sessions, 1001)  # again: no harm
        await mark_unreachable(sessions, 4242)  # no such customer: nothing to mark
        async with sessions() as s:
            rows = (await s.execute(select(Customer.telegram_user_id, Customer.unreachable))).all()
    finally:
        await dispose(engine)
    assert {user_id: unreachable for user_id, unreachable in rows} == {1001: True, 1002: False}
