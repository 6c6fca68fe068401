"""The Telegram side of `cleeksy-bot run`: the bot on `TELEGRAM_API_BASE` in the framework
`BOT_FRAMEWORK` names (aiogram or python-telegram-bot, handlers/telegram_adapter.py), taking
its updates by long polling or, in webhook mode, from the HTTP server; its command menu; and
the conversation runtime it feeds (which the IPN also tells about payments). Everything here
is the same whichever framework runs: the conversation state, the support desk, the outbox.

In polling mode any webhook left from an earlier run is deleted first (Telegram refuses
getUpdates while one is set). In webhook mode the webhook is registered by `running()` once the
HTTP server listens (`register_webhook`), and is left set at stop, so Telegram keeps
the updates that come meanwhile; the updates still being handled are waited for. With REDIS_URL
set, a webhook's updates go through per-chat queues in Redis (handlers/shared_feed.py), so
several instances behind a load balancer handle each chat's updates one at a time and in order.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock
from billing_core.storage.sender_lease import this_instance
from billing_core.vnpay.merchant import VnpayMerchant
from bot.http_app import WEBHOOK_PATH
from bot.settings import Settings, SettingsError
from handlers.admin_broadcast import AdminBroadcasts
from handlers.bot_calls import BadRequest
from handlers.broadcast_progress import BroadcastProgress
from handlers.chat_messenger import ChatMessenger
from handlers.chat_queues import ChatQueues
from handlers.command_menu import publish_command_menu
from handlers.conversation_runtime import ConversationRuntime
from handlers.http_outbound import HttpOutbound
from handlers.invoice_delivery import InvoiceDelivery
from handlers.long_polling import poll
from handlers.metrics import Metrics
from handlers.ordered_feed import OrderedFeed
from handlers.outbox_render import outbox_render
from handlers.outbox_sender import OutboxSender
from handlers.reachability import mark_unreachable
from handlers.retries import RetryPolicy
from handlers.send_limiter import SendLimiter
from handlers.shared_feed import SharedChatFeed
from handlers.store_effects import StoreEffects
from handlers.support_desk import SupportDesk
from handlers.telegram_adapter import TelegramAdapter, open_adapter
from handlers.topic_channel import TopicChannel
from handlers.update_routes import UpdateRoutes
from handlers.webhook_feed import WebhookFeed

log = logging.getLogger(__name__)

DRAIN_SECONDS = 30.0  # at stop, the longest wait for the updates in hand (several instances)


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
    metrics: Metrics | None = None,
) -> AsyncIterator[TelegramBot]:
    """The bot, polling or on a webhook, from start to stop."""
    settings.require("BOT_TOKEN")
    assert settings.BOT_TOKEN is not None
    secret = settings.webhook_secret() if webhook else None
    metrics = metrics or Metrics()
    adapter = open_adapter(
        settings.bot_framework(),
        settings.BOT_TOKEN,
        settings.TELEGRAM_API_BASE,
        policy=RetryPolicy(report=metrics.bot_api_error),
    )
    on_blocked = partial(mark_unreachable, sessions)  # 403 from a customer: unreachable from now on
    outbound = HttpOutbound(
        settings.BOT_TOKEN, settings.TELEGRAM_API_BASE, on_blocked=on_blocked, report=metrics.bot_api_error
    )
    try:
        username = await adapter.connect()
        store = StoreEffects(
            sessions,
            catalogue,
            merchant,
            clock,
            dt.timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES),
            settings.timezone,
        )
        messenger = ChatMessenger(adapter.calls, on_blocked=on_blocked)
        invoices = InvoiceDelivery(sessions, settings.seller(), catalogue, settings.SMTP_URL)
        desk = SupportDesk(
            sessions,
            catalogue,
            clock,
            TopicChannel(adapter.calls, on_blocked=on_blocked),
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
        feed = adapter.feed(UpdateRoutes(conversation, messenger, desk, admin))
        feed.observe = metrics.update_handled
        await publish_command_menu(adapter.calls, settings.DEFAULT_LOCALE)
        try:
            async with _sending(sender):
                if secret is None:
                    async with _polling(adapter, feed):
                        log.info(
                            "bot @%s polling %s (%s)",
                            username,
                            settings.TELEGRAM_API_BASE,
                            settings.BOT_FRAMEWORK,
                        )
                        yield TelegramBot(conversation, username, desk=desk, sender=sender)
                else:
                    async with _shared(feed, settings.REDIS_URL) as shared:
                        hook = WebhookFeed(feed, adapter.calls, secret, shared)
                        yield TelegramBot(conversation, username, hook, desk, sender)
        finally:
            await feed.drain()
            await invoices.close()
    finally:
        await adapter.close()
        await outbound.close()


async def register_webhook(feed: WebhookFeed, public_base_url: str) -> str:
    """Have Telegram POST updates under PUBLIC_BASE_URL; the webhook's URL. SettingsError if
    Telegram refuses that address (not HTTPS, a port it does not serve)."""
    url = public_base_url.rstrip("/") + WEBHOOK_PATH
    try:
        await feed.register(url)
    except BadRequest as exc:
        raise SettingsError(
            f"PUBLIC_BASE_URL: Telegram refused the webhook {url} ({exc.description})"
        ) from None
    return url


@asynccontextmanager
async def _shared(feed: OrderedFeed[Any], redis_url: str | None) -> AsyncIterator[SharedChatFeed | None]:
    """The webhook's per-chat queues in Redis when REDIS_URL is set (several instances)."""
    if redis_url is None:
        yield None
        return
    queues = ChatQueues.from_url(redis_url)
    shared = SharedChatFeed(feed, queues)
    try:
        yield shared
    finally:
        try:
            await asyncio.wait_for(shared.drain(), DRAIN_SECONDS)
        except TimeoutError:
            log.error("updates still in hand after %s s at stop; their chats' locks expire", DRAIN_SECONDS)
        finally:
            await queues.close()


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
async def _polling(adapter: TelegramAdapter, feed: OrderedFeed[Any]) -> AsyncIterator[None]:
    await adapter.calls.delete_webhook()
    polling = asyncio.create_task(poll(adapter.calls, feed), name="polling")
    try:
        yield
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
