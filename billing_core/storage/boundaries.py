"""Period boundaries crossed in the database (billing_core/lifecycle.py says what each becomes),
in the caller's transaction: by the lifecycle job for everyone, and before any quote for the
one customer asking (billing_core/storage/checkout.py), so no quote sees a running
subscription whose period has ended.

Exactly once, whatever the instances or runs: each subscription moves by a compare-and-set on
(id, status, period_end) and its scheduled changes by one on their `scheduled` status, both in
a savepoint, so a second runner (or a change cancelled meanwhile) finds nothing to move and
leaves the subscription to the next run. A change request is `done` once none of its changes
is still scheduled. What the customer is told goes to the outbox, one message per customer,
event and boundary day naming every solution (`expired:<customer>:<day>`, `ended:…`,
`fell_back:…`); a boundary crossed at night is told from SEND_FROM (09:00) that day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.cart import RequestError
from billing_core.catalogue import Catalogue
from billing_core.holdings import Holding
from billing_core.lifecycle import Boundary, Event, cross_boundaries
from billing_core.periods import VIETNAM_TZ
from billing_core.quote import quote
from billing_core.reminders import SEND_FROM
from billing_core.renewal_quote import renewal_facts, restart_request
from billing_core.storage.change_store import StoredChange, stored_changes
from billing_core.storage.customers import holding_of, renewal_terms
from billing_core.storage.models import ChangeRequest, Customer, ScheduledChange, Subscription
from billing_core.storage.outbox_store import queue

log = logging.getLogger(__name__)

PLAN_NOTICE = "plan_notice"


def notice_key(event: Event, customer_id: int, day: dt.date) -> str:
    return f"{event.value}:{customer_id}:{day.isoformat()}"


Told = dict[tuple[int, int], dict[tuple[Event, dt.date], list[str]]]  # (customer, chat) → event → solutions


async def settle_boundaries(
    session: AsyncSession,
    catalogue: Catalogue,
    today: dt.date,
    now: dt.datetime,
    customer_id: int | None = None,
    *,
    tz: ZoneInfo = VIETNAM_TZ,
) -> int:
    """Cross every boundary due by `today` (one customer's, when given); how many subscriptions moved."""
    due = await _due(session, catalogue, today, customer_id)
    if not due:
        return 0
    changes: dict[int, list[StoredChange]] = defaultdict(list)
    for stored in await stored_changes(session, subscription_ids=[sub.id for sub, _, _ in due]):
        changes[stored.subscription_id].append(stored)
    told: Told = defaultdict(lambda: defaultdict(list))
    applied: list[StoredChange] = []
    moved = 0
    for sub, chat_id, unreachable in due:
        held = holding_of(sub)
        boundary = cross_boundaries(catalogue, held, [c.change for c in changes[sub.id]], today)
        if boundary is None or not await _move(session, sub.id, held, boundary, now):
            continue
        moved += 1
        applied += [c for c in changes[sub.id] if c.change.id in boundary.applied]
        for what in boundary.events:
            if not unreachable:
                told[(sub.customer_id, chat_id)][what].append(sub.solution)
    await _close_requests(session, {c.request_id for c in applied})
    await _tell(
        session,
        catalogue,
        told,
        today,
        max(now, dt.datetime.combine(now.astimezone(tz).date(), SEND_FROM, tz)),
    )
    return moved


async def _due(
    session: AsyncSession, catalogue: Catalogue, today: dt.date, customer_id: int | None
) -> list[tuple[Subscription, int, bool]]:
    """The subscriptions with a boundary due: running past their period, or expired past D2's
    window; with their customer's chat and whether they blocked the bot."""
    window = dt.timedelta(days=catalogue.expired_renewal_window_days)
    query = (
        select(Subscription, Customer.telegram_user_id, Customer.unreachable)
        .join(Customer, Customer.id == Subscription.customer_id)
        .where(
            or_(
                and_(Subscription.status == "active", Subscription.period_end <= today),
                and_(Subscription.status == "expired", Subscription.period_end <= today - window),
            )
        )
        .order_by(Subscription.id)  # one order for every runner: the first to lock a row wins them all
    )
    if customer_id is not None:
        query = query.where(Subscription.customer_id == customer_id)
    return [(sub, chat_id, unreachable) for sub, chat_id, unreachable in await session.execute(query)]


async def _tell(
    session: AsyncSession, catalogue: Catalogue, told: Told, today: dt.date, not_before: dt.datetime
) -> None:
    """One outbox message per customer, event and boundary day, naming every solution."""
    for (customer, chat_id), events in told.items():
        for (event, day), solutions in events.items():
            payload = await _notice(session, catalogue, customer, event, day, solutions, today)
            await queue(
                session, notice_key(event, customer, day), customer, chat_id, not_before, payload=payload
            )


class _Lost(Exception):
    """Another runner moved the subscription (or a change was cancelled) meanwhile."""


async def _move(
    session: AsyncSession, sub_id: int, held: Holding, boundary: Boundary, now: dt.datetime
) -> bool:
    """The subscription and its applied changes moved, or nothing (False) if another runner did."""
    after = boundary.holding
    try:
        async with session.begin_nested():
            if boundary.applied:
                marked = await session.execute(
                    update(ScheduledChange)
                    .where(ScheduledChange.id.in_(boundary.applied), ScheduledChange.status == "scheduled")
                    .values(status="applied", applied_at=now)
                )
                if marked.rowcount != len(boundary.applied):  # type: ignore[attr-defined]
                    raise _Lost
            rolled = await session.execute(
                update(Subscription)
                .where(
                    Subscription.id == sub_id,
                    Subscription.status == held.status.value,
                    Subscription.period_end == held.period.end,
                )
                .values(
                    tier=after.tier,
                    seats=after.seats,
                    cycle=after.cycle.value,
                    status=after.status.value,
                    period_start=after.period.start,
                    period_end=after.period.end,
                    anchor_day=after.anchor_day,
                    updated_at=now,
                )
            )
            if rolled.rowcount != 1:  # type: ignore[attr-defined]
                raise _Lost
    except _Lost:
        return False
    return True


async def _close_requests(session: AsyncSession, request_ids: set[int]) -> None:
    """A request is done once none of its changes is still scheduled."""
    if not request_ids:
        return
    still = exists().where(
        ScheduledChange.request_id == ChangeRequest.id, ScheduledChange.status == "scheduled"
    )
    await session.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id.in_(sorted(request_ids)), ChangeRequest.status == "scheduled", not_(still))
        .values(status="done")
        .execution_options(synchronize_session=False)
    )


async def _notice(
    session: AsyncSession,
    catalogue: Catalogue,
    customer_id: int,
    event: Event,
    day: dt.date,
    solutions: list[str],
    today: dt.date,
) -> dict[str, Any]:
    """The facts of one notice; an expiry says what buying it again costs today (D2)."""
    ordered = sorted(solutions, key=lambda s: catalogue.solutions[s].order)
    payload: dict[str, Any] = {
        "kind": PLAN_NOTICE,
        "event": event.value,
        "on": day.isoformat(),
        "solutions": ordered,
    }
    if event is Event.EXPIRED:
        held = await renewal_terms(session, customer_id, catalogue.base_solution)
        request = restart_request(catalogue, held.holdings, ordered, dict(held.addons), today)
        try:
            if request is not None:
                payload["renewal"] = renewal_facts(request, quote(catalogue, request))
        except RequestError as unreadable:  # a subscription the catalogue no longer knows
            log.warning("customer %s: no renewal cost in the expiry notice (%s)", customer_id, unreadable)
    return payload
