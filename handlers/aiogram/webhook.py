"""Webhook mode: Telegram POSTs each update to the HTTP server, which hands it to the feed.

The HTTP route answers 200 as soon as an update is accepted; Telegram resends whatever is not
answered 2xx, so an update that fails is logged by the feed and never turns into a 500.
"""

from __future__ import annotations

from aiogram import Bot

from handlers.aiogram.update_feed import UpdateFeed


class WebhookFeed:
    def __init__(self, feed: UpdateFeed, bot: Bot, secret: str) -> None:
        self.secret = secret
        self._feed = feed
        self._bot = bot

    async def register(self, url: str) -> None:
        """Ask Telegram to POST this bot's updates to `url`, with the secret header."""
        await self._bot.set_webhook(url, secret_token=self.secret, allowed_updates=self._feed.allowed_updates)

    def accept(self, body: object) -> bool:
        """Start handling one update's JSON; False (and nothing done) if it is not an update."""
        return self._feed.accept_json(body)

    async def drain(self) -> None:
        await self._feed.drain()
