"""The Telegram side of `cleeksy-bot run`: the aiogram bot polling `TELEGRAM_API_BASE`, and the
conversation runtime it feeds (which the IPN also tells about payments)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock
from billing_core.vnpay.merchant import VnpayMerchant
from bot.settings import Settings
from handlers.aiogram.dispatcher import make_bot, make_dispatcher
from handlers.aiogram.messenger import AiogramMessenger
from handlers.conversation_runtime import ConversationRuntime
from handlers.store_effects import StoreEffects

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TelegramBot:
    conversation: ConversationRuntime
    username: str

    @property
    def url(self) -> str:
        return f"https://t.me/{self.username}"


@asynccontextmanager
async def telegram_bot(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    catalogue: Catalogue,
    merchant: VnpayMerchant,
    clock: Clock,
) -> AsyncIterator[TelegramBot]:
    """The bot, long polling, from start to stop."""
    settings.require("BOT_TOKEN")
    assert settings.BOT_TOKEN is not None
    bot = make_bot(settings.BOT_TOKEN, settings.TELEGRAM_API_BASE)
    try:
        me = await bot.me()
        store = StoreEffects(
            sessions, catalogue, merchant, clock, dt.timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES)
        )
        conversation = ConversationRuntime(sessions, catalogue, store, AiogramMessenger(bot), clock)
        dispatcher = make_dispatcher(conversation)
        polling = asyncio.create_task(
            dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False), name="polling"
        )
        log.info("bot @%s polling %s", me.username, settings.TELEGRAM_API_BASE)
        try:
            yield TelegramBot(conversation, me.username or "")
        finally:
            with contextlib.suppress(RuntimeError):  # polling had not started yet
                await dispatcher.stop_polling()
            await polling
    finally:
        await bot.session.close()
