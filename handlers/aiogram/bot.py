"""The aiogram Bot of `cleeksy-bot run`, on `TELEGRAM_API_BASE` (a self-hosted or local Bot API
server works the same as api.telegram.org), every call through `RetryRequests`."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from handlers.aiogram.response_types import keep_response_types
from handlers.aiogram.retries import RetryRequests


def make_bot(token: str, api_base: str, retries: RetryRequests | None = None) -> Bot:
    """A bot calling `api_base`, its calls retried by `retries` (the default policy if None)."""
    keep_response_types()
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
    session.middleware(retries or RetryRequests())
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=None))
