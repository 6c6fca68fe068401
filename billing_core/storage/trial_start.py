"""A free trial the customer starts from the bot (T1), in the caller's transaction.

One trial per customer, ever: it covers the solutions asked for at once, from today (in the
billing timezone) for the catalogue's trial length (`ends_on` exclusive), with no users
activated yet (S4) and `source = 'bot'`. A customer who holds any subscription or has had any
trial (started here or imported) gets nothing new. Idempotent under races too: the rows go in
inside a savepoint, so when two starts for one customer overlap, the unique
(customer_id, solution) key refuses the later one, which then creates nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.catalogue import Catalogue
from billing_core.periods import Period
from billing_core.storage.models import Subscription, Trial
from billing_core.trials import trial_period

SOURCE = "bot"


async def start_trial(
    session: AsyncSession, customer_id: int, catalogue: Catalogue, solutions: Sequence[str], today: dt.date
) -> Period | None:
    """The new trial's period, or None when the customer may not start one (nothing written)."""
    unknown = [s for s in solutions if s not in catalogue.solutions]
    if not solutions or unknown:
        raise ValueError(f"no trial of {unknown or 'nothing'} in the catalogue {catalogue.id!r}")
    if await _holds_or_had_trial(session, customer_id):
        return None
    period = trial_period(catalogue, today)
    try:
        async with session.begin_nested():
            session.add_all(
                Trial(
                    customer_id=customer_id,
                    solution=solution,
                    started_on=period.start,
                    ends_on=period.end,
                    activated_seats=0,
                    source=SOURCE,
                )
                for solution in solutions
            )
            await session.flush()
    except IntegrityError:  # another start for this customer got there first
        return None
    return period


async def _holds_or_had_trial(session: AsyncSession, customer_id: int) -> bool:
    subscription = exists().where(Subscription.customer_id == customer_id)
    trial = exists().where(Trial.customer_id == customer_id)
    return bool(await session.scalar(select(subscription | trial)))
