"""A migrated database per test: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from billing_core.quote import Quote
from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import make_engine, session_factory, transaction
from billing_core.storage.migrate import upgrade
from billing_core.storage.models import Subscription
from billing_core.storage.orders import create_order
from billing_core.storage.units import dispose
from tests.billing_core.conftest import Y, ask, line

NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _reset_postgres(url: str) -> None:
    """Empty the test database; refuse one whose name does not say it is for tests."""
    name = make_url(url).database or ""
    if "test" not in name:
        pytest.fail(f"TEST_DATABASE_URL names {name!r}: the tests drop its schema, so use a *test* database")
    await empty_schema(url)


async def empty_schema(url: str) -> None:
    """Drop every table of a PostgreSQL database (its public schema) and start it afresh."""
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
    await dispose(engine)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


TIMEOUT = dt.timedelta(minutes=15)


async def customer(sessions: Sessions, telegram_id: int = 1001) -> int:
    async with transaction(sessions) as s:
        return (await get_or_create_customer(s, telegram_id, now=NOW)).id


def workspace_quote(**kw: Any) -> Quote:
    result = ask("2026-11-24", line("workspace", "standard", Y, 5), **kw)
    assert isinstance(result, Quote)
    return result


async def order(
    sessions: Sessions, customer_id: int, token: str, q: Quote | None = None, now: dt.datetime = NOW
) -> int:
    async with transaction(sessions) as s:
        created = await create_order(
            s,
            customer_id=customer_id,
            client_token=token,
            catalogue_id="cleeksy",
            quote=q or workspace_quote(),
            quote_json={},
            now=now,
            timeout=TIMEOUT,
        )
        return created.id


async def add_subscription(sessions: Sessions, customer_id: int, solution: str, status: str) -> None:
    """A monthly Standard subscription of 5 users, 10/11 – 10/12/2026, in `status`."""
    async with transaction(sessions) as s:
        s.add(
            Subscription(
                customer_id=customer_id,
                solution=solution,
                tier="standard",
                seats=5,
                cycle="monthly",
                period_start=dt.date(2026, 11, 10),
                period_end=dt.date(2026, 12, 10),
                paid_until=dt.date(2026, 12, 10),
                anchor_day=10,
                status=status,
                renewal_mode="manual",
                addons={},
                quotas={},
                updated_at=NOW,
            )
        )
