"""Units of work on one plain connection (`units.run_unit`): the IPN's path, on both databases."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Connection, create_engine, select

from billing_core.storage import units
from billing_core.storage.database import transaction
from billing_core.storage.invoice_numbers import next_number
from billing_core.storage.tables import INVOICE_COUNTERS
from billing_core.storage.units import in_session, run_unit

from .conftest import Sessions


def _bump(connection: Connection) -> int:
    return next_number(connection, "C26TAA", 2026)


def _last(connection: Connection) -> int | None:
    return connection.execute(select(INVOICE_COUNTERS.c.last_number)).scalar()


# Not run on PostgreSQL at all (rather than migrated there and then skipped).
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


async def test_a_unit_commits_when_it_returns_and_rolls_back_when_it_raises(sessions: Sessions) -> None:
    assert await run_unit(sessions, _bump) == 1

    def bump_then_fail(connection: Connection) -> None:
        _bump(connection)
        raise RuntimeError("the payment could not be applied")

    with pytest.raises(RuntimeError):
        await run_unit(sessions, bump_then_fail)
    assert await run_unit(sessions, _last) == 1


async def test_units_and_orm_sessions_write_side_by_side_without_losing_a_write(sessions: Sessions) -> None:
    async def through_session() -> int:
        async with transaction(sessions) as s:
            return await in_session(s, _bump)

    numbers = await asyncio.gather(
        *(run_unit(sessions, _bump) for _ in range(20)), *(through_session() for _ in range(20))
    )
    assert sorted(numbers) == list(range(1, 41))


@SQLITE_ONLY  # a SQLite file's write-ahead log
async def test_the_wal_is_checkpointed_off_the_request_path(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = sessions.kw["bind"]
    monkeypatch.setattr(units, "CHECKPOINT_EVERY", 3)
    for _ in range(3):
        await run_unit(sessions, _bump)
    worker = units._sqlite_units(engine)
    assert worker is not None and worker._checkpoint is not None
    await asyncio.wrap_future(worker._checkpoint)  # raises if the checkpoint failed
    assert await run_unit(sessions, _last) == 3


@SQLITE_ONLY  # SQLite's single writer
async def test_while_another_process_writes_the_unit_waits_off_the_event_loop(sessions: Sessions) -> None:
    engine = sessions.kw["bind"]
    other = create_engine(engine.url.set(drivername="sqlite"))  # another process's connection
    try:
        with other.connect() as holder:
            holder.exec_driver_sql("BEGIN IMMEDIATE")
            waiting = asyncio.create_task(run_unit(sessions, _bump))
            done, _ = await asyncio.wait([waiting], timeout=0.2)  # the loop keeps running meanwhile
            assert not done
            holder.exec_driver_sql("COMMIT")
        assert await asyncio.wait_for(waiting, 15) == 1
        assert await run_unit(sessions, _bump) == 2  # and the next one runs in the event loop again
    finally:
        other.dispose()
