"""Changes scheduled from "My plan" (P3, Y3): stored with the survey's answers, listed, and
cancelled until the day they take effect. `billing_core.scheduled_changes` judges them;
the boundary job applies them (billing_core/storage/boundaries.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.lifecycle import Scheduled
from billing_core.periods import Cycle
from billing_core.scheduled_changes import COMMENT_LENGTH, PlannedChange, Target
from billing_core.scheduled_changes import ChangeRequest as Request
from billing_core.storage.database import chunks
from billing_core.storage.models import ChangeRequest, ScheduledChange, Subscription


@dataclass(frozen=True, slots=True)
class PendingChange:
    """A scheduled request as "My plan" lists it."""

    request_id: int
    kind: str
    solution: str
    value: str | None
    effective_on: dt.date


def target_of(row: ScheduledChange, solution: str) -> Target:
    return Target(solution, row.tier, row.seats, Cycle(row.cycle) if row.cycle else None, row.ends)


async def scheduled_targets(session: AsyncSession, customer_id: int) -> list[Target]:
    """Every change still to apply for the customer, oldest first (merge them in this order)."""
    return [c.change.target for c in await stored_changes(session, customer_ids=[customer_id])]


@dataclass(frozen=True, slots=True)
class StoredChange:
    """A scheduled change as stored: whose, of which request, and what it does when."""

    customer_id: int
    subscription_id: int
    request_id: int
    change: Scheduled


async def stored_changes(
    session: AsyncSession,
    *,
    customer_ids: Iterable[int] = (),
    subscription_ids: Iterable[int] = (),
) -> list[StoredChange]:
    """The changes still scheduled for these customers or subscriptions, oldest first."""
    found: list[StoredChange] = []
    for column, ids in ((Subscription.customer_id, customer_ids), (Subscription.id, subscription_ids)):
        wanted = sorted(set(ids))
        for chunk in chunks(wanted):
            rows = await session.execute(
                select(ScheduledChange, Subscription.customer_id, Subscription.solution)
                .join(Subscription, Subscription.id == ScheduledChange.subscription_id)
                .where(column.in_(chunk), ScheduledChange.status == "scheduled")
                .order_by(ScheduledChange.id)
            )
            found += [
                StoredChange(
                    customer,
                    row.subscription_id,
                    row.request_id,
                    Scheduled(row.id, row.effective_on, target_of(row, solution)),
                )
                for row, customer, solution in rows
            ]
    return sorted(found, key=lambda c: c.change.id)


async def pending_changes(session: AsyncSession, customer_id: int) -> list[PendingChange]:
    rows = await session.scalars(
        select(ChangeRequest)
        .where(ChangeRequest.customer_id == customer_id, ChangeRequest.status == "scheduled")
        .order_by(ChangeRequest.id)
    )
    return [PendingChange(r.id, r.kind, r.solution, r.value, r.effective_on) for r in rows]


async def schedule(
    session: AsyncSession,
    customer_id: int,
    request: Request,
    planned: PlannedChange,
    *,
    reason: str | None,
    comment: str | None,
    now: dt.datetime,
) -> int:
    """Store a judged request and its targets; the request's id."""
    rows = await session.execute(
        select(Subscription.solution, Subscription.id).where(Subscription.customer_id == customer_id)
    )
    subscriptions = {solution: sub_id for solution, sub_id in rows}
    row = ChangeRequest(
        customer_id=customer_id,
        kind=request.kind.value,
        solution=request.solution,
        value=None if request.value is None else str(request.value),
        reason=reason,
        comment=comment[:COMMENT_LENGTH] if comment else None,
        status="scheduled",
        effective_on=planned.effective_on,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    session.add_all(
        ScheduledChange(
            request_id=row.id,
            subscription_id=subscriptions[target.solution],
            tier=target.tier,
            seats=target.seats,
            cycle=target.cycle.value if target.cycle else None,
            ends=target.ends,
            effective_on=planned.dates[target.solution],
            status="scheduled",
        )
        for target in planned.targets
    )
    await session.flush()
    return row.id


async def cancel_change(session: AsyncSession, customer_id: int, request_id: int, now: dt.datetime) -> bool:
    """Cancel a request not yet applied; False when there is none such for this customer."""
    cancelled = await session.execute(
        update(ChangeRequest)
        .where(
            ChangeRequest.id == request_id,
            ChangeRequest.customer_id == customer_id,
            ChangeRequest.status == "scheduled",
        )
        .values(status="cancelled", cancelled_at=now)
    )
    if not cancelled.rowcount:  # type: ignore[attr-defined]
        return False
    await session.execute(
        update(ScheduledChange)
        .where(ScheduledChange.request_id == request_id, ScheduledChange.status == "scheduled")
        .values(status="cancelled")
    )
    return True
