"""The process's logging: one handler on the root logger, text or JSON lines, never a secret.

Each line carries the ids bound with `handlers.log_context.bound` where it was logged. Text:
`2026-11-24 10:00:00,123 INFO cleeksy.x message update_id=1 chat_id=2`, then the traceback.
JSON, one object per line: `ts` (ISO 8601, UTC), `level`, `logger`, `message`, the ids, and
`exc` (the formatted traceback) when there is one.

Redaction runs on what is written, after formatting, so it reaches the message, its
arguments and the traceback alike: each secret given (the settings' `secrets_of`) becomes
`***`, as does anything shaped like a Telegram bot token and the password of any URL
(`scheme://user:***@host`). In JSON each field is redacted before encoding, so a secret is
found as it is, not as JSON escapes it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO
from urllib.parse import unquote, urlsplit

from sqlalchemy import make_url

from handlers.log_context import current

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["Redactor", "secrets_of", "setup_logging"]

MASK = "***"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
BOT_TOKEN_SHAPE = re.compile(r"(?:(?<=bot)|\b)\d{5,}:[A-Za-z0-9_-]{30,}")  # also in /bot<token>/
URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^\s/]+@")


class Redactor:
    """Replaces the secrets, bot-token-shaped strings and URL passwords in a text by `***`."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        known = sorted({s for s in secrets if s}, key=len, reverse=True)  # longest first
        self._known = re.compile("|".join(map(re.escape, known))) if known else None

    def __call__(self, text: str) -> str:
        if self._known is not None:
            text = self._known.sub(MASK, text)
        text = BOT_TOKEN_SHAPE.sub(MASK, text)
        return URL_PASSWORD.sub(rf"\g<1>{MASK}@", text)


class _TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self._redact = redact

    def formatMessage(self, record: logging.LogRecord) -> str:
        ids = "".join(f" {name}={value}" for name, value in current().items())
        return super().formatMessage(record) + ids

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


class _JsonFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        ts = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
        line: dict[str, object] = {
            "ts": ts.replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": self._redact(record.getMessage()),
            **current(),
        }
        if record.exc_info:
            line["exc"] = self._redact(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exc"] = self._redact(record.exc_text)
        if record.stack_info:
            line["stack"] = self._redact(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class _Handler(logging.StreamHandler[TextIO]):
    """The one handler setup_logging owns; a second call replaces it."""


def setup_logging(
    *,
    json_lines: bool,
    secrets: Iterable[str | None],
    level: int = logging.INFO,
    stream: TextIO | None = None,
) -> None:
    """Log to `stream` (stderr) at `level`, as text or JSON lines, with the secrets masked."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
        old.close()
    handler = _Handler(stream if stream is not None else sys.stderr)
    redact = Redactor(secrets)
    handler.setFormatter(_JsonFormatter(redact) if json_lines else _TextFormatter(redact))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)  # a line per update; /metrics counts them


def _url_passwords(url: str | None) -> list[str]:
    """The password of a URL as written and decoded; none if there is none or it cannot be read."""
    if not url:
        return []
    found: list[str | None] = []
    try:
        found.append(make_url(url).password)
    except Exception:  # garbage in a setting is the settings' business, not the logs'
        found.append(None)
    try:
        raw = urlsplit(url).password
    except ValueError:
        raw = None
    if raw:
        found += [raw, unquote(raw)]
    return list(dict.fromkeys(p for p in found if p))


def secrets_of(settings: Settings) -> list[str]:
    """What must never be logged: the bot token, VNPAY's hash secret, the webhook secret and
    the passwords in DATABASE_URL, REDIS_URL and SMTP_URL."""
    found = [settings.BOT_TOKEN, settings.VNPAY_HASH_SECRET, settings.WEBHOOK_SECRET]
    for url in (settings.DATABASE_URL, settings.REDIS_URL, settings.SMTP_URL):
        found += _url_passwords(url)
    return list(dict.fromkeys(s for s in found if s))
