"""What the bot asked of the server, for tests and benchmarks: counters and a bounded call log."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

CALL_LOG_SIZE = 1000


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    status: int
    description: str | None = None


@dataclass
class ApiStats:
    calls: Counter[str] = field(default_factory=Counter)
    too_many_requests: Counter[str] = field(default_factory=Counter)
    log: deque[ApiCall] = field(default_factory=lambda: deque(maxlen=CALL_LOG_SIZE))

    def record(self, call: ApiCall) -> None:
        self.calls[call.method] += 1
        if call.status == 429:
            self.too_many_requests[call.method] += 1
        self.log.append(call)
