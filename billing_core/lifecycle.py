"""A paid subscription over time (V1, P3, Y3, Y5, D2, T2): what happens at the end of its
period, and which days before that end the customer is reminded or sent the renewal order.

Theory of operation. A subscription is `active` over its period [start, end) (Y5). On the day
the period ends (its `end`, the boundary E, once `today` reaches it):
1. the changes scheduled for it (P3, Y3) that take effect by E are applied, merged in the
   order they were made: a tier, users or cycle replaced, or the solution ended. An ended
   solution becomes what T2 makes of it after a trial: the workspace moves to its free tier
   (`free`), Process and App Builder are `locked`;
2. if the next period is paid already (`paid_until` past E, a renewal paid ahead, V1), the
   period rolls on to [E, paid_until), keeping the anchor day (Y5); else the subscription is
   `expired`, keeping its period, so its end is the day it expired.
Steps 1–2 repeat while the period ends by `today` (a bot stopped over several boundaries
catches up in one go). An expired subscription that is not bought again within the
catalogue's window (D2: 7 days) falls back like an ended one (T2). What the customer should be
told comes out as events; an expiry that already fell back when it is first seen is told once,
as the fall-back.

Before the end (nothing changes then): reminders 7, 3 and 1 days before E, each due on its
own day only (like a trial's, billing_core/reminders.py); the automatic renewal order is made
3 days before, or 2 or 1 days before if the bot missed that day.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from billing_core.catalogue import Catalogue
from billing_core.holdings import Holding, Status
from billing_core.periods import Period, anchor_of
from billing_core.scheduled_changes import Target, merged
from billing_core.trials import fall_back_day, status_after_trial

RENEWAL_REMINDER_DAYS = (7, 3, 1)
RENEWAL_ORDER_DAYS = (3, 2, 1)  # the first of them the bot sees makes the order
AUTO_HEADS_UP_DAYS = 7  # automatic renewal: "the payment link comes on …"
AUTO_LINK_AGAIN_DAYS = 1  # automatic renewal: the link again, if still unpaid


class Event(enum.StrEnum):
    """What the customer is told about a boundary."""

    EXPIRED = "expired"  # the period ended unpaid
    ENDED = "ended"  # ended as the customer asked (a scheduled removal or cancellation)
    FELL_BACK = "fell_back"  # expired and not bought again within the window: free or locked (T2)


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A change stored for one subscription, taking effect at the boundary on `effective_on`."""

    id: int
    effective_on: dt.date
    target: Target


@dataclass(frozen=True, slots=True)
class Boundary:
    """A subscription after the boundaries it crossed: its new values, the scheduled changes
    applied, and what to tell the customer (each event with the boundary it happened at)."""

    holding: Holding
    applied: tuple[int, ...] = ()
    events: tuple[tuple[Event, dt.date], ...] = ()


def due_targets(scheduled: Iterable[Scheduled], day: dt.date) -> dict[str, Target]:
    """The changes taking effect by `day`, merged in the order they were made, by solution."""
    return merged(s.target for s in sorted(scheduled, key=lambda s: s.id) if s.effective_on <= day)


def cross_boundaries(
    catalogue: Catalogue, held: Holding, scheduled: Sequence[Scheduled], today: dt.date
) -> Boundary | None:
    """What `held` becomes by `today`, or None when no boundary is due."""
    holding = held
    applied: list[int] = []
    events: list[tuple[Event, dt.date]] = []
    while holding.status is Status.ACTIVE and holding.period.end <= today:
        end = holding.period.end
        due = [s for s in scheduled if s.effective_on <= end and s.id not in applied]
        applied += sorted(s.id for s in due)
        target = due_targets(due, end).get(holding.solution)
        changed = target.applied(holding) if target else holding
        if changed is None:
            holding = after_paid(catalogue, holding)
            events.append((Event.ENDED, end))
        elif changed.paid_until is not None and changed.paid_until > end:
            period = Period(end, changed.paid_until)
            holding = replace(
                changed, period=period, anchor_day=anchor_of(holding.period, holding.anchor_day)
            )
        else:
            holding = replace(changed, status=Status.EXPIRED)
            events.append((Event.EXPIRED, end))
    if holding.status is Status.EXPIRED and today >= fall_back_day(catalogue, holding.period.end):
        expired_on = holding.period.end
        holding = after_paid(catalogue, holding)
        events = [e for e in events if e != (Event.EXPIRED, expired_on)] + [(Event.FELL_BACK, expired_on)]
    if holding == held:
        return None
    return Boundary(holding, tuple(applied), tuple(events))


def after_paid(catalogue: Catalogue, holding: Holding) -> Holding:
    """T2 once a paid subscription stops: the workspace on its free tier, the others locked."""
    status = status_after_trial(catalogue, holding.solution)
    if status is Status.LOCKED:
        return replace(holding, status=status)
    return replace(holding, tier=free_tier(catalogue, holding.solution), status=status)


def free_tier(catalogue: Catalogue, solution: str) -> str:
    """The tier a solution falls back to: its lowest one not sold through payment (C2)."""
    tiers = sorted(catalogue.solutions[solution].tiers, key=lambda t: t.rank)
    return next((t.id for t in tiers if not t.sellable), tiers[0].id)


def days_left(period_end: dt.date, today: dt.date) -> int:
    """Whole days before a period ends: 1 on its last day."""
    return (period_end - today).days


def renewal_reminder_due(period_end: dt.date, today: dt.date) -> int | None:
    """The renewal reminder due today for a period ending on `period_end`: 7, 3, 1 or None."""
    left = days_left(period_end, today)
    return left if left in RENEWAL_REMINDER_DAYS else None


def renewal_order_due(period_end: dt.date, today: dt.date) -> bool:
    """Whether the automatic renewal order is due (made, or made again for a changed cart)."""
    return days_left(period_end, today) in RENEWAL_ORDER_DAYS


def ends_with_renewal_due(today: dt.date) -> list[dt.date]:
    """The period ends that have a reminder, a heads-up or an order due `today` (the query's filter)."""
    ahead = {*RENEWAL_REMINDER_DAYS, *RENEWAL_ORDER_DAYS, AUTO_HEADS_UP_DAYS}
    return [today + dt.timedelta(days=d) for d in sorted(ahead)]
