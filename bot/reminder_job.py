"""The reminders job of `cleeksy-bot run`: every minute, once it is past 09:00 in TIMEZONE,
queue the trial reminders due today (billing_core/reminders.py) in the outbox; the outbox
key makes each one once however many times, instances or restarts this runs."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.clock import Clock
from billing_core.reminders import sending_day
from billing_core.storage.database import transaction
from billing_core.storage.reminder_queue import queue_due_reminders

log = logging.getLogger(__name__)

REMINDERS_EVERY_SECONDS = 60.0


async def queue_reminders_now(sessions: async_sessionmaker[AsyncSession], clock: Clock, tz: ZoneInfo) -> int:
    """Queue what is due now; how many reminders were new."""
    now = clock()
    today = sending_day(now, tz)
    if today is None:
        return 0
    async with transaction(sessions) as session:
        queued = await queue_due_reminders(session, today, now)
    if queued:
        log.info("%s trial reminders queued for %s", queued, today.isoformat())
    return queued
