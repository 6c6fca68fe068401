"""The migrations build exactly the models' schema, on SQLite and PostgreSQL; instants stay UTC."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.models import Customer
from tests.billing_core.storage.migration_steps import schema_diff


async def test_the_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(schema_diff) == []


async def test_instants_come_back_aware_utc(sessions: async_sessionmaker[AsyncSession]) -> None:
    hanoi = dt.timezone(dt.timedelta(hours=7))
    async with sessions.begin() as session:
        customer = await get_or_create_customer(
            session, 42, now=dt.datetime(2026, 11, 24, 10, 0, tzinfo=hanoi)
        )
    async with sessions() as session:
        created = await session.scalar(select(Customer.created_at).where(Customer.id == customer.id))
    assert created == dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
    assert created is not None and created.tzinfo is dt.UTC
