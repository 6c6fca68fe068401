"""The outbox and its sender lease on SQLite and PostgreSQL: each message queued once by its key,
read in batches (trial reminders before broadcasts, only broadcasts being sent), outcomes
recorded; one sending instance at a time; migration 0004 both ways."""

from __future__ import annotations

import asyncio
import datetime as dt
from functools import partial
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from billing_core.segments import Segment
from billing_core.storage.broadcast_store import (
    cancel_broadcast,
    draft_broadcast,
    pause_broadcast,
    resume_broadcast,
)
from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import transaction
from billing_core.storage.models import Broadcast, Customer, OutboxMessage, SenderLease
from billing_core.storage.outbox_store import Due, Outcome, anything_due, due_messages, queue, record
from billing_core.storage.sender_lease import OUTBOX, lease_holder, release_lease, take_lease
from billing_core.storage.units import run_unit
from tests.billing_core.storage.migration_steps import migrate_to, schema_diff, table_names

from .conftest import NOW, Sessions, customer

HANOI = dt.timezone(dt.timedelta(hours=7))
SECOND = dt.timedelta(seconds=1)
TTL = dt.timedelta(seconds=30)
REMINDER: dict[str, Any] = {"kind": "trial_reminder", "days": 3, "solutions": ["workspace"]}


async def put(
    sessions: Sessions,
    key: str,
    customer_id: int,
    chat_id: int = 1001,
    now: dt.datetime = NOW,
    payload: dict[str, Any] | None = None,
) -> bool:
    async with transaction(sessions) as s:
        return await queue(s, key, customer_id, chat_id, now, payload=payload)


async def broadcast(sessions: Sessions, status: str = "sending", text: str = "Xin chào") -> int:
    """A broadcast in `status` (its rows are added with `broadcast_row`)."""
    async with transaction(sessions) as s:
        row = await draft_broadcast(s, Segment("all"), text=text, template=None, created_by="cli", now=NOW)
        row.status = status
        return row.id


async def broadcast_row(
    sessions: Sessions,
    broadcast_id: int,
    customer_id: int,
    chat_id: int = 1001,
    not_before: dt.datetime = NOW,
) -> int:
    """One recipient's row, as start_broadcast writes them."""
    async with transaction(sessions) as s:
        row = OutboxMessage(
            key=f"broadcast:{broadcast_id}:{customer_id}",
            customer_id=customer_id,
            chat_id=chat_id,
            broadcast_id=broadcast_id,
            status="pending",
            not_before=not_before,
            attempts=0,
            created_at=NOW,
        )
        s.add(row)
        await s.flush()
        return row.id


async def due(
    sessions: Sessions, now: dt.datetime = NOW, limit: int = 100, only: int | None = None
) -> list[Due]:
    async with sessions() as s:
        found = await due_messages(s, now, limit, only)
    # The idle sender's look (a unit) agrees with the full read, in every case the tests below set up.
    if limit > 0:
        assert await run_unit(sessions, partial(anything_due, now=now, broadcast_id=only)) == bool(found)
    return found


async def due_ids(
    sessions: Sessions, now: dt.datetime = NOW, limit: int = 100, only: int | None = None
) -> list[int]:
    return [d.id for d in await due(sessions, now, limit, only)]


async def row_of(sessions: Sessions, key: str) -> OutboxMessage:
    async with sessions() as s:
        found = await s.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    assert found is not None
    return found


async def id_of(sessions: Sessions, key: str) -> int:
    return (await row_of(sessions, key)).id


async def write(sessions: Sessions, *outcomes: Outcome) -> None:
    async with transaction(sessions) as s:
        await record(s, outcomes)


# Queueing


async def test_a_message_is_queued_once_by_its_key(sessions: Sessions) -> None:
    cid = await customer(sessions)
    assert await put(sessions, "reminder:1:2026-12-08:7", cid, now=NOW.astimezone(HANOI), payload=REMINDER)
    assert not await put(sessions, "reminder:1:2026-12-08:7", cid, now=NOW + SECOND, payload={"other": 1})
    async with sessions() as s:
        rows = (await s.scalars(select(OutboxMessage))).all()
    assert len(rows) == 1
    [row] = rows
    assert (row.key, row.customer_id, row.chat_id, row.broadcast_id) == (
        "reminder:1:2026-12-08:7",
        cid,
        1001,
        None,
    )
    assert row.payload == REMINDER  # the duplicate changed nothing
    assert (row.status, row.attempts, row.sent_at, row.message_id, row.error) == (
        "pending",
        0,
        None,
        None,
        None,
    )
    assert row.not_before == row.created_at == NOW
    assert row.not_before.tzinfo is dt.UTC


async def test_a_duplicate_leaves_the_transaction_usable(sessions: Sessions) -> None:
    cid = await customer(sessions)
    async with transaction(sessions) as s:
        assert await queue(s, "a", cid, 1001, NOW)
        assert not await queue(s, "a", cid, 1001, NOW)  # refused inside its savepoint
        assert await queue(s, "b", cid, 1001, NOW)
    async with sessions() as s:
        assert list(await s.scalars(select(OutboxMessage.key).order_by(OutboxMessage.id))) == ["a", "b"]


async def test_a_duplicate_of_a_sent_message_is_refused_too(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await put(sessions, "a", cid)
    await write(sessions, Outcome(await id_of(sessions, "a"), "sent", 1, NOW, sent_at=NOW, message_id=5))
    assert not await put(sessions, "a", cid, now=NOW + dt.timedelta(days=1))
    assert (await row_of(sessions, "a")).status == "sent"


async def test_concurrent_queues_of_one_key_write_one_row(sessions: Sessions) -> None:
    cid = await customer(sessions)
    results = await asyncio.gather(*(put(sessions, "same", cid) for _ in range(6)))
    assert sorted(results) == [False] * 5 + [True]


# What is due


async def test_reminders_go_before_broadcast_rows(sessions: Sessions) -> None:
    alice = await customer(sessions, 1001)
    async with transaction(sessions) as s:
        bob = (await get_or_create_customer(s, 1002, now=NOW, language="en")).id
    sending = await broadcast(sessions, text="Khuyến mãi")
    older = [await broadcast_row(sessions, sending, cid, chat) for cid, chat in ((alice, 1001), (bob, 1002))]
    await put(sessions, "r:bob", bob, 1002, payload=REMINDER)
    await put(sessions, "r:alice", alice, 1001, payload=REMINDER)
    found = await due(sessions)
    assert [d.id for d in found] == [await id_of(sessions, "r:bob"), await id_of(sessions, "r:alice"), *older]
    assert found[0] == Due(
        id=found[0].id,
        chat_id=1002,
        customer_id=bob,
        language="en",
        unreachable=False,
        attempts=0,
        payload=REMINDER,
        broadcast_id=None,
        text=None,
        template=None,
    )
    assert found[2] == Due(older[0], 1001, alice, "vi", False, 0, None, sending, "Khuyến mãi", None)


async def test_a_broadcast_template_and_the_customers_state_come_along(sessions: Sessions) -> None:
    cid = await customer(sessions)
    async with transaction(sessions) as s:
        row = await draft_broadcast(
            s, Segment("trial"), text=None, template="upgrade_offer", created_by="admin:42", now=NOW
        )
        row.status = "sending"
        bid = row.id
    await broadcast_row(sessions, bid, cid)
    await write(sessions)  # nothing to record: no statement, no error
    async with transaction(sessions) as s:  # they blocked the bot after the broadcast started
        await s.execute(update(OutboxMessage).values(attempts=2))
        await s.execute(update(Customer).values(unreachable=True))
    [d] = await due(sessions)
    assert (d.broadcast_id, d.text, d.template, d.unreachable, d.attempts) == (
        bid,
        None,
        "upgrade_offer",
        True,
        2,
    )


async def test_a_message_is_due_from_its_not_before(sessions: Sessions) -> None:
    cid = await customer(sessions)
    bid = await broadcast(sessions)
    later = NOW + dt.timedelta(minutes=5)
    await put(sessions, "now", cid)
    await put(sessions, "later", cid, now=later)
    row = await broadcast_row(sessions, bid, cid, not_before=later)
    assert await due_ids(sessions, NOW) == [await id_of(sessions, "now")]
    assert await due_ids(sessions, later - SECOND) == [await id_of(sessions, "now")]
    assert await due_ids(sessions, later.astimezone(HANOI)) == [
        await id_of(sessions, "now"),
        await id_of(sessions, "later"),
        row,
    ]


async def test_nothing_is_due_while_every_message_waits_for_its_time(sessions: Sessions) -> None:
    cid = await customer(sessions)
    later = NOW + dt.timedelta(minutes=5)
    await put(sessions, "later", cid, now=later)
    await broadcast_row(sessions, await broadcast(sessions), cid, not_before=later)
    assert await due_ids(sessions, NOW) == []  # and the idle sender's look finds nothing either
    assert len(await due_ids(sessions, later)) == 2


@pytest.mark.parametrize("status", ["sent", "blocked", "failed", "cancelled"])
async def test_only_pending_messages_are_due(sessions: Sessions, status: str) -> None:
    cid = await customer(sessions)
    await put(sessions, "done", cid)
    await put(sessions, "waiting", cid)
    await write(sessions, Outcome(await id_of(sessions, "done"), status, 1, NOW))
    assert await due_ids(sessions) == [await id_of(sessions, "waiting")]


@pytest.mark.parametrize("status", ["draft", "paused", "cancelled", "done"])
async def test_rows_of_broadcasts_not_being_sent_wait(sessions: Sessions, status: str) -> None:
    cid = await customer(sessions)
    held = await broadcast(sessions, status)
    sending = await broadcast(sessions)
    await broadcast_row(sessions, held, cid)
    row = await broadcast_row(sessions, sending, cid)
    assert await due_ids(sessions) == [row]
    assert await due_ids(sessions, only=held) == []


async def test_a_paused_broadcast_waits_and_goes_on_when_resumed(sessions: Sessions) -> None:
    cid = await customer(sessions)
    bid = await broadcast(sessions)
    row = await broadcast_row(sessions, bid, cid)
    async with transaction(sessions) as s:
        await pause_broadcast(s, bid)
    assert await due_ids(sessions) == []
    async with transaction(sessions) as s:
        await resume_broadcast(s, bid)
    assert await due_ids(sessions) == [row]
    async with transaction(sessions) as s:
        await cancel_broadcast(s, bid, NOW)
    assert await due_ids(sessions) == []


async def test_only_the_broadcast_asked_for_and_no_reminders(sessions: Sessions) -> None:
    alice, bob = await customer(sessions, 1001), await customer(sessions, 1002)
    first, second = await broadcast(sessions), await broadcast(sessions)
    await put(sessions, "reminder", alice, payload=REMINDER)
    mine = [await broadcast_row(sessions, first, cid) for cid in (alice, bob)]
    theirs = [await broadcast_row(sessions, second, cid) for cid in (alice, bob)]
    assert await due_ids(sessions, only=first) == mine
    assert await due_ids(sessions, only=second) == theirs
    assert await due_ids(sessions, only=second, limit=1) == theirs[:1]
    assert await due_ids(sessions, only=first + second + 100) == []  # no such broadcast
    assert await due_ids(sessions) == [await id_of(sessions, "reminder"), *mine, *theirs]


async def test_the_limit_holds_over_reminders_and_broadcasts(sessions: Sessions) -> None:
    cid = await customer(sessions)
    bid = await broadcast(sessions)
    rows = [await broadcast_row(sessions, bid, await customer(sessions, 3000 + n)) for n in range(4)]
    for n in range(3):
        await put(sessions, f"reminder:{n}", cid, payload=REMINDER)
    reminders = [await id_of(sessions, f"reminder:{n}") for n in range(3)]
    assert await due_ids(sessions, limit=2) == reminders[:2]
    assert await due_ids(sessions, limit=3) == reminders
    assert await due_ids(sessions, limit=5) == [*reminders, *rows[:2]]
    assert await due_ids(sessions, limit=100) == [*reminders, *rows]
    assert await due_ids(sessions, limit=0) == []


async def test_broadcasts_are_sent_oldest_row_first(sessions: Sessions) -> None:
    a, b, c = [await customer(sessions, tg) for tg in (1001, 1002, 1003)]
    first, second = await broadcast(sessions), await broadcast(sessions)
    rows = [
        await broadcast_row(sessions, second, a),
        await broadcast_row(sessions, first, b),
        await broadcast_row(sessions, second, c),
    ]
    assert await due_ids(sessions) == rows


# Outcomes


async def test_outcomes_are_recorded_in_one_batch(sessions: Sessions) -> None:
    cid = await customer(sessions)
    for key in ("sent", "blocked", "failed", "retry", "untouched"):
        await put(sessions, key, cid)
    retry_at = NOW + dt.timedelta(seconds=35)
    await write(
        sessions,
        Outcome(
            await id_of(sessions, "sent"), "sent", 1, NOW, sent_at=NOW.astimezone(HANOI), message_id=9001
        ),
        Outcome(
            await id_of(sessions, "blocked"),
            "blocked",
            1,
            NOW,
            error="Forbidden: bot was blocked by the user",
        ),
        Outcome(await id_of(sessions, "failed"), "failed", 5, NOW, error="Bad Request: chat not found"),
        Outcome(
            await id_of(sessions, "retry"),
            "pending",
            1,
            retry_at.astimezone(HANOI),
            error="429 retry_after=35",
        ),
    )
    sent = await row_of(sessions, "sent")
    assert (sent.status, sent.attempts, sent.sent_at, sent.message_id, sent.error) == (
        "sent",
        1,
        NOW,
        9001,
        None,
    )
    assert sent.sent_at is not None and sent.sent_at.tzinfo is dt.UTC
    blocked = await row_of(sessions, "blocked")
    assert (blocked.status, blocked.error, blocked.sent_at) == (
        "blocked",
        "Forbidden: bot was blocked by the user",
        None,
    )
    failed = await row_of(sessions, "failed")
    assert (failed.status, failed.attempts) == ("failed", 5)
    retry = await row_of(sessions, "retry")
    assert (retry.status, retry.attempts, retry.not_before) == ("pending", 1, retry_at)
    untouched = await row_of(sessions, "untouched")
    assert (untouched.status, untouched.attempts, untouched.not_before) == ("pending", 0, NOW)

    assert await due_ids(sessions) == [untouched.id]
    assert await due_ids(sessions, retry_at) == [retry.id, untouched.id]


async def test_a_record_in_a_rolled_back_transaction_is_lost(sessions: Sessions) -> None:
    cid = await customer(sessions)
    await put(sessions, "a", cid)
    row = await id_of(sessions, "a")
    with pytest.raises(RuntimeError):
        async with transaction(sessions) as s:
            await record(s, [Outcome(row, "sent", 1, NOW, sent_at=NOW, message_id=1)])
            raise RuntimeError("crashed before commit")
    assert await due_ids(sessions) == [row]


# The sender lease


async def take(sessions: Sessions, holder: str, now: dt.datetime = NOW, ttl: dt.timedelta = TTL) -> bool:
    async with transaction(sessions) as s:
        return await take_lease(s, holder, now, ttl)


async def holder_at(sessions: Sessions, now: dt.datetime = NOW) -> str | None:
    async with sessions() as s:
        return await lease_holder(s, now)


async def release(sessions: Sessions, holder: str) -> None:
    async with transaction(sessions) as s:
        await release_lease(s, holder)


async def lease_row(sessions: Sessions) -> tuple[str | None, dt.datetime | None]:
    async with sessions() as s:
        lease = await s.get(SenderLease, OUTBOX)
    assert lease is not None
    return lease.holder, lease.expires_at


async def test_the_lease_is_free_after_migration(sessions: Sessions) -> None:
    assert await lease_row(sessions) == (None, None)
    assert await holder_at(sessions) is None


async def test_the_lease_is_taken_and_renewed_by_its_holder(sessions: Sessions) -> None:
    assert await take(sessions, "bot-a", NOW.astimezone(HANOI))
    assert await lease_row(sessions) == ("bot-a", NOW + TTL)
    assert await holder_at(sessions) == "bot-a"
    assert await holder_at(sessions, NOW + TTL - SECOND) == "bot-a"
    renewed_at = NOW + dt.timedelta(seconds=20)
    assert await take(sessions, "bot-a", renewed_at)
    assert await lease_row(sessions) == ("bot-a", renewed_at + TTL)
    assert await holder_at(sessions, NOW + TTL + SECOND) == "bot-a"  # the renewal carried it on


async def test_another_instance_is_refused_while_the_lease_runs(sessions: Sessions) -> None:
    assert await take(sessions, "bot-a")
    for at in (NOW, NOW + SECOND, NOW + TTL - SECOND):
        assert not await take(sessions, "bot-b", at)
    assert await lease_row(sessions) == ("bot-a", NOW + TTL)  # the refusal changed nothing


async def test_another_instance_takes_over_once_the_lease_expired(sessions: Sessions) -> None:
    """bot-a crashed: it stopped renewing, and bot-b takes over at the expiry."""
    assert await take(sessions, "bot-a")
    assert await holder_at(sessions, NOW + TTL) is None
    assert await take(sessions, "bot-b", NOW + TTL)
    assert await holder_at(sessions, NOW + TTL) == "bot-b"
    assert not await take(sessions, "bot-a", NOW + TTL + SECOND)  # back from the dead: refused
    assert await lease_row(sessions) == ("bot-b", NOW + 2 * TTL)


async def test_a_released_lease_is_free_for_anyone(sessions: Sessions) -> None:
    assert await take(sessions, "bot-a")
    await release(sessions, "bot-b")  # not theirs: nothing happens
    assert await holder_at(sessions) == "bot-a"
    await release(sessions, "bot-a")
    assert await lease_row(sessions) == (None, None)
    assert await holder_at(sessions) is None
    assert await take(sessions, "bot-b", NOW + SECOND)
    assert await holder_at(sessions, NOW + SECOND) == "bot-b"


async def test_concurrent_instances_get_one_lease(sessions: Sessions) -> None:
    results = await asyncio.gather(*(take(sessions, f"bot-{n}") for n in range(8)))
    assert sum(results) == 1
    winner = f"bot-{results.index(True)}"
    assert await holder_at(sessions) == winner


# Migration 0004


async def test_migration_0004_downgrades_and_upgrades_again(engine: AsyncEngine, sessions: Sessions) -> None:
    cid = await customer(sessions)
    await put(sessions, "a", cid)
    await take(sessions, "bot-a")
    added = {"outbox", "broadcasts", "sender_leases"}
    async with engine.connect() as conn:
        assert await conn.run_sync(schema_diff) == []

    await migrate_to(engine, command.downgrade, "0003")
    async with engine.connect() as conn:
        tables = await conn.run_sync(table_names)
    assert tables & added == set() and {"customers", "support_tickets"} <= tables

    await migrate_to(engine, command.upgrade, "head")
    async with engine.connect() as conn:
        assert added <= await conn.run_sync(table_names)
        assert await conn.run_sync(schema_diff) == []
    assert await lease_row(sessions) == (None, None)  # seeded again, free
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert await s.scalar(select(func.count()).select_from(Broadcast)) == 0
    assert await put(sessions, "a", cid)
    assert not await put(sessions, "a", cid)  # the unique key is back
    assert await take(sessions, "bot-b")
