"""Apply Alembic migrations to a database (`cleeksy-bot migrate`, and `run` on start)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine


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

    async with engine.begin() as connection:
        await connection.run_sync(_run)
