"""Customers and what they hold, as the pricing engine sees it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.holdings import Holding, Status
from billing_core.periods import Cycle, Period
from billing_core.storage.models import Customer, Subscription, Trial


async def get_or_create_customer(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    now: dt.datetime,
    language: str = "vi",
    display_name: str | None = None,
    username: str | None = None,
) -> Customer:
    found = await session.scalar(select(Customer).where(Customer.telegram_user_id == telegram_user_id))
    if found is not None:
        return found
    customer = Customer(
        telegram_user_id=telegram_user_id,
        language=language,
        display_name=display_name,
        username=username,
        created_at=now,
        unreachable=False,
    )
    session.add(customer)
    await session.flush()
    return customer


async def holdings_of(session: AsyncSession, customer_id: int) -> tuple[Holding, ...]:
    rows = await session.scalars(select(Subscription).where(Subscription.customer_id == customer_id))
    return tuple(holding_of(s) for s in rows)


@dataclass(frozen=True, slots=True)
class Held:
    """What a customer holds, and what a renewal keeps: the base's renewal mode and add-ons."""

    holdings: tuple[Holding, ...]
    renewal_mode: str | None
    addons: tuple[tuple[str, int], ...]


async def renewal_terms(session: AsyncSession, customer_id: int, base_solution: str) -> Held:
    rows = list(await session.scalars(select(Subscription).where(Subscription.customer_id == customer_id)))
    base = next((s for s in rows if s.solution == base_solution), None)
    addons = tuple(sorted((str(k), int(v)) for k, v in (base.addons or {}).items() if v)) if base else ()
    return Held(tuple(holding_of(s) for s in rows), base.renewal_mode if base else None, addons)


def holding_of(s: Subscription) -> Holding:
    """A subscription row as the engine sees it."""
    return Holding(
        s.solution,
        s.tier,
        s.seats,
        Cycle(s.cycle),
        Period(s.period_start, s.period_end),
        Status(s.status),
        s.anchor_day,
        s.paid_until,
    )


@dataclass(frozen=True, slots=True)
class TrialsHeld:
    solutions: tuple[str, ...]  # every trial the customer has had, running or ended (T1)
    activated_seats: int | None  # the most users any of them activated: S4's floor


async def trials_of(session: AsyncSession, customer_id: int) -> TrialsHeld:
    """The customer's trials, in one query."""
    rows = (
        await session.execute(
            select(Trial.solution, Trial.activated_seats)
            .where(Trial.customer_id == customer_id)
            .order_by(Trial.solution)
        )
    ).all()
    return TrialsHeld(tuple(solution for solution, _ in rows), max((s for _, s in rows), default=0) or None)


async def trial_activated_seats(session: AsyncSession, customer_id: int) -> int | None:
    """The most seats any of the customer's trials activated (S4's floor), if any."""
    return (await trials_of(session, customer_id)).activated_seats
