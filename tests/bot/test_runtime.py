"""`cleeksy-bot run` applies pending migrations on start and serves the HTTP routes."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from billing_core.catalogue_loader import load_bundled
from bot.cli import main
from bot.runtime import running
from bot.settings import Settings


async def test_run_migrates_a_new_database_and_serves_health(tmp_path: Path) -> None:
    settings = Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'new' / 'cleeksy.db'}",
        VNPAY_TMN_CODE="CLEEKSY1",
        VNPAY_HASH_SECRET="CLEEKSYTESTSECRET0123456789ABCDE",
    )
    settings = settings.model_copy(update={"HTTP_PORT": 0})  # any free port, for the test only
    async with running(settings, load_bundled("cleeksy")) as live:
        async with live.engine.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        async with aiohttp.ClientSession() as client, client.get(f"{live.url}/health") as resp:
            assert (resp.status, await resp.json()) == (200, {"status": "ok"})
    assert version == "0002"


def test_run_without_vnpay_settings_stops_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    monkeypatch.delenv("VNPAY_TMN_CODE", raising=False)
    assert main(["run"]) == 2
    assert (
        capsys.readouterr().err
        == "cleeksy-bot run: VNPAY_TMN_CODE: missing (set it in the environment or .env)\n"
    )
