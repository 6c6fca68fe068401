"""Routes for an adapter's feed in tests: each message handed to a callback, edits and taps
ignored; the adapter's framework parses and dispatches as in production."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.incoming import IncomingMessage, IncomingTap


class MessagesTo:
    def __init__(self, on_message: Callable[[IncomingMessage], Awaitable[None]]) -> None:
        self._on_message = on_message

    async def on_message(self, message: IncomingMessage) -> None:
        await self._on_message(message)

    async def on_edit(self, message: IncomingMessage) -> None:
        """Not looked at."""

    async def on_tap(self, tap: IncomingTap) -> None:
        """Not looked at."""
