"""The lifecycle job of `cleeksy-bot run` (billing_core/lifecycle.py): every minute, cross the
period boundaries due (at any hour: a period ends as its day begins, and what the customer
is told waits for the morning), then, once it is past 09:00 in TIMEZONE, queue the manual
renewal reminders due today and make the automatic renewal orders and their payment links.
Each happens once however many times, instances or restarts this runs (compare-and-set on
the subscription, one client token per renewal order, one outbox key per message)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock
from billing_core.periods import local_today
from billing_core.reminders import sending_day
from billing_core.storage.auto_renewal import make_renewal_orders
from billing_core.storage.boundaries import settle_boundaries
from billing_core.storage.database import transaction
from billing_core.storage.renewal_queue import queue_renewal_reminders
from billing_core.vnpay.merchant import VnpayMerchant

log = logging.getLogger(__name__)

LIFECYCLE_EVERY_SECONDS = 60.0


async def run_lifecycle_now(
    sessions: async_sessionmaker[AsyncSession],
    catalogue: Catalogue,
    merchant: VnpayMerchant,
    clock: Clock,
    tz: ZoneInfo,
) -> int:
    """Do what is due now; how many subscriptions moved and messages were queued."""
    now = clock()
    async with transaction(sessions) as session:
        moved = await settle_boundaries(session, catalogue, local_today(now), now, tz=tz)
    if moved:
        log.info("%s subscriptions crossed a period boundary", moved)
    today = sending_day(now, tz)
    if today is None:
        return moved
    async with transaction(sessions) as session:
        reminded = await queue_renewal_reminders(session, catalogue, today, now)
    async with transaction(sessions) as session:
        automatic = await make_renewal_orders(session, catalogue, merchant, today, now)
    if reminded or automatic:
        log.info("%s renewal reminders and %s automatic renewal messages queued", reminded, automatic)
    return moved + reminded + automatic
