"""Long polling into the ordered feed (see ordered_feed for why not the framework's own).

getUpdates comes as JSON (handlers/json_calls.py) and each update goes to the feed as a
webhook's would, in order, then is confirmed by the next call's offset; one the framework
cannot read is logged and skipped (confirmed too, or it would come back forever). A failed call
(after the calls' own retries) is logged and tried again after a growing pause; cancelling the
task stops polling, and updates not yet confirmed come again next time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from handlers.bot_calls import BotCalls, Unauthorized
from handlers.ordered_feed import OrderedFeed
from handlers.update_routes import ALLOWED_UPDATES

log = logging.getLogger(__name__)

POLL_SECONDS = 25  # how long Telegram holds a getUpdates open when there is nothing new
LONG_POLL_MARGIN = 15  # seconds a getUpdates may take beyond its own timeout
PAUSES = (1.0, 2.0, 5.0, 10.0)  # after a failed call: 1 s, then longer, at most 10 s


async def poll(
    source: BotCalls,
    feed: OrderedFeed[Any],
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Poll until cancelled. A revoked token (401) ends polling with the error."""
    offset: int | None = None
    failures = 0
    while True:
        try:
            updates = await source.get_updates(offset, POLL_SECONDS, ALLOWED_UPDATES, LONG_POLL_MARGIN)
        except Unauthorized:
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
            update_id = update.get("update_id") if isinstance(update, dict) else None
            if not feed.accept_json(update):
                log.warning("update %s is not one the bot can read; skipped", update_id)
            if isinstance(update_id, int):
                offset = update_id + 1
