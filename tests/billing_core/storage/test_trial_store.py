"""Importing trials (T1, S4) on SQLite and PostgreSQL: create, update, idempotent, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.models import Customer, Trial
from billing_core.storage.trial_store import ImportReport, import_trials
from billing_core.trial_import import RowError, TrialFileError, TrialRow
from tests.billing_core.conftest import CLEEKSY
from tests.billing_core.storage.conftest import NOW, Sessions, customer
from tests.billing_core.storage.conftest import add_subscription as subscription_of

ROWS = (
    TrialRow(2, 1001, "workspace", dt.date(2026, 11, 1), 12, "en"),
    TrialRow(3, 1001, "process", dt.date(2026, 11, 3), 0, "vi"),
    TrialRow(4, 1002, "workspace", dt.date(2026, 10, 1), 2, "vi"),
)


async def run_import(sessions: Sessions, rows: tuple[TrialRow, ...]) -> ImportReport:
    async with sessions.begin() as session:
        return await import_trials(session, rows, CLEEKSY, NOW)


async def trials(sessions: Sessions) -> set[tuple[int, str, dt.date, dt.date, int, str]]:
    async with sessions() as session:
        query = select(Customer.telegram_user_id, Trial).join(Customer, Customer.id == Trial.customer_id)
        return {
            (uid, t.solution, t.started_on, t.ends_on, t.activated_seats, t.source)
            for uid, t in await session.execute(query)
        }


async def languages(sessions: Sessions) -> dict[int, str]:
    async with sessions() as session:
        found = await session.execute(select(Customer.telegram_user_id, Customer.language))
        return {uid: language for uid, language in found}


async def add_subscription(sessions: Sessions, telegram_user_id: int, solution: str, status: str) -> None:
    """The shared subscription of the customer with this Telegram id (made if new)."""
    await subscription_of(sessions, await customer(sessions, telegram_user_id), solution, status)


async def test_T1_import_creates_customers_and_30_day_trials(sessions: Sessions) -> None:
    assert await run_import(sessions, ROWS) == ImportReport(created=3, new_customers=2)
    assert await trials(sessions) == {
        (1001, "workspace", dt.date(2026, 11, 1), dt.date(2026, 12, 1), 12, "import"),
        (1001, "process", dt.date(2026, 11, 3), dt.date(2026, 12, 3), 0, "import"),
        (1002, "workspace", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 2, "import"),
    }
    assert await languages(sessions) == {1001: "en", 1002: "vi"}  # a new customer's: its first row


async def test_an_existing_customer_keeps_their_language(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await get_or_create_customer(session, 1001, now=NOW, language="vi")
    assert await run_import(sessions, ROWS) == ImportReport(created=3, new_customers=1)
    assert (await languages(sessions))[1001] == "vi"


async def test_importing_the_same_rows_again_changes_nothing(sessions: Sessions) -> None:
    await run_import(sessions, ROWS)
    before = await trials(sessions)
    assert await run_import(sessions, ROWS) == ImportReport(unchanged=3)
    assert await trials(sessions) == before


async def test_S4_a_changed_row_updates_the_trial(sessions: Sessions) -> None:
    await run_import(sessions, ROWS)
    changed = (ROWS[0], TrialRow(3, 1001, "process", dt.date(2026, 11, 5), 4, "vi"))
    assert await run_import(sessions, changed) == ImportReport(updated=1, unchanged=1)
    assert await trials(sessions) == {
        (1001, "workspace", dt.date(2026, 11, 1), dt.date(2026, 12, 1), 12, "import"),
        (1001, "process", dt.date(2026, 11, 5), dt.date(2026, 12, 5), 4, "import"),
        (1002, "workspace", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 2, "import"),
    }


async def test_a_trial_started_in_the_bot_is_taken_over_by_the_import(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        customer = await get_or_create_customer(session, 1002, now=NOW)
        session.add(
            Trial(
                customer_id=customer.id,
                solution="workspace",
                started_on=dt.date(2026, 10, 1),
                ends_on=dt.date(2026, 10, 31),
                activated_seats=2,
                source="bot",
            )
        )
    assert await run_import(sessions, ROWS[2:]) == ImportReport(updated=1)
    assert await trials(sessions) == {
        (1002, "workspace", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 2, "import")
    }


async def test_a_customer_with_an_active_paid_subscription_is_refused_and_nothing_is_imported(
    sessions: Sessions,
) -> None:
    await add_subscription(sessions, 1002, "workspace", "active")
    with pytest.raises(TrialFileError) as caught:
        await run_import(sessions, ROWS)
    assert caught.value.errors == (
        RowError(
            4,
            "solution",
            "customer 1002 already has an active paid workspace subscription "
            "(paid until 2026-12-10); no trial imported",
        ),
    )
    assert await trials(sessions) == set()
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == 1  # only 1002's


@pytest.mark.parametrize("status", ["expired", "locked", "free", "trial"])
async def test_a_subscription_that_is_not_active_and_paid_does_not_block(
    sessions: Sessions, status: str
) -> None:
    await add_subscription(sessions, 1002, "workspace", status)
    assert await run_import(sessions, ROWS) == ImportReport(created=3, new_customers=1)


async def test_an_active_subscription_of_another_solution_does_not_block(sessions: Sessions) -> None:
    await add_subscription(sessions, 1001, "workspace", "active")
    assert await run_import(sessions, ROWS[1:]) == ImportReport(created=2, new_customers=1)


async def test_an_empty_import_is_a_no_op(sessions: Sessions) -> None:
    assert await run_import(sessions, ()) == ImportReport()
