"""Statements compiled once (`prepared.Prepared`): on a SQLite file a unit runs them straight on
the sqlite3 connection; what they store and read must be exactly what SQLAlchemy's own path
stores and reads, and they must share the unit's one transaction with its other statements."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, Table, bindparam, select
from sqlalchemy.exc import IntegrityError

from billing_core.storage.conversation_store import load_state, save_state
from billing_core.storage.database import transaction
from billing_core.storage.invoice_numbers import next_number
from billing_core.storage.prepared import Prepared
from billing_core.storage.tables import CONVERSATION_STATES, INVOICE_COUNTERS
from billing_core.storage.units import in_session, run_unit

from .conftest import NOW, Sessions

STATE = {"step": "review", "cart": [{"solution": "workspace", "seats": 5}], "note": "Đã xem báo giá"}
SQLITE_FILE = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # where the driver path runs


def _stored(connection: Connection) -> list[tuple[Any, ...]]:
    """The rows as the database holds them, read as text (no type conversion)."""
    rows = connection.exec_driver_sql(
        "SELECT chat_id, CAST(state AS TEXT), version, CAST(updated_at AS TEXT) FROM conversation_states"
        " ORDER BY chat_id"
    )
    return [tuple(row) for row in rows]


async def test_a_unit_stores_and_reads_what_sqlalchemy_s_own_path_does(sessions: Sessions) -> None:
    # chat 1 through a unit (the sqlite3 connection itself on a SQLite file), chat 2 through
    # the ORM session's connection (SQLAlchemy's execution), each written twice
    await run_unit(sessions, lambda c: save_state(c, 1, STATE, None, NOW))
    await run_unit(sessions, lambda c: save_state(c, 1, STATE | {"step": "paid"}, 1, NOW))
    async with transaction(sessions) as s:
        await in_session(s, save_state, 2, STATE, None, NOW)
        await in_session(s, save_state, 2, STATE | {"step": "paid"}, 1, NOW)
    stored = await run_unit(sessions, _stored)
    assert [row[1:] for row in stored] == [stored[0][1:]] * 2  # the same JSON text, version, time

    by_unit = await run_unit(sessions, lambda c: [load_state(c, 1), load_state(c, 2), load_state(c, 3)])
    async with transaction(sessions) as s:
        by_session = [await in_session(s, load_state, chat) for chat in (1, 2, 3)]
    assert by_unit == by_session == [(STATE | {"step": "paid"}, 2)] * 2 + [None]


@SQLITE_FILE
async def test_prepared_and_sqlalchemy_statements_in_a_unit_are_one_transaction(sessions: Sessions) -> None:
    def both_then(fail: bool) -> Any:
        def unit(connection: Connection) -> None:
            save_state(connection, 5, STATE, None, NOW)  # prepared: on the driver
            next_number(connection, "C26TAA", 2026)  # SQLAlchemy's execute
            if fail:
                raise RuntimeError("the order could not be placed")

        return unit

    with pytest.raises(RuntimeError):
        await run_unit(sessions, both_then(fail=True))
    assert await run_unit(sessions, _stored) == []  # both rolled back
    assert await run_unit(sessions, lambda c: c.execute(select(INVOICE_COUNTERS)).all()) == []

    await run_unit(sessions, both_then(fail=False))
    assert [row[0] for row in await run_unit(sessions, _stored)] == [5]
    assert await run_unit(sessions, lambda c: c.execute(select(INVOICE_COUNTERS.c.last_number)).scalar()) == 1


@SQLITE_FILE
async def test_a_failing_prepared_statement_rolls_its_unit_back(sessions: Sessions) -> None:
    def write_then_break(connection: Connection) -> None:
        save_state(connection, 6, STATE, None, NOW)
        save_state(connection, 7, {"unstorable": object()}, None, NOW)  # not JSON

    with pytest.raises(TypeError):
        await run_unit(sessions, write_then_break)
    assert await run_unit(sessions, _stored) == []
    await run_unit(sessions, lambda c: save_state(c, 6, STATE, None, NOW))  # the connection is usable
    assert [row[0] for row in await run_unit(sessions, _stored)] == [6]


@SQLITE_FILE  # compiled for SQLite's driver only; elsewhere SQLAlchemy runs it
async def test_a_statement_with_a_list_parameter_is_refused(sessions: Sessions) -> None:
    listed = Prepared(
        select(CONVERSATION_STATES.c.chat_id).where(
            CONVERSATION_STATES.c.chat_id.in_(bindparam("chats", expanding=True))
        )
    )
    with pytest.raises(ValueError, match="plain positional parameters"):
        await run_unit(sessions, lambda c: listed.first(c, {"chats": [1, 2]}))


ORPHAN = (  # SQLite accepts these writes and refuses them only at COMMIT (a deferred foreign key)
    "PRAGMA defer_foreign_keys = ON",
    "INSERT INTO invoice_counters (symbol, year, last_number) VALUES ('C26TAA', 2026, 7)",
    "INSERT INTO payments (order_id, gateway, txn_ref, amount, status, created_at, updated_at)"
    " VALUES (999999, 'vnpay', 'X', 1, 'pending', '', '')",
)


def _through_sqlalchemy(connection: Connection) -> None:
    for sql in ORPHAN:
        connection.exec_driver_sql(sql)


def _through_the_driver(connection: Connection) -> None:
    for sql in ORPHAN:
        connection.connection.driver_connection.execute(sql)  # type: ignore[union-attr]


@SQLITE_FILE
@pytest.mark.parametrize(
    ("unit", "refusal"),
    [(_through_sqlalchemy, IntegrityError), (_through_the_driver, sqlite3.IntegrityError)],
    ids=["sqlalchemy", "driver"],
)
async def test_a_unit_whose_commit_fails_is_rolled_back_and_the_next_one_runs(
    sessions: Sessions, unit: Callable[[Connection], None], refusal: type[Exception]
) -> None:
    with pytest.raises(refusal, match="FOREIGN KEY"):
        await run_unit(sessions, unit)
    # nothing of it stayed, and the kept connection is not left inside its transaction
    assert await run_unit(sessions, lambda c: c.execute(select(INVOICE_COUNTERS)).all()) == []
    await run_unit(sessions, lambda c: save_state(c, 8, STATE, None, NOW))
    assert [row[0] for row in await run_unit(sessions, _stored)] == [8]


@SQLITE_FILE
async def test_a_statement_with_python_side_defaults_is_refused(sessions: Sessions) -> None:
    table = Table(
        "with_default", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer, default=1)
    )
    insert_with_default = Prepared(table.insert().values(id=bindparam("id")))
    with pytest.raises(ValueError, match="default in Python"):
        await run_unit(sessions, lambda c: insert_with_default.rowcount(c, {"id": 1}))
