"""BOT_FRAMEWORK: `cleeksy-bot run` runs the whole product on aiogram (the default) or on
python-telegram-bot (`ptb`); any other value stops start-up in one line naming the variable,
before the database is touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError, load_settings
from tests.sample_seller import SELLER


def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, framework: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("VNPAY_TMN_CODE", "CLEEKSY1")
    monkeypatch.setenv("VNPAY_HASH_SECRET", "S" * 32)
    monkeypatch.setenv("BOT_TOKEN", "1:token")
    for name, value in SELLER.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BOT_FRAMEWORK", framework)


@pytest.mark.parametrize("framework", ["telegraf", "PTB", "python-telegram-bot", ""])
def test_an_unknown_framework_stops_run_with_one_line(
    framework: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _environment(tmp_path, monkeypatch, framework)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cleeksy-bot run: BOT_FRAMEWORK: ") and err.count("\n") == 1, err
    assert "must be aiogram or ptb" in err
    assert not (tmp_path / "c.db").exists()


@pytest.mark.parametrize("framework", ["aiogram", "ptb"])
def test_both_frameworks_are_taken(framework: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _environment(tmp_path, monkeypatch, framework)
    assert load_settings().bot_framework() == framework


def test_aiogram_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_FRAMEWORK", raising=False)
    assert load_settings().bot_framework() == "aiogram"


def test_a_framework_set_past_validation_is_still_refused_by_name() -> None:
    settings = Settings().model_copy(update={"BOT_FRAMEWORK": "telegraf"})
    with pytest.raises(SettingsError, match=r"^BOT_FRAMEWORK: must be aiogram or ptb .*'telegraf'"):
        settings.bot_framework()
