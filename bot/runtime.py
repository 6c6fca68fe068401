"""`cleeksy-bot run [--webhook]`: apply pending migrations, then run the bot on BOT_FRAMEWORK
(aiogram or python-telegram-bot; long polling, or a webhook at PUBLIC_BASE_URL/telegram/webhook),
serve HTTP (VNPAY IPN/return, health, the webhook) and the scheduled jobs (payment
reconciliation, trial reminders, the subscription lifecycle) and the outbox sender until SIGINT or SIGTERM.

Several instances may run side by side on one PostgreSQL (webhook mode behind a load balancer,
with REDIS_URL for the per-chat order of updates): the scheduled jobs take a lease each, so each
runs on one instance at a time, and the outbox has one sender at a time. /healthz answers 503
from the moment a stop begins.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock, utc_now
from billing_core.storage.database import make_engine, session_factory
from billing_core.storage.migrate import upgrade
from billing_core.storage.sender_lease import this_instance
from billing_core.storage.units import dispose
from billing_core.vnpay.merchant import VnpayMerchant
from bot import event_loop
from bot.health import Readiness
from bot.http_app import HttpDeps, TelegramWebhook, make_app
from bot.job_leases import JobLeases
from bot.lifecycle_job import LIFECYCLE_EVERY_SECONDS, run_lifecycle_now
from bot.reconcile_job import reconcile_now
from bot.reminder_job import REMINDERS_EVERY_SECONDS, queue_reminders_now
from bot.scheduler import Job, Scheduler
from bot.settings import Settings
from bot.telegram_runtime import TelegramBot, register_webhook, telegram_bot
from handlers.metrics import Metrics
from handlers.shared_feed import SWEEP_SECONDS, SharedChatFeed

log = logging.getLogger("cleeksy")


@dataclass(frozen=True)
class Running:
    engine: AsyncEngine
    runner: web.AppRunner
    url: str
    jobs: Scheduler
    bot: TelegramBot


@asynccontextmanager
async def running(
    settings: Settings, catalogue: Catalogue, clock: Clock = utc_now, *, webhook: bool = False
) -> AsyncIterator[Running]:
    """Everything `run` starts, started in order and stopped in reverse."""
    settings.bot_framework()  # fail fast, naming a missing or bad setting
    merchant = settings.vnpay_merchant()  # fail fast, naming a missing setting
    settings.require("BOT_TOKEN")
    settings.seller()
    if webhook:
        settings.webhook_secret()
    engine = make_engine(settings.DATABASE_URL)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        metrics = Metrics()
        async with telegram_bot(
            settings, sessions, catalogue, merchant, clock, webhook=webhook, metrics=metrics
        ) as bot:
            shared = bot.webhook.shared if bot.webhook else None
            readiness = Readiness(started=False, checks={"redis": shared.ping} if shared else {})
            deps = HttpDeps(
                sessions,
                merchant.hash_secret,
                catalogue.base_solution,
                bot_url=bot.url,
                default_locale=settings.DEFAULT_LOCALE,
                clock=clock,
                on_settled=bot.conversation.payment_settled,
                webhook=TelegramWebhook(bot.webhook.secret, bot.webhook.accept) if bot.webhook else None,
                readiness=readiness,
                metrics=metrics,
            )
            runner = web.AppRunner(make_app(deps), access_log=None)
            await runner.setup()
            jobs = Scheduler(
                [
                    _reconciliation(settings, deps),
                    _reminders(settings, deps, bot),
                    _lifecycle(settings, deps, bot, catalogue, merchant),
                    *_sweeping(shared),
                ],
                JobLeases(sessions, this_instance(), clock),
            )
            try:
                site = web.TCPSite(runner, settings.HTTP_HOST, settings.HTTP_PORT)
                await site.start()
                host, port = runner.addresses[0][:2]
                url = f"http://{host}:{port}"
                log.info(
                    "HTTP server on %s (VNPAY IPN at %s/vnpay/ipn)", url, settings.PUBLIC_BASE_URL.rstrip("/")
                )
                if bot.webhook is not None:
                    hook = await register_webhook(bot.webhook, settings.PUBLIC_BASE_URL)
                    log.info("bot @%s takes its updates on %s", bot.username, hook)
                async with jobs:
                    readiness.started = True
                    try:
                        yield Running(engine, runner, url, jobs, bot)
                    finally:
                        readiness.stopping = True
            finally:
                await runner.cleanup()
    finally:
        await dispose(engine)


def settle_the_heap() -> None:
    """Once started: move what start-up built (modules, the catalogue, pydantic models) out of
    the collector's sight, so a full collection walks only what handling updates creates (165–
    250 ms pauses under load before, 7–20 ms after; bench/updates.py)."""
    gc.collect()
    gc.freeze()


def _reconciliation(settings: Settings, deps: HttpDeps) -> Job:
    api = settings.vnpay_api()

    async def run() -> None:
        await reconcile_now(deps.sessions, api, deps.clock, deps.base_solution, deps.on_settled)

    return Job("reconcile", settings.RECONCILE_EVERY_SECONDS, run, once=True)


def _reminders(settings: Settings, deps: HttpDeps, bot: TelegramBot) -> Job:
    tz = settings.timezone

    async def run() -> None:
        if await queue_reminders_now(deps.sessions, deps.clock, tz) and bot.sender is not None:
            bot.sender.wake()

    return Job("reminders", REMINDERS_EVERY_SECONDS, run, once=True)


def _lifecycle(
    settings: Settings, deps: HttpDeps, bot: TelegramBot, catalogue: Catalogue, merchant: VnpayMerchant
) -> Job:
    """Period boundaries at any hour; from 09:00, renewal reminders and automatic renewal orders."""
    tz = settings.timezone

    async def run() -> None:
        if (
            await run_lifecycle_now(deps.sessions, catalogue, merchant, deps.clock, tz)
            and bot.sender is not None
        ):
            bot.sender.wake()

    return Job("lifecycle", LIFECYCLE_EVERY_SECONDS, run, once=True)


def _sweeping(shared: SharedChatFeed | None) -> list[Job]:
    """Every instance drains the chats whose updates a stopped instance left in Redis."""
    return [Job("chat-sweep", SWEEP_SECONDS, shared.sweep)] if shared is not None else []


async def _serve(settings: Settings, catalogue: Catalogue, webhook: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running(settings, catalogue, webhook=webhook):
        settle_the_heap()
        await stop.wait()
    log.info("stopped")


def cmd_run(args: argparse.Namespace, settings: Settings, catalogue: Catalogue) -> int:
    try:
        event_loop.run(_serve(settings, catalogue, bool(args.webhook)))
    except OSError as exc:  # the port is taken, the host unknown
        log.error("cannot start: %s", exc)
        return 1
    return 0
