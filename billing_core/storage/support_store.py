"""Support tickets: a customer handed over to human agents in a forum supergroup.

Each customer has one forum topic per support group (`support_topics`); each handoff is a
ticket (`support_tickets`), and a customer has at most one open ticket at a time, which a
partial unique index enforces, so two handoffs racing each other end on the same ticket.
Every message carried across is remembered with its copy on the other side
(`support_messages`), so that replies and edits can follow it.

The functions work in the caller's session and transaction: they flush, the caller commits.
Instants are timezone-aware and come back in UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from sqlalchemy import Executable, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.storage.models import SupportMessage, SupportTicket, SupportTopic
from billing_core.storage.tables import SUPPORT_TOPICS, per_dialect

OPEN, CLOSED = "open", "closed"
CLOSERS = ("agent", "customer")


@dataclass(frozen=True, slots=True)
class Ticket:
    """A support ticket as read from its row."""

    id: int
    customer_id: int
    support_chat_id: int
    thread_id: int
    status: str  # open | closed
    reason: str  # asked | words | misunderstood | command
    opened_at: dt.datetime
    claimed_by_id: int | None
    claimed_by_name: str | None
    claimed_at: dt.datetime | None
    first_response_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_by: str | None  # agent | customer
    quote: dict[str, Any] | None

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


def _utc(instant: dt.datetime | None) -> dt.datetime | None:
    return None if instant is None else instant.astimezone(dt.UTC)


def _ticket(row: SupportTicket) -> Ticket:
    opened_at = _utc(row.opened_at)
    assert opened_at is not None
    return Ticket(
        id=row.id,
        customer_id=row.customer_id,
        support_chat_id=row.support_chat_id,
        thread_id=row.thread_id,
        status=row.status,
        reason=row.reason,
        opened_at=opened_at,
        claimed_by_id=row.claimed_by_id,
        claimed_by_name=row.claimed_by_name,
        claimed_at=_utc(row.claimed_at),
        first_response_at=_utc(row.first_response_at),
        closed_at=_utc(row.closed_at),
        closed_by=row.closed_by,
        quote=None if row.quote is None else dict(row.quote),
    )


async def _row(session: AsyncSession, ticket_id: int) -> SupportTicket:
    """The ticket's row, read again from the database (not a stale copy from the session)."""
    row = await session.get(SupportTicket, ticket_id, populate_existing=True)
    if row is None:
        raise LookupError(f"no support ticket {ticket_id}")
    return row


# Topics


def _keep_topic(dialect: ModuleType) -> Executable:
    insert = dialect.insert(SUPPORT_TOPICS).values(
        support_chat_id=bindparam("chat"),
        customer_id=bindparam("customer"),
        thread_id=bindparam("thread"),
        created_at=bindparam("now"),
    )
    statement: Executable = insert.on_conflict_do_update(
        index_elements=[SUPPORT_TOPICS.c.support_chat_id, SUPPORT_TOPICS.c.customer_id],
        set_={"thread_id": insert.excluded.thread_id, "created_at": insert.excluded.created_at},
    )
    return statement


_KEEP_TOPIC = per_dialect(_keep_topic)


async def topic_of(session: AsyncSession, support_chat_id: int, customer_id: int) -> int | None:
    """The thread id of the customer's topic in that support group, if they have one."""
    return await session.scalar(
        select(SupportTopic.thread_id).where(
            SupportTopic.support_chat_id == support_chat_id, SupportTopic.customer_id == customer_id
        )
    )


async def keep_topic(
    session: AsyncSession, support_chat_id: int, customer_id: int, thread_id: int, now: dt.datetime
) -> None:
    """Record the customer's topic; a new thread id replaces the old one (the topic was recreated)."""
    dialect = (await session.connection()).dialect.name
    await session.execute(
        _KEEP_TOPIC[dialect],
        {"chat": support_chat_id, "customer": customer_id, "thread": thread_id, "now": now},
    )


# Tickets


async def open_ticket_of(session: AsyncSession, customer_id: int) -> Ticket | None:
    """The customer's open ticket, if any."""
    row = await session.scalar(
        select(SupportTicket)
        .where(SupportTicket.customer_id == customer_id, SupportTicket.status == OPEN)
        .execution_options(populate_existing=True)
    )
    return None if row is None else _ticket(row)


async def open_ticket(
    session: AsyncSession,
    customer_id: int,
    support_chat_id: int,
    thread_id: int,
    reason: str,
    now: dt.datetime,
) -> tuple[Ticket, bool]:
    """The customer's open ticket and False if there is one, else a new open ticket and True.

    When two callers race, the partial unique index lets one insert; the other's insert fails
    inside a savepoint, and it returns the winner's ticket (PostgreSQL sees it once committed)."""
    found = await open_ticket_of(session, customer_id)
    if found is not None:
        return found, False
    row = SupportTicket(
        customer_id=customer_id,
        support_chat_id=support_chat_id,
        thread_id=thread_id,
        status=OPEN,
        reason=reason,
        opened_at=now,
    )
    try:  # database.add_unless_duplicate, but an error other than the race must propagate
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        found = await open_ticket_of(session, customer_id)
        if found is None:  # not the one-open-ticket index (e.g. an unknown customer)
            raise
        return found, False
    return _ticket(row), True


async def ticket_in_topic(session: AsyncSession, support_chat_id: int, thread_id: int) -> Ticket | None:
    """The topic's latest ticket, open or closed."""
    row = await session.scalar(
        select(SupportTicket)
        .where(SupportTicket.support_chat_id == support_chat_id, SupportTicket.thread_id == thread_id)
        .order_by(SupportTicket.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    return None if row is None else _ticket(row)


async def claim_ticket(
    session: AsyncSession, ticket_id: int, agent_id: int, agent_name: str, now: dt.datetime
) -> Ticket:
    """Record that an agent took the ticket; another agent's claim replaces it.

    The same agent claiming again keeps the time of their first claim (their name is refreshed).
    Raises LookupError for an unknown ticket."""
    row = await _row(session, ticket_id)
    if row.claimed_by_id != agent_id or row.claimed_at is None:
        row.claimed_at = now
    row.claimed_by_id = agent_id
    row.claimed_by_name = agent_name
    await session.flush()
    return _ticket(row)


async def close_ticket(
    session: AsyncSession, ticket_id: int, closed_by: str, now: dt.datetime
) -> Ticket | None:
    """Close an open ticket (`closed_by`: agent or customer); None if it was not open.

    Of two callers closing the same ticket at once, one closes it and the other gets None."""
    if closed_by not in CLOSERS:
        raise ValueError(f"closed_by {closed_by!r}: one of {CLOSERS}")
    closed = await session.scalar(
        update(SupportTicket)
        .where(SupportTicket.id == ticket_id, SupportTicket.status == OPEN)
        .values(status=CLOSED, closed_at=now, closed_by=closed_by)
        .returning(SupportTicket.id)
    )
    return None if closed is None else _ticket(await _row(session, ticket_id))


async def note_first_response(session: AsyncSession, ticket_id: int, now: dt.datetime) -> None:
    """Record the agents' first answer to the ticket; later answers change nothing."""
    await session.execute(
        update(SupportTicket)
        .where(SupportTicket.id == ticket_id, SupportTicket.first_response_at.is_(None))
        .values(first_response_at=now)
    )


async def set_ticket_quote(session: AsyncSession, ticket_id: int, quote: dict[str, Any]) -> None:
    """Keep the quote request an agent made for the ticket (/quote), replacing an earlier one.

    Raises LookupError for an unknown ticket."""
    row = await _row(session, ticket_id)
    row.quote = dict(quote)
    await session.flush()


# Messages and their copies


async def remember_copy(
    session: AsyncSession,
    ticket_id: int,
    customer_message_id: int,
    topic_message_id: int,
    from_customer: bool,
    now: dt.datetime,
) -> None:
    """Record that a message in the customer's chat and one in the topic are copies of each other."""
    session.add(
        SupportMessage(
            ticket_id=ticket_id,
            customer_message_id=customer_message_id,
            topic_message_id=topic_message_id,
            from_customer=from_customer,
            created_at=now,
        )
    )
    await session.flush()


async def topic_copy_of(session: AsyncSession, ticket_id: int, customer_message_id: int) -> int | None:
    """The topic's message that corresponds to this message of the customer's chat (the latest if several)."""
    return await session.scalar(
        select(SupportMessage.topic_message_id)
        .where(
            SupportMessage.ticket_id == ticket_id, SupportMessage.customer_message_id == customer_message_id
        )
        .order_by(SupportMessage.id.desc())
        .limit(1)
    )


async def customer_copy_of(session: AsyncSession, ticket_id: int, topic_message_id: int) -> int | None:
    """The customer's chat message that corresponds to this message of the topic (the latest if several)."""
    return await session.scalar(
        select(SupportMessage.customer_message_id)
        .where(SupportMessage.ticket_id == ticket_id, SupportMessage.topic_message_id == topic_message_id)
        .order_by(SupportMessage.id.desc())
        .limit(1)
    )
