"""Units of work on one plain connection: the hot paths in SQL Core, with no ORM session.

Through an async session and aiosqlite a statement costs about half a millisecond (each one
is four hops to aiosqlite's thread, plus the ORM), and the paying IPN made fourteen of them
(bench/ipn.py). A unit is a plain function of a SQLAlchemy `Connection` that runs in one
transaction:

- on a SQLite file, on a synchronous connection to the same file, while holding this
  process's writer lock (so the async sessions' writers queue behind it). It runs right in
  the event loop: a paying IPN is under a millisecond of work, and a hop to a worker thread
  cost more than that in thread switches and GIL hand-overs (about 40 % of the IPN's
  throughput). Only when another connection holds SQLite's write lock (another process, or
  a read session of this one, since every transaction begins IMMEDIATE) does BEGIN fail at
  once (that connection has no busy timeout) and the unit go to a thread of its own to wait
  there with the usual timeout, so the event loop never waits for a lock;
- anywhere else (PostgreSQL through asyncpg, or SQLite in memory), through
  `AsyncConnection.run_sync`, which drives the same function over the async driver.

The same function serves both databases, and the storage tests run it on both.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from billing_core.storage.database import BUSY_TIMEOUT_MS, configure_sqlite, writer_lock

log = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")
Unit = Callable[[Connection], T]


# SQLite checkpoints the WAL into the database file on the commit that finds it past 1,000
# pages: a 5–7 ms stall every hundred or so payments, which is the whole p99 under load
# (bench/ipn.py). The unit connections leave that to a thread of their own instead, which
# checkpoints (PASSIVE: never blocking a writer) after every CHECKPOINT_EVERY units.
CHECKPOINT_EVERY = 200


class _Busy:
    """Another process holds SQLite's write lock."""


BUSY = _Busy()


class _SqliteUnits:
    """Synchronous engines on the same SQLite file: one that never waits for a lock (used in
    the event loop), one that waits with the usual timeout (used in a thread of its own), and a
    thread that checkpoints the WAL off the request path."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.inline = self._engine(engine, busy_timeout_ms=0)
        self.patient = self._engine(engine, busy_timeout_ms=BUSY_TIMEOUT_MS)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-unit")
        self.checkpointer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-checkpoint")
        self._since_checkpoint = 0
        self._checkpoint: Future[None] | None = None
        self._connection: Connection | None = None  # the inline one, kept: no pool round trip per unit

    @staticmethod
    def _engine(engine: AsyncEngine, busy_timeout_ms: int) -> Engine:
        sync = create_engine(
            engine.url.set(drivername="sqlite"),
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        )
        configure_sqlite(sync, busy_timeout_ms)
        event.listen(sync, "connect", _no_autocheckpoint)
        return sync

    def run_inline(self, unit: Unit[T]) -> T | _Busy:
        connection = self._connection
        if connection is None or connection.closed or connection.invalidated:
            connection = self._connection = self.inline.connect()
        # The transaction is begun and ended on the driver's connection: SQLAlchemy's own begin
        # and commit cost 60 µs of the ~100 µs a one-statement unit took. The unit's statements
        # still go through `connection`, whose begin event sees the driver's open transaction
        # and sends no second BEGIN (database.configure_sqlite).
        driver: Any = connection.connection.driver_connection  # sqlite3's: this engine is pysqlite
        try:
            driver.execute("BEGIN IMMEDIATE")  # the only statement that waits
        except connection.dialect.loaded_dbapi.OperationalError as exc:
            if "locked" in str(exc):
                return BUSY
            raise
        try:
            result = unit(connection)
            _end(connection, driver, commit=True)
        except BaseException:
            self._roll_back(connection, driver)  # the unit failed, or its COMMIT did
            raise
        self._count()
        return result

    def _roll_back(self, connection: Connection, driver: Any) -> None:
        try:
            _end(connection, driver, commit=False)
        except Exception:  # never leave the kept connection inside a transaction holding the lock
            log.exception("a unit's rollback failed: its connection is closed")
            connection.invalidate()
            self._connection = None

    def run_waiting(self, unit: Unit[T]) -> T:
        with self.patient.begin() as connection:
            result = unit(connection)
        self._count()
        return result

    def _count(self) -> None:
        self._since_checkpoint += 1
        if self._since_checkpoint >= CHECKPOINT_EVERY and (
            self._checkpoint is None or self._checkpoint.done()
        ):
            self._since_checkpoint = 0
            self._checkpoint = self.checkpointer.submit(self._checkpoint_wal)

    def _checkpoint_wal(self) -> None:
        connection = self.patient.raw_connection()  # no BEGIN: a checkpoint runs outside transactions
        try:
            connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
        finally:
            connection.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.executor.shutdown(wait=True)
        self.checkpointer.shutdown(wait=True)
        self.inline.dispose()
        self.patient.dispose()


def _end(connection: Connection, driver: Any, *, commit: bool) -> None:
    """Commit or roll back a unit begun on the driver, through SQLAlchemy if a statement of the
    unit made it open its own transaction (then its state ends with the driver's)."""
    if not commit:
        connection.rollback()  # a no-op if none; also clears one a failed commit left inactive
    elif connection.in_transaction():
        connection.commit()
    if driver.in_transaction:  # begun on the driver only, or a failed commit left it open
        driver.execute("COMMIT" if commit else "ROLLBACK")


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


_THREADS: weakref.WeakKeyDictionary[Engine, _SqliteUnits] = weakref.WeakKeyDictionary()


def _sqlite_units(engine: AsyncEngine) -> _SqliteUnits | None:
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    found = _THREADS.get(engine.sync_engine)
    if found is None:
        found = _THREADS[engine.sync_engine] = _SqliteUnits(engine)
        weakref.finalize(engine.sync_engine, found.executor.shutdown, wait=False)
        weakref.finalize(engine.sync_engine, found.checkpointer.shutdown, wait=False)
    return found


def _engine(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    bind = sessions.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise TypeError("the session factory is not bound to an AsyncEngine")
    return bind


async def run_unit(sessions: async_sessionmaker[AsyncSession], unit: Unit[T]) -> T:
    """Run `unit` in one transaction: committed if it returns, rolled back if it raises."""
    engine = _engine(sessions)
    lock = writer_lock(sessions)
    async with lock if lock is not None else contextlib.nullcontext():
        units = _sqlite_units(engine)
        if units is not None:
            result = units.run_inline(unit)
            if not isinstance(result, _Busy):
                return result
            log.info("SQLite's write lock is held by another connection: the unit waits in a thread")
            return await asyncio.get_running_loop().run_in_executor(units.executor, units.run_waiting, unit)
        async with engine.begin() as connection:
            return await connection.run_sync(unit)


async def dispose(engine: AsyncEngine) -> None:
    """Close the engine's pool and, for a SQLite file, its unit thread and connection."""
    thread = _THREADS.pop(engine.sync_engine, None)
    if thread is not None:
        await asyncio.get_running_loop().run_in_executor(None, thread.close)
    await engine.dispose()


async def in_session(
    session: AsyncSession, unit: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run a unit inside an ORM session's open transaction, on its connection.

    The session's already loaded objects do not see what the unit wrote: refresh them."""
    return await session.run_sync(lambda sync: unit(sync.connection(), *args, **kwargs))
