"""Failures a test asks for: the next calls of a method are refused with a given status (a 502
from a proxy, a 500 while Telegram restarts) before the method runs, so a client's retries can
be seen against the real server."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from bot.local_bot_api.errors import BotApiError


@dataclass
class Faults:
    _pending: dict[str, deque[BotApiError]] = field(default_factory=dict)

    def add(self, method: str, error: BotApiError, times: int = 1) -> None:
        self._pending.setdefault(method.lower(), deque()).extend([error] * times)

    def take(self, method: str) -> BotApiError | None:
        """The refusal planned for this call of ``method`` (case-insensitive), if any."""
        planned = self._pending.get(method.lower())
        return planned.popleft() if planned else None
