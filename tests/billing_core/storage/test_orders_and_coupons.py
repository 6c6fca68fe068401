"""Orders, payments' settlement, activation and coupons on a real database (V5, K2, P1, D2)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from billing_core.coupons import Coupon
from billing_core.quote import Quote
from billing_core.storage.coupon_store import CouponExists, add_coupon, coupon_entry, disable_coupon
from billing_core.storage.customers import holdings_of
from billing_core.storage.database import transaction
from billing_core.storage.models import Order, Subscription
from billing_core.storage.orders import OrderRefused
from billing_core.storage.settlement import settle_paid, settle_unpaid
from billing_core.storage.units import in_session
from tests.billing_core.conftest import Y, ask, line
from tests.billing_core.storage.conftest import NOW, TIMEOUT, Sessions, customer, order, workspace_quote


async def test_V5_the_amount_is_fixed_at_creation(sessions: Sessions) -> None:
    cid = await customer(sessions)
    oid = await order(sessions, cid, "tap-1")
    async with sessions() as s:
        row = await s.get(Order, oid)
        assert row is not None and (row.amount, row.status) == (5_184_000, "pending")
        assert row.expires_at - NOW == TIMEOUT


async def test_two_taps_on_confirm_make_one_order(sessions: Sessions) -> None:
    cid = await customer(sessions)
    ids = await asyncio.gather(*(order(sessions, cid, "same-token") for _ in range(5)))
    assert len(set(ids)) == 1
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Order)) == 1


async def test_twenty_simultaneous_payments_activate_once(sessions: Sessions) -> None:
    cid = await customer(sessions)
    q = ask("2026-11-24", line("workspace", "standard", Y, 5), addons={"storage": 2})
    assert isinstance(q, Quote)
    oid = await order(sessions, cid, "t", q)

    async def pay() -> bool:
        async with transaction(sessions) as s:
            return await in_session(s, settle_paid, oid, NOW, "workspace")

    results = await asyncio.gather(*(pay() for _ in range(20)))
    assert results.count(True) == 1
    async with sessions() as s:
        (sub,) = (await s.scalars(select(Subscription))).all()
        assert (sub.tier, sub.seats, sub.status, sub.addons) == ("standard", 5, "active", {"storage": 2})
        assert (sub.period_start.isoformat(), sub.period_end.isoformat()) == ("2026-11-24", "2027-11-24")
        assert sub.anchor_day == 24  # Y5: kept for the renewals to come


async def test_a_settled_order_cannot_move_again(sessions: Sessions) -> None:
    cid = await customer(sessions)
    oid = await order(sessions, cid, "t")
    async with transaction(sessions) as s:
        assert await in_session(s, settle_unpaid, oid, "failed", NOW, "24")
    async with transaction(sessions) as s:
        assert not await in_session(s, settle_paid, oid, NOW, "workspace")
        assert not await in_session(s, settle_unpaid, oid, "expired", NOW)
    with pytest.raises(ValueError):
        async with transaction(sessions) as s:
            await in_session(s, settle_unpaid, oid, "pending", NOW)


async def test_P1_a_paid_process_joins_the_workspace_period(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await _pay(sessions, cid, "ws", workspace_quote())
    async with sessions() as s:
        holdings = await holdings_of(s, cid)
    q = ask("2027-03-01", line("process", "starter", Y), holdings=holdings)
    assert isinstance(q, Quote) and q.lines[0].planned.prorated
    await _pay(sessions, cid, "proc", q)
    async with sessions() as s:
        process = await s.scalar(select(Subscription).where(Subscription.solution == "process"))
        assert process is not None and (process.seats, process.period_end.isoformat()) == (5, "2027-11-24")


async def _pay(sessions: Sessions, cid: int, token: str, q: Quote) -> None:
    oid = await order(sessions, cid, token, q)
    async with transaction(sessions) as s:
        assert await in_session(s, settle_paid, oid, NOW, "workspace")


async def add(sessions: Sessions, coupon: Coupon) -> None:
    async with transaction(sessions) as s:
        await add_coupon(s, coupon, NOW)


async def test_K2_the_last_use_of_a_coupon_goes_to_one_of_two_racing_orders(sessions: Sessions) -> None:
    await add(sessions, Coupon("LAST1", percent_off=10, max_redemptions=1))
    a, b = await customer(sessions, 1), await customer(sessions, 2)

    quotes = {}
    for cid in (a, b):  # both customers saw one use left when they reached the review step
        async with sessions() as s:
            quotes[cid] = workspace_quote(coupon=await coupon_entry(s, "last1", cid))

    async def try_order(cid: int) -> str:
        try:
            await order(sessions, cid, f"tok-{cid}", quotes[cid])
            return "won"
        except OrderRefused as refused:
            return refused.refusal.code

    assert sorted(await asyncio.gather(try_order(a), try_order(b))) == ["K2.used_up", "won"]
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Order)) == 1


async def test_K2_a_failed_order_gives_its_coupon_use_back(sessions: Sessions) -> None:
    await add(sessions, Coupon("ONE", amount_off=100_000, max_redemptions=1))
    cid = await customer(sessions)
    async with sessions() as s:
        entry = await coupon_entry(s, "ONE", cid)
    oid = await order(sessions, cid, "t1", workspace_quote(coupon=entry))
    async with sessions() as s:
        assert (await coupon_entry(s, "ONE", cid)).usage.total == 1
    async with transaction(sessions) as s:
        await in_session(s, settle_unpaid, oid, "expired", NOW)
    async with sessions() as s:
        assert (await coupon_entry(s, "ONE", cid)).usage.total == 0


async def test_K2_a_paid_order_keeps_its_use_and_counts_per_customer(sessions: Sessions) -> None:
    await add(sessions, Coupon("MINE", percent_off=5, max_per_customer=1))
    cid = await customer(sessions)
    async with sessions() as s:
        entry = await coupon_entry(s, "MINE", cid)
    await _pay(sessions, cid, "t1", workspace_quote(coupon=entry))
    async with sessions() as s:
        again = await coupon_entry(s, "MINE", cid)
    assert (again.usage.total, again.usage.by_customer) == (1, 1)
    blocked = ask("2026-11-24", line("workspace", "standard", Y, 5), coupon=again)
    assert [r.code for r in blocked.refusals] == ["K2.customer_limit"]  # type: ignore[union-attr]


async def test_coupon_codes_are_unique_and_can_be_disabled(sessions: Sessions) -> None:
    await add(sessions, Coupon("TET", percent_off=10))
    with pytest.raises(CouponExists):
        await add(sessions, Coupon("tet", percent_off=20))
    async with transaction(sessions) as s:
        assert await disable_coupon(s, "tet")
    async with sessions() as s:
        entry = await coupon_entry(s, "TET", None)
    assert entry.coupon is not None and not entry.coupon.active
