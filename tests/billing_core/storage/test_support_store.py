"""Support tickets on SQLite and PostgreSQL: topics, one open ticket per customer (also when two
handoffs race), claims, closing, first response, quotes, message copies; migration 0003 both ways."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from alembic import command
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from billing_core.storage import support_store
from billing_core.storage.database import transaction
from billing_core.storage.models import Customer, SupportMessage, SupportTicket, SupportTopic
from billing_core.storage.support_store import (
    Ticket,
    claim_ticket,
    close_ticket,
    customer_copy_of,
    keep_topic,
    note_first_response,
    open_ticket,
    open_ticket_of,
    remember_copy,
    set_ticket_quote,
    ticket_in_topic,
    topic_copy_of,
    topic_of,
)
from tests.billing_core.storage.migration_steps import migrate_to, schema_diff, table_names

from .conftest import NOW, Sessions, customer

GROUP = -1001234567890  # a forum supergroup's chat id
OTHER_GROUP = -1009876543210
HANOI = dt.timezone(dt.timedelta(hours=7))
LATER = NOW + dt.timedelta(minutes=3)

POSTGRESQL_ONLY = pytest.mark.parametrize("engine", ["postgresql"], indirect=True)


async def handoff(
    sessions: Sessions, customer_id: int, thread_id: int = 7, reason: str = "asked", now: dt.datetime = NOW
) -> tuple[Ticket, bool]:
    async with transaction(sessions) as s:
        return await open_ticket(s, customer_id, GROUP, thread_id, reason, now)


async def count_tickets(sessions: Sessions, customer_id: int) -> int:
    async with sessions() as s:
        query = select(func.count()).where(SupportTicket.customer_id == customer_id)
        return int(await s.scalar(query) or 0)


# Topics


async def test_a_topic_is_kept_and_a_recreated_one_replaces_it(sessions: Sessions) -> None:
    cid = await customer(sessions)
    async with transaction(sessions) as s:
        assert await topic_of(s, GROUP, cid) is None
        await keep_topic(s, GROUP, cid, 7, NOW)
    async with transaction(sessions) as s:
        assert await topic_of(s, GROUP, cid) == 7
        assert await topic_of(s, OTHER_GROUP, cid) is None  # one topic per support group
        await keep_topic(s, GROUP, cid, 42, LATER.astimezone(HANOI))  # the topic was deleted, then recreated
    async with sessions() as s:
        assert await topic_of(s, GROUP, cid) == 42
        topics = (await s.scalars(select(SupportTopic))).all()
    assert [(t.customer_id, t.thread_id, t.created_at) for t in topics] == [(cid, 42, LATER)]
    assert topics[0].created_at.tzinfo is dt.UTC


async def test_each_customer_has_their_own_topic_per_group(sessions: Sessions) -> None:
    alice, bob = await customer(sessions, 1001), await customer(sessions, 1002)
    async with transaction(sessions) as s:
        await keep_topic(s, GROUP, alice, 7, NOW)
        await keep_topic(s, GROUP, bob, 8, NOW)
        await keep_topic(s, OTHER_GROUP, bob, 7, NOW)  # thread ids are per group
    async with sessions() as s:
        assert await topic_of(s, GROUP, alice) == 7
        assert await topic_of(s, GROUP, bob) == 8
        assert await topic_of(s, OTHER_GROUP, bob) == 7
        assert await topic_of(s, OTHER_GROUP, alice) is None


async def test_a_thread_belongs_to_one_customer_per_group(sessions: Sessions) -> None:
    alice, bob = await customer(sessions, 1001), await customer(sessions, 1002)
    async with transaction(sessions) as s:
        await keep_topic(s, GROUP, alice, 7, NOW)
    with pytest.raises(IntegrityError):
        async with transaction(sessions) as s:
            await keep_topic(s, GROUP, bob, 7, NOW)


# Opening


async def test_a_handoff_opens_a_ticket_and_a_second_one_finds_it(sessions: Sessions) -> None:
    cid = await customer(sessions)
    first, created = await handoff(sessions, cid, reason="words", now=NOW.astimezone(HANOI))
    assert created
    assert first.is_open and first.status == "open"
    assert (first.customer_id, first.support_chat_id, first.thread_id) == (cid, GROUP, 7)
    assert first.reason == "words"
    assert first.opened_at == NOW and first.opened_at.tzinfo is dt.UTC
    assert (first.claimed_by_id, first.claimed_at, first.first_response_at, first.closed_at) == (None,) * 4
    assert first.quote is None

    again, created = await handoff(sessions, cid, reason="command", now=LATER)
    assert (again, created) == (first, False)  # the same ticket, as it was
    assert await count_tickets(sessions, cid) == 1


async def test_after_closing_a_handoff_opens_a_new_ticket(sessions: Sessions) -> None:
    cid = await customer(sessions)
    first, _ = await handoff(sessions, cid)
    async with transaction(sessions) as s:
        assert await close_ticket(s, first.id, "customer", LATER) is not None
    second, created = await handoff(sessions, cid, reason="misunderstood", now=LATER)
    assert created and second.id != first.id and second.reason == "misunderstood"
    async with sessions() as s:
        assert await open_ticket_of(s, cid) == second
    assert await count_tickets(sessions, cid) == 2  # closed tickets stay, any number of them


async def test_each_customer_has_their_own_open_ticket(sessions: Sessions) -> None:
    alice, bob = await customer(sessions, 1001), await customer(sessions, 1002)
    a, created_a = await handoff(sessions, alice, thread_id=7)
    b, created_b = await handoff(sessions, bob, thread_id=8)
    assert created_a and created_b and a.id != b.id


async def test_concurrent_handoffs_of_one_customer_share_one_ticket(sessions: Sessions) -> None:
    cid = await customer(sessions)
    results = await asyncio.gather(*(handoff(sessions, cid) for _ in range(8)))
    assert len({ticket.id for ticket, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert await count_tickets(sessions, cid) == 1


async def test_a_handoff_that_loses_the_race_returns_the_winners_ticket(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other handoff committed between this one's look-up and its insert: the partial unique
    index refuses the insert inside a savepoint, and the transaction goes on with the winner's."""
    cid = await customer(sessions)
    winner, _ = await handoff(sessions, cid)
    real_lookup = support_store.open_ticket_of
    lookups = 0

    async def missed_it_once(session: Any, customer_id: int) -> Ticket | None:
        nonlocal lookups
        lookups += 1
        return None if lookups == 1 else await real_lookup(session, customer_id)

    monkeypatch.setattr(support_store, "open_ticket_of", missed_it_once)
    async with transaction(sessions) as s:
        found, created = await open_ticket(s, cid, GROUP, 7, "command", LATER)
        await keep_topic(s, GROUP, cid, 7, LATER)  # the transaction is still usable
    assert (found, created) == (winner, False)
    assert lookups == 2
    assert await count_tickets(sessions, cid) == 1
    async with sessions() as s:
        assert await topic_of(s, GROUP, cid) == 7


async def test_a_ticket_for_an_unknown_customer_is_refused(sessions: Sessions) -> None:
    with pytest.raises(IntegrityError):
        await handoff(sessions, 999_999)


@POSTGRESQL_ONLY  # SQLite has one writer at a time: two handoffs cannot interleave there
async def test_two_interleaved_handoffs_on_postgresql_share_one_ticket(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    cid = await customer(sessions)
    async with sessions() as first, sessions() as second:
        async with first.begin():
            mine, created = await open_ticket(first, cid, GROUP, 7, "asked", NOW)
            assert created
            # The second sees no open ticket (the first is not committed), inserts, and waits
            # on the unique index for the first transaction to end.
            racing = asyncio.create_task(_handoff_in(second, cid))
            await _until_a_connection_waits_on_a_lock(engine)
            assert not racing.done()
        theirs, created = await asyncio.wait_for(racing, timeout=10)
    assert (theirs, created) == (mine, False)
    assert await count_tickets(sessions, cid) == 1


async def _handoff_in(session: Any, customer_id: int) -> tuple[Ticket, bool]:
    async with session.begin():
        result: tuple[Ticket, bool] = await open_ticket(session, customer_id, GROUP, 7, "words", LATER)
        return result


async def _until_a_connection_waits_on_a_lock(engine: AsyncEngine) -> None:
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with engine.connect() as watcher:
        for _ in range(500):
            if await watcher.scalar(query):
                return
            await watcher.rollback()  # a fresh snapshot of pg_stat_activity
            await asyncio.sleep(0.01)
    pytest.fail("the second handoff never waited on the first one's ticket")


# Finding, claiming, closing


async def test_a_closed_ticket_is_the_topics_latest_but_not_the_customers_open_one(
    sessions: Sessions,
) -> None:
    cid = await customer(sessions)
    first, _ = await handoff(sessions, cid)
    async with transaction(sessions) as s:
        assert await ticket_in_topic(s, GROUP, 7) == first
        await close_ticket(s, first.id, "agent", LATER)
    async with sessions() as s:
        closed = await ticket_in_topic(s, GROUP, 7)
        assert closed is not None and closed.id == first.id and not closed.is_open
        assert await open_ticket_of(s, cid) is None
        assert await ticket_in_topic(s, GROUP, 8) is None
        assert await ticket_in_topic(s, OTHER_GROUP, 7) is None
    second, _ = await handoff(sessions, cid, now=LATER)
    async with sessions() as s:
        assert await ticket_in_topic(s, GROUP, 7) == second  # the highest id


async def test_a_claim_is_recorded_and_another_agents_claim_replaces_it(sessions: Sessions) -> None:
    cid = await customer(sessions)
    ticket, _ = await handoff(sessions, cid)
    async with transaction(sessions) as s:
        claimed = await claim_ticket(s, ticket.id, 501, "Lan", NOW.astimezone(HANOI))
    assert (claimed.claimed_by_id, claimed.claimed_by_name, claimed.claimed_at) == (501, "Lan", NOW)
    assert claimed.claimed_at is not None and claimed.claimed_at.tzinfo is dt.UTC
    async with transaction(sessions) as s:
        again = await claim_ticket(s, ticket.id, 501, "Lan Nguyễn", LATER)
    assert (again.claimed_by_id, again.claimed_by_name, again.claimed_at) == (501, "Lan Nguyễn", NOW)
    async with transaction(sessions) as s:
        taken = await claim_ticket(s, ticket.id, 502, "Minh", LATER)
    assert (taken.claimed_by_id, taken.claimed_by_name, taken.claimed_at) == (502, "Minh", LATER)
    async with sessions() as s:
        assert await ticket_in_topic(s, GROUP, 7) == taken
    with pytest.raises(LookupError):
        async with transaction(sessions) as s:
            await claim_ticket(s, 999_999, 502, "Minh", LATER)


async def test_a_ticket_closes_once(sessions: Sessions) -> None:
    cid = await customer(sessions)
    ticket, _ = await handoff(sessions, cid)
    async with transaction(sessions) as s:
        closed = await close_ticket(s, ticket.id, "agent", LATER.astimezone(HANOI))
    assert closed is not None
    assert (closed.status, closed.closed_at, closed.closed_by) == ("closed", LATER, "agent")
    assert not closed.is_open
    assert closed.closed_at is not None and closed.closed_at.tzinfo is dt.UTC
    async with transaction(sessions) as s:
        assert await close_ticket(s, ticket.id, "customer", LATER + dt.timedelta(minutes=1)) is None
        assert await close_ticket(s, 999_999, "agent", LATER) is None
    async with sessions() as s:
        assert await ticket_in_topic(s, GROUP, 7) == closed  # the second close changed nothing
    with pytest.raises(ValueError):
        async with transaction(sessions) as s:
            await close_ticket(s, ticket.id, "nobody", LATER)


async def test_concurrent_closes_close_once(sessions: Sessions) -> None:
    cid = await customer(sessions)
    ticket, _ = await handoff(sessions, cid)

    async def close(by: str) -> Ticket | None:
        async with transaction(sessions) as s:
            return await close_ticket(s, ticket.id, by, LATER)

    results = await asyncio.gather(*(close(by) for by in ("agent", "customer") * 3))
    assert sum(r is not None for r in results) == 1


async def test_the_first_response_is_noted_once(sessions: Sessions) -> None:
    cid = await customer(sessions)
    ticket, _ = await handoff(sessions, cid)
    assert ticket.first_response_at is None
    answered = NOW + dt.timedelta(seconds=95, microseconds=500_000)
    for at in (answered.astimezone(HANOI), answered + dt.timedelta(minutes=5)):
        async with transaction(sessions) as s:
            await note_first_response(s, ticket.id, at)
    async with sessions() as s:
        found = await ticket_in_topic(s, GROUP, 7)
    assert found is not None and found.first_response_at == answered
    assert (found.first_response_at - found.opened_at).total_seconds() == 95.5


async def test_the_agents_quote_request_is_kept(sessions: Sessions) -> None:
    cid = await customer(sessions)
    ticket, _ = await handoff(sessions, cid)
    request: dict[str, Any] = {
        "cart": [{"solution": "workspace", "tier": "standard", "cycle": "yearly", "seats": 5}],
        "coupon": None,
        "note": "Giá cho 5 người",
    }
    async with transaction(sessions) as s:
        await set_ticket_quote(s, ticket.id, request)
    request["cart"][0]["seats"] = 6  # the caller's dict is not shared with the session
    async with sessions() as s:
        found = await ticket_in_topic(s, GROUP, 7)
    assert found is not None and found.quote is not None
    assert found.quote["cart"][0]["seats"] == 5 and found.quote["note"] == "Giá cho 5 người"
    async with transaction(sessions) as s:
        await set_ticket_quote(s, ticket.id, {"cart": []})
    async with sessions() as s:
        found = await open_ticket_of(s, cid)
    assert found is not None and found.quote == {"cart": []}
    with pytest.raises(LookupError):
        async with transaction(sessions) as s:
            await set_ticket_quote(s, 999_999, {})


# Message copies


async def test_copies_are_found_in_both_directions(sessions: Sessions) -> None:
    cid = await customer(sessions)
    ticket, _ = await handoff(sessions, cid)
    async with transaction(sessions) as s:
        await remember_copy(s, ticket.id, 100, 5000, True, NOW)  # the customer wrote; copied to the topic
        await remember_copy(s, ticket.id, 101, 5001, False, LATER)  # an agent answered; copied to them
    async with sessions() as s:
        assert await topic_copy_of(s, ticket.id, 100) == 5000
        assert await topic_copy_of(s, ticket.id, 101) == 5001
        assert await customer_copy_of(s, ticket.id, 5000) == 100
        assert await customer_copy_of(s, ticket.id, 5001) == 101
        assert await topic_copy_of(s, ticket.id, 5000) is None  # ids of the other side do not match
        assert await customer_copy_of(s, ticket.id, 100) is None
        rows = (await s.scalars(select(SupportMessage).order_by(SupportMessage.id))).all()
    assert [(m.from_customer, m.created_at) for m in rows] == [(True, NOW), (False, LATER)]


async def test_copies_belong_to_their_ticket_and_the_latest_one_wins(sessions: Sessions) -> None:
    cid = await customer(sessions)
    first, _ = await handoff(sessions, cid)
    async with transaction(sessions) as s:
        await remember_copy(s, first.id, 100, 5000, True, NOW)
        await close_ticket(s, first.id, "agent", NOW)
    second, _ = await handoff(sessions, cid, now=LATER)
    async with transaction(sessions) as s:
        await remember_copy(s, second.id, 100, 6000, True, LATER)  # message ids repeat across tickets
        await remember_copy(s, second.id, 100, 6001, True, LATER)  # sent again (e.g. after an edit)
    async with sessions() as s:
        assert await topic_copy_of(s, first.id, 100) == 5000
        assert await topic_copy_of(s, second.id, 100) == 6001
        assert await customer_copy_of(s, second.id, 6000) == 100
        assert await customer_copy_of(s, first.id, 6000) is None


async def test_forgetting_a_customer_removes_their_support_history(sessions: Sessions) -> None:
    cid = await customer(sessions)
    ticket, _ = await handoff(sessions, cid)
    async with transaction(sessions) as s:
        await keep_topic(s, GROUP, cid, 7, NOW)
        await remember_copy(s, ticket.id, 100, 5000, True, NOW)
    async with transaction(sessions) as s:
        await s.execute(delete(Customer).where(Customer.id == cid))
    async with sessions() as s:
        for model in (SupportTopic, SupportTicket, SupportMessage):
            assert await s.scalar(select(func.count()).select_from(model)) == 0


# Migration 0003


async def test_migration_0003_downgrades_and_upgrades_again(engine: AsyncEngine, sessions: Sessions) -> None:
    cid = await customer(sessions)
    await handoff(sessions, cid)
    support = {"support_topics", "support_tickets", "support_messages"}

    await migrate_to(engine, command.downgrade, "0002")
    async with engine.connect() as conn:
        tables = await conn.run_sync(table_names)
    assert tables & support == set() and "customers" in tables
    async with sessions() as s:
        assert await s.scalar(select(Customer.id)) == cid  # the rest is untouched

    await migrate_to(engine, command.upgrade, "head")
    async with engine.connect() as conn:
        assert support <= await conn.run_sync(table_names)
        assert await conn.run_sync(schema_diff) == []
    assert await count_tickets(sessions, cid) == 0
    _, created = await handoff(sessions, cid)  # the partial unique index is back in working order
    assert created
    assert (await handoff(sessions, cid))[1] is False
