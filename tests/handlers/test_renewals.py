"""Renewals end to end (V1), on aiogram and python-telegram-bot: `cleeksy-bot run`'s parts on
the local Bot API server at fixed instants, the lifecycle job run as the runtime runs it every
minute, and the outbox sender
delivering what it queued. A manual customer gets the 7-day reminder with its **Gia hạn**
button from 09:00 (not at 08:30) and once whatever restarts; an automatic one gets the renewal
order's VNPAY link 3 days before the end."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from billing_core.catalogue_loader import load_bundled
from billing_core.storage.database import session_factory, transaction
from billing_core.storage.models import Customer as CustomerRow
from billing_core.storage.models import Order, OutboxMessage, Subscription
from billing_core.vnpay.merchant import VnpayMerchant
from bot.lifecycle_job import run_lifecycle_now
from bot.local_bot_api import LocalBotApi, User
from bot.vnpay_sandbox import PAYMENT_PATH
from tests.handlers.conftest import NOW, SECRET, Customer, Product, launched

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
MERCHANT = VnpayMerchant(
    "CLEEKSY1", SECRET, "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html", "https://bot.test/r"
)
PROFILE = {
    "representative": "Nguyễn Văn An",
    "phone": "0912345678",
    "email": "an@example.vn",
    "company": "Công ty An Bình",
    "address": "1 Lê Lợi, Quận 1, TP.HCM",
}
REMINDER = [
    "Gói Không gian làm việc số của bạn hết hạn sau 7 ngày (ngày cuối là 30/11/2026).",
    "Gia hạn Không gian làm việc số Standard · 5 người dùng · theo tháng cho kỳ tiếp theo "
    "(01/12/2026 – 31/12/2026): 540.000\xa0₫, đã gồm VAT.",
]


def saigon(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SAIGON)


async def paid_workspace(product: Product, user: User, ends_on: dt.date, mode: str) -> None:
    """A monthly Standard workspace of 5 users paid until `ends_on`, renewed `mode`-ly."""
    async with transaction(session_factory(product.live.engine)) as session:
        customer = CustomerRow(
            telegram_user_id=user.id,
            language="vi",
            unreachable=False,
            created_at=NOW,
            billing_profile=PROFILE,
        )
        session.add(customer)
        await session.flush()
        session.add(
            Subscription(
                customer_id=customer.id,
                solution="workspace",
                tier="standard",
                seats=5,
                cycle="monthly",
                period_start=ends_on.replace(month=ends_on.month - 1),
                period_end=ends_on,
                paid_until=ends_on,
                anchor_day=ends_on.day,
                status="active",
                renewal_mode=mode,
                addons={},
                quotas={},
                updated_at=NOW,
            )
        )


async def lifecycle(product: Product, runs: int = 1) -> None:
    """The runtime's lifecycle job has run `runs` times (its first run is at start-up)."""
    await asyncio.wait_for(product.live.jobs.ran("lifecycle", runs), 10)


async def count(product: Product, model: type[OutboxMessage] | type[Order]) -> int:
    async with session_factory(product.live.engine)() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_V1_renewal_reminder_at_nine_once_and_the_automatic_renewal_link(
    tmp_path: Path, framework: str
) -> None:
    async with LocalBotApi() as api:
        manual, automatic = api.add_user("An"), api.add_user("Bình")
        for user in (manual, automatic):
            api.private_chat(user).started = True
        async with launched(
            api, tmp_path, framework=framework, now=saigon(23, 8)
        ) as product:  # nothing due yet
            await paid_workspace(product, manual, dt.date(2026, 12, 1), "manual")  # 7 days left on the 24th
            await paid_workspace(product, automatic, dt.date(2026, 11, 27), "automatic")  # 3 days left

        early = saigon(24, 8, 30)
        async with launched(api, tmp_path, framework=framework, now=early) as product:
            await lifecycle(product)
            assert await count(product, OutboxMessage) == 0
            assert await count(product, Order) == 0

        nine = saigon(24, 9)
        async with launched(api, tmp_path, framework=framework, now=nine) as product:
            await lifecycle(product)
            reminder = await api.wait_for(lambda: api.last_bot_message(manual), what="the 7-day reminder")
            link = await api.wait_for(lambda: api.last_bot_message(automatic), what="the renewal link")
        assert (reminder.visible_text or "").splitlines() == REMINDER
        assert [b["text"] for b in reminder.buttons] == ["Gia hạn"]
        assert (link.visible_text or "").startswith("Đơn gia hạn của bạn đã sẵn sàng: Không gian làm việc số")
        assert "540.000\xa0₫" in (link.visible_text or "")
        assert "trước khi hết ngày 26/11/2026" in (link.visible_text or "")
        [button] = link.buttons
        assert button["text"] == "Thanh toán qua VNPAY"
        assert PAYMENT_PATH + "?" in button["url"]  # the VNPAY stand-in's page, signed

        later = saigon(24, 15)
        async with launched(
            api, tmp_path, framework=framework, now=later
        ) as product:  # restarted the same day
            await lifecycle(product)
            sessions = session_factory(product.live.engine)  # and once more, as a second instance would
            await run_lifecycle_now(sessions, load_bundled("cleeksy"), MERCHANT, lambda: later, SAIGON)
            assert await count(product, OutboxMessage) == 2
            assert await count(product, Order) == 1
            person = Customer(product, manual)
            await person.tap("Gia hạn")  # the review with the same lines for the next period
            review = person.text.splitlines()
            assert review[1:3] == [
                "• Gia hạn: Không gian làm việc số Standard · 5 người dùng · theo tháng",
                "  01/12/2026 – 31/12/2026: 500.000\xa0₫",
            ]
            assert "Tổng cộng: 540.000\xa0₫" in review
        assert len(api.bot_messages(automatic)) == 1
        assert sum(m.visible_text == reminder.visible_text for m in api.bot_messages(manual)) == 1
