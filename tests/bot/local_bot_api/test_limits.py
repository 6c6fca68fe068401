"""Flood limits on a clock the test holds: 429 with retry_after, and the counters for benchmarks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.exceptions import TelegramRetryAfter

from bot.local_bot_api import BotApiError, FloodLimits, LocalBotApi, Rate
from bot.local_bot_api.limits import FloodControl
from tests.bot.local_bot_api.conftest import aiogram_bot


class Clock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def refusal(control: FloodControl, chat_id: int, *, private: bool = True) -> int | None:
    try:
        control.admit(chat_id, private=private)
    except BotApiError as error:
        assert error.parameters is not None
        retry_after = int(error.parameters["retry_after"])
        assert (error.status, error.description) == (429, f"Too Many Requests: retry after {retry_after}")
        return retry_after
    return None


def test_limits_are_off_unless_enabled() -> None:
    control = FloodControl(FloodLimits(), Clock())
    assert [refusal(control, 1) for _ in range(100)] == [None] * 100


def test_a_private_chat_takes_about_one_message_a_second() -> None:
    clock = Clock()
    control = FloodControl(FloodLimits(enabled=True), clock)
    assert refusal(control, 1) is None
    assert refusal(control, 1) == 1
    assert refusal(control, 2) is None  # another chat is not held back
    clock.now += 0.4
    assert refusal(control, 1) == 1  # 0.6 s left, told in whole seconds
    clock.now += 0.6
    assert refusal(control, 1) is None


def test_a_group_takes_twenty_a_minute() -> None:
    clock = Clock()
    control = FloodControl(FloodLimits(enabled=True, overall=Rate(1000, 1.0)), clock)
    for _ in range(20):
        assert refusal(control, -100, private=False) is None
        clock.now += 0.5
    assert refusal(control, -100, private=False) == 50
    clock.now += 50
    assert refusal(control, -100, private=False) is None


def test_all_chats_together_have_a_global_budget() -> None:
    clock = Clock()
    control = FloodControl(FloodLimits(enabled=True, overall=Rate(30, 1.0)), clock)
    assert [refusal(control, chat) for chat in range(1, 31)] == [None] * 30
    assert refusal(control, 31) == 1
    clock.now += 1.0
    assert refusal(control, 31) is None


@pytest.fixture
async def limited() -> AsyncIterator[tuple[LocalBotApi, Clock]]:
    clock = Clock()
    async with LocalBotApi(limits=FloodLimits(enabled=True), clock=clock) as server:
        yield server, clock


async def test_the_bot_is_told_429_with_retry_after_and_it_is_counted(
    limited: tuple[LocalBotApi, Clock],
) -> None:
    server, clock = limited
    anna = server.add_user("Anna")
    await server.send_text(anna, "hi")
    async with aiogram_bot(server) as bot:
        await bot.send_message(anna.id, "one")
        with pytest.raises(TelegramRetryAfter) as refused:
            await bot.send_message(anna.id, "two")
        assert refused.value.retry_after == 1
        assert "Too Many Requests: retry after 1" in str(refused.value)
        clock.now += 1
        await bot.send_message(anna.id, "two")

    assert [m.text for m in server.bot_messages(anna)] == ["one", "two"]
    assert server.stats.calls["sendMessage"] == 3
    assert server.stats.too_many_requests == {"sendMessage": 1}
    assert [c.status for c in server.calls if c.method == "sendMessage"] == [200, 429, 200]
