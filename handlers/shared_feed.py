"""Webhook updates kept in order across instances (REDIS_URL set): each chat's updates go
through its queue in Redis (handlers/chat_queues.py) and are handled by whichever instance
holds the chat's lock, one at a time, oldest first.

`accept_json` answers only once the update is in Redis, so the webhook's 200 means it is kept:
if Redis cannot be reached the route answers 500 and Telegram sends the update again. Updates
that keep no chat's order (none of the kinds the bot asks for today) are handled here at once.
`sweep` (every SWEEP_SECONDS, on every instance) drains the chats whose holder died. On stop
(`drain`), each chat this instance drains is let go after the update in hand, its lock given up
and the rest left queued for another instance (or this one's next start): a busy chat cannot
hold the stop open, and no queued update is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from handlers.chat_queues import ChatQueues, Drain, LockLost
from handlers.ordered_feed import OrderedFeed

log = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0


class SharedChatFeed:
    def __init__(self, feed: OrderedFeed[Any], queues: ChatQueues) -> None:
        self._feed = feed
        self._queues = queues
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def accept_json(self, body: object) -> bool:
        """Queue one update's JSON (and drain its chat if nobody does); False (and nothing
        done) if it is not an update. Raises if Redis cannot be reached."""
        update = self._feed.parse(body)
        if update is None:
            return False
        chat = self._feed.chat_of(update)
        if chat is None:
            self._feed.accept(update)
            return True
        drain = await self._queues.push(chat, update.update_id, json.dumps(body, ensure_ascii=False))
        if drain is not None:
            self._start(drain)
        return True

    async def sweep(self) -> int:
        """Start draining the waiting chats whose lock is free; how many were started."""
        started = 0
        for chat in await self._queues.waiting():
            drain = await self._queues.try_lock(chat)
            if drain is not None:
                log.info("chat %s: its updates were left queued; draining them here", chat)
                self._start(drain)
                started += 1
        return started

    async def ping(self) -> None:
        """Raises unless Redis answers (the health check)."""
        await self._queues.ping()

    async def drain(self) -> None:
        """Stop taking chats' updates: wait for the updates in hand (a clean stop)."""
        self._stopping = True
        await self.settled()

    async def settled(self) -> None:
        """Wait until this instance drains no chat (every queue it took is empty)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    def _start(self, drain: Drain) -> None:
        task = asyncio.create_task(self._drain(drain), name=f"chat-{drain.chat_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, drain: Drain) -> None:
        try:
            async with self._renewing(drain):
                while not self._stopping and (body := await self._queues.take(drain)) is not None:
                    update = self._feed.parse(json.loads(body))
                    if update is not None:
                        await self._feed.handle_now(update)
                if self._stopping:
                    await self._queues.release(drain)
        except LockLost:
            log.warning("chat %s: its lock expired mid-drain; another instance goes on", drain.chat_id)
        except Exception:
            log.exception("chat %s: draining stopped; the sweep takes it up again", drain.chat_id)

    @asynccontextmanager
    async def _renewing(self, drain: Drain) -> AsyncIterator[None]:
        """Renew the chat's lock every third of its TTL while the drain runs."""

        async def renew() -> None:
            while True:
                try:
                    if not await self._queues.renew(drain):
                        return  # taken over: `take` will say so
                except Exception:  # a blip: try again soon, before the lock runs out
                    log.warning("chat %s: its lock could not be renewed; trying again", drain.chat_id)
                await asyncio.sleep(self._queues.lock_ttl_ms / 3000)

        task = asyncio.create_task(renew())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
