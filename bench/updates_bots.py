"""The bots bench/updates.py measures, each in a process of its own (spawned), polling a local
Bot API server in the parent as a bot polls api.telegram.org from another machine; each on
aiogram and on python-telegram-bot (the framework is imported in the child only).

- ``aiogram-echo``: a bare aiogram Bot and Dispatcher (aiogram's own polling) with one message
  handler that answers ``send_message`` with the same text.
- ``ptb-echo``: the same with a bare python-telegram-bot Application (its Updater's polling,
  one update at a time, PTB's default) and one MessageHandler.
- ``aiogram-product``, ``ptb-product``: `cleeksy-bot run`'s parts as tests/handlers/conftest.py
  starts them, with BOT_FRAMEWORK set: a VNPAY stand-in and ``bot.runtime.running`` on a fresh
  SQLite file, the fixed test clock.

The parent talks to the child over a pipe: the child sends ``Ready`` once its bot polls, then
answers ``"usage"`` with its ``Usage`` (CPU so far, garbage collections since the last look),
``"profile"`` by starting cProfile (when asked for one), and ``"stop"`` by stopping the bot and
writing the profile before it exits. The product settles its start-up heap as `cleeksy-bot run`
does (``settle_the_heap``); with ``freeze`` the echo bot does the same, for a like-for-like
comparison (a full collection of a heap with aiogram loaded pauses a bot for ~200 ms).
"""

from __future__ import annotations

import asyncio
import cProfile
import datetime as dt
import gc
import multiprocessing
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Self

from aiohttp import web

from billing_core.catalogue_loader import load_bundled
from bot import event_loop
from bot.runtime import running, settle_the_heap
from bot.settings import Settings
from bot.vnpay_sandbox import PAYMENT_PATH, SandboxConfig, VnpaySandbox

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hà Nội, as in the tests
START_SECONDS = 60.0

Launcher = Callable[[str, str], AbstractAsyncContextManager[None]]


@dataclass(frozen=True)
class Ready:
    loop: str
    """The child's event loop class, e.g. ``uvloop.Loop``."""


@asynccontextmanager
async def aiogram_echo_bot(base_url: str, token: str) -> AsyncIterator[None]:
    """A bare aiogram echo bot, polling ``base_url`` until the block ends."""
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await bot.send_message(message.chat.id, message.text or "")

    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
    try:
        yield
    finally:
        await dispatcher.stop_polling()
        await polling


@asynccontextmanager
async def ptb_echo_bot(base_url: str, token: str) -> AsyncIterator[None]:
    """A bare python-telegram-bot echo bot, polling ``base_url`` until the block ends."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    application = (
        Application.builder().token(token).base_url(f"{base_url}/bot").base_file_url(f"{base_url}/file/bot")
    ).build()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await context.bot.send_message(update.message.chat.id, update.message.text or "")

    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    assert application.updater is not None
    await application.updater.start_polling()
    await application.start()
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


@asynccontextmanager
async def _serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def product_bot(framework: str, base_url: str, token: str) -> AsyncIterator[None]:
    """The product as the end-to-end tests start it, on `framework`, on a SQLite file in a
    temporary folder."""
    vnpay = VnpaySandbox(SandboxConfig("CLEEKSY1", SECRET, "http://127.0.0.1:9/", clock=lambda: NOW))
    with tempfile.TemporaryDirectory() as folder:
        async with _serve(vnpay.app()) as vnpay_base:
            settings = Settings(
                BOT_TOKEN=token,
                TELEGRAM_API_BASE=base_url,
                DATABASE_URL=f"sqlite+aiosqlite:///{Path(folder) / 'cleeksy.db'}",
                VNPAY_TMN_CODE="CLEEKSY1",
                VNPAY_HASH_SECRET=SECRET,
                VNPAY_PAYMENT_URL=vnpay_base + PAYMENT_PATH,
                SELLER_NAME="CÔNG TY CỔ PHẦN CÔNG NGHỆ CLEEKSY",  # sample values, as in the tests
                SELLER_ADDRESS="Tầng 12, 57 Láng Hạ, Phường Thành Công, Quận Ba Đình, Hà Nội",
                SELLER_TAX_CODE="0109876543",
                BOT_FRAMEWORK=framework,
            ).model_copy(update={"HTTP_PORT": 0})
            async with running(settings, load_bundled("cleeksy"), clock=lambda: NOW) as live:
                vnpay.config = replace(vnpay.config, ipn_url=live.url + "/vnpay/ipn")
                settle_the_heap()  # as `cleeksy-bot run` does once started
                yield


BOTS: dict[str, Launcher] = {
    "aiogram-echo": aiogram_echo_bot,
    "aiogram-product": partial(product_bot, "aiogram"),
    "ptb-echo": ptb_echo_bot,
    "ptb-product": partial(product_bot, "ptb"),
}


@dataclass(frozen=True)
class Child:
    """What the child process is told at start."""

    kind: str
    base_url: str
    token: str
    profile: Path | None
    freeze: bool


@dataclass(frozen=True)
class Usage:
    """What the bot process used: CPU so far, and its garbage collections since the last look."""

    cpu_seconds: float
    full_collections: int
    longest_collection_ms: float


class Collections:
    """Counts the process's full garbage collections and times the longest of any generation."""

    def __init__(self) -> None:
        self._started = 0.0
        self._full = 0
        self._longest = 0.0
        gc.callbacks.append(self._on_collection)

    def _on_collection(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self._longest = max(self._longest, time.perf_counter() - self._started)
        self._full += info["generation"] == 2

    def usage(self) -> Usage:
        """CPU so far, and the collections since the last call."""
        usage = Usage(time.process_time(), self._full, self._longest * 1000)
        self._full, self._longest = 0, 0.0
        return usage


def child_main(child: Child, pipe: Connection) -> None:
    """The child process: run its bot until the parent says stop."""
    event_loop.run(_child(child, pipe))


async def _child(child: Child, pipe: Connection) -> None:
    profiler = cProfile.Profile()
    async with BOTS[child.kind](child.base_url, child.token):
        if child.freeze:
            settle_the_heap()
        collections = Collections()
        loop = type(asyncio.get_running_loop())
        pipe.send(Ready(f"{loop.__module__}.{loop.__qualname__}"))
        while (command := await asyncio.to_thread(pipe.recv)) != "stop":
            if command == "profile" and child.profile:
                profiler.enable()
            pipe.send(collections.usage())
    if child.profile:
        profiler.disable()
        profiler.dump_stats(child.profile)
    pipe.send("stopped")


class BotProcess:
    """``async with BotProcess("ptb-echo", base_url, token) as bot``: the bot runs in a child process
    (its cProfile written to ``profile``; ``freeze``: its start-up heap left out of collections)."""

    def __init__(
        self, kind: str, base_url: str, token: str, profile: Path | None = None, freeze: bool = False
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child_end = context.Pipe()
        child = Child(kind, base_url, token, profile, freeze)
        self._process = context.Process(target=child_main, args=(child, child_end), name=f"bench-{kind}")
        self.loop = ""

    async def __aenter__(self) -> Self:
        self._process.start()
        ready = await self._receive(START_SECONDS)
        assert isinstance(ready, Ready), ready
        self.loop = ready.loop
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self._pipe.send("stop")
            await self._receive(START_SECONDS)
        finally:
            await asyncio.to_thread(self._process.join, START_SECONDS)
            if self._process.is_alive():
                self._process.terminate()

    async def usage(self) -> Usage:
        """CPU so far, and the garbage collections since the last call."""
        self._pipe.send("usage")
        usage = await self._receive(5.0)
        assert isinstance(usage, Usage), usage
        return usage

    async def start_profile(self) -> None:
        self._pipe.send("profile")
        await self._receive(5.0)

    async def _receive(self, timeout: float) -> object:
        name = self._process.name
        if not await asyncio.to_thread(self._pipe.poll, timeout):
            raise TimeoutError(f"the bot process {name} did not answer in {timeout:.0f} s")
        try:
            return self._pipe.recv()
        except EOFError:
            raise RuntimeError(f"the bot process {name} ended (its error is printed above)") from None
