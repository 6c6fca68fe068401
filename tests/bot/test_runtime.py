"""`cleeksy-bot run` applies pending migrations on start and serves the HTTP routes."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from billing_core.catalogue_loader import load_bundled
from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import make_engine, session_factory, transaction
from billing_core.storage.migrate import alembic_config, upgrade
from billing_core.storage.models import Order
from billing_core.storage.units import dispose
from bot.cli import main
from bot.local_bot_api import LocalBotApi
from bot.runtime import running
from bot.settings import Settings
from tests.billing_core.storage.conftest import order
from tests.sample_seller import SELLER


@pytest.fixture
async def telegram() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as api:
        yield api


def _settings(database: Path, telegram: LocalBotApi) -> Settings:
    return Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        BOT_TOKEN=telegram.token,
        TELEGRAM_API_BASE=telegram.base_url,
        VNPAY_TMN_CODE="CLEEKSY1",
        VNPAY_HASH_SECRET="CLEEKSYTESTSECRET0123456789ABCDE",
        **SELLER,
    ).model_copy(update={"HTTP_PORT": 0})  # any free port, for the test only


async def test_run_migrates_a_new_database_and_serves_health(tmp_path: Path, telegram: LocalBotApi) -> None:
    settings = _settings(tmp_path / "new" / "cleeksy.db", telegram)
    async with running(settings, load_bundled("cleeksy")) as live:
        assert live.bot.username == "cleeksy_local_bot"
        async with live.engine.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        async with aiohttp.ClientSession() as client, client.get(f"{live.url}/health") as resp:
            assert (resp.status, await resp.json()) == (200, {"status": "ok", "database": "ok"})
    head = ScriptDirectory.from_config(alembic_config(settings.DATABASE_URL)).get_current_head()
    assert version == head and head is not None


async def test_run_reconciles_at_start_an_order_whose_link_expired_long_ago(
    tmp_path: Path, telegram: LocalBotApi
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cleeksy.db'}"
    engine = make_engine(url)
    await upgrade(engine)
    sessions = session_factory(engine)
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    async with transaction(sessions) as s:
        customer = await get_or_create_customer(s, 1001, now=an_hour_ago)
    order_id = await order(sessions, customer.id, "never-paid", now=an_hour_ago)
    await dispose(engine)
    async with running(_settings(tmp_path / "cleeksy.db", telegram), load_bundled("cleeksy")) as live:
        await asyncio.wait_for(live.jobs.ran("reconcile"), 10)
        async with session_factory(live.engine)() as s:
            assert (await s.get(Order, order_id)).status == "expired"  # type: ignore[union-attr]


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


def test_run_without_a_bot_token_stops_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("VNPAY_TMN_CODE", "CLEEKSY1")
    monkeypatch.setenv("VNPAY_HASH_SECRET", "S" * 32)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert (
        capsys.readouterr().err == "cleeksy-bot run: BOT_TOKEN: missing (set it in the environment or .env)\n"
    )


@pytest.mark.parametrize(
    ("seller", "line"),
    [
        ({}, "SELLER_NAME: missing (set it in the environment or .env)"),
        ({**SELLER, "SELLER_TAX_CODE": "01098765"}, "SELLER_TAX_CODE: "),
    ],
)
def test_run_without_the_sellers_details_stops_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    seller: dict[str, str],
    line: str,
) -> None:
    """The invoice (V4) names the seller and its tax code: `run` does not start without them."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("VNPAY_TMN_CODE", "CLEEKSY1")
    monkeypatch.setenv("VNPAY_HASH_SECRET", "S" * 32)
    monkeypatch.setenv("BOT_TOKEN", "1:abc")
    for name in ("SELLER_NAME", "SELLER_ADDRESS", "SELLER_TAX_CODE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in seller.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cleeksy-bot run: " + line) and err.count("\n") == 1, err
    assert not (tmp_path / "c.db").exists()
