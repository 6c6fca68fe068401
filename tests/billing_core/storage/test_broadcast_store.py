"""Operator broadcasts on SQLite and PostgreSQL (conversation.md, "Operators"): who each segment
reaches (unreachable customers counted apart), every recipient queued once by one INSERT … SELECT,
pausing, resuming, cancelling, finishing, and the report."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from billing_core.segments import Segment, parse_segment
from billing_core.storage.broadcast_store import (
    Audience,
    BroadcastStateError,
    Report,
    audience,
    broadcast_report,
    cancel_broadcast,
    draft_broadcast,
    finish_if_sent,
    pause_broadcast,
    resume_broadcast,
    start_broadcast,
)
from billing_core.storage.database import transaction
from billing_core.storage.models import Broadcast, Customer, OutboxMessage
from billing_core.storage.outbox_store import Outcome, due_messages, queue, record
from billing_core.storage.segment_query import segment_customers
from tests.billing_core.conftest import CLEEKSY

from .conftest import NOW, Sessions, add_subscription, customer
from .test_reminder_queue import add_trial, set_unreachable

TODAY = dt.date(2026, 11, 24)  # NOW (03:00 UTC) is 10:00 that day in Vietnam
LATER = NOW + dt.timedelta(minutes=7)
HANOI = dt.timezone(dt.timedelta(hours=7))


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@dataclass(frozen=True, slots=True)
class Person:
    trials: tuple[tuple[str, int, int], ...] = ()  # (solution, started_on, ends_on) in days from TODAY
    subscriptions: tuple[tuple[str, str], ...] = ()  # (solution, status)
    unreachable: bool = False


# Telegram user id → what they hold on TODAY.
PEOPLE: Mapping[int, Person] = {
    101: Person(),  # known to the bot, nothing more
    102: Person(trials=(("workspace", -10, 20),)),
    103: Person(trials=(("process", -23, 7),)),  # ends in 7 days: the window's last day
    104: Person(trials=(("appbuilder", -22, 8),)),  # ends in 8 days: not expiring yet
    105: Person(trials=(("workspace", -29, 1),)),  # today is its last day (T1: ends_on exclusive)
    106: Person(trials=(("workspace", -30, 0),)),  # ended today, not bought
    107: Person(trials=(("workspace", -40, -10),), subscriptions=(("workspace", "active"),)),  # bought
    108: Person(subscriptions=(("process", "expired"),)),
    109: Person(subscriptions=(("appbuilder", "locked"),)),  # T2: locked until paid
    110: Person(trials=(("workspace", -5, 25),), subscriptions=(("workspace", "active"),)),  # bought early
    111: Person(trials=(("process", -27, 3),), unreachable=True),  # blocked the bot
    112: Person(trials=(("workspace", 1, 31),)),  # starts tomorrow
    113: Person(subscriptions=(("workspace", "free"),)),  # T2: workspace fell back to free
    114: Person(trials=(("process", -60, -30),)),  # ended a month ago, not bought
    115: Person(subscriptions=(("workspace", "expired"),), unreachable=True),
}

# Segment → (reachable members, unreachable members), by Telegram user id.
EXPECTED: Mapping[str, tuple[set[int], set[int]]] = {
    "all": (set(PEOPLE) - {111, 115}, {111, 115}),
    "trial": ({102, 103, 104, 105}, {111}),
    "trial-expiring": ({103, 105}, {111}),
    "expired": ({106, 108, 109, 114}, {115}),
    "solution:workspace": ({102, 105, 107, 110}, set()),
    "solution:process": ({103}, {111}),
    "solution:appbuilder": ({104}, set()),
}


async def populate(sessions: Sessions, people: Mapping[int, Person] = PEOPLE) -> dict[int, int]:
    """The people as customers; their ids by Telegram user id."""
    ids: dict[int, int] = {}
    for telegram_id, person in people.items():
        cid = ids[telegram_id] = await customer(sessions, telegram_id)
        for solution, start, end in person.trials:
            await add_trial(sessions, cid, solution, days(end), started_on=days(start))
        for solution, status in person.subscriptions:
            await add_subscription(sessions, cid, solution, status)
        if person.unreachable:
            await set_unreachable(sessions, cid)
    return ids


def seg(text: str) -> Segment:
    return parse_segment(text, CLEEKSY)


async def members(sessions: Sessions, text: str) -> list[int]:
    """The Telegram user ids of the segment's reachable customers, in the query's order."""
    async with sessions() as s:
        return [chat for _, chat in await s.execute(segment_customers(seg(text), TODAY))]


async def sending_now(session: AsyncSession) -> list[int]:
    """The broadcasts being sent, by id."""
    query = select(Broadcast.id).where(Broadcast.status == "sending").order_by(Broadcast.id)
    return list(await session.scalars(query))


async def audience_of(sessions: Sessions, text: str) -> Audience:
    async with sessions() as s:
        return await audience(s, seg(text), TODAY)


async def draft(sessions: Sessions, segment: str = "all", text: str | None = "Xin chào!") -> int:
    async with transaction(sessions) as s:
        template = None if text is not None else "upgrade_offer"
        row = await draft_broadcast(s, seg(segment), text=text, template=template, created_by="cli", now=NOW)
        return row.id


async def start(sessions: Sessions, broadcast_id: int, segment: str = "all", now: dt.datetime = NOW) -> int:
    async with transaction(sessions) as s:
        return await start_broadcast(s, broadcast_id, seg(segment), TODAY, now)


async def pause(sessions: Sessions, broadcast_id: int) -> None:
    async with transaction(sessions) as s:
        await pause_broadcast(s, broadcast_id)


async def resume(sessions: Sessions, broadcast_id: int) -> None:
    async with transaction(sessions) as s:
        await resume_broadcast(s, broadcast_id)


async def cancel(sessions: Sessions, broadcast_id: int, now: dt.datetime = LATER) -> None:
    async with transaction(sessions) as s:
        await cancel_broadcast(s, broadcast_id, now)


async def finish(sessions: Sessions, broadcast_id: int, now: dt.datetime = LATER) -> bool:
    async with transaction(sessions) as s:
        return await finish_if_sent(s, broadcast_id, now)


async def stored(sessions: Sessions, broadcast_id: int) -> Broadcast:
    async with sessions() as s:
        found = await s.get(Broadcast, broadcast_id)
    assert found is not None
    return found


async def report(sessions: Sessions, broadcast_id: int) -> Report:
    async with sessions() as s:
        return await broadcast_report(s, broadcast_id)


async def rows_of(sessions: Sessions, broadcast_id: int) -> list[OutboxMessage]:
    async with sessions() as s:
        query = (
            select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id).order_by(OutboxMessage.id)
        )
        return list(await s.scalars(query))


async def statuses(sessions: Sessions, broadcast_id: int) -> dict[str, int]:
    """How many of the broadcast's rows are in each status, counted here (not by the report)."""
    found: dict[str, int] = {}
    for row in await rows_of(sessions, broadcast_id):
        found[row.status] = found.get(row.status, 0) + 1
    return found


async def mark(sessions: Sessions, rows: list[OutboxMessage], status: str) -> None:
    """What the sender would record for these rows."""
    outcomes = [
        Outcome(r.id, status, 1, r.not_before, sent_at=LATER if status == "sent" else None) for r in rows
    ]
    async with transaction(sessions) as s:
        await record(s, outcomes)


# Segments


@pytest.mark.parametrize("text", list(EXPECTED))
async def test_each_segment_reaches_its_customers_and_counts_the_unreachable_apart(
    sessions: Sessions, text: str
) -> None:
    await populate(sessions)
    reachable, unreachable = EXPECTED[text]
    found = await members(sessions, text)
    assert found == sorted(reachable)  # by customer id, which follows the order they were added
    assert await audience_of(sessions, text) == Audience(len(reachable), len(unreachable))


async def test_the_trial_segments_follow_the_days(sessions: Sessions) -> None:
    """A trial ending (exclusively) in 7 days is expiring; on its end day it is expired (T1)."""
    await populate(sessions, {201: Person(trials=(("workspace", -20, 10),))})

    async def segments_on(day: dt.date) -> set[str]:
        async with sessions() as s:
            found: set[str] = set()
            for text in ("trial", "trial-expiring", "expired", "solution:workspace"):
                if list(await s.execute(segment_customers(seg(text), day))):
                    found.add(text)
            return found

    assert await segments_on(days(-21)) == set()  # before it started
    assert await segments_on(days(-20)) == {"trial", "solution:workspace"}
    assert await segments_on(days(2)) == {"trial", "solution:workspace"}
    assert await segments_on(days(3)) == {"trial", "trial-expiring", "solution:workspace"}
    assert await segments_on(days(9)) == {"trial", "trial-expiring", "solution:workspace"}
    assert await segments_on(days(10)) == {"expired"}
    assert await segments_on(days(400)) == {"expired"}


async def test_a_customer_is_in_a_segment_once_whatever_they_hold(sessions: Sessions) -> None:
    several = Person(
        trials=(("workspace", -5, 3), ("process", -5, 3), ("appbuilder", -40, -10)),
        subscriptions=(("appbuilder", "locked"),),
    )
    await populate(sessions, {301: several, 302: Person()})
    for text in ("all", "trial", "trial-expiring", "expired"):
        assert (await members(sessions, text)).count(301) == 1


async def test_a_solution_segment_counts_a_subscription_on_trial(sessions: Sessions) -> None:
    """segments.py: `solution:<id>` is "holding that solution, paid and running or on trial"."""
    await populate(
        sessions,
        {
            401: Person(subscriptions=(("process", "trial"),)),
            402: Person(subscriptions=(("process", "free"),)),
        },
    )
    assert await members(sessions, "solution:process") == [401]


async def test_a_customer_who_blocks_the_bot_leaves_every_segment(sessions: Sessions) -> None:
    ids = await populate(sessions, {501: Person(trials=(("workspace", -1, 6),))})
    before = {text: await members(sessions, text) for text in EXPECTED}
    await set_unreachable(sessions, ids[501])
    for text, found in before.items():
        assert 501 not in await members(sessions, text)
        blocked = (await audience_of(sessions, text)).unreachable
        assert blocked == (1 if found else 0), text


# Drafting and starting


async def test_a_draft_keeps_what_the_operator_asked_for(sessions: Sessions) -> None:
    async with transaction(sessions) as s:
        own = await draft_broadcast(
            s,
            seg("solution:process"),
            text="Bảo trì tối nay",
            template=None,
            created_by="admin:42",
            now=NOW,
            notify_chat_id=42,
        )
        templated = await draft_broadcast(
            s, seg("trial"), text=None, template="upgrade_offer", created_by="cli", now=NOW
        )
    first, second = await stored(sessions, own.id), await stored(sessions, templated.id)
    assert (first.segment, first.text, first.template, first.created_by) == (
        "solution:process",
        "Bảo trì tối nay",
        None,
        "admin:42",
    )
    assert (first.status, first.recipients, first.notify_chat_id, first.created_at) == ("draft", 0, 42, NOW)
    assert (first.started_at, first.finished_at, first.notify_message_id) == (None, None, None)
    assert (second.segment, second.text, second.template, second.notify_chat_id) == (
        "trial",
        None,
        "upgrade_offer",
        None,
    )
    assert await rows_of(sessions, own.id) == []  # nobody is queued before the start


@pytest.mark.parametrize("text", list(EXPECTED))
async def test_starting_queues_each_reachable_recipient_once(sessions: Sessions, text: str) -> None:
    ids = await populate(sessions)
    bid = await draft(sessions, text)
    reachable, _ = EXPECTED[text]
    assert await start(sessions, bid, text, NOW.astimezone(HANOI)) == len(reachable)
    rows = await rows_of(sessions, bid)
    assert [(r.key, r.customer_id, r.chat_id) for r in rows] == [
        (f"broadcast:{bid}:{ids[tg]}", ids[tg], tg) for tg in sorted(reachable)
    ]
    assert {(r.status, r.attempts, r.payload, r.not_before, r.created_at) for r in rows} <= {
        ("pending", 0, None, NOW, NOW)
    }
    started = await stored(sessions, bid)
    assert (started.status, started.recipients, started.started_at) == ("sending", len(reachable), NOW)
    assert started.started_at is not None and started.started_at.tzinfo is dt.UTC
    assert await audience_of(sessions, text) == Audience(len(reachable), len(EXPECTED[text][1]))


async def test_the_recipients_are_those_of_the_start(sessions: Sessions) -> None:
    """A customer arriving later is not added; one blocking the bot later stays queued (the
    sender sees them unreachable and skips them)."""
    alice, bob = await customer(sessions, 1001), await customer(sessions, 1002)
    bid = await draft(sessions)
    assert await start(sessions, bid) == 2
    await customer(sessions, 1003)
    await set_unreachable(sessions, bob)
    assert [r.customer_id for r in await rows_of(sessions, bid)] == [alice, bob]
    async with sessions() as s:
        due = await due_messages(s, LATER, 10, bid)
    assert [(d.customer_id, d.unreachable, d.text) for d in due] == [
        (alice, False, "Xin chào!"),
        (bob, True, "Xin chào!"),
    ]


async def test_two_broadcasts_to_the_same_people_have_their_own_messages(sessions: Sessions) -> None:
    cid = await customer(sessions)
    first, second = await draft(sessions), await draft(sessions, text=None)
    assert await start(sessions, first) == 1
    assert await start(sessions, second) == 1
    assert [r.key for r in await rows_of(sessions, first)] == [f"broadcast:{first}:{cid}"]
    assert [r.key for r in await rows_of(sessions, second)] == [f"broadcast:{second}:{cid}"]
    async with sessions() as s:
        assert await sending_now(s) == [first, second]


async def test_an_empty_segment_starts_and_finishes_at_once(sessions: Sessions) -> None:
    await populate(sessions, {601: Person()})
    bid = await draft(sessions, "trial")
    assert await start(sessions, bid, "trial") == 0
    assert (await stored(sessions, bid)).status == "sending"
    assert await finish(sessions, bid)
    done = await stored(sessions, bid)
    assert (done.status, done.recipients, done.finished_at) == ("done", 0, LATER)


async def test_a_broadcast_starts_once(sessions: Sessions) -> None:
    await customer(sessions, 1001)
    bid = await draft(sessions)
    assert await start(sessions, bid) == 1
    await customer(sessions, 1002)
    with pytest.raises(BroadcastStateError, match="not a draft"):
        await start(sessions, bid, now=LATER)
    assert len(await rows_of(sessions, bid)) == 1
    assert (await stored(sessions, bid)).started_at == NOW


async def test_concurrent_starts_of_one_broadcast_queue_once(sessions: Sessions) -> None:
    for tg in range(1001, 1011):
        await customer(sessions, tg)
    bid = await draft(sessions)
    results = await asyncio.gather(*(start(sessions, bid) for _ in range(3)), return_exceptions=True)
    assert results.count(10) == 1
    assert sum(isinstance(r, BroadcastStateError) for r in results) == 2
    assert len(await rows_of(sessions, bid)) == 10
    assert (await stored(sessions, bid)).recipients == 10


async def test_a_start_that_fails_queues_nobody(sessions: Sessions) -> None:
    """The rows and the change of state are one transaction: all recipients or none."""
    await customer(sessions, 1001)
    bid = await draft(sessions)
    with pytest.raises(RuntimeError):
        async with transaction(sessions) as s:
            await start_broadcast(s, bid, seg("all"), TODAY, NOW)
            raise RuntimeError("the process was killed")
    assert await rows_of(sessions, bid) == []
    assert (await stored(sessions, bid)).status == "draft"
    assert await start(sessions, bid) == 1


async def test_a_broadcast_that_does_not_exist_is_refused(sessions: Sessions) -> None:
    for action in (
        lambda s: start_broadcast(s, 999, seg("all"), TODAY, NOW),
        lambda s: pause_broadcast(s, 999),
        lambda s: resume_broadcast(s, 999),
        lambda s: cancel_broadcast(s, 999, NOW),
        lambda s: broadcast_report(s, 999),
    ):
        with pytest.raises(BroadcastStateError, match="no broadcast 999"):
            async with transaction(sessions) as s:
                await action(s)


async def test_many_customers_are_queued_in_one_statement(engine: AsyncEngine, sessions: Sessions) -> None:
    """3,000 customers, one in ten unreachable: one INSERT … SELECT queues the 2,700 others."""
    total = 3000
    async with transaction(sessions) as s:
        await s.execute(
            insert(Customer),
            [
                {
                    "telegram_user_id": 500_000 + n,
                    "language": "vi",
                    "unreachable": n % 10 == 0,
                    "created_at": NOW,
                }
                for n in range(total)
            ],
        )
    assert await audience_of(sessions, "all") == Audience(2700, 300)
    bid = await draft(sessions)
    with statements(engine) as seen:
        queued = await start(sessions, bid)
    assert queued == 2700
    inserts = [(sql, many) for sql, many in seen if sql.lstrip().upper().startswith("INSERT INTO OUTBOX")]
    assert len(inserts) == 1 and inserts[0][1] is False  # one statement, not one per recipient
    assert len(seen) <= 5  # lock the broadcast, insert, count, update it, (SQLite's BEGIN)
    rows = await rows_of(sessions, bid)
    assert len({r.key for r in rows}) == len(rows) == 2700
    assert {r.chat_id for r in rows} == {500_000 + n for n in range(total) if n % 10}
    async with sessions() as s:
        first = await due_messages(s, LATER, 100)
    assert [d.id for d in first] == [r.id for r in rows[:100]]
    await cancel(sessions, bid)
    assert await statuses(sessions, bid) == {"cancelled": 2700}


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[tuple[str, bool]]]:
    """The SQL sent to the database inside the block, and whether each was an executemany."""
    seen: list[tuple[str, bool]] = []

    def note(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, many: bool) -> None:
        seen.append((statement, many))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


# Pausing, resuming, cancelling


async def broadcast_in(sessions: Sessions, status: str) -> int:
    """A broadcast to one customer, brought to `status` the way an operator would."""
    if not await members(sessions, "all"):
        await customer(sessions, 1001)
    bid = await draft(sessions)
    if status == "cancelled":
        await cancel(sessions, bid)
    if status in ("sending", "paused", "done"):
        await start(sessions, bid)
    if status == "paused":
        await pause(sessions, bid)
    if status == "done":
        await mark(sessions, await rows_of(sessions, bid), "sent")
        assert await finish(sessions, bid)
    assert (await stored(sessions, bid)).status == status
    return bid


ACTIONS = ("start", "pause", "resume", "cancel")
ALLOWED = {  # (from, action) → to; every other pair is refused
    ("draft", "start"): "sending",
    ("draft", "cancel"): "cancelled",
    ("sending", "pause"): "paused",
    ("sending", "cancel"): "cancelled",
    ("paused", "resume"): "sending",
    ("paused", "cancel"): "cancelled",
}


async def act(sessions: Sessions, broadcast_id: int, action: str) -> None:
    actions: dict[str, Callable[[Sessions, int], Awaitable[object]]] = {
        "start": start,
        "pause": pause,
        "resume": resume,
        "cancel": cancel,
    }
    await actions[action](sessions, broadcast_id)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", ["draft", "sending", "paused", "done", "cancelled"])
async def test_the_moves_between_states(sessions: Sessions, status: str, action: str) -> None:
    bid = await broadcast_in(sessions, status)
    to = ALLOWED.get((status, action))
    if to is None:
        with pytest.raises(BroadcastStateError, match=f"broadcast {bid} is {status}"):
            await act(sessions, bid, action)
        assert (await stored(sessions, bid)).status == status  # the refusal changed nothing
    else:
        await act(sessions, bid, action)
        assert (await stored(sessions, bid)).status == to


async def test_pausing_and_resuming_keep_the_queue(sessions: Sessions) -> None:
    for tg in (1001, 1002, 1003):
        await customer(sessions, tg)
    bid = await draft(sessions)
    await start(sessions, bid)
    rows = await rows_of(sessions, bid)
    await mark(sessions, rows[:1], "sent")
    await pause(sessions, bid)
    async with sessions() as s:
        assert await sending_now(s) == []
        assert await due_messages(s, LATER, 10) == []
    paused = await stored(sessions, bid)
    assert (paused.status, paused.finished_at) == ("paused", None)
    assert await statuses(sessions, bid) == {"sent": 1, "pending": 2}
    assert not await finish(sessions, bid)
    await resume(sessions, bid)
    async with sessions() as s:
        assert await sending_now(s) == [bid]
        assert [d.id for d in await due_messages(s, LATER, 10)] == [r.id for r in rows[1:]]
    assert (await stored(sessions, bid)).started_at == NOW  # a resume is not a new start


@pytest.mark.parametrize("status", ["sending", "paused"])
async def test_cancelling_cancels_what_is_pending_and_keeps_what_was_sent(
    sessions: Sessions, status: str
) -> None:
    for tg in range(1001, 1007):
        await customer(sessions, tg)
    bid = await draft(sessions)
    await start(sessions, bid)
    rows = await rows_of(sessions, bid)
    await mark(sessions, rows[:2], "sent")
    await mark(sessions, rows[2:3], "blocked")
    await mark(sessions, rows[3:4], "failed")
    if status == "paused":
        await pause(sessions, bid)
    await cancel(sessions, bid, LATER.astimezone(HANOI))
    after = {r.id: r.status for r in await rows_of(sessions, bid)}
    assert [after[r.id] for r in rows] == ["sent", "sent", "blocked", "failed", "cancelled", "cancelled"]
    assert [r.sent_at for r in await rows_of(sessions, bid)][:2] == [LATER, LATER]
    cancelled = await stored(sessions, bid)
    assert (cancelled.status, cancelled.finished_at) == ("cancelled", LATER)
    async with sessions() as s:
        assert await due_messages(s, LATER, 10) == []
    assert not await finish(sessions, bid)  # cancelled stays cancelled


async def test_cancelling_a_broadcast_leaves_the_others_and_the_reminders(sessions: Sessions) -> None:
    cid = await customer(sessions)
    doomed, kept = await draft(sessions), await draft(sessions)
    await start(sessions, doomed)
    await start(sessions, kept)
    async with transaction(sessions) as s:
        await queue(s, "reminder:x", cid, 1001, NOW, payload={"kind": "trial_reminder"})
    await cancel(sessions, doomed)
    async with sessions() as s:
        found = await due_messages(s, LATER, 10)
    assert [(d.broadcast_id, d.customer_id) for d in found] == [(None, cid), (kept, cid)]


# Finishing and the report


async def test_a_broadcast_finishes_once_nothing_is_pending(sessions: Sessions) -> None:
    for tg in (1001, 1002, 1003):
        await customer(sessions, tg)
    bid = await draft(sessions)
    await start(sessions, bid)
    rows = await rows_of(sessions, bid)
    await mark(sessions, rows[:2], "sent")
    assert not await finish(sessions, bid)
    assert (await stored(sessions, bid)).status == "sending"
    retry = Outcome(rows[2].id, "pending", 1, LATER + dt.timedelta(seconds=30))
    async with transaction(sessions) as s:
        await record(s, [retry])
    assert not await finish(sessions, bid)  # waiting for a retry is still pending
    await mark(sessions, rows[2:], "blocked")
    assert await finish(sessions, bid, LATER + dt.timedelta(minutes=1))
    assert not await finish(sessions, bid, LATER + dt.timedelta(minutes=2))  # once
    done = await stored(sessions, bid)
    assert (done.status, done.finished_at) == ("done", LATER + dt.timedelta(minutes=1))
    async with sessions() as s:
        assert await sending_now(s) == []


async def test_finishing_needs_a_broadcast_being_sent(sessions: Sessions) -> None:
    bid = await draft(sessions)
    assert not await finish(sessions, bid)  # a draft has nothing pending but has not started
    assert (await stored(sessions, bid)).status == "draft"
    assert not await finish(sessions, 999)


async def test_the_report_counts_the_outcomes(sessions: Sessions) -> None:
    for tg in range(1001, 1011):
        await customer(sessions, tg)
    bid = await draft(sessions)
    drafted = await report(sessions, bid)
    assert drafted == Report(bid, "all", "draft", 0, 0, 0, 0, 0, 0, None, None)
    assert drafted.handled == 0 and drafted.seconds(LATER) == 0.0

    await start(sessions, bid)
    rows = await rows_of(sessions, bid)
    await mark(sessions, rows[:5], "sent")
    await mark(sessions, rows[5:7], "blocked")
    await mark(sessions, rows[7:8], "failed")
    running = await report(sessions, bid)
    assert running == Report(bid, "all", "sending", 10, 5, 2, 1, 0, 2, NOW, None)
    assert running.handled == 8
    assert running.seconds(LATER) == 7 * 60

    await cancel(sessions, bid, NOW + dt.timedelta(seconds=90))
    final = await report(sessions, bid)
    assert (final.status, final.cancelled, final.pending, final.handled) == ("cancelled", 2, 0, 10)
    assert final.seconds(LATER + dt.timedelta(hours=1)) == 90.0  # the end is fixed once finished


async def test_a_report_counts_its_own_broadcast_only(sessions: Sessions) -> None:
    cid = await customer(sessions)
    first, second = await draft(sessions), await draft(sessions)
    await start(sessions, first)
    await start(sessions, second)
    async with transaction(sessions) as s:
        await queue(s, "reminder:x", cid, 1001, NOW, payload={"kind": "trial_reminder"})
        await s.execute(
            update(OutboxMessage).where(OutboxMessage.broadcast_id.is_(None)).values(status="sent")
        )
    await mark(sessions, await rows_of(sessions, first), "sent")
    assert await report(sessions, first) == Report(first, "all", "sending", 1, 1, 0, 0, 0, 0, NOW, None)
    assert await report(sessions, second) == Report(second, "all", "sending", 1, 0, 0, 0, 0, 1, NOW, None)
