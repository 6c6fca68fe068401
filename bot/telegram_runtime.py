"""The Telegram side of `cleeksy-bot run`: the aiogram bot on `TELEGRAM_API_BASE`, taking its
updates by long polling or, in webhook mode, from the HTTP server; its command menu; and the
conversation runtime it feeds (which the IPN also tells about payments).

In polling mode any webhook left from an earlier run is deleted first (Telegram refuses
getUpdates while one is set). In webhook mode the webhook is registered by `running()` once the
HTTP server listens (`register_webhook`), and is left set at stop, so Telegram keeps
the updates that come meanwhile; the updates still being handled are waited for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock
from billing_core.storage.sender_lease import this_instance
from billing_core.vnpay.merchant import VnpayMerchant
from bot.http_app import WEBHOOK_PATH
from bot.settings import Settings, SettingsError
from handlers.admin_broadcast import AdminBroadcasts
from handlers.aiogram.dispatcher import make_bot, make_dispatcher
from handlers.aiogram.menu import publish_command_menu
from handlers.aiogram.messenger import AiogramMessenger
from handlers.aiogram.polling import poll
from handlers.aiogram.support_channel import AiogramSupportChannel
from handlers.aiogram.update_feed import UpdateFeed
from handlers.aiogram.webhook import WebhookFeed
from handlers.broadcast_progress import BroadcastProgress
from handlers.conversation_runtime import ConversationRuntime
from handlers.http_outbound import HttpOutbound
from handlers.invoice_delivery import InvoiceDelivery
from handlers.outbox_render import outbox_render
from handlers.outbox_sender import OutboxSender
from handlers.reachability import mark_unreachable
from handlers.send_limiter import SendLimiter
from handlers.store_effects import StoreEffects
from handlers.support_desk import SupportDesk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TelegramBot:
    conversation: ConversationRuntime
    username: str
    webhook: WebhookFeed | None = None
    """Where the HTTP server hands Telegram's updates, in webhook mode."""
    desk: SupportDesk | None = None
    sender: OutboxSender | None = None
    """Trial reminders and broadcasts (handlers/outbox_sender.py)."""

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
    *,
    webhook: bool = False,
) -> AsyncIterator[TelegramBot]:
    """The bot, polling or on a webhook, from start to stop."""
    settings.require("BOT_TOKEN")
    assert settings.BOT_TOKEN is not None
    secret = settings.webhook_secret() if webhook else None
    bot = make_bot(settings.BOT_TOKEN, settings.TELEGRAM_API_BASE)
    outbound = HttpOutbound(
        settings.BOT_TOKEN, settings.TELEGRAM_API_BASE, on_blocked=partial(mark_unreachable, sessions)
    )
    try:
        me = await bot.me()
        store = StoreEffects(
            sessions, catalogue, merchant, clock, dt.timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES)
        )
        on_blocked = partial(mark_unreachable, sessions)
        messenger = AiogramMessenger(bot, on_blocked=on_blocked)
        invoices = InvoiceDelivery(sessions, settings.seller(), catalogue, settings.SMTP_URL)
        desk = SupportDesk(
            sessions,
            catalogue,
            clock,
            AiogramSupportChannel(bot, on_blocked=on_blocked),
            messenger,
            store,
            settings.SUPPORT_CHAT_ID,
            settings.DEFAULT_LOCALE,
            resume=lambda chat, event: conversation.on_event(chat, event),
        )
        conversation = ConversationRuntime(sessions, catalogue, store, messenger, clock, invoices, desk)
        progress = BroadcastProgress(sessions, messenger, clock, settings.DEFAULT_LOCALE)
        sender = OutboxSender(
            sessions,
            outbound,
            SendLimiter(settings.BROADCAST_RATE),
            outbox_render(catalogue),
            clock,
            holder=this_instance(),
            after_round=progress.after_round,
        )
        admin = AdminBroadcasts(
            sessions,
            catalogue,
            clock,
            messenger,
            settings.admin_user_ids,
            settings.timezone,
            progress,
            sender.wake,
        )
        dispatcher = make_dispatcher(conversation, desk, admin)
        await publish_command_menu(bot, settings.DEFAULT_LOCALE)
        username = me.username or ""
        feed = UpdateFeed(dispatcher, bot)
        try:
            async with _sending(sender):
                if secret is None:
                    async with _polling(bot, feed):
                        log.info("bot @%s polling %s", username, settings.TELEGRAM_API_BASE)
                        yield TelegramBot(conversation, username, desk=desk, sender=sender)
                else:
                    yield TelegramBot(conversation, username, WebhookFeed(feed, bot, secret), desk, sender)
        finally:
            await feed.drain()
            await invoices.close()
    finally:
        await bot.session.close()
        await outbound.close()


async def register_webhook(feed: WebhookFeed, public_base_url: str) -> str:
    """Have Telegram POST updates under PUBLIC_BASE_URL; the webhook's URL. SettingsError if
    Telegram refuses that address (not HTTPS, a port it does not serve)."""
    url = public_base_url.rstrip("/") + WEBHOOK_PATH
    try:
        await feed.register(url)
    except TelegramBadRequest as exc:
        raise SettingsError(f"PUBLIC_BASE_URL: Telegram refused the webhook {url} ({exc.message})") from None
    return url


@asynccontextmanager
async def _sending(sender: OutboxSender) -> AsyncIterator[None]:
    stop = asyncio.Event()
    sending = asyncio.create_task(sender.run(stop), name="outbox")
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(sending, return_exceptions=True)


@asynccontextmanager
async def _polling(bot: Bot, feed: UpdateFeed) -> AsyncIterator[None]:
    await bot.delete_webhook()
    polling = asyncio.create_task(poll(bot, feed), name="polling")
    try:
        yield
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
