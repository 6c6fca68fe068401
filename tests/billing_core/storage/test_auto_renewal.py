"""Automatic renewal on SQLite and PostgreSQL (V1, P3, Y3, Y5): the heads-up 7 days before, the
renewal order made once 3 days before (or 2 or 1), its VNPAY link sent once and again on the
last day while unpaid; paid, every line is extended and the periods roll at the boundary once;
unpaid, the plan expires; a cart changed since is ordered anew."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from billing_core.periods import VIETNAM_TZ
from billing_core.storage.database import transaction
from billing_core.storage.models import Order, Payment

from .conftest import Sessions, customer
from .lifecycle_support import (
    ENDS,
    PROFILE,
    before,
    keys,
    order_lines,
    orders,
    outbox,
    pay,
    remind,
    renew_automatically,
    schedule,
    settle,
    subscribe,
    subscriptions,
    with_profile,
)

MONTH = (500_000 + 250_000) * 108 // 100  # workspace Standard and Process Starter, 5 users, 8 % VAT


async def automatic(sessions: Sessions, seats: int = 5) -> int:
    cid = await customer(sessions)
    await with_profile(sessions, cid)
    await subscribe(sessions, cid, "workspace", seats=seats, mode="automatic")
    await subscribe(sessions, cid, "process", "starter", seats=seats, mode="automatic")
    return cid


async def payments(sessions: Sessions) -> int:
    async with sessions() as s:
        return len(list(await s.scalars(select(Payment))))


async def test_V1_the_heads_up_goes_once_7_days_before(sessions: Sessions) -> None:
    cid = await automatic(sessions)
    assert await renew_automatically(sessions, before(8)) == 0
    assert await renew_automatically(sessions, before(7)) == 1
    assert await renew_automatically(sessions, before(7)) == 0
    assert await remind(sessions, before(7)) == 0  # the manual reminder is not for them
    [row] = await outbox(sessions)
    assert row.key == f"renewal:{cid}:2026-12-01:7"
    assert row.payload is not None
    assert (row.payload["kind"], row.payload["link_on"], row.payload["total"]) == (
        "auto_renewal_notice",
        "2026-11-28",
        MONTH,
    )
    assert await orders(sessions) == []


async def test_V1_the_order_is_made_once_3_days_before_and_its_link_sent_once_then_again(
    sessions: Sessions,
) -> None:
    cid = await automatic(sessions)
    for day in (before(3), before(3), before(2), before(2)):
        await renew_automatically(sessions, day)
    [order] = await orders(sessions)
    assert order.client_token.startswith(f"renewal:{cid}:2026-12-01:")
    assert (order.status, order.amount, order.renewal_mode) == ("pending", MONTH, "automatic")
    assert order.expires_at == dt.datetime(2026, 12, 1, tzinfo=VIETNAM_TZ)  # as day E begins
    assert order.billing == {**PROFILE, "vat_invoice": None}
    assert await order_lines(sessions, order.id) == [
        ("renewal", "workspace", "standard", 5, "monthly"),
        ("renewal", "process", "starter", 5, "monthly"),
    ]
    assert await payments(sessions) == 1
    [link] = await outbox(sessions)
    assert link.key == order.client_token + ":link"
    assert link.payload is not None
    assert (link.payload["amount"], link.payload["again"]) == (MONTH, False)
    assert link.payload["url"].startswith("https://vnpay.test/pay?")
    assert link.payload["deadline"] == order.expires_at.isoformat()

    await renew_automatically(sessions, before(1))
    await renew_automatically(sessions, before(1))
    again = (await outbox(sessions))[-1]
    assert await keys(sessions) == [link.key, f"renewal:{cid}:2026-12-01:1"]
    assert again.payload == {**link.payload, "again": True}
    assert await payments(sessions) == 1  # the same link


async def test_V1_a_missed_day_3_makes_the_order_on_day_2(sessions: Sessions) -> None:
    await automatic(sessions)
    await renew_automatically(sessions, before(2))
    assert len(await orders(sessions)) == 1
    await renew_automatically(sessions, before(1))  # the link went yesterday: it goes again
    assert len(await outbox(sessions)) == 2


async def test_V1_a_paid_renewal_extends_every_line_and_the_periods_roll_once(sessions: Sessions) -> None:
    cid = await automatic(sessions)
    await renew_automatically(sessions, before(3))
    [order] = await orders(sessions)
    assert await pay(sessions, order.id, before(3))
    subs = await subscriptions(sessions, cid)
    assert {(s.tier, s.period_end, s.paid_until) for s in subs.values()} == {
        ("standard", ENDS, dt.date(2027, 1, 1)),
        ("starter", ENDS, dt.date(2027, 1, 1)),
    }
    await renew_automatically(sessions, before(1))  # paid: no link again
    assert len(await outbox(sessions)) == 1
    assert await settle(sessions, before(1)) == 0
    assert await settle(sessions, ENDS) == 2
    assert await settle(sessions, ENDS) == 0
    subs = await subscriptions(sessions, cid)
    assert {(s.status, s.period_start, s.period_end, s.anchor_day) for s in subs.values()} == {
        ("active", ENDS, dt.date(2027, 1, 1), 1)
    }
    assert len(await outbox(sessions)) == 1  # nothing to tell

    await renew_automatically(sessions, dt.date(2026, 12, 29))  # the next period's order
    [_, second] = await orders(sessions)
    assert second.client_token.startswith(f"renewal:{cid}:2027-01-01:")


async def test_V1_unpaid_the_plan_expires_at_the_boundary(sessions: Sessions) -> None:
    cid = await automatic(sessions)
    await renew_automatically(sessions, before(3))
    await settle(sessions, ENDS)
    assert {s.status for s in (await subscriptions(sessions, cid)).values()} == {"expired"}
    assert f"expired:{cid}:2026-12-01" in await keys(sessions)


@pytest.mark.parametrize(
    ("kind", "solution", "value", "lines"),
    [
        ("tier", "workspace", "starter", [("workspace", "starter", 5), ("process", "starter", 5)]),
        ("seats", "workspace", "3", [("workspace", "standard", 3), ("process", "starter", 3)]),
        ("remove", "process", None, [("workspace", "standard", 5)]),
    ],
)
async def test_P3_a_change_scheduled_after_the_order_cancels_it_and_orders_the_new_cart(
    sessions: Sessions, kind: str, solution: str, value: str | None, lines: list[tuple[str, str, int]]
) -> None:
    cid = await automatic(sessions)
    await renew_automatically(sessions, before(3))
    await schedule(sessions, cid, kind, solution, value)
    await renew_automatically(sessions, before(3))
    await renew_automatically(sessions, before(2))
    first, second = await orders(sessions)
    assert (first.status, second.status) == ("cancelled", "pending")
    assert [(s, t, n) for _, s, t, n, _ in await order_lines(sessions, second.id)] == lines
    assert [row.key for row in await outbox(sessions)] == [
        first.client_token + ":link",
        second.client_token + ":link",
    ]
    await pay(sessions, second.id, before(2))
    held = await subscriptions(sessions, cid)  # paid: nothing changes before the boundary (P3)
    assert sorted((sid, s.tier, s.seats, s.status) for sid, s in held.items()) == [
        ("process", "starter", 5, "active"),
        ("workspace", "standard", 5, "active"),
    ]
    await settle(sessions, ENDS)
    subs = await subscriptions(sessions, cid)
    running = sorted((sid, s.tier, s.seats) for sid, s in subs.items() if s.status == "active")
    assert running == sorted(lines)


async def test_Y3_yearly_to_monthly_the_order_buys_one_month(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace", cycle="yearly", start=dt.date(2025, 12, 1), mode="automatic")
    await schedule(sessions, cid, "monthly", "workspace")
    await renew_automatically(sessions, before(3))
    [order] = await orders(sessions)
    assert await order_lines(sessions, order.id) == [("renewal", "workspace", "standard", 5, "monthly")]
    await pay(sessions, order.id, before(3))
    await settle(sessions, ENDS)
    ws = (await subscriptions(sessions, cid))["workspace"]
    assert (ws.cycle, ws.period_start, ws.period_end) == ("monthly", ENDS, dt.date(2027, 1, 1))


async def test_P3_cancelling_everything_makes_no_renewal_order(sessions: Sessions) -> None:
    cid = await automatic(sessions)
    await schedule(sessions, cid, "cancel")
    for day in (before(7), before(3), before(1)):
        await renew_automatically(sessions, day)
    assert await orders(sessions) == [] and await outbox(sessions) == []


async def test_V1_a_cart_the_engine_refuses_falls_back_to_the_manual_reminder(sessions: Sessions) -> None:
    """A workspace held with a single user (an old import) cannot be renewed as is (S1)."""
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace", seats=1, mode="automatic")
    await renew_automatically(sessions, before(3))
    assert await orders(sessions) == []
    [row] = await outbox(sessions)
    assert row.key == f"renewal:{cid}:2026-12-01:3"
    assert row.payload is not None and (row.payload["kind"], row.payload["total"]) == (
        "renewal_reminder",
        None,
    )


async def test_V1_a_failed_payment_gets_a_new_order_and_link(sessions: Sessions) -> None:
    await automatic(sessions)
    await renew_automatically(sessions, before(3))
    [order] = await orders(sessions)
    async with transaction(sessions) as s:
        found = await s.get(Order, order.id)
        assert found is not None
        found.status = "failed"  # VNPAY declined the card (the IPN's settle_unpaid)
    await renew_automatically(sessions, before(3))
    first, second = await orders(sessions)
    assert second.client_token == first.client_token + ".2"
    assert len(await outbox(sessions)) == 2


async def test_C4_a_paid_renewal_keeps_the_addon_blocks_it_renews(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace", mode="automatic", addons={"storage": 2})
    await renew_automatically(sessions, before(3))
    [order] = await orders(sessions)
    assert order.amount == (500_000 + 2 * 50_000) * 108 // 100
    await pay(sessions, order.id, before(3))
    assert (await subscriptions(sessions, cid))["workspace"].addons == {"storage": 2}


async def test_V1_a_renewal_vnpay_confirms_after_the_plan_expired_still_renews_it(sessions: Sessions) -> None:
    cid = await automatic(sessions)
    await renew_automatically(sessions, before(3))
    await settle(sessions, ENDS)
    [order] = await orders(sessions)
    assert await pay(sessions, order.id, ENDS)  # the order was still pending: the IPN came late
    await settle(sessions, ENDS, hour=15)
    subs = await subscriptions(sessions, cid)
    assert {(s.status, s.period_start, s.period_end) for s in subs.values()} == {
        ("active", ENDS, dt.date(2027, 1, 1))
    }
