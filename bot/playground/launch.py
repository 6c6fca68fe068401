"""Start the playground's parts in order and stop them in reverse: the local Bot API server
with the web page, the VNPAY stand-in, then what `cleeksy-bot run` starts (:func:`running`),
pointed at both. The database is migrated and seeded before the bot starts, so the jobs'
first run sees the demo trial."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock, utc_now
from bot.cli_db import migrated_sessions
from bot.local_bot_api import LocalBotApi
from bot.playground.demo import DEMO_SELLER, SUPPORT_CHAT_ID, Demo, populate, seed
from bot.playground.ports import LOOPBACK, free_port, served
from bot.playground.web import add_page
from bot.runtime import Running, running
from bot.settings import Settings
from bot.vnpay_sandbox import API_PATH, PAYMENT_PATH, SandboxConfig, VnpaySandbox

TMN_CODE = "CLEEKSY0"


@dataclass(frozen=True)
class Playground:
    url: str
    """The web chat page; the Bot API is served at the same address."""
    api: LocalBotApi
    """Its people and chats; served here by ``playground`` (so its own ``base_url`` is unset)."""
    vnpay: VnpaySandbox
    live: Running
    demo: Demo


@asynccontextmanager
async def playground(
    settings: Settings,
    catalogue: Catalogue,
    database_url: str,
    *,
    port: int = 0,
    clock: Clock = utc_now,
) -> AsyncIterator[Playground]:
    """Everything up, the page on ``port`` of 127.0.0.1 (a free one for 0)."""
    api = LocalBotApi(wall_clock=lambda: clock().timestamp())  # one time for Telegram and the bot
    demo = populate(api)
    app = api.app()
    add_page(app, demo)
    secret = secrets.token_hex(16).upper()
    http_port = free_port()
    ipn_url = f"http://{LOOPBACK}:{http_port}/vnpay/ipn"
    vnpay = VnpaySandbox(SandboxConfig(TMN_CODE, secret, ipn_url, clock=clock))
    async with served(app, port) as url, served(vnpay.app()) as vnpay_base:
        config = _settings(settings, api, url, vnpay_base, http_port, secret, database_url)
        async with migrated_sessions(config) as sessions:
            await seed(sessions, catalogue, clock())
        async with running(config, catalogue, clock) as live:
            yield Playground(url, api, vnpay, live, demo)


def _settings(
    base: Settings, api: LocalBotApi, api_url: str, vnpay_base: str, http_port: int, secret: str, db: str
) -> Settings:
    """``base`` (the environment's) with everything that talks to the outside pointed here; the
    seller is the environment's if set, else a sample one."""
    seller = {name: value for name, value in DEMO_SELLER.items() if not getattr(base, name)}
    return base.model_copy(
        update={
            **seller,
            "BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE": api_url,
            "DATABASE_URL": db,
            "HTTP_HOST": LOOPBACK,
            "HTTP_PORT": http_port,
            "PUBLIC_BASE_URL": f"http://{LOOPBACK}:{http_port}",
            "WEBHOOK_SECRET": None,
            "VNPAY_TMN_CODE": TMN_CODE,
            "VNPAY_HASH_SECRET": secret,
            "VNPAY_PAYMENT_URL": vnpay_base + PAYMENT_PATH,
            "VNPAY_API_URL": vnpay_base + API_PATH,
            "VNPAY_IP_ADDR": LOOPBACK,
            "SUPPORT_CHAT_ID": SUPPORT_CHAT_ID,
            "SMTP_URL": None,  # no e-mail leaves the playground
        }
    )
