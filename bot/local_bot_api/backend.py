"""What both sides of the server work on: the world, its change signal, flood control, the
webhook, counters, who holds the getUpdates long poll, and the failures a test planned."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from bot.local_bot_api.changes import Changes
from bot.local_bot_api.faults import Faults
from bot.local_bot_api.limits import FloodControl
from bot.local_bot_api.state import World
from bot.local_bot_api.stats import ApiStats
from bot.local_bot_api.webhook import WebhookDelivery


@dataclass
class Backend:
    token: str
    world: World
    changes: Changes
    flood: FloodControl
    webhook: WebhookDelivery
    stats: ApiStats
    poll_ticket: int = 0
    """Raised by each getUpdates call; an older waiting one sees it moved and ends with 409."""
    faults: Faults = field(default_factory=Faults)


BACKEND = web.AppKey("local_bot_api_backend", Backend)
"""Where an aiohttp app of the server keeps its backend."""
