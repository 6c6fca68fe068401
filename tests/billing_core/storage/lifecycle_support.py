"""What the lifecycle's storage tests share: paid subscriptions, the clock in Vietnam, one run
of each job's step, the outbox as the customer will receive it, and paying an order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from billing_core.storage.auto_renewal import make_renewal_orders
from billing_core.storage.boundaries import settle_boundaries
from billing_core.storage.database import transaction
from billing_core.storage.models import Customer, Order, OrderLine, OutboxMessage, Subscription
from billing_core.storage.renewal_queue import queue_renewal_reminders
from billing_core.storage.settlement import settle_paid
from billing_core.storage.units import in_session
from billing_core.vnpay.merchant import VnpayMerchant
from conversations import ChangeScheduled, ScheduleChange
from handlers.account_store import schedule_change
from tests.billing_core.conftest import CLEEKSY
from tests.billing_core.storage.conftest import NOW, Sessions

SAIGON = dt.timezone(dt.timedelta(hours=7))
MERCHANT = VnpayMerchant("CLEEKSY1", "S" * 32, "https://vnpay.test/pay", "https://bot.test/vnpay/return")
ENDS = dt.date(2026, 12, 1)  # the boundary E of a monthly period [1 Nov, 1 Dec)
PROFILE = {
    "representative": "Nguyễn Văn An",
    "phone": "0912345678",
    "email": "an@example.vn",
    "company": "Công ty An Bình",
    "address": "1 Lê Lợi, Quận 1, TP.HCM",
}


def before(days: int, ends_on: dt.date = ENDS) -> dt.date:
    return ends_on - dt.timedelta(days=days)


def at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    """An instant on `day` in Vietnam (09:30 by default: reminders go from 09:00)."""
    return dt.datetime.combine(day, dt.time(hour, minute), SAIGON)


async def subscribe(
    sessions: Sessions,
    customer_id: int,
    solution: str = "workspace",
    tier: str = "standard",
    seats: int | None = 5,
    *,
    cycle: str = "monthly",
    start: dt.date = dt.date(2026, 11, 1),
    end: dt.date = ENDS,
    mode: str = "manual",
    addons: dict[str, Any] | None = None,
    status: str = "active",
) -> None:
    """A paid subscription over [start, end), its next period not paid yet."""
    async with transaction(sessions) as s:
        s.add(
            Subscription(
                customer_id=customer_id,
                solution=solution,
                tier=tier,
                seats=seats,
                cycle=cycle,
                period_start=start,
                period_end=end,
                paid_until=end,
                anchor_day=start.day,
                status=status,
                renewal_mode=mode,
                addons=addons or {},
                quotas={},
                updated_at=NOW,
            )
        )


async def with_profile(sessions: Sessions, customer_id: int) -> None:
    """The billing details the customer saved at their first purchase (V2)."""
    async with transaction(sessions) as s:
        await s.execute(update(Customer).where(Customer.id == customer_id).values(billing_profile=PROFILE))


async def schedule(
    sessions: Sessions, customer_id: int, kind: str, solution: str = "", value: str | None = None
) -> int:
    """A change scheduled from My plan, judged as the chat judges it; its request's id."""
    async with transaction(sessions) as s:
        result = await schedule_change(
            s, CLEEKSY, customer_id, ScheduleChange(kind, solution, value, "price", None), NOW
        )
    assert isinstance(result, ChangeScheduled), result
    return result.request_id


async def settle(sessions: Sessions, day: dt.date, hour: int = 0, minute: int = 5) -> int:
    """The lifecycle job's first step on `day` (just after midnight by default)."""
    async with transaction(sessions) as s:
        return await settle_boundaries(s, CLEEKSY, day, at(day, hour, minute))


async def remind(sessions: Sessions, day: dt.date) -> int:
    async with transaction(sessions) as s:
        return await queue_renewal_reminders(s, CLEEKSY, day, at(day))


async def renew_automatically(sessions: Sessions, day: dt.date) -> int:
    async with transaction(sessions) as s:
        return await make_renewal_orders(s, CLEEKSY, MERCHANT, day, at(day))


async def subscriptions(sessions: Sessions, customer_id: int) -> dict[str, Subscription]:
    async with sessions() as s:
        rows = await s.scalars(select(Subscription).where(Subscription.customer_id == customer_id))
        return {row.solution: row for row in rows}


async def outbox(sessions: Sessions) -> list[OutboxMessage]:
    async with sessions() as s:
        return list(await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def keys(sessions: Sessions) -> list[str]:
    return [row.key for row in await outbox(sessions)]


async def orders(sessions: Sessions) -> list[Order]:
    async with sessions() as s:
        return list(await s.scalars(select(Order).order_by(Order.id)))


async def order_lines(
    sessions: Sessions, order_id: int
) -> list[tuple[str, str | None, str | None, int | None, str]]:
    """(kind, solution or add-on, tier, users, cycle) of each line."""
    async with sessions() as s:
        rows = await s.scalars(
            select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.position)
        )
        return [(x.kind, x.solution or x.addon, x.tier, x.seats, x.cycle) for x in rows]


async def pay(sessions: Sessions, order_id: int, day: dt.date) -> bool:
    """VNPAY confirmed the order's payment (the IPN's settlement path)."""
    async with transaction(sessions) as s:
        return await in_session(s, settle_paid, order_id, at(day, 14), CLEEKSY.base_solution)
