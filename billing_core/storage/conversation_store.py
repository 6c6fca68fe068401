"""Conversation state: one JSON document per chat with a version for optimistic locking.

The hot path makes one read and one write per update, each a SQL Core statement compiled once
(`prepared.Prepared`) and run as a unit (`units.run_unit`). A write names the version it read;
if another writer got there first it raises StaleState; the runtime logs it and drops that
write rather than replaying the update, whose messages were already sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from billing_core.storage.prepared import Prepared
from billing_core.storage.tables import CONVERSATION_STATES as TABLE
from billing_core.storage.tables import insert_once


class StaleState(Exception):
    """The state changed since it was read."""


_READ = Prepared(select(TABLE.c.state, TABLE.c.version).where(TABLE.c.chat_id == bindparam("chat_id")))
_WRITE = Prepared(
    update(TABLE)
    .where(TABLE.c.chat_id == bindparam("chat"), TABLE.c.version == bindparam("read_version"))
    .values(state=bindparam("new_state"), version=bindparam("new_version"), updated_at=bindparam("now"))
)


_FIRST_WRITE = Prepared(
    insert_once(
        TABLE,
        TABLE.c.chat_id,
        chat_id=bindparam("new_chat"),
        state=bindparam("new_state"),
        version=1,
        updated_at=bindparam("now"),
    )
)


def load_state(connection: Connection, chat_id: int) -> tuple[dict[str, Any], int] | None:
    row = _READ.first(connection, {"chat_id": chat_id})
    return (dict(row[0]), int(row[1])) if row else None


def save_state(
    connection: Connection, chat_id: int, state: dict[str, Any], read_version: int | None, now: dt.datetime
) -> int:
    """Write `state` over the version read (None: none existed); return the new version."""
    values = {"chat": chat_id, "new_state": state, "now": now}
    if read_version is None:
        first = {"new_chat": chat_id, "new_state": state, "now": now}
        if not _FIRST_WRITE.rowcount(connection, first):
            raise StaleState(chat_id)
        return 1
    next_version = {"read_version": read_version, "new_version": read_version + 1}
    if not _WRITE.rowcount(connection, values | next_version):
        raise StaleState(chat_id)
    return read_version + 1
