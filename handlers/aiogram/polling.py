"""Long polling into the ordered update feed (see update_feed for why not aiogram's own).

Each batch is handed to the feed in order, then confirmed by the next call's offset. A failed
call (after the request middleware's own retries) is logged and tried again after a growing
pause; cancelling the task stops polling, and updates not yet confirmed come again next time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramUnauthorizedError

from handlers.aiogram.update_feed import UpdateFeed

log = logging.getLogger(__name__)

POLL_SECONDS = 25  # how long Telegram holds a getUpdates open when there is nothing new
PAUSES = (1.0, 2.0, 5.0, 10.0)  # after a failed call: 1 s, then longer, at most 10 s


async def poll(
    bot: Bot, feed: UpdateFeed, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> None:
    """Poll until cancelled. A revoked token (401) ends polling with the error."""
    offset: int | None = None
    failures = 0
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset,
                timeout=POLL_SECONDS,
                allowed_updates=feed.allowed_updates,
                request_timeout=POLL_SECONDS + 15,
            )
        except TelegramUnauthorizedError:
            raise
        except Exception as exc:  # the network, Telegram, a conflicting poller: wait and retry
            pause = PAUSES[min(failures, len(PAUSES) - 1)]
            failures += 1
            log.warning("getUpdates failed (%s: %s); again in %.0f s", type(exc).__name__, exc, pause)
            await sleep(pause)
            continue
        if failures:
            log.info("getUpdates works again after %d failures", failures)
            failures = 0
        for update in updates:
            feed.accept(update)
            offset = update.update_id + 1
