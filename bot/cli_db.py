"""The database as the command line uses it: migrated first, disposed after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.storage.database import make_engine, session_factory
from billing_core.storage.migrate import upgrade
from billing_core.storage.units import dispose
from bot.settings import Settings


@asynccontextmanager
async def migrated_sessions(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(settings.DATABASE_URL)
    try:
        await upgrade(engine)
        yield session_factory(engine)
    finally:
        await dispose(engine)
