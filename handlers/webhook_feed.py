"""Webhook mode: Telegram POSTs each update to the HTTP server, which hands it to the feed.

The HTTP route answers 200 as soon as an update is accepted; Telegram resends whatever is not
answered 2xx, so an update that fails is logged by the feed and never turns into a 500.
"""

from __future__ import annotations

from typing import Any

from handlers.bot_calls import BotCalls
from handlers.ordered_feed import OrderedFeed
from handlers.update_routes import ALLOWED_UPDATES


class WebhookFeed:
    def __init__(self, feed: OrderedFeed[Any], calls: BotCalls, secret: str) -> None:
        self.secret = secret
        self._feed = feed
        self._calls = calls

    async def register(self, url: str) -> None:
        """Ask Telegram to POST this bot's updates to `url`, with the secret header."""
        await self._calls.set_webhook(url, self.secret, ALLOWED_UPDATES)

    def accept(self, body: object) -> bool:
        """Start handling one update's JSON; False (and nothing done) if it is not an update."""
        return self._feed.accept_json(body)

    async def drain(self) -> None:
        await self._feed.drain()
