"""The customers of a broadcast segment (billing_core/segments.py) as one SQL query, so that a
segment of 100,000 customers is counted and queued by the database, never held in memory."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, and_, exists, not_, or_, select

from billing_core.segments import EXPIRING_WITHIN_DAYS, Segment
from billing_core.storage.models import Customer, Subscription, Trial

ENDED = ("expired", "locked")


def segment_customers(segment: Segment, today: dt.date) -> Select[int, int]:
    """(customer id, Telegram chat id) of every reachable customer of `segment`, by id."""
    return (
        select(Customer.id, Customer.telegram_user_id)
        .where(in_segment(segment, today), Customer.unreachable.is_(False))
        .order_by(Customer.id)
    )


def in_segment(segment: Segment, today: dt.date) -> ColumnElement[bool]:
    """Whether the customer row belongs to `segment` (reachable or not)."""
    if segment.kind == "all":
        return Customer.id.is_not(None)
    if segment.kind == "trial":
        return _trial(Trial.started_on <= today, Trial.ends_on > today)
    if segment.kind == "trial-expiring":
        return _trial(Trial.ends_on > today, Trial.ends_on <= today + dt.timedelta(days=EXPIRING_WITHIN_DAYS))
    if segment.kind == "expired":
        ended = exists().where(Subscription.customer_id == Customer.id, Subscription.status.in_(ENDED))
        return or_(_trial(Trial.ends_on <= today), ended)
    assert segment.kind == "solution" and segment.solution is not None
    holds = exists().where(
        Subscription.customer_id == Customer.id,
        Subscription.solution == segment.solution,
        Subscription.status.in_(("active", "trial")),
    )
    return or_(
        holds, _trial(Trial.solution == segment.solution, Trial.started_on <= today, Trial.ends_on > today)
    )


def _trial(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """The customer has a trial meeting `conditions` whose solution they have not bought."""
    bought = exists().where(
        Subscription.customer_id == Trial.customer_id,
        Subscription.solution == Trial.solution,
        Subscription.status == "active",
    )
    return exists().where(Trial.customer_id == Customer.id, and_(*conditions), not_(bought))
