"""One asyncio.Condition that everything waiting on the server sleeps on: long-polling
getUpdates, webhook delivery, the ``/_local`` feed and tests' ``wait_for``. Whoever changes
something (the bot through a call, a person through the user side) calls :meth:`notify`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Changes:
    def __init__(self) -> None:
        self._condition = asyncio.Condition()
        self.closing = False

    async def notify(self) -> None:
        async with self._condition:
            self._condition.notify_all()

    async def wait_until(self, predicate: Callable[[], T | None], timeout: float | None) -> T:
        """The first truthy value of ``predicate``; TimeoutError after ``timeout`` seconds."""
        async with self._condition, asyncio.timeout(timeout):
            found = await self._condition.wait_for(predicate)
        assert found is not None, "Condition.wait_for returns only a truthy value"
        return found

    async def close(self) -> None:
        """Wake every waiter for good (the server is stopping)."""
        self.closing = True
        await self.notify()
