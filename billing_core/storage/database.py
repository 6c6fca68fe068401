"""The async engine: SQLite (WAL, foreign keys, busy timeout, BEGIN IMMEDIATE) or PostgreSQL.

SQLite allows one writer at a time. A deferred transaction that reads and then writes can
fail at once with "database is locked" when another writer got there first, whatever the
busy timeout; so every transaction here starts with BEGIN IMMEDIATE and waits its turn,
and within one process `transaction()` queues writers on a lock (no busy-handler sleeps).
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

BUSY_TIMEOUT_MS = 15_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine for a SQLAlchemy async URL; creates the SQLite file's folder if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
    configure_sqlite(engine.sync_engine)
    return engine


def configure_sqlite(engine: Engine, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for every transaction."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we send BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            f"busy_timeout={busy_timeout_ms}",
            "synchronous=NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.dialect.driver == "pysqlite" and connection.connection.driver_connection.in_transaction:
            return  # a unit began it on sqlite3's connection (billing_core/storage/units.py)
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def add_unless_duplicate(session: AsyncSession, row: object) -> bool:
    """Insert `row` inside a savepoint; False (and nothing written) if a unique key already holds."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True


_SQLITE_WRITERS: weakref.WeakKeyDictionary[Engine, asyncio.Lock] = weakref.WeakKeyDictionary()


def writer_lock(sessions: async_sessionmaker[AsyncSession]) -> asyncio.Lock | None:
    """SQLite has one writer at a time: queue this process's transactions on a lock instead of
    letting them spin in SQLite's busy handler (which sleeps in growing steps, up to 100 ms)."""
    bind = sessions.kw.get("bind")
    engine = bind.sync_engine if isinstance(bind, AsyncEngine) else None
    if engine is None or engine.dialect.name != "sqlite":
        return None
    return _SQLITE_WRITERS.setdefault(engine, asyncio.Lock())


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any exception."""
    lock = writer_lock(sessions)
    async with lock if lock is not None else contextlib.nullcontext(), sessions() as session, session.begin():
        yield session


CHUNK = 500  # ids per IN (...) list, well below SQLite's and PostgreSQL's parameter limits
T = TypeVar("T")


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """`items` CHUNK at a time, for IN (...) lists."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
