"""The process's log lines: the bound ids on each, text or JSON, and never a secret."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.settings import Settings
from bot.structured_logs import secrets_of, setup_logging
from handlers.log_context import bound, current

TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
OTHER_TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef_-123"  # token-shaped, never configured
HASH_SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
WEBHOOK_SECRET = "webhook-Secret_0123456789"
log = logging.getLogger("cleeksy.test")


@pytest.fixture(autouse=True)
def root_logging() -> Iterator[None]:
    """Leave the root logger as the test found it."""
    root, alembic = logging.getLogger(), logging.getLogger("alembic")
    handlers, level, alembic_level = list(root.handlers), root.level, alembic.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
    alembic.setLevel(alembic_level)


def json_lines(secrets: list[str | None] | None = None) -> io.StringIO:
    out = io.StringIO()
    setup_logging(json_lines=True, secrets=secrets or [TOKEN, HASH_SECRET, None, ""], stream=out)
    return out


def lines_of(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_json_line_carries_the_bound_ids_and_no_secret() -> None:
    out = json_lines()
    with bound(update_id=501, chat_id=-1001), bound(order_id=42):
        log.info("token %s, hash secret %s", TOKEN, HASH_SECRET)
    raw = out.getvalue()
    [line] = lines_of(out)
    assert line == {
        "ts": line["ts"],
        "level": "INFO",
        "logger": "cleeksy.test",
        "message": "token ***, hash secret ***",
        "update_id": 501,
        "chat_id": -1001,
        "order_id": 42,
    }
    stamp = dt.datetime.fromisoformat(line["ts"])
    assert stamp.utcoffset() == dt.timedelta(0)
    assert abs((dt.datetime.now(dt.UTC) - stamp).total_seconds()) < 60
    assert TOKEN not in raw and HASH_SECRET not in raw


def test_a_token_shaped_string_and_a_url_password_are_masked_though_not_configured() -> None:
    out = json_lines()
    log.warning("called with %s", OTHER_TOKEN)
    log.warning("POST https://api.telegram.org/bot%s/sendMessage: 502", OTHER_TOKEN)
    log.warning("connecting to %s", "postgresql+asyncpg://app:s3cr%40t@db.internal:5432/cleeksy")
    log.warning("redis at redis://:hunter2@cache:6379/0 and smtp://mail:pw@smtp/")
    assert [line["message"] for line in lines_of(out)] == [
        "called with ***",
        "POST https://api.telegram.org/bot***/sendMessage: 502",
        "connecting to postgresql+asyncpg://app:***@db.internal:5432/cleeksy",
        "redis at redis://:***@cache:6379/0 and smtp://mail:***@smtp/",
    ]


def test_an_exception_traceback_is_in_exc_with_its_secret_masked() -> None:
    out = json_lines()
    try:
        raise ValueError(f"VNPAY refused the signature made with {HASH_SECRET}")
    except ValueError:
        with bound(order_id=7):
            log.exception("IPN failed")
    [line] = lines_of(out)
    assert line["message"] == "IPN failed"
    assert line["order_id"] == 7
    assert line["exc"].startswith("Traceback (most recent call last):")
    assert line["exc"].endswith("ValueError: VNPAY refused the signature made with ***")
    assert HASH_SECRET not in out.getvalue()


def test_a_line_without_bound_ids_or_exception_has_neither() -> None:
    out = json_lines()
    log.info("idle")
    [line] = lines_of(out)
    assert set(line) == {"ts", "level", "logger", "message"}


def test_a_secret_that_json_would_escape_is_still_masked() -> None:
    odd = 'pa"ss\\word'
    out = json_lines([odd])
    log.info("value %s", odd)
    assert lines_of(out)[0]["message"] == "value ***"
    assert "word" not in out.getvalue()


def test_the_text_format_appends_the_bound_ids_after_the_message() -> None:
    out = io.StringIO()
    setup_logging(json_lines=False, secrets=[WEBHOOK_SECRET], stream=out)
    with bound(update_id=1, chat_id=2):
        log.warning("webhook secret is %s", WEBHOOK_SECRET)
    log.info("no ids")
    first, second = out.getvalue().splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    assert re.fullmatch(
        rf"{stamp} WARNING cleeksy\.test webhook secret is \*\*\* update_id=1 chat_id=2", first
    )
    assert re.fullmatch(rf"{stamp} INFO cleeksy\.test no ids", second)


def test_the_text_format_masks_a_secret_in_the_traceback() -> None:
    out = io.StringIO()
    setup_logging(json_lines=False, secrets=[TOKEN], stream=out)
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError:
        log.exception("Bot API down")
    text = out.getvalue()
    assert "RuntimeError: https://api.telegram.org/bot***/getMe failed" in text
    assert TOKEN not in text


def test_setting_up_twice_leaves_one_handler_writing_to_the_latest_stream() -> None:
    first = json_lines()
    second = json_lines()
    ours = [h for h in logging.getLogger().handlers if type(h).__module__ == "bot.structured_logs"]
    assert len(ours) == 1
    log.info("once")
    assert first.getvalue() == ""
    assert [line["message"] for line in lines_of(second)] == ["once"]


def test_the_level_is_set_and_alembic_is_kept_at_warning() -> None:
    out = io.StringIO()
    setup_logging(json_lines=True, secrets=[], level=logging.WARNING, stream=out)
    log.info("not shown")
    logging.getLogger("alembic.runtime.migration").info("Running upgrade")
    log.warning("shown")
    assert [line["message"] for line in lines_of(out)] == ["shown"]
    assert logging.getLogger("alembic").level == logging.WARNING


def test_bound_ids_are_reset_when_the_block_ends() -> None:
    assert current() == {}
    with bound(chat_id=5, order_id=None):
        assert current() == {"chat_id": 5}
        with bound(chat_id=6, order_id=9):
            assert current() == {"chat_id": 6, "order_id": 9}
        assert current() == {"chat_id": 5}
    assert current() == {}


def test_bound_ids_are_reset_when_the_block_raises() -> None:
    with pytest.raises(KeyError), bound(update_id=3):
        raise KeyError("x")
    assert current() == {}


def test_secrets_of_the_settings_include_the_passwords_in_urls() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BOT_TOKEN=TOKEN,
        VNPAY_HASH_SECRET=HASH_SECRET,
        WEBHOOK_SECRET=WEBHOOK_SECRET,
        DATABASE_URL="postgresql+asyncpg://app:p%40ss@db:5432/cleeksy",
        REDIS_URL="redis://:rpass@cache:6379/0",
        SMTP_URL="smtp://mailer:mailpw@smtp.example:587",
    )
    assert secrets_of(settings) == [TOKEN, HASH_SECRET, WEBHOOK_SECRET, "p@ss", "p%40ss", "rpass", "mailpw"]


def test_secrets_of_tolerate_missing_and_garbled_settings() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BOT_TOKEN=None,
        VNPAY_HASH_SECRET=None,
        WEBHOOK_SECRET=None,
        DATABASE_URL="sqlite+aiosqlite:///data/cleeksy.db",
        REDIS_URL="not a url at all",
        SMTP_URL="smtp://[broken",
    )
    assert secrets_of(settings) == []
    garbled = settings.model_copy(update={"SMTP_URL": "smtp://mailer:mailpw@smtp:not-a-port"})
    assert secrets_of(garbled) == ["mailpw"]
