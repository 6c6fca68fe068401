"""The python-telegram-bot Application of `cleeksy-bot run`: its bot on `TELEGRAM_API_BASE`
(`base_url`/`base_file_url`, so a self-hosted or local Bot API server works the same as
api.telegram.org), every call but getUpdates through `RetryRequests`.

Only the bot and the dispatch of updates are PTB's: no Updater (long polling and the webhook
are the shared ones, which keep each chat's order), no JobQueue (the scheduler is ours), no
persistence (conversations live in our own table, so switching the framework keeps them).
Its HTTP goes over aiohttp (aiohttp_request.py), up to 100 connections and with a 60 s timeout
as aiogram's session has, not PTB's 5 s, so a slow answer is not taken for a lost one and the
message sent twice.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, ContextTypes, ExtBot

from handlers.ptb.aiohttp_request import AiohttpRequest
from handlers.ptb.retries import RetryRequests

TIMEOUT = 60.0
CONNECTIONS = 100

App = Application[
    ExtBot[None], ContextTypes.DEFAULT_TYPE, dict[Any, Any], dict[Any, Any], dict[Any, Any], None
]


def make_request(connections: int = CONNECTIONS) -> AiohttpRequest:
    return AiohttpRequest(TIMEOUT, connections)


def make_application(
    token: str, api_base: str, retries: RetryRequests, calls: AiohttpRequest, updates: AiohttpRequest
) -> App:
    """An Application whose bot calls `api_base` through `calls` (getUpdates through `updates`);
    `initialize()` it before use."""
    base = api_base.rstrip("/")
    return (
        Application.builder()
        .token(token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .request(calls)
        .get_updates_request(updates)
        .rate_limiter(retries)
        .updater(None)
        .job_queue(None)
        .build()
    )
