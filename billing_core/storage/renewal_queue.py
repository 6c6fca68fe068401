"""Renewals due soon, and the manual renewal reminders queued in the outbox (V1).

A renewal group is what one customer renews on one day E: their running subscriptions whose
period ends then, the next period not yet paid. Its renewal mode is that of its first solution
in the catalogue's order (the workspace, when it renews then). A manual group gets a reminder
7, 3 and 1 days before E (billing_core/lifecycle.py), each due on its own day and queued once
per customer, E and day (`renewal:<customer>:<E>:<days>`, the outbox key), naming what renews
after the changes scheduled for E, the next period and what it costs with VAT (the engine's
quote; a reminder still goes, without the amount, when the engine refuses the cart). No
reminder when everything ends as asked; none for customers who blocked the bot. Automatic
groups are billing_core/storage/auto_renewal.py's.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.cart import QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.holdings import Holding
from billing_core.lifecycle import Scheduled, days_left, ends_with_renewal_due, renewal_reminder_due
from billing_core.quote import Blocked, quote
from billing_core.renewal_quote import renewal_facts, renewal_request, renewing
from billing_core.storage.change_store import stored_changes
from billing_core.storage.customers import holding_of
from billing_core.storage.database import chunks
from billing_core.storage.models import Customer, Subscription
from billing_core.storage.outbox_store import queue, queued_already

log = logging.getLogger(__name__)

RENEWAL_REMINDER = "renewal_reminder"
MANUAL, AUTOMATIC = "manual", "automatic"


def renewal_key(customer_id: int, ends_on: dt.date, days: int) -> str:
    return f"renewal:{customer_id}:{ends_on.isoformat()}:{days}"


@dataclass(frozen=True, slots=True)
class RenewalGroup:
    customer_id: int
    chat_id: int
    language: str
    ends_on: dt.date
    renewal_mode: str
    holdings: tuple[Holding, ...]  # everything the customer holds
    scheduled: tuple[Scheduled, ...]  # every change still scheduled for them
    addons: Mapping[str, int]  # the workspace's blocks

    def request(self, catalogue: Catalogue, today: dt.date) -> QuoteRequest | None:
        """The next period's quote request; None when nothing is left to renew."""
        return renewal_request(catalogue, self.holdings, self.scheduled, self.addons, self.ends_on, today)

    def days_left(self, today: dt.date) -> int:
        return days_left(self.ends_on, today)

    def key(self, today: dt.date) -> str:
        return renewal_key(self.customer_id, self.ends_on, self.days_left(today))


async def renewal_groups(
    session: AsyncSession, catalogue: Catalogue, ends: Iterable[dt.date]
) -> list[RenewalGroup]:
    """The groups renewing on any of `ends`, of customers who have not blocked the bot."""
    rows = await session.execute(
        select(
            Subscription.customer_id, Subscription.period_end, Customer.telegram_user_id, Customer.language
        )
        .join(Customer, Customer.id == Subscription.customer_id)
        .where(
            Subscription.status == "active",
            Subscription.period_end.in_(sorted(set(ends))),
            Subscription.paid_until <= Subscription.period_end,
            Customer.unreachable.is_(False),
        )
        .distinct()
        .order_by(Subscription.customer_id, Subscription.period_end)
    )
    found = rows.all()
    customers = sorted({customer for customer, *_ in found})
    subs: dict[int, list[Subscription]] = defaultdict(list)
    for chunk in chunks(customers):
        for sub in await session.scalars(select(Subscription).where(Subscription.customer_id.in_(chunk))):
            subs[sub.customer_id].append(sub)
    changes: dict[int, list[Scheduled]] = defaultdict(list)
    for stored in await stored_changes(session, customer_ids=customers):
        changes[stored.customer_id].append(stored.change)
    groups = []
    for customer, ends_on, chat_id, language in found:
        held = sorted(subs[customer], key=lambda s: catalogue.solutions[s.solution].order)
        holdings = tuple(holding_of(s) for s in held)
        due = {h.solution for h in renewing(holdings, ends_on)}
        first = next((s for s in held if s.solution in due), None)
        if first is None:
            continue
        base = next((s for s in held if s.solution == catalogue.base_solution), None)
        groups.append(
            RenewalGroup(
                customer,
                chat_id,
                language,
                ends_on,
                first.renewal_mode,
                holdings,
                tuple(changes[customer]),
                {str(k): int(v) for k, v in (base.addons if base else {}).items()},
            )
        )
    return groups


async def queue_renewal_reminders(
    session: AsyncSession, catalogue: Catalogue, today: dt.date, now: dt.datetime
) -> int:
    """Queue the manual renewal reminders due `today` not queued yet; how many were new."""
    ends = [end for end in ends_with_renewal_due(today) if renewal_reminder_due(end, today)]
    groups = [g for g in await renewal_groups(session, catalogue, ends) if g.renewal_mode != AUTOMATIC]
    known = await queued_already(session, [g.key(today) for g in groups])
    queued = 0
    for group in groups:
        if group.key(today) not in known:
            queued += await guarded(
                session, group, partial(queue_reminder, session, catalogue, group, today, now)
            )
    return queued


async def guarded(session: AsyncSession, group: RenewalGroup, work: Callable[[], Awaitable[bool]]) -> bool:
    """`work` for one group in a savepoint: a failure is logged and undone, the others go on,
    and the next run tries again."""
    try:
        async with session.begin_nested():
            return await work()
    except Exception:
        log.exception("renewal of customer %s on %s failed", group.customer_id, group.ends_on.isoformat())
        return False


async def queue_reminder(
    session: AsyncSession, catalogue: Catalogue, group: RenewalGroup, today: dt.date, now: dt.datetime
) -> bool:
    """Queue the group's reminder for today; False when nothing renews or it is queued already."""
    request = group.request(catalogue, today)
    if request is None:
        return False
    result = quote(catalogue, request)
    if isinstance(result, Blocked):
        log.warning(
            "renewal of customer %s on %s refused by the engine (%s): reminded without the amount",
            group.customer_id,
            group.ends_on.isoformat(),
            ", ".join(r.code for r in result.refusals),
        )
    payload = {
        "kind": RENEWAL_REMINDER,
        "days": group.days_left(today),
        "ends_on": group.ends_on.isoformat(),
        **renewal_facts(request, result),
    }
    return await queue(session, group.key(today), group.customer_id, group.chat_id, now, payload=payload)
