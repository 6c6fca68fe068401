"""Period boundaries crossed in the database, on SQLite and PostgreSQL (V1, P3, Y3, D2, T2):
an unpaid period expires at its end and falls back after 7 days, not before; scheduled changes
are applied at the boundary, not the day before, exactly once whatever the runs; the customer
is told once per event and day."""

from __future__ import annotations

import asyncio
import datetime as dt
from datetime import date

import pytest
from sqlalchemy import select

from billing_core.cart import CartLine, QuoteRequest
from billing_core.periods import Cycle
from billing_core.quote import Blocked
from billing_core.storage.change_store import cancel_change
from billing_core.storage.checkout import place_order
from billing_core.storage.database import transaction
from billing_core.storage.models import ChangeRequest, Customer, ScheduledChange
from tests.billing_core.conftest import CLEEKSY

from .conftest import TIMEOUT, Sessions, customer
from .lifecycle_support import (
    ENDS,
    at,
    before,
    keys,
    order_lines,
    outbox,
    schedule,
    settle,
    subscribe,
    subscriptions,
)

M = Cycle.MONTHLY


async def test_V1_an_unpaid_period_expires_at_its_end_and_the_customer_is_told_once(
    sessions: Sessions,
) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace", addons={"storage": 1})
    await subscribe(sessions, cid, "process", "starter")
    assert await settle(sessions, before(1)) == 0
    assert {s.status for s in (await subscriptions(sessions, cid)).values()} == {"active"}

    assert await settle(sessions, ENDS) == 2
    assert await settle(sessions, ENDS, hour=23) == 0  # run again, or by another instance: nothing
    subs = await subscriptions(sessions, cid)
    assert {(s.status, s.period_end) for s in subs.values()} == {("expired", ENDS)}
    [notice] = await outbox(sessions)
    assert notice.key == f"expired:{cid}:2026-12-01"
    assert notice.not_before == at(ENDS, 9, 0)  # crossed at night, told in the morning
    assert notice.payload is not None
    assert (notice.payload["event"], notice.payload["solutions"]) == ("expired", ["workspace", "process"])
    renewal = notice.payload["renewal"]  # buying it again from today (D2 keeps them together)
    assert [x["solution"] for x in renewal["lines"]] == ["workspace", "process"]
    assert renewal["periods"] == [{"start": "2026-12-01", "end": "2027-01-01"}]
    assert renewal["total"] == (5 * 100_000 + 5 * 50_000 + 50_000) * 108 // 100


@pytest.mark.parametrize("days_after", [1, 6])
async def test_D2_within_seven_days_an_expired_plan_stays_expired(
    sessions: Sessions, days_after: int
) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    await settle(sessions, ENDS)
    assert await settle(sessions, ENDS + dt.timedelta(days=days_after)) == 0
    assert (await subscriptions(sessions, cid))["workspace"].status == "expired"


async def test_T2_seven_days_after_expiry_the_workspace_is_free_and_process_locked(
    sessions: Sessions,
) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    await subscribe(sessions, cid, "process", "starter")
    await settle(sessions, ENDS)
    assert await settle(sessions, ENDS + dt.timedelta(days=7)) == 2
    assert await settle(sessions, ENDS + dt.timedelta(days=8)) == 0
    subs = await subscriptions(sessions, cid)
    assert (subs["workspace"].tier, subs["workspace"].status) == ("free", "free")
    assert (subs["process"].tier, subs["process"].status) == ("starter", "locked")
    assert await keys(sessions) == [f"expired:{cid}:2026-12-01", f"fell_back:{cid}:2026-12-01"]
    fell_back = (await outbox(sessions))[1].payload
    assert fell_back == {
        "kind": "plan_notice",
        "event": "fell_back",
        "on": "2026-12-01",
        "solutions": ["workspace", "process"],
    }


async def test_D2_within_the_window_a_process_order_renews_the_workspace_too(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    await settle(sessions, ENDS)
    day = ENDS + dt.timedelta(days=3)
    process = CartLine("process", "starter", M)
    async with transaction(sessions) as s:
        buyer = await s.get(Customer, cid)
        assert buyer is not None
        alone = await place_order(
            s,
            catalogue=CLEEKSY,
            customer=buyer,
            request=QuoteRequest(day, (process,)),
            client_token="p1",
            now=at(day),
            timeout=TIMEOUT,
        )
        assert isinstance(alone, Blocked) and [r.rule for r in alone.refusals] == ["D2"]
        [fix] = [r.fix for r in alone.refusals]
        assert fix is not None and fix.line == {
            "solution": "workspace",
            "tier": "standard",
            "cycle": "monthly",
            "seats": 5,
        }
        both = await place_order(
            s,
            catalogue=CLEEKSY,
            customer=buyer,
            request=QuoteRequest(day, (CartLine("workspace", "standard", M, 5), process)),
            client_token="p2",
            now=at(day),
            timeout=TIMEOUT,
        )
        assert not isinstance(both, Blocked)
    assert await order_lines(sessions, both.id) == [
        ("new", "workspace", "standard", 5, "monthly"),
        ("new", "process", "starter", 5, "monthly"),
    ]


async def test_V1_a_quote_never_sees_a_running_plan_whose_period_ended(sessions: Sessions) -> None:
    """The job has not run yet this morning: the order crosses the customer's boundary first."""
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    async with transaction(sessions) as s:
        buyer = await s.get(Customer, cid)
        assert buyer is not None
        order = await place_order(
            s,
            catalogue=CLEEKSY,
            customer=buyer,
            request=QuoteRequest(ENDS, (CartLine("workspace", "standard", M, 5),)),
            client_token="again",
            now=at(ENDS, 7),
            timeout=TIMEOUT,
        )
        assert not isinstance(order, Blocked)
    assert await order_lines(sessions, order.id) == [("new", "workspace", "standard", 5, "monthly")]
    assert (await subscriptions(sessions, cid))["workspace"].status == "expired"
    assert await keys(sessions) == [f"expired:{cid}:2026-12-01"]


async def test_two_runners_cross_a_boundary_once(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    await subscribe(sessions, cid, "process", "starter")
    await schedule(sessions, cid, "tier", "workspace", "starter")
    moved = await asyncio.gather(*(settle(sessions, ENDS) for _ in range(4)))
    assert sum(moved) == 2
    assert len(await outbox(sessions)) == 1
    async with sessions() as s:
        assert list(await s.scalars(select(ScheduledChange.status))) == ["applied"]


# Scheduled changes (P3, Y3): at the boundary, not the day before


async def _request_status(sessions: Sessions, request_id: int) -> str:
    async with sessions() as s:
        found = await s.get(ChangeRequest, request_id)
        assert found is not None
        return found.status


@pytest.mark.parametrize(
    ("kind", "solution", "value", "after"),
    [
        (
            "tier",
            "workspace",
            "starter",
            {
                "workspace": ("starter", 5, "monthly", "expired"),
                "process": ("starter", 5, "monthly", "expired"),
            },
        ),
        (
            "seats",
            "workspace",
            "3",
            {
                "workspace": ("standard", 3, "monthly", "expired"),
                "process": ("starter", 3, "monthly", "expired"),
            },
        ),
        (
            "remove",
            "process",
            None,
            {
                "workspace": ("standard", 5, "monthly", "expired"),
                "process": ("starter", 5, "monthly", "locked"),
            },
        ),
        (
            "cancel",
            "",
            None,
            {"workspace": ("free", 5, "monthly", "free"), "process": ("starter", 5, "monthly", "locked")},
        ),
    ],
)
async def test_P3_a_downgrade_is_applied_at_the_boundary_and_not_the_day_before(
    sessions: Sessions,
    kind: str,
    solution: str,
    value: str | None,
    after: dict[str, tuple[str, int, str, str]],
) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    await subscribe(sessions, cid, "process", "starter")
    request_id = await schedule(sessions, cid, kind, solution, value)

    async def held() -> dict[str, tuple[str, int | None, str, str]]:
        subs = await subscriptions(sessions, cid)
        return {sid: (s.tier, s.seats, s.cycle, s.status) for sid, s in subs.items()}

    as_bought = await held()
    assert await settle(sessions, before(1)) == 0
    assert {s.tier for s in (await subscriptions(sessions, cid)).values()} == {"standard", "starter"}
    assert await held() == as_bought  # not the day before: tier, users, cycle and status alike

    await settle(sessions, ENDS)
    await settle(sessions, ENDS + dt.timedelta(days=1))
    subs = await subscriptions(sessions, cid)
    assert {sid: (s.tier, s.seats, s.cycle, s.status) for sid, s in subs.items()} == after
    assert await _request_status(sessions, request_id) == "done"
    async with sessions() as s:
        changes = list(await s.scalars(select(ScheduledChange)))
    assert {(c.status, c.applied_at is not None) for c in changes} == {("applied", True)}


async def test_P3_ending_as_asked_is_told_as_such_not_as_an_expiry(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    await subscribe(sessions, cid, "process", "starter")
    await schedule(sessions, cid, "remove", "process")
    await settle(sessions, ENDS)
    notices = {row.key: row.payload for row in await outbox(sessions)}
    assert notices.keys() == {f"ended:{cid}:2026-12-01", f"expired:{cid}:2026-12-01"}
    assert notices[f"ended:{cid}:2026-12-01"]["solutions"] == ["process"]  # type: ignore[index]
    assert notices[f"expired:{cid}:2026-12-01"]["solutions"] == ["workspace"]  # type: ignore[index]


async def test_Y3_yearly_to_monthly_is_applied_at_the_boundary_with_the_yearly_process(
    sessions: Sessions,
) -> None:
    cid = await customer(sessions)
    year = {"cycle": "yearly", "start": date(2025, 12, 1)}
    await subscribe(sessions, cid, "workspace", **year)  # type: ignore[arg-type]
    await subscribe(sessions, cid, "process", "starter", **year)  # type: ignore[arg-type]
    await schedule(sessions, cid, "monthly", "workspace")
    await settle(sessions, before(1))
    assert {s.cycle for s in (await subscriptions(sessions, cid)).values()} == {"yearly"}
    await settle(sessions, ENDS)
    assert {s.cycle for s in (await subscriptions(sessions, cid)).values()} == {"monthly"}


async def test_P3_a_cancelled_change_is_not_applied(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    request_id = await schedule(sessions, cid, "tier", "workspace", "starter")
    async with transaction(sessions) as s:
        assert await cancel_change(s, cid, request_id, at(before(2)))
    await settle(sessions, ENDS)
    assert (await subscriptions(sessions, cid))["workspace"].tier == "standard"
    assert await _request_status(sessions, request_id) == "cancelled"


async def test_customers_who_blocked_the_bot_cross_their_boundary_untold(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    async with transaction(sessions) as s:
        found = await s.get(Customer, cid)
        assert found is not None
        found.unreachable = True
    assert await settle(sessions, ENDS) == 1
    assert await outbox(sessions) == []
