"""Webhook mode: Telegram POSTs each update to the HTTP server, which hands it to the feed.

The HTTP route answers 200 as soon as an update is accepted; Telegram resends whatever is not
answered 2xx, so an update that fails is logged by the feed and never turns into a 500. With
several instances (`shared`, REDIS_URL set) an update is accepted once it is in its chat's
queue in Redis (handlers/shared_feed.py); if Redis cannot be reached, `accept` raises and the
route answers 500, so Telegram sends the update again.
"""

from __future__ import annotations

from typing import Any

from handlers.bot_calls import BotCalls
from handlers.ordered_feed import OrderedFeed
from handlers.shared_feed import SharedChatFeed
from handlers.update_routes import ALLOWED_UPDATES


class WebhookFeed:
    def __init__(
        self, feed: OrderedFeed[Any], calls: BotCalls, secret: str, shared: SharedChatFeed | None = None
    ) -> None:
        self.secret = secret
        self.shared = shared
        self._feed = feed
        self._calls = calls

    async def register(self, url: str) -> None:
        """Ask Telegram to POST this bot's updates to `url`, with the secret header."""
        await self._calls.set_webhook(url, self.secret, ALLOWED_UPDATES)

    async def accept(self, body: object) -> bool:
        """Start handling one update's JSON; False (and nothing done) if it is not an update."""
        if self.shared is not None:
            return await self.shared.accept_json(body)
        return self._feed.accept_json(body)

    async def drain(self) -> None:
        if self.shared is not None:
            await self.shared.drain()
        await self._feed.drain()
