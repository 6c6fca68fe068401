"""Telegram's flood limits, off by default: messages per second over all chats, per private
chat and per group. A send over a limit is refused with 429 and the whole seconds until it
would pass (at least 1), as Telegram does. Windows slide over the injected monotonic clock,
so a test that fixes the clock gets the same answer every time. Refused sends do not count.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.local_bot_api.errors import too_many_requests

Clock = Callable[[], float]


@dataclass(frozen=True)
class Rate:
    count: int
    per_seconds: float


@dataclass(frozen=True)
class FloodLimits:
    enabled: bool = False
    overall: Rate = Rate(30, 1.0)
    private_chat: Rate = Rate(1, 1.0)
    group_chat: Rate = Rate(20, 60.0)


@dataclass
class _Window:
    """The times of the sends still inside one sliding window."""

    rate: Rate
    times: deque[float] = field(default_factory=deque)

    def wait(self, now: float) -> float:
        """Seconds until one more send fits (0 when it fits now)."""
        while self.times and self.times[0] <= now - self.rate.per_seconds:
            self.times.popleft()
        if len(self.times) < self.rate.count:
            return 0.0
        return self.times[0] + self.rate.per_seconds - now


class FloodControl:
    """Admits or refuses each message the bot sends."""

    def __init__(self, limits: FloodLimits, clock: Clock = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._overall = _Window(limits.overall)
        self._chats: dict[int, _Window] = {}

    def admit(self, chat_id: int, *, private: bool) -> None:
        """Count a send into ``chat_id``, or raise 429 Too Many Requests with retry_after."""
        if not self.limits.enabled:
            return
        now = self._clock()
        rate = self.limits.private_chat if private else self.limits.group_chat
        chat = self._chats.setdefault(chat_id, _Window(rate))
        wait = max(chat.wait(now), self._overall.wait(now))
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        chat.times.append(now)
        self._overall.times.append(now)
