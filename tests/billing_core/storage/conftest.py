"""A migrated database per test: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from billing_core.storage.database import make_engine, session_factory
from billing_core.storage.migrate import upgrade

NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)


async def _reset_postgres(url: str) -> None:
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url:
            pytest.skip(
                "TEST_DATABASE_URL is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
            )
        await _reset_postgres(url)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'cleeksy.db'}"
    engine = (
        make_engine(url, pool_size=25, max_overflow=30) if request.param == "postgresql" else make_engine(url)
    )
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)
