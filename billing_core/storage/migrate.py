"""Apply Alembic migrations to a database (`cleeksy-bot migrate`, and `run` on start)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

try:
    import fcntl
except ImportError:  # Windows: one instance per SQLite file there
    fcntl = None  # type: ignore[assignment]

ADVISORY_KEY = 0x436C65656B7379  # "Cleeksy": who migrates holds it (PostgreSQL)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("billing_core") / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_blocking(url: str, revision: str = "head") -> None:
    """Upgrade from outside an event loop (the CLI)."""
    command.upgrade(alembic_config(url), revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade over an existing async engine (inside the running loop)."""
    url = engine.url.render_as_string(hide_password=False)

    def _run(connection: object) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with migration_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})
        await connection.run_sync(_run)


@asynccontextmanager
async def migration_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """Instances starting together migrate one after the other: on PostgreSQL an advisory lock
    inside the migration's transaction; on a SQLite file, a lock on a file beside it."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or fcntl is None:
        yield
        return
    with open(f"{database}.migrate-lock", "a+b") as lock_file:
        await asyncio.to_thread(fcntl.flock, lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
