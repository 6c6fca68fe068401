"""Changes scheduled from "My plan" (P3, Y3) on SQLite and PostgreSQL: stored with the survey's
answers and the targets they carry along (S2), listed until cancelled, cancelled once, and
judged again on what the database holds (handlers/account_store.schedule_change)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from billing_core.scheduled_changes import Target
from billing_core.storage.change_store import cancel_change, pending_changes, scheduled_targets
from billing_core.storage.database import transaction
from billing_core.storage.models import ChangeRequest, ScheduledChange
from conversations import ChangeRefused, ChangeScheduled, ScheduleChange
from handlers.account_store import read_account, schedule_change
from tests.billing_core.conftest import CLEEKSY
from tests.billing_core.storage.conftest import NOW, Sessions, add_subscription, customer


async def schedule(
    sessions: Sessions, customer_id: int, effect: ScheduleChange
) -> ChangeScheduled | ChangeRefused:
    async with transaction(sessions) as session:
        return await schedule_change(session, CLEEKSY, customer_id, effect, NOW)


async def test_S2_a_scheduled_change_is_stored_with_its_survey_and_what_it_carries(
    sessions: Sessions,
) -> None:
    cid = await customer(sessions)
    await add_subscription(sessions, cid, "workspace", "active")
    await add_subscription(sessions, cid, "process", "active")
    result = await schedule(sessions, cid, ScheduleChange("seats", "workspace", "3", "price", "x" * 1500))
    assert isinstance(result, ChangeScheduled)
    assert result.effective_on == dt.date(2026, 12, 10)
    async with sessions() as session:
        request = await session.scalar(select(ChangeRequest))
        assert request is not None
        assert (request.kind, request.value, request.reason, len(request.comment or "")) == (
            "seats",
            "3",
            "price",
            1000,
        )
        rows = list(await session.scalars(select(ScheduledChange).order_by(ScheduledChange.id)))
        assert [(r.seats, r.effective_on, r.status) for r in rows] == [
            (3, dt.date(2026, 12, 10), "scheduled")
        ] * 2
        assert await scheduled_targets(session, cid) == [
            Target("workspace", seats=3),
            Target("process", seats=3),
        ]
        account = await read_account(session, cid)
    assert [(c.kind, c.solution, c.value) for c in account.changes] == [("seats", "workspace", "3")]


async def test_S1_a_change_the_rules_refuse_is_not_stored(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await add_subscription(sessions, cid, "workspace", "active")
    result = await schedule(sessions, cid, ScheduleChange("seats", "workspace", "1", None, None))
    assert isinstance(result, ChangeRefused) and result.refusal is not None and result.refusal.rule == "S1"
    forged = await schedule(sessions, cid, ScheduleChange("bogus", "workspace", None, None, None))
    assert forged == ChangeRefused()
    async with sessions() as session:
        assert await pending_changes(session, cid) == []


async def test_P3_a_cancelled_change_is_cancelled_once_and_no_longer_listed(sessions: Sessions) -> None:
    cid = await customer(sessions)
    other = await customer(sessions, telegram_id=2002)
    await add_subscription(sessions, cid, "workspace", "active")
    result = await schedule(sessions, cid, ScheduleChange("cancel", "", None, None, None))
    assert isinstance(result, ChangeScheduled)
    async with transaction(sessions) as session:
        assert not await cancel_change(session, other, result.request_id, NOW)  # not theirs
        assert await cancel_change(session, cid, result.request_id, NOW)
        assert not await cancel_change(session, cid, result.request_id, NOW)  # once
    async with sessions() as session:
        assert await pending_changes(session, cid) == []
        assert await scheduled_targets(session, cid) == []
        statuses = set(await session.scalars(select(ScheduledChange.status)))
    assert statuses == {"cancelled"}
