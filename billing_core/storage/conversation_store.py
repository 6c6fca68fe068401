"""Conversation state: one JSON document per chat with a version for optimistic locking.

The hot path makes one read and one write per update with SQLAlchemy Core statements.
A write names the version it read; if another writer got there first it raises StaleState
and the caller re-reads and re-applies the event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.storage.models import ConversationState

TABLE = cast(Table, ConversationState.__table__)


class StaleState(Exception):
    """The state changed since it was read."""


async def load_state(session: AsyncSession, chat_id: int) -> tuple[dict[str, Any], int] | None:
    row = (
        await session.execute(select(TABLE.c.state, TABLE.c.version).where(TABLE.c.chat_id == chat_id))
    ).first()
    return (dict(row.state), int(row.version)) if row else None


async def save_state(
    session: AsyncSession, chat_id: int, state: dict[str, Any], read_version: int | None, now: dt.datetime
) -> int:
    """Write `state` over the version read (None: none existed); return the new version."""
    if read_version is None:
        try:
            async with session.begin_nested():
                await session.execute(
                    insert(TABLE).values(chat_id=chat_id, state=state, version=1, updated_at=now)
                )
        except IntegrityError:
            raise StaleState(chat_id) from None
        return 1
    result = await session.execute(
        update(TABLE)
        .where(TABLE.c.chat_id == chat_id, TABLE.c.version == read_version)
        .values(state=state, version=read_version + 1, updated_at=now)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise StaleState(chat_id)
    return read_version + 1
