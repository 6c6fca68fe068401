"""Every Bot API call of the production bot, on each framework, is retried when Telegram says
"later" (429, its retry_after waited out) or the way to it fails (a 5xx, no connection), a
bounded number of times; a refusal (400, 403) is never retried. Each case runs on both kinds of
call: the ones made straight as JSON (sendMessage, handlers/json_calls.py) and the ones made
through the framework (sendDocument). The waits go through a sleep the test holds, which moves
the local server's flood clock: nothing here sleeps for real."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass

import pytest
import telegram.error
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError

from bot.local_bot_api import FloodLimits, LocalBotApi, Rate, User
from handlers.bot_api_json import BotApiFailure
from handlers.bot_calls import BadRequest, BotCalls, Forbidden
from handlers.retries import RetryPolicy
from tests.handlers.conftest import connected

FLOOD_WAIT = {"aiogram": TelegramRetryAfter, "ptb": telegram.error.RetryAfter}
SERVER_ERROR = {"aiogram": TelegramServerError, "ptb": telegram.error.NetworkError}


@dataclass(frozen=True)
class Route:
    """One kind of call: its Bot API method, how to make it, and what it raises once the retries
    are spent, by framework."""

    method: str
    make: Callable[[BotCalls, int, str], Awaitable[int]]
    flood_wait: dict[str, type[Exception]]
    server_error: dict[str, type[Exception]]


def _send_message(calls: BotCalls, chat_id: int, text: str) -> Awaitable[int]:
    return calls.send_message(chat_id, text)


def _send_document(calls: BotCalls, chat_id: int, text: str) -> Awaitable[int]:
    return calls.send_document(chat_id, f"{text}.pdf", b"%PDF-1.4 test", text)


JSON_ONLY = {"aiogram": BotApiFailure, "ptb": BotApiFailure}
ROUTES = {
    "json": Route("sendMessage", _send_message, JSON_ONLY, JSON_ONLY),
    "framework": Route("sendDocument", _send_document, FLOOD_WAIT, SERVER_ERROR),
}


@pytest.fixture(params=ROUTES)
def route(request: pytest.FixtureRequest) -> Route:
    return ROUTES[str(request.param)]


class HeldTime:
    """The local server's monotonic clock, moved only by the bot's waits, which it records."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def time() -> HeldTime:
    return HeldTime()


class Bots:
    """Production adapters of one framework for a started server, waiting on the held time."""

    def __init__(self, framework: str, time: HeldTime, stack: AsyncExitStack) -> None:
        self._framework = framework
        self._time = time
        self._stack = stack

    async def __call__(self, api: LocalBotApi, policy: RetryPolicy | None = None) -> BotCalls:
        adapter = await self._stack.enter_async_context(
            connected(self._framework, api, policy=policy, sleep=self._time.sleep)
        )
        return adapter.calls


@pytest.fixture
async def bot_on(framework: str, time: HeldTime) -> AsyncIterator[Bots]:
    async with AsyncExitStack() as stack:
        yield Bots(framework, time, stack)


async def _chatting(api: LocalBotApi, name: str = "An") -> User:
    person = api.add_user(name)
    await api.send_command(person, "start")
    return person


def _texts(api: LocalBotApi, person: User) -> list[str]:
    return [m.visible_text for m in api.bot_messages(person)]


async def test_429_waits_the_retry_after_telegram_gives_then_sends(
    time: HeldTime, bot_on: Bots, route: Route
) -> None:
    async with LocalBotApi(limits=FloodLimits(enabled=True), clock=time) as api:
        an = await _chatting(api)
        calls = await bot_on(api)
        await route.make(calls, an.id, "Một")
        await route.make(calls, an.id, "Hai")  # within the second: 429, retry after 1
        assert _texts(api, an)[-2:] == ["Một", "Hai"]
        assert time.waits == [1.0]
        assert api.stats.too_many_requests[route.method] == 1


async def test_a_flood_wait_longer_than_the_policy_allows_is_not_waited_out(
    framework: str, time: HeldTime, bot_on: Bots, route: Route
) -> None:
    limits = FloodLimits(enabled=True, private_chat=Rate(1, 120.0))
    async with LocalBotApi(limits=limits, clock=time) as api:
        an = await _chatting(api)
        calls = await bot_on(api, RetryPolicy(max_retry_after=30.0))
        await route.make(calls, an.id, "Một")
        with pytest.raises(route.flood_wait[framework]) as refused:
            await route.make(calls, an.id, "Hai")
        wait = getattr(refused.value, "retry_after", None)  # Telegram's wait reaches the caller
        assert (wait.total_seconds() if isinstance(wait, dt.timedelta) else wait) == 120  # PTB: a timedelta
        assert time.waits == []
        assert _texts(api, an)[-1] == "Một"


async def test_a_server_error_is_retried_with_a_growing_backoff(
    time: HeldTime, bot_on: Bots, route: Route
) -> None:
    async with LocalBotApi() as api:
        an = await _chatting(api)
        api.fail_next(route.method, 502, "Bad Gateway", times=2)
        calls = await bot_on(api, RetryPolicy(attempts=4, backoff=0.5, max_backoff=4.0))
        await route.make(calls, an.id, "Xin chào")
        assert _texts(api, an)[-1] == "Xin chào"
        assert time.waits == [0.5, 1.0]
        assert api.stats.calls[route.method] == 3


async def test_retries_are_bounded_and_the_last_error_reaches_the_caller(
    framework: str, time: HeldTime, bot_on: Bots, route: Route
) -> None:
    async with LocalBotApi() as api:
        an = await _chatting(api)
        shown = _texts(api, an)
        api.fail_next(route.method, 500, "Internal Server Error", times=10)
        calls = await bot_on(api, RetryPolicy(attempts=3, backoff=0.5, max_backoff=0.75))
        with pytest.raises(route.server_error[framework], match="Internal Server Error"):
            await route.make(calls, an.id, "Xin chào")
        assert time.waits == [0.5, 0.75]
        assert api.stats.calls[route.method] == 3
        assert _texts(api, an) == shown


async def test_a_refused_connection_is_retried_until_the_server_answers(
    framework: str, unused_tcp_port: int, route: Route
) -> None:
    api = LocalBotApi()
    an = await _chatting(api)  # the server is not listening yet
    waits: list[float] = []

    async def server_comes_back(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            await api.start(port=unused_tcp_port)

    try:
        base_url = f"http://127.0.0.1:{unused_tcp_port}"
        async with connected(framework, api, base_url=base_url, sleep=server_comes_back) as adapter:
            await route.make(adapter.calls, an.id, "Xin chào")
    finally:
        await api.stop()
    assert waits == [0.5, 1.0]
    assert _texts(api, an) == ["Xin chào"]


async def test_a_bad_request_or_a_block_is_not_retried(time: HeldTime, bot_on: Bots, route: Route) -> None:
    async with LocalBotApi() as api:
        an = await _chatting(api)
        calls = await bot_on(api)
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await route.make(calls, 987_654_321, "Không có ai")
        await api.block_bot(an)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await route.make(calls, an.id, "Xin chào")
        assert api.stats.calls[route.method] == 2
        assert time.waits == []


async def test_a_retry_is_logged_without_the_bot_token(
    time: HeldTime, bot_on: Bots, route: Route, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.retries")
    async with LocalBotApi() as api:
        an = await _chatting(api)
        calls = await bot_on(api)
        api.fail_next(route.method, 502, f"Bad Gateway at /bot{api.token}/{route.method}")
        await route.make(calls, an.id, "Xin chào")
    retries = [r.getMessage() for r in caplog.records if r.name == "handlers.retries"]
    assert retries == [f"{route.method}: Bad Gateway at /bot<token>/{route.method}; retry 1 of 3 in 0.5 s"]
    assert api.token not in caplog.text
