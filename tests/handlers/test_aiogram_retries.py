"""Every Bot API call of the production bot (`make_bot`) is retried when Telegram says "later"
(429, its retry_after waited out) or the way to it fails (a 5xx, no connection), a bounded
number of times; a refusal (400, 403) is never retried. The waits go through a sleep the test
holds, which moves the local server's flood clock: nothing here sleeps for real."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.local_bot_api import FloodLimits, LocalBotApi, Rate, User
from conversations import SendMessage
from handlers.aiogram.dispatcher import make_bot
from handlers.aiogram.messenger import AiogramMessenger
from handlers.aiogram.retries import RetryPolicy, RetryRequests


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
    """Production bots for a started server, waiting on the held time."""

    def __init__(self, time: HeldTime) -> None:
        self._time = time
        self.made: list[Bot] = []

    def __call__(self, api: LocalBotApi, policy: RetryPolicy | None = None) -> Bot:
        self.made.append(make_bot(api.token, api.base_url, RetryRequests(policy, sleep=self._time.sleep)))
        return self.made[-1]


@pytest.fixture
async def bot_on(time: HeldTime) -> AsyncIterator[Bots]:
    bots = Bots(time)
    yield bots
    for bot in bots.made:
        await bot.session.close()


async def _chatting(api: LocalBotApi, name: str = "An") -> User:
    person = api.add_user(name)
    await api.send_command(person, "start")
    return person


def _texts(api: LocalBotApi, person: User) -> list[str]:
    return [m.visible_text for m in api.bot_messages(person)]


async def test_429_waits_the_retry_after_telegram_gives_then_sends(time: HeldTime, bot_on: Bots) -> None:
    async with LocalBotApi(limits=FloodLimits(enabled=True), clock=time) as api:
        an = await _chatting(api)
        messenger = AiogramMessenger(bot_on(api))
        await messenger.send(an.id, SendMessage("Một"))
        await messenger.send(an.id, SendMessage("Hai"))  # within the second: 429, retry after 1
        assert _texts(api, an) == ["Một", "Hai"]
        assert time.waits == [1.0]
        assert api.stats.too_many_requests["sendMessage"] == 1


async def test_a_flood_wait_longer_than_the_policy_allows_is_not_waited_out(
    time: HeldTime, bot_on: Bots
) -> None:
    limits = FloodLimits(enabled=True, private_chat=Rate(1, 120.0))
    async with LocalBotApi(limits=limits, clock=time) as api:
        an = await _chatting(api)
        bot = bot_on(api, RetryPolicy(max_retry_after=30.0))
        await bot.send_message(an.id, "Một")
        with pytest.raises(TelegramRetryAfter) as refused:
            await bot.send_message(an.id, "Hai")
        assert refused.value.retry_after == 120
        assert time.waits == []
        assert _texts(api, an) == ["Một"]


async def test_a_server_error_is_retried_with_a_growing_backoff(time: HeldTime, bot_on: Bots) -> None:
    async with LocalBotApi() as api:
        an = await _chatting(api)
        api.fail_next("sendMessage", 502, "Bad Gateway", times=2)
        bot = bot_on(api, RetryPolicy(attempts=4, backoff=0.5, max_backoff=4.0))
        await AiogramMessenger(bot).send(an.id, SendMessage("Xin chào"))
        assert _texts(api, an) == ["Xin chào"]
        assert time.waits == [0.5, 1.0]
        assert api.stats.calls["sendMessage"] == 3


async def test_retries_are_bounded_and_the_last_error_reaches_the_caller(
    time: HeldTime, bot_on: Bots
) -> None:
    async with LocalBotApi() as api:
        an = await _chatting(api)
        api.fail_next("sendMessage", 500, "Internal Server Error", times=10)
        bot = bot_on(api, RetryPolicy(attempts=3, backoff=0.5, max_backoff=0.75))
        with pytest.raises(TelegramServerError):
            await bot.send_message(an.id, "Xin chào")
        assert time.waits == [0.5, 0.75]
        assert api.stats.calls["sendMessage"] == 3
        assert _texts(api, an) == []


async def test_a_refused_connection_is_retried_until_the_server_answers(unused_tcp_port: int) -> None:
    api = LocalBotApi()
    an = await _chatting(api)  # the server is not listening yet
    waits: list[float] = []

    async def server_comes_back(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            await api.start(port=unused_tcp_port)

    bot = make_bot(api.token, f"http://127.0.0.1:{unused_tcp_port}", RetryRequests(sleep=server_comes_back))
    try:
        await AiogramMessenger(bot).send(an.id, SendMessage("Xin chào"))
    finally:
        await bot.session.close()
        await api.stop()
    assert waits == [0.5, 1.0]
    assert _texts(api, an) == ["Xin chào"]


async def test_a_bad_request_or_a_block_is_not_retried(time: HeldTime, bot_on: Bots) -> None:
    async with LocalBotApi() as api:
        an = await _chatting(api)
        bot = bot_on(api)
        with pytest.raises(TelegramBadRequest):
            await bot.send_message(987_654_321, "Không có ai")  # chat not found
        await api.block_bot(an)
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(an.id, "Xin chào")
        assert api.stats.calls["sendMessage"] == 2
        assert time.waits == []


async def test_a_retry_is_logged_without_the_bot_token(
    time: HeldTime, bot_on: Bots, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.aiogram.retries")
    async with LocalBotApi() as api:
        an = await _chatting(api)
        api.fail_next("sendMessage", 502, f"Bad Gateway at /bot{api.token}/sendMessage")
        await bot_on(api).send_message(an.id, "Xin chào")
    retries = [r.getMessage() for r in caplog.records if r.name == "handlers.aiogram.retries"]
    assert retries == ["SendMessage: Bad Gateway at /bot<token>/sendMessage; retry 1 of 3 in 0.5 s"]
    assert api.token not in caplog.text
