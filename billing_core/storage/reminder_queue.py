"""Trial reminders queued in the outbox (billing_core/reminders.py says which are due): one
message per customer and trial end and reminder day, naming every trial of theirs ending that
day, so a customer trying three solutions gets one reminder, not three. The outbox key makes it
once whatever restarts or instances happen; a trial moved to another end (a new import) gets
its own reminders for the new end. Trials of solutions bought since, and customers who blocked
the bot, get none."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import exists, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.reminders import due_reminder, ends_with_reminder_due
from billing_core.storage.models import Customer, Subscription, Trial
from billing_core.storage.outbox_store import queue, queued_already

REMINDER = "trial_reminder"


def reminder_key(customer_id: int, ends_on: dt.date, days: int) -> str:
    return f"reminder:{customer_id}:{ends_on.isoformat()}:{days}"


async def queue_due_reminders(session: AsyncSession, today: dt.date, now: dt.datetime) -> int:
    """Queue the reminders due `today` that are not queued yet; how many were new."""
    bought = exists().where(
        Subscription.customer_id == Trial.customer_id,
        Subscription.solution == Trial.solution,
        Subscription.status == "active",
    )
    rows = await session.execute(
        select(
            Trial.customer_id, Customer.telegram_user_id, Trial.ends_on, Trial.solution, Trial.activated_seats
        )
        .join(Customer, Customer.id == Trial.customer_id)
        .where(
            Trial.ends_on.in_(ends_with_reminder_due(today)), Customer.unreachable.is_(False), not_(bought)
        )
        .order_by(Trial.customer_id, Trial.ends_on, Trial.solution)
    )
    groups: dict[tuple[int, int, dt.date], list[tuple[str, int]]] = defaultdict(list)
    for customer_id, chat_id, ends_on, solution, seats in rows:
        groups[(customer_id, chat_id, ends_on)].append((solution, seats))
    due = {group: days for group in groups if (days := due_reminder(group[2], today)) is not None}
    known = await queued_already(session, [reminder_key(c, end, d) for (c, _, end), d in due.items()])
    queued = 0
    for (customer_id, chat_id, ends_on), days in due.items():
        key = reminder_key(customer_id, ends_on, days)
        if key in known:
            continue
        trials = groups[(customer_id, chat_id, ends_on)]
        payload = {
            "kind": REMINDER,
            "days": days,
            "ends_on": ends_on.isoformat(),
            "solutions": [solution for solution, _ in trials],
            "activated_seats": max(seats for _, seats in trials),
        }
        queued += await queue(session, key, customer_id, chat_id, now, payload=payload)
    return queued
