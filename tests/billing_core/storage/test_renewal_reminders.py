"""Manual renewal reminders queued in the outbox, on SQLite and PostgreSQL (V1, P3): 7, 3 and 1
days before a paid period ends, once each whatever the runs and restarts, saying what renews
after the changes scheduled, for which period and at what cost."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from billing_core.storage.database import transaction
from billing_core.storage.models import Customer, Subscription

from .conftest import Sessions, customer
from .lifecycle_support import ENDS, before, keys, outbox, remind, schedule, subscribe

NEXT = [{"start": "2026-12-01", "end": "2027-01-01"}]


async def test_V1_a_manual_plan_checked_daily_gets_its_three_reminders_once(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    day = before(40)
    while day <= ENDS + dt.timedelta(days=3):
        for _ in range(2):  # every minute, and after a restart
            await remind(sessions, day)
        day += dt.timedelta(days=1)
    assert await keys(sessions) == [f"renewal:{cid}:2026-12-01:{n}" for n in (7, 3, 1)]


async def test_V1_the_reminder_says_what_renews_for_which_period_and_the_cost(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace", addons={"storage": 2})
    await subscribe(sessions, cid, "process", "starter")
    assert await remind(sessions, before(7)) == 1
    [row] = await outbox(sessions)
    assert (row.customer_id, row.chat_id) == (cid, 1001)
    assert row.payload == {
        "kind": "renewal_reminder",
        "days": 7,
        "ends_on": "2026-12-01",
        "lines": [
            {"solution": "workspace", "tier": "standard", "seats": 5, "cycle": "monthly"},
            {"solution": "process", "tier": "starter", "seats": 5, "cycle": "monthly"},
        ],
        "periods": NEXT,
        "total": (500_000 + 250_000 + 100_000) * 108 // 100,
    }


async def test_P3_the_reminder_quotes_the_plan_as_it_will_be_after_the_downgrade(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await subscribe(sessions, cid, "workspace")
    await subscribe(sessions, cid, "process", "starter")
    await schedule(sessions, cid, "seats", "workspace", "3")
    await schedule(sessions, cid, "remove", "process")
    await remind(sessions, before(3))
    [row] = await outbox(sessions)
    assert row.payload is not None
    assert row.payload["lines"] == [
        {"solution": "workspace", "tier": "standard", "seats": 3, "cycle": "monthly"}
    ]
    assert row.payload["total"] == 300_000 * 108 // 100


@pytest.mark.parametrize("case", ["automatic", "renewed ahead", "cancelled", "unreachable", "expired"])
async def test_V1_no_manual_reminder_when_there_is_nothing_to_remind(sessions: Sessions, case: str) -> None:
    cid = await customer(sessions)
    await subscribe(
        sessions,
        cid,
        "workspace",
        mode="automatic" if case == "automatic" else "manual",
        status="expired" if case == "expired" else "active",
    )
    async with transaction(sessions) as s:
        if case == "renewed ahead":
            await s.execute(update(Subscription).values(paid_until=dt.date(2027, 1, 1)))
        if case == "unreachable":
            await s.execute(update(Customer).values(unreachable=True))
    if case == "cancelled":
        await schedule(sessions, cid, "cancel")
    assert await remind(sessions, before(7)) == 0
    assert await outbox(sessions) == []
