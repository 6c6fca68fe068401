"""A customer's first look (one unit of SQL Core), on SQLite and PostgreSQL: made once at first
contact with that contact's language, marked reachable again when they write, and whether they
have ever held a subscription (of any status) or a trial; a prospect has neither."""

from __future__ import annotations

import datetime as dt
from functools import partial

from sqlalchemy import select, update

from billing_core.storage.database import transaction
from billing_core.storage.first_look import FirstLook, first_look
from billing_core.storage.models import Customer
from billing_core.storage.units import run_unit
from billing_core.trial_import import TrialRow
from tests.billing_core.storage.conftest import NOW, Sessions
from tests.billing_core.storage.test_trial_store import add_subscription, run_import


async def look(sessions: Sessions, telegram_user_id: int, language: str = "vi") -> FirstLook:
    return await run_unit(
        sessions,
        partial(
            first_look,
            telegram_user_id=telegram_user_id,
            now=NOW,
            language=language,
            display_name="An",
            username="an",
        ),
    )


async def test_the_first_contact_is_made_once_with_its_language(sessions: Sessions) -> None:
    first = await look(sessions, 1001, "en")
    again = await look(sessions, 1001, "vi")
    assert again == first
    assert (first.language, first.billing_profile, first.vat_invoice, first.holds_anything) == (
        "en",
        None,
        None,
        False,
    )
    async with sessions() as session:
        made = (await session.scalars(select(Customer))).all()
    assert [(c.telegram_user_id, c.display_name, c.username, c.created_at) for c in made] == [
        (1001, "An", "an", NOW)
    ]


async def test_a_customer_who_writes_again_is_reachable_again(sessions: Sessions) -> None:
    an = await look(sessions, 1001)
    async with transaction(sessions) as session:
        await session.execute(update(Customer).where(Customer.id == an.customer_id).values(unreachable=True))
    await look(sessions, 1001)
    async with sessions() as session:
        assert (await session.get(Customer, an.customer_id)).unreachable is False  # type: ignore[union-attr]


async def test_a_subscription_of_any_status_counts(sessions: Sessions) -> None:
    await add_subscription(sessions, 1001, "workspace", "expired")
    await add_subscription(sessions, 1002, "process", "active")
    held = [(await look(sessions, telegram_id)).holds_anything for telegram_id in (1001, 1002, 1003)]
    assert held == [True, True, False]


async def test_a_trial_alone_counts(sessions: Sessions) -> None:
    await run_import(sessions, (TrialRow(2, 1001, "process", dt.date(2026, 11, 1), 3, "vi"),))
    assert (await look(sessions, 1001)).holds_anything
