"""A trial started from the bot (T1) on SQLite and PostgreSQL: every solution asked for, from
today, once per customer, never for one who holds a plan or had a trial, and one trial when
two starts race."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from billing_core.periods import Period
from billing_core.storage import trial_start
from billing_core.storage.customers import trials_of
from billing_core.storage.database import transaction
from billing_core.storage.models import Trial
from billing_core.storage.trial_start import start_trial
from billing_core.trial_import import TrialRow
from tests.billing_core.conftest import CLEEKSY
from tests.billing_core.storage.conftest import Sessions, customer
from tests.billing_core.storage.test_trial_store import add_subscription, run_import

TODAY = dt.date(2026, 11, 24)
ALL = ("workspace", "process", "appbuilder")


async def start(sessions: Sessions, customer_id: int, solutions: tuple[str, ...] = ALL) -> Period | None:
    async with transaction(sessions) as session:
        return await start_trial(session, customer_id, CLEEKSY, solutions, TODAY)


async def rows(sessions: Sessions) -> set[tuple[int, str, dt.date, dt.date, int, str]]:
    async with sessions() as session:
        return {
            (t.customer_id, t.solution, t.started_on, t.ends_on, t.activated_seats, t.source)
            for t in await session.scalars(select(Trial))
        }


async def test_T1_a_trial_covers_each_solution_for_30_days_from_today(sessions: Sessions) -> None:
    an = await customer(sessions)
    assert await start(sessions, an) == Period(TODAY, dt.date(2026, 12, 24))
    assert await rows(sessions) == {
        (an, solution, TODAY, dt.date(2026, 12, 24), 0, "bot") for solution in ALL
    }
    async with sessions() as session:
        assert (await trials_of(session, an)).solutions == ("appbuilder", "process", "workspace")


async def test_T1_a_second_start_creates_nothing(sessions: Sessions) -> None:
    an = await customer(sessions)
    await start(sessions, an, ("workspace",))
    assert await start(sessions, an) is None  # not even the solutions the first left out
    assert {solution for _, solution, *_ in await rows(sessions)} == {"workspace"}


async def test_T1_a_customer_holding_a_plan_gets_no_trial(sessions: Sessions) -> None:
    await add_subscription(sessions, 1001, "workspace", "expired")
    assert await start(sessions, await customer(sessions, 1001)) is None
    assert await rows(sessions) == set()


async def test_T1_an_imported_trial_counts_as_the_customers_trial(sessions: Sessions) -> None:
    await run_import(sessions, (TrialRow(2, 1001, "process", dt.date(2026, 11, 1), 3, "vi"),))
    assert await start(sessions, await customer(sessions, 1001)) is None
    assert len(await rows(sessions)) == 1


async def test_T1_another_customers_trial_is_no_obstacle(sessions: Sessions) -> None:
    await start(sessions, await customer(sessions, 1001))
    assert await start(sessions, await customer(sessions, 1002)) is not None


async def test_T1_two_starts_racing_make_one_trial(sessions: Sessions) -> None:
    an = await customer(sessions)
    results = await asyncio.gather(start(sessions, an), start(sessions, an))
    assert sorted(r is None for r in results) == [False, True]
    assert len(await rows(sessions)) == len(ALL)


async def test_T1_a_start_overtaken_after_its_check_is_refused_by_the_unique_key(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check passed, then another start committed: the insert fails inside its savepoint,
    so nothing new is written and the caller's transaction goes on."""
    an = await customer(sessions)
    await start(sessions, an, ("workspace",))

    async def checked_before_the_other_start(*_: object) -> bool:
        return False

    monkeypatch.setattr(trial_start, "_holds_or_had_trial", checked_before_the_other_start)
    async with transaction(sessions) as session:
        assert await start_trial(session, an, CLEEKSY, ALL, TODAY) is None
        assert (await trials_of(session, an)).solutions == ("workspace",)  # the session still works
    assert len(await rows(sessions)) == 1


async def test_a_solution_outside_the_catalogue_is_a_programming_error(sessions: Sessions) -> None:
    an = await customer(sessions)
    with pytest.raises(ValueError, match="nosuch"):
        await start(sessions, an, ("workspace", "nosuch"))
    assert await rows(sessions) == set()
