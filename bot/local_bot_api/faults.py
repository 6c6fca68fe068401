"""Failures a test asks for: the next calls of a method are refused with a given status (a 502
from a proxy, a 500 while Telegram restarts) before the method runs, so a client's retries can
be seen against the real server; or, after a number of calls, the method's calls are held (not
done) until the test lets them go, so a test can stop a client at an exact point — a process
killed while its requests hang — and then refuse the held ones (they were never done)."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from bot.local_bot_api.errors import BotApiError


@dataclass
class Faults:
    _pending: dict[str, deque[BotApiError]] = field(default_factory=dict)
    _let_through: dict[str, int] = field(default_factory=dict)
    _held: list[asyncio.Future[BotApiError | None]] = field(default_factory=list)

    def add(self, method: str, error: BotApiError, times: int = 1) -> None:
        self._pending.setdefault(method.lower(), deque()).extend([error] * times)

    def take(self, method: str) -> BotApiError | None:
        """The refusal planned for this call of ``method`` (case-insensitive), if any."""
        planned = self._pending.get(method.lower())
        return planned.popleft() if planned else None

    def hold_after(self, method: str, calls: int) -> None:
        """Let ``calls`` more calls of ``method`` run, then hold the next ones."""
        self._let_through[method.lower()] = calls

    @property
    def held(self) -> int:
        return sum(not waiting.done() for waiting in self._held)

    def let_go(self, refusal: BotApiError | None) -> None:
        """Stop holding; the calls held so far are refused with ``refusal`` (or run, if None)."""
        self._let_through.clear()
        for waiting in self._held:
            if not waiting.done():
                waiting.set_result(refusal)
        self._held.clear()

    async def gate(self, method: str) -> None:
        """Wait here while ``method`` is held; raise the refusal it is let go with."""
        left = self._let_through.get(method.lower())
        if left is None:
            return
        if left > 0:
            self._let_through[method.lower()] = left - 1
            return
        waiting: asyncio.Future[BotApiError | None] = asyncio.get_running_loop().create_future()
        self._held.append(waiting)
        refusal = await waiting
        if refusal is not None:
            raise refusal
