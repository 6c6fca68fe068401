"""The outbox's rate limit (issue 8): never more than BROADCAST_RATE sends in any second, even
after the loop was held up; one message a second per chat; a 429 stops everyone. Time is a
fake clock that `sleep` moves forward, so nothing here waits."""

from __future__ import annotations

import pytest

from handlers.send_limiter import SendLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def busiest_second(times: list[float]) -> int:
    """The most sends inside any window of one second (starting at a send)."""
    return max(sum(1 for u in times if t <= u < t + 1.0) for t in times)


async def sends(limiter: SendLimiter, clock: FakeTime, count: int, chats: int = 10_000) -> list[float]:
    times = []
    for i in range(count):
        await limiter.acquire(i % chats)
        times.append(clock.now)
    return times


@pytest.mark.parametrize("rate", [1, 25, 30, 400])
async def test_sends_are_spaced_evenly_and_no_second_holds_more_than_the_rate(rate: int) -> None:
    clock = FakeTime()
    limiter = SendLimiter(rate, now=clock, sleep=clock.sleep)
    times = await sends(limiter, clock, rate * 5)
    assert busiest_second(times) <= rate
    assert (times[-1] - times[0]) == pytest.approx((len(times) - 1) / rate, rel=0.01)  # the full rate


async def test_after_a_stall_the_backlog_does_not_burst_past_the_rate() -> None:
    clock = FakeTime()
    limiter = SendLimiter(25, now=clock, sleep=clock.sleep)
    times = await sends(limiter, clock, 10)
    clock.now += 3.0  # the loop was held up (a slow database, a long garbage collection)
    times += await sends(limiter, clock, 60)
    assert busiest_second(times) <= 25
    assert len(set(times)) == len(times)  # never two at the same instant


async def test_a_429_pauses_every_send_for_its_retry_after() -> None:
    clock = FakeTime()
    limiter = SendLimiter(25, now=clock, sleep=clock.sleep)
    await limiter.acquire(1)
    limiter.pause(7)
    paused_at = clock.now
    await limiter.acquire(2)
    assert clock.now >= paused_at + 7


async def test_a_chat_written_to_waits_about_a_second_after_a_send() -> None:
    clock = FakeTime()
    limiter = SendLimiter(25, now=clock, sleep=clock.sleep)
    await limiter.acquire(42)
    assert limiter.chat_wait(42) == pytest.approx(1.0)
    assert limiter.chat_wait(43) == 0
    clock.now += 0.4
    assert limiter.chat_wait(42) == pytest.approx(0.6)
    clock.now += 0.6
    assert limiter.chat_wait(42) == 0


async def test_many_chats_are_forgotten_once_a_second_has_passed() -> None:
    clock = FakeTime()
    limiter = SendLimiter(10_000, now=clock, sleep=clock.sleep)
    await sends(limiter, clock, 30_000)
    assert len(limiter._chats) <= 10_001  # memory stays bounded over 100,000 recipients


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SendLimiter(0)
