"""Trials imported from the main platform (`cleeksy-bot trials import`), in the caller's transaction.

All or nothing: every row is checked before anything is written, and a refused row raises
TrialFileError, so the caller's transaction rolls back whatever the import did.

- A row's customer is found by Telegram user id, or created with the row's language (the
  first row of that user, if several); an existing customer's language is left as they chose.
- A customer with an active paid subscription (status `active`) of the row's solution is
  refused: a trial would only confuse their renewals and reminders.
- The trial (one per customer and solution) is created, or updated to the file's values,
  and marked `source = 'import'`, also when the bot had started it: the platform is the
  reference. It runs T1's length from `started_on`; `ends_on` is exclusive.
- Importing the same rows again changes nothing and reports them as unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.catalogue import Catalogue
from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import chunks
from billing_core.storage.models import Customer, Subscription, Trial
from billing_core.trial_import import RowError, TrialFileError, TrialRow
from billing_core.trials import trial_period

SOURCE = "import"

M = TypeVar("M", Trial, Subscription)


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_customers: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged; "
            f"{self.new_customers} new customers"
        )


async def import_trials(
    session: AsyncSession, rows: Sequence[TrialRow], catalogue: Catalogue, now: dt.datetime
) -> ImportReport:
    """Register the rows' trials, or raise TrialFileError (having written nothing) for refused rows."""
    customers = await _customers(session, {row.telegram_user_id for row in rows})
    ids = [c.id for c in customers.values()]
    trials = {(t.customer_id, t.solution): t for t in await _by_customer(session, Trial, ids)}
    paid = {
        (s.customer_id, s.solution): s
        for s in await _by_customer(session, Subscription, ids)
        if s.status == "active"
    }
    refused = [
        _refusal(row, paid[key])
        for row in rows
        if (key := (_customer_id(customers, row), row.solution)) in paid
    ]
    if refused:
        raise TrialFileError(refused)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "new_customers": 0}
    for row in rows:
        customer = customers.get(row.telegram_user_id)
        if customer is None:
            customer = await get_or_create_customer(
                session, row.telegram_user_id, now=now, language=row.language
            )
            customers[row.telegram_user_id] = customer
            counts["new_customers"] += 1
        counts[_put_trial(session, trials, customer.id, row, catalogue)] += 1
    await session.flush()
    return ImportReport(**counts)


def _customer_id(customers: dict[int, Customer], row: TrialRow) -> int | None:
    customer = customers.get(row.telegram_user_id)
    return None if customer is None else customer.id


def _refusal(row: TrialRow, subscription: Subscription) -> RowError:
    return RowError(
        row.line,
        "solution",
        f"customer {row.telegram_user_id} already has an active paid {row.solution} subscription "
        f"(paid until {subscription.paid_until.isoformat()}); no trial imported",
    )


def _put_trial(
    session: AsyncSession,
    trials: dict[tuple[int, str], Trial],
    customer_id: int,
    row: TrialRow,
    catalogue: Catalogue,
) -> str:
    """Create or update the row's trial; which of created, updated, unchanged it was."""
    period = trial_period(catalogue, row.started_on)
    wanted = (row.started_on, period.end, row.activated_seats, SOURCE)
    trial = trials.get((customer_id, row.solution))
    if trial is None:
        trial = Trial(customer_id=customer_id, solution=row.solution)
        session.add(trial)
        trials[(customer_id, row.solution)] = trial
        outcome = "created"
    elif (trial.started_on, trial.ends_on, trial.activated_seats, trial.source) == wanted:
        return "unchanged"
    else:
        outcome = "updated"
    trial.started_on, trial.ends_on, trial.activated_seats, trial.source = wanted
    return outcome


async def _customers(session: AsyncSession, telegram_user_ids: Iterable[int]) -> dict[int, Customer]:
    found: dict[int, Customer] = {}
    for chunk in chunks(sorted(telegram_user_ids)):
        query = select(Customer).where(Customer.telegram_user_id.in_(chunk))
        found |= {c.telegram_user_id: c for c in await session.scalars(query)}
    return found


async def _by_customer(session: AsyncSession, model: type[M], customer_ids: Sequence[int]) -> list[M]:
    found: list[M] = []
    for chunk in chunks(customer_ids):
        found += await session.scalars(select(model).where(model.customer_id.in_(chunk)))
    return found
