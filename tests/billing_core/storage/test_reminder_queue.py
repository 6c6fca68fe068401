"""Trial reminders queued in the outbox on SQLite and PostgreSQL (T1, T2): 7, 3 and 1 days
before a trial ends and on the day, one message per customer and trial end, once whatever
restarts or instances happen; none for trials bought since or customers who blocked the bot."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select, update

from billing_core.storage.database import transaction
from billing_core.storage.models import Customer, OutboxMessage, Trial
from billing_core.storage.reminder_queue import REMINDER, queue_due_reminders, reminder_key
from billing_core.storage.trial_store import import_trials
from billing_core.trial_import import TrialRow
from tests.billing_core.conftest import CLEEKSY

from .conftest import NOW, Sessions, add_subscription, customer

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
ENDS_ON = dt.date(2026, 12, 8)  # exclusive (T1): the trial's last day is 7 December


def before(days: int, ends_on: dt.date = ENDS_ON) -> dt.date:
    return ends_on - dt.timedelta(days=days)


def morning(day: dt.date) -> dt.datetime:
    """09:30 in Vietnam on `day`, as an aware instant (the sender's clock when it queues)."""
    return dt.datetime.combine(day, dt.time(9, 30), SAIGON)


async def add_trial(
    sessions: Sessions,
    customer_id: int,
    solution: str = "workspace",
    ends_on: dt.date = ENDS_ON,
    *,
    seats: int = 0,
    started_on: dt.date | None = None,
) -> None:
    async with transaction(sessions) as s:
        s.add(
            Trial(
                customer_id=customer_id,
                solution=solution,
                started_on=started_on or ends_on - dt.timedelta(days=30),
                ends_on=ends_on,
                activated_seats=seats,
                source="bot",
            )
        )


async def set_unreachable(sessions: Sessions, customer_id: int, unreachable: bool = True) -> None:
    async with transaction(sessions) as s:
        await s.execute(update(Customer).where(Customer.id == customer_id).values(unreachable=unreachable))


async def run(sessions: Sessions, today: dt.date) -> int:
    """One pass of the reminder scheduler on `today` (in the morning there)."""
    async with transaction(sessions) as s:
        return await queue_due_reminders(s, today, morning(today))


async def outbox(sessions: Sessions) -> list[OutboxMessage]:
    async with sessions() as s:
        return list(await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def keys(sessions: Sessions) -> list[str]:
    return [row.key for row in await outbox(sessions)]


def payload(days: int, solutions: list[str], seats: int = 0, ends_on: dt.date = ENDS_ON) -> dict[str, Any]:
    return {
        "kind": REMINDER,
        "days": days,
        "ends_on": ends_on.isoformat(),
        "solutions": solutions,
        "activated_seats": seats,
    }


# The reminder days


@pytest.mark.parametrize("days", [7, 3, 1, 0])
async def test_each_reminder_is_queued_on_its_day(sessions: Sessions, days: int) -> None:
    cid = await customer(sessions, 1001)
    await add_trial(sessions, cid, seats=4)
    assert await run(sessions, before(days)) == 1
    [row] = await outbox(sessions)
    assert row.key == reminder_key(cid, ENDS_ON, days) == f"reminder:{cid}:2026-12-08:{days}"
    assert (row.customer_id, row.chat_id, row.broadcast_id) == (cid, 1001, None)
    assert row.payload == payload(days, ["workspace"], seats=4)
    assert (row.status, row.attempts, row.sent_at, row.message_id, row.error) == (
        "pending",
        0,
        None,
        None,
        None,
    )
    assert row.not_before == row.created_at == morning(before(days))
    assert row.not_before.tzinfo is dt.UTC


async def test_a_trial_run_daily_gets_its_four_reminders_and_nothing_else(sessions: Sessions) -> None:
    """T1: the bot checks every day from before the trial starts until well after it ended."""
    cid = await customer(sessions)
    await add_trial(sessions, cid)
    queued_on: dict[dt.date, int] = {}
    day = before(40)
    while day <= ENDS_ON + dt.timedelta(days=20):
        if await run(sessions, day):
            queued_on[day] = (await outbox(sessions))[-1].payload["days"]  # type: ignore[index]
        day += dt.timedelta(days=1)
    assert queued_on == {before(7): 7, before(3): 3, before(1): 1, ENDS_ON: 0}
    assert await keys(sessions) == [reminder_key(cid, ENDS_ON, days) for days in (7, 3, 1, 0)]


@pytest.mark.parametrize("days", [30, 10, 8, 6, 5, 4, 2])
async def test_no_reminder_on_the_other_days(sessions: Sessions, days: int) -> None:
    cid = await customer(sessions)
    await add_trial(sessions, cid)
    assert await run(sessions, before(days)) == 0
    assert await outbox(sessions) == []


async def test_a_reminder_day_missed_is_not_sent_late(sessions: Sessions) -> None:
    """The bot was down on the 7-day and 3-day mornings: no late "7 days left" with 6 or 2 left."""
    cid = await customer(sessions)
    await add_trial(sessions, cid)
    for days in (6, 5, 4, 2):
        assert await run(sessions, before(days)) == 0
    assert await run(sessions, before(1)) == 1
    assert await keys(sessions) == [reminder_key(cid, ENDS_ON, 1)]


# Once


async def test_running_twice_on_a_day_queues_nothing_new(sessions: Sessions) -> None:
    """A restart (or a second pass) the same day: the outbox key makes each reminder once."""
    alice, bob = await customer(sessions, 1001), await customer(sessions, 1002)
    await add_trial(sessions, alice)
    await add_trial(sessions, bob, "process")
    assert await run(sessions, before(3)) == 2
    assert await run(sessions, before(3)) == 0
    async with transaction(sessions) as s:  # later the same day, after a restart
        assert await queue_due_reminders(s, before(3), morning(before(3)) + dt.timedelta(hours=8)) == 0
    rows = await outbox(sessions)
    assert [r.key for r in rows] == [reminder_key(alice, ENDS_ON, 3), reminder_key(bob, ENDS_ON, 3)]
    assert {r.not_before for r in rows} == {morning(before(3))}


async def test_a_sent_reminder_is_not_queued_again(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await add_trial(sessions, cid)
    await run(sessions, before(1))
    async with transaction(sessions) as s:
        await s.execute(update(OutboxMessage).values(status="sent", sent_at=NOW, message_id=77))
    assert await run(sessions, before(1)) == 0
    [row] = await outbox(sessions)
    assert (row.status, row.message_id) == ("sent", 77)


async def test_two_instances_at_once_queue_each_reminder_once(sessions: Sessions) -> None:
    ids = [await customer(sessions, 2000 + n) for n in range(5)]
    for cid in ids:
        await add_trial(sessions, cid)
    results = await asyncio.gather(*(run(sessions, before(7)) for _ in range(4)))
    assert sum(results) == 5
    assert sorted(await keys(sessions)) == sorted(reminder_key(cid, ENDS_ON, 7) for cid in ids)


# One message per customer and trial end


async def test_trials_ending_the_same_day_share_one_message(sessions: Sessions) -> None:
    """S4: the message offers the most seats any of them activated."""
    cid = await customer(sessions)
    await add_trial(sessions, cid, "workspace", seats=12)
    await add_trial(sessions, cid, "process", seats=3)
    await add_trial(sessions, cid, "appbuilder", seats=0)
    assert await run(sessions, before(7)) == 1
    [row] = await outbox(sessions)
    assert row.key == reminder_key(cid, ENDS_ON, 7)
    assert row.payload == payload(7, ["appbuilder", "process", "workspace"], seats=12)


async def test_trials_ending_on_different_days_have_their_own_messages(sessions: Sessions) -> None:
    cid = await customer(sessions)
    other_end = ENDS_ON + dt.timedelta(days=4)  # its 7-day reminder falls on ENDS_ON's 3-day one
    await add_trial(sessions, cid, "workspace", seats=2)
    await add_trial(sessions, cid, "process", other_end, seats=9)
    assert await run(sessions, before(3)) == 2
    rows = await outbox(sessions)
    assert [(r.key, r.payload) for r in rows] == [
        (reminder_key(cid, ENDS_ON, 3), payload(3, ["workspace"], seats=2)),
        (reminder_key(cid, other_end, 7), payload(7, ["process"], seats=9, ends_on=other_end)),
    ]


async def test_each_customer_gets_their_own_message(sessions: Sessions) -> None:
    alice, bob, carol = [await customer(sessions, tg) for tg in (1001, 1002, 1003)]
    await add_trial(sessions, alice, "workspace", seats=5)
    await add_trial(sessions, bob, "workspace", seats=1)
    await add_trial(sessions, bob, "process", seats=2)
    await add_trial(sessions, carol, "workspace", ENDS_ON + dt.timedelta(days=1))  # not due today
    assert await run(sessions, before(1)) == 2
    rows = await outbox(sessions)
    assert [(r.customer_id, r.chat_id, r.payload) for r in rows] == [
        (alice, 1001, payload(1, ["workspace"], seats=5)),
        (bob, 1002, payload(1, ["process", "workspace"], seats=2)),
    ]


# Who gets none


async def test_a_trial_bought_since_gets_no_reminder(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await add_trial(sessions, cid, "workspace")
    await add_subscription(sessions, cid, "workspace", "active")
    assert await run(sessions, before(7)) == 0
    assert await outbox(sessions) == []


async def test_only_the_trials_not_bought_are_named(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await add_trial(sessions, cid, "workspace", seats=20)
    await add_trial(sessions, cid, "process", seats=3)
    await add_subscription(sessions, cid, "workspace", "active")
    assert await run(sessions, before(3)) == 1
    [row] = await outbox(sessions)
    assert row.payload == payload(3, ["process"], seats=3)


async def test_a_purchase_by_someone_else_does_not_silence_a_trial(sessions: Sessions) -> None:
    alice, bob = await customer(sessions, 1001), await customer(sessions, 1002)
    await add_trial(sessions, alice, "workspace")
    await add_trial(sessions, bob, "workspace")
    await add_subscription(sessions, bob, "workspace", "active")
    await add_subscription(sessions, alice, "process", "active")  # another solution
    assert await run(sessions, before(7)) == 1
    assert await keys(sessions) == [reminder_key(alice, ENDS_ON, 7)]


@pytest.mark.parametrize("status", ["free", "locked", "expired"])
async def test_a_subscription_not_paid_and_running_does_not_count_as_bought(
    sessions: Sessions, status: str
) -> None:
    """T2: workspace falling back to free, or a locked solution, still gets the end notice."""
    cid = await customer(sessions)
    await add_trial(sessions, cid, "workspace")
    await add_subscription(sessions, cid, "workspace", status)
    assert await run(sessions, ENDS_ON) == 1
    assert await keys(sessions) == [reminder_key(cid, ENDS_ON, 0)]


async def test_an_unreachable_customer_gets_none(sessions: Sessions) -> None:
    blocked, reachable = await customer(sessions, 1001), await customer(sessions, 1002)
    await add_trial(sessions, blocked)
    await add_trial(sessions, reachable)
    await set_unreachable(sessions, blocked)
    assert await run(sessions, before(7)) == 1
    assert await keys(sessions) == [reminder_key(reachable, ENDS_ON, 7)]
    await set_unreachable(sessions, blocked, False)  # they unblocked the bot and wrote again
    assert await run(sessions, before(3)) == 2


# The end notice (T2)


@pytest.mark.parametrize("late", [1, 2, 3, 4, 5, 6])
async def test_the_end_notice_is_queued_up_to_six_days_late(sessions: Sessions, late: int) -> None:
    cid = await customer(sessions)
    await add_trial(sessions, cid, seats=2)
    day = ENDS_ON + dt.timedelta(days=late)
    assert await run(sessions, day) == 1
    [row] = await outbox(sessions)
    assert row.key == reminder_key(cid, ENDS_ON, 0)
    assert row.payload == payload(0, ["workspace"], seats=2)
    assert row.not_before == morning(day)


async def test_the_end_notice_goes_once_however_late(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await add_trial(sessions, cid)
    assert await run(sessions, ENDS_ON + dt.timedelta(days=2)) == 1
    for late in range(3, 10):
        assert await run(sessions, ENDS_ON + dt.timedelta(days=late)) == 0
    assert await keys(sessions) == [reminder_key(cid, ENDS_ON, 0)]


async def test_the_end_notice_is_not_queued_a_week_late(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await add_trial(sessions, cid)
    for late in (7, 8, 30):
        assert await run(sessions, ENDS_ON + dt.timedelta(days=late)) == 0
    assert await outbox(sessions) == []


async def test_a_trial_bought_after_it_ended_gets_no_late_notice(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await add_trial(sessions, cid)
    await add_subscription(sessions, cid, "workspace", "active")
    assert await run(sessions, ENDS_ON + dt.timedelta(days=1)) == 0


# A trial moved to another end


async def test_a_reimported_trial_with_a_new_end_gets_its_own_reminders(sessions: Sessions) -> None:
    """The platform extended the trial (a new import): the old end's reminders stay as they were
    and the new end gets its 7, 3, 1 and 0 (T1)."""
    first = TrialRow(2, 1001, "workspace", dt.date(2026, 11, 8), 3, "vi")
    async with transaction(sessions) as s:
        await import_trials(s, [first], CLEEKSY, NOW)
    async with sessions() as s:
        cid = await s.scalar(select(Customer.id).where(Customer.telegram_user_id == 1001))
        assert await s.scalar(select(Trial.ends_on)) == ENDS_ON
    assert cid is not None
    assert await run(sessions, before(7)) == 1
    assert await run(sessions, before(3)) == 1

    moved = TrialRow(2, 1001, "workspace", dt.date(2026, 11, 20), 6, "vi")
    new_end = dt.date(2026, 12, 20)
    async with transaction(sessions) as s:
        await import_trials(s, [moved], CLEEKSY, NOW)
    for days in (1, 0):  # the old end's days pass without a word
        assert await run(sessions, before(days)) == 0
    for days in (7, 3, 1, 0):
        assert await run(sessions, before(days, new_end)) == 1
        assert await run(sessions, before(days, new_end)) == 0
    rows = await outbox(sessions)
    assert [r.key for r in rows] == [
        reminder_key(cid, ENDS_ON, 7),
        reminder_key(cid, ENDS_ON, 3),
        *(reminder_key(cid, new_end, days) for days in (7, 3, 1, 0)),
    ]
    assert rows[-1].payload == payload(0, ["workspace"], seats=6, ends_on=new_end)


async def test_a_trial_moved_onto_a_day_already_reminded_is_not_reminded_twice(sessions: Sessions) -> None:
    """The key is per customer, trial end and day: a move back to the same end changes nothing."""
    cid = await customer(sessions)
    await add_trial(sessions, cid)
    assert await run(sessions, before(3)) == 1
    async with transaction(sessions) as s:
        await s.execute(update(Trial).values(ends_on=ENDS_ON + dt.timedelta(days=10)))
    async with transaction(sessions) as s:
        await s.execute(update(Trial).values(ends_on=ENDS_ON))
    assert await run(sessions, before(3)) == 0


# Keeping the outbox tidy


async def test_forgetting_a_customer_removes_their_reminders(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await add_trial(sessions, cid)
    await run(sessions, before(7))
    async with transaction(sessions) as s:
        await s.execute(delete(Customer).where(Customer.id == cid))
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
