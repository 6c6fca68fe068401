"""The outbox: messages to send later, each at most once (its key is unique), read in batches
by the one sender (sender_lease.py) and marked with what Telegram answered.

A row is `pending` until sent; then `sent`, `blocked` (the customer blocked the bot),
`failed` (Telegram refused it for good, or it kept failing) or `cancelled` (its broadcast was).
Trial reminders go before broadcast messages; a paused or cancelled broadcast's rows wait.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.storage.database import add_unless_duplicate, chunks
from billing_core.storage.models import Broadcast, Customer, OutboxMessage

ERROR_LENGTH = 200  # the column's; Telegram's descriptions are shorter, network errors may not be


@dataclass(frozen=True, slots=True)
class Due:
    """A message to send now, with what rendering it needs."""

    id: int
    chat_id: int
    customer_id: int
    language: str
    unreachable: bool
    attempts: int
    payload: dict[str, Any] | None  # a reminder's facts
    broadcast_id: int | None
    text: str | None  # a broadcast's own words
    template: str | None  # or its template


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one send: a final status, or `pending` again with a later `not_before`."""

    id: int
    status: str
    attempts: int
    not_before: dt.datetime
    sent_at: dt.datetime | None = None
    message_id: int | None = None
    error: str | None = None


async def queue(
    session: AsyncSession,
    key: str,
    customer_id: int,
    chat_id: int,
    now: dt.datetime,
    *,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Queue one message; False (nothing written) if a message with this key exists already."""
    row = OutboxMessage(
        key=key,
        customer_id=customer_id,
        chat_id=chat_id,
        payload=payload,
        status="pending",
        not_before=now,
        attempts=0,
        created_at=now,
    )
    return await add_unless_duplicate(session, row)


_SENDING = Broadcast.status == "sending"


def _pending(now: dt.datetime) -> ColumnElement[bool]:
    """A message waiting to be sent whose time has come."""
    return (OutboxMessage.status == "pending") & (OutboxMessage.not_before <= now)


async def due_messages(
    session: AsyncSession, now: dt.datetime, limit: int, broadcast_id: int | None = None
) -> list[Due]:
    """Up to `limit` messages to send now: reminders first, then broadcasts being sent, oldest
    first (only `broadcast_id`'s when given)."""
    found: list[Due] = []
    if broadcast_id is None:
        found += await _due(session, now, limit, OutboxMessage.broadcast_id.is_(None))
    if len(found) < limit:
        only = (
            OutboxMessage.broadcast_id == broadcast_id
            if broadcast_id
            else OutboxMessage.broadcast_id.is_not(None)
        )
        found += await _due(session, now, limit - len(found), only, _SENDING)
    return found


def anything_due(connection: Connection, now: dt.datetime, broadcast_id: int | None = None) -> bool:
    """Whether `due_messages` would find a message: a unit of work (units.run_unit) that the
    idle sender runs every second. On SQLite it holds the write lock for microseconds, where an
    ORM session held it across its hops to aiosqlite's thread and stalled every chat's update
    meanwhile (bench/updates.py: 20 ms once a second)."""
    pending = _pending(now)
    # per broadcast being sent, through (broadcast_id, status): a paused broadcast's many pending
    # rows are never walked
    sending = exists().where(
        _SENDING,
        *((Broadcast.id == broadcast_id,) if broadcast_id else ()),
        exists().where(OutboxMessage.broadcast_id == Broadcast.id, pending),
    )
    reminders = exists().where(OutboxMessage.broadcast_id.is_(None), pending)
    due = sending if broadcast_id else reminders | sending
    return bool(connection.execute(select(due)).scalar())


async def _due(session: AsyncSession, now: dt.datetime, limit: int, *where: Any) -> list[Due]:
    query = (
        select(
            OutboxMessage.id,
            OutboxMessage.chat_id,
            OutboxMessage.customer_id,
            Customer.language,
            Customer.unreachable,
            OutboxMessage.attempts,
            OutboxMessage.payload,
            OutboxMessage.broadcast_id,
            Broadcast.text,
            Broadcast.template,
        )
        .join(Customer, Customer.id == OutboxMessage.customer_id)
        .outerjoin(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
        .where(_pending(now), *where)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return [Due(*row) for row in await session.execute(query)]


async def record(session: AsyncSession, outcomes: Sequence[Outcome]) -> None:
    """Write what became of each send, in one statement per batch."""
    if outcomes:
        await session.execute(
            update(OutboxMessage),
            [
                {
                    "id": o.id,
                    "status": o.status,
                    "attempts": o.attempts,
                    "not_before": o.not_before,
                    "sent_at": o.sent_at,
                    "message_id": o.message_id,
                    "error": o.error[:ERROR_LENGTH] if o.error else None,
                }
                for o in outcomes
            ],
        )


async def queued_already(session: AsyncSession, keys: list[str]) -> set[str]:
    """Which of `keys` are in the outbox (so the job that runs every minute writes nothing)."""
    found: set[str] = set()
    for chunk in chunks(keys):
        found |= set(await session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk))))
    return found
