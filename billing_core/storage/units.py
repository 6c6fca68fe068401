"""Units of work on one plain connection: the hot paths in SQL Core, with no ORM session.

Through an async session and aiosqlite a statement costs about half a millisecond (each one
is four hops to aiosqlite's thread, plus the ORM), and the paying IPN made fourteen of them
(bench/ipn.py). A unit is a plain function of a SQLAlchemy `Connection` that runs in one
transaction:

- on a SQLite file, in one thread that owns a synchronous connection to the same file (one
  hop per unit instead of four per statement), while holding this process's writer lock so
  the async sessions' writers queue behind it rather than in SQLite's busy handler;
- anywhere else (PostgreSQL through asyncpg, or SQLite in memory), through
  `AsyncConnection.run_sync`, which drives the same function over the async driver.

The same function serves both databases, and the storage tests run it on both.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from billing_core.storage.database import BUSY_TIMEOUT_MS, configure_sqlite, writer_lock

T = TypeVar("T")
P = ParamSpec("P")
Unit = Callable[[Connection], T]


# SQLite checkpoints the WAL into the database file on the commit that finds it past 1,000
# pages: a 5–7 ms stall every hundred or so payments, which is the whole p99 under load
# (bench/ipn.py). The unit connection leaves that to a thread of its own instead, which
# checkpoints (PASSIVE: never blocking a writer) after every CHECKPOINT_EVERY units.
CHECKPOINT_EVERY = 200


class _SqliteThread:
    """A synchronous engine on the same SQLite file, used from one thread only, and a second
    thread that checkpoints the WAL off the request path."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = create_engine(
            engine.url.set(drivername="sqlite"),
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        configure_sqlite(self.engine)
        event.listen(self.engine, "connect", _no_autocheckpoint)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-unit")
        self.checkpointer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-checkpoint")
        self._since_checkpoint = 0
        self._checkpoint: Future[None] | None = None

    def run(self, unit: Unit[T]) -> T:
        with self.engine.begin() as connection:
            result = unit(connection)
        self._since_checkpoint += 1
        if self._since_checkpoint >= CHECKPOINT_EVERY and (
            self._checkpoint is None or self._checkpoint.done()
        ):
            self._since_checkpoint = 0
            self._checkpoint = self.checkpointer.submit(self._checkpoint_wal)
        return result

    def _checkpoint_wal(self) -> None:
        connection = self.engine.raw_connection()  # no BEGIN: a checkpoint runs outside transactions
        try:
            connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
        finally:
            connection.close()

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self.checkpointer.shutdown(wait=True)
        self.engine.dispose()


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


_THREADS: weakref.WeakKeyDictionary[Engine, _SqliteThread] = weakref.WeakKeyDictionary()


def _sqlite_thread(engine: AsyncEngine) -> _SqliteThread | None:
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    found = _THREADS.get(engine.sync_engine)
    if found is None:
        found = _THREADS[engine.sync_engine] = _SqliteThread(engine)
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
        thread = _sqlite_thread(engine)
        if thread is not None:
            return await asyncio.get_running_loop().run_in_executor(thread.executor, thread.run, unit)
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
