"""The whole product over real HTTP: the local Bot API server, `cleeksy-bot run`'s parts (the
bot polling it, or on its webhook, the IPN server, the scheduler) and the VNPAY stand-in; a
customer who types and taps in the chat, as a person would.

The bot runs on aiogram or python-telegram-bot: a test that takes `product`, `webhook_product`
or `framework` runs once on each (`test_…[aiogram]`, `test_…[ptb]`); `launched(…)` starts
aiogram unless told `framework=…`."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from billing_core.catalogue_loader import load_bundled
from bot.local_bot_api import LocalBotApi, Message, User
from bot.runtime import Running, running
from bot.settings import Settings
from bot.vnpay_sandbox import PAYMENT_PATH, SandboxConfig, VnpaySandbox
from handlers.frameworks import FRAMEWORKS
from handlers.retries import RetryPolicy, Sleep
from handlers.telegram_adapter import TelegramAdapter, open_adapter
from tests.http_serving import serve
from tests.sample_seller import SELLER

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
WEBHOOK_SECRET = "webhook-Secret_0123456789"
NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hà Nội


@dataclass
class Product:
    api: LocalBotApi
    vnpay: VnpaySandbox
    live: Running

    def customer(self, first_name: str = "An", language_code: str = "vi") -> Customer:
        return Customer(self, self.api.add_user(first_name, language_code=language_code))


@dataclass
class Customer:
    product: Product
    user: User

    async def _turn(self, action: Awaitable[Any], turns: int = 1) -> None:
        conversation = self.product.live.bot.conversation
        before = conversation.handled
        await action
        await conversation.wait_handled(before + turns)

    async def start(self, payload: str = "") -> Customer:
        await self._turn(self.product.api.send_command(self.user, "start", payload))
        return self

    async def send(self, text: str) -> Customer:
        await self._turn(self.product.api.send_text(self.user, text))
        return self

    async def tap(self, label: str) -> Customer:
        message = self.message_with(label)
        await self._turn(self.product.api.press(self.user, message, message.button_data(label)))
        return self

    def message_with(self, label: str) -> Message:
        for message in reversed(self.product.api.bot_messages(self.user)):
            if any(b.get("text") == label for b in message.buttons):
                return message
        raise AssertionError(f"no button {label!r} in the chat; last: {self.text!r}")

    def url_of(self, label: str) -> str:
        for button in self.message_with(label).buttons:
            if button.get("text") == label and "url" in button:
                return str(button["url"])
        raise AssertionError(f"{label!r} is not a URL button")

    @property
    def text(self) -> str:
        last = self.product.api.last_bot_message(self.user)
        return last.visible_text if last else ""

    def saw(self, words: str) -> bool:
        return any(words in m.visible_text for m in self.product.api.bot_messages(self.user))


@asynccontextmanager
async def launched(
    api: LocalBotApi,
    tmp_path: Path,
    *,
    webhook: bool = False,
    now: dt.datetime = NOW,
    framework: str = "aiogram",
    **settings: Any,
) -> AsyncIterator[Product]:
    """`cleeksy-bot run`'s parts on `api` and a VNPAY stand-in, at the instant `now`, the bot on
    `framework` (BOT_FRAMEWORK); `settings` override the defaults."""
    vnpay = VnpaySandbox(SandboxConfig("CLEEKSY1", SECRET, "http://127.0.0.1:9/", clock=lambda: NOW))
    async with serve(vnpay.app()) as vnpay_base:
        config = Settings(
            BOT_TOKEN=api.token,
            TELEGRAM_API_BASE=api.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cleeksy.db'}",
            VNPAY_TMN_CODE="CLEEKSY1",
            VNPAY_HASH_SECRET=SECRET,
            VNPAY_PAYMENT_URL=vnpay_base + PAYMENT_PATH,
            BOT_FRAMEWORK=framework,
            **SELLER,
        ).model_copy(update={"HTTP_PORT": 0, **settings})
        async with running(config, load_bundled("cleeksy"), clock=lambda: now, webhook=webhook) as live:
            vnpay.config = replace(vnpay.config, ipn_url=live.url + "/vnpay/ipn")
            yield Product(api, vnpay, live)


@asynccontextmanager
async def connected(
    framework: str,
    api: LocalBotApi,
    *,
    policy: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    base_url: str | None = None,
) -> AsyncIterator[TelegramAdapter]:
    """The production adapter of `framework` on `api` (or `base_url`), connected (getMe) unless
    `base_url` is given, and closed after."""
    adapter = open_adapter(framework, api.token, base_url or api.base_url, policy=policy, sleep=sleep)
    try:
        if base_url is None:
            await adapter.connect()
        yield adapter
    finally:
        await adapter.close()


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    """The Telegram framework the bot runs on: each test that takes it runs on both."""
    return str(request.param)


@pytest.fixture
async def product(tmp_path: Path, framework: str) -> AsyncIterator[Product]:
    async with LocalBotApi() as api, launched(api, tmp_path, framework=framework) as running_product:
        yield running_product


@pytest.fixture
async def webhook_product(tmp_path: Path, unused_tcp_port: int, framework: str) -> AsyncIterator[Product]:
    """The product in webhook mode: Telegram (the local server) POSTs updates to its HTTP server."""
    async with (
        LocalBotApi() as api,
        launched(
            api,
            tmp_path,
            webhook=True,
            framework=framework,
            HTTP_PORT=unused_tcp_port,
            PUBLIC_BASE_URL=f"http://127.0.0.1:{unused_tcp_port}",
            WEBHOOK_SECRET=WEBHOOK_SECRET,
        ) as running_product,
    ):
        yield running_product
