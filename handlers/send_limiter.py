"""Telegram's flood limits as the outbox sender keeps them: at most `rate` messages per second
over all chats (BROADCAST_RATE, 25 by default, under Telegram's 30), about one per second per
chat, and after a 429 nobody sends until its `retry_after` has passed.

Sends are spaced evenly (1/rate apart) and a sliding window checks that no second ever holds
more than `rate`, even when the loop was held up and sends pile up behind it. A chat written to
less than a second ago is not waited for: the caller puts its message back for later (`chat_wait`)
and goes on with the others. Time and sleep are injected, so tests hold the clock.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

PER_CHAT_SECONDS = 1.0
WINDOW_SECONDS = 1.0
FORGET_CHATS_OVER = 10_000  # chats remembered before the ones written to long ago are forgotten

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class SendLimiter:
    def __init__(self, rate: float, *, now: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._now = now
        self._sleep = sleep
        self._spacing = 1.0 / rate
        self._per_window = max(1, math.floor(rate * WINDOW_SECONDS))
        self._recent: deque[float] = deque()
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chats: dict[int, float] = {}

    def now(self) -> float:
        return self._now()

    def chat_wait(self, chat_id: int) -> float:
        """Seconds before `chat_id` may get another message (0: now)."""
        last = self._chats.get(chat_id)
        return 0.0 if last is None else max(0.0, last + PER_CHAT_SECONDS - self._now())

    async def acquire(self, chat_id: int) -> None:
        """Wait for a slot, then count one message to `chat_id` as sent now."""
        while True:
            now = self._now()
            while self._recent and self._recent[0] <= now - WINDOW_SECONDS:
                self._recent.popleft()
            wait = max(self._paused_until - now, self._next_slot - now)
            if len(self._recent) >= self._per_window:
                wait = max(wait, self._recent[0] + WINDOW_SECONDS - now)
            if wait <= 0:
                break
            await self._sleep(wait)
        self._recent.append(now)
        # On schedule (1/rate apart, so a late send is made up), but never two at the same instant.
        self._next_slot = max(self._next_slot + self._spacing, now + self._spacing / 2)
        self._chats[chat_id] = now
        if len(self._chats) > FORGET_CHATS_OVER:
            self._forget(now)

    def pause(self, seconds: float) -> None:
        """Telegram said 429 with `retry_after`: nobody sends before it has passed."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    def _forget(self, now: float) -> None:
        self._chats = {chat: at for chat, at in self._chats.items() if at > now - PER_CHAT_SECONDS}
