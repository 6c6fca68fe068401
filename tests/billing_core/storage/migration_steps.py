"""Moving a test database along its migrations, and comparing what it holds with the models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from billing_core.storage.migrate import alembic_config
from billing_core.storage.models import Base


def schema_diff(conn: Connection) -> list[Any]:
    """What differs between the database and the models (empty when they match)."""
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def table_names(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


async def migrate_to(engine: AsyncEngine, step: Callable[[Config, str], None], revision: str) -> None:
    """`step` (alembic's command.upgrade or command.downgrade) to `revision`."""
    url = engine.url.render_as_string(hide_password=False)

    def run(connection: Connection) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        step(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)
