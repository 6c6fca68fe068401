"""A count of updates handled to the end, that tests and metrics can wait on."""

from __future__ import annotations

import asyncio


class Progress:
    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Condition()

    async def one_more(self) -> None:
        async with self._changed:
            self.count += 1
            self._changed.notify_all()

    async def wait_for(self, count: int) -> None:
        """Wait until `count` have been handled since start."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.count >= count)
