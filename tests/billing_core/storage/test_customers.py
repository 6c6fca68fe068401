"""A customer found or made at first contact, and whether they hold anything (a prospect holds
neither a subscription nor a trial): what lets the bot answer a prospect after one look, on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from billing_core.storage.customers import find_or_create_customer, holds_anything
from billing_core.storage.database import transaction
from billing_core.trial_import import TrialRow
from tests.billing_core.storage.conftest import NOW, Sessions, customer
from tests.billing_core.storage.test_trial_store import add_subscription, run_import


async def test_the_first_contact_is_made_once_and_said_to_be_new(sessions: Sessions) -> None:
    async with transaction(sessions) as session:
        first, created = await find_or_create_customer(session, 1001, now=NOW, language="en")
    async with transaction(sessions) as session:
        again, created_again = await find_or_create_customer(session, 1001, now=NOW, language="vi")
    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.language == "en"  # the first contact's language stays


async def test_a_prospect_holds_nothing(sessions: Sessions) -> None:
    an = await customer(sessions, 1001)
    async with sessions() as session:
        assert not await holds_anything(session, an)


async def test_a_subscription_of_any_status_counts(sessions: Sessions) -> None:
    await add_subscription(sessions, 1001, "workspace", "expired")
    await add_subscription(sessions, 1002, "process", "active")
    ids = [await customer(sessions, telegram_id) for telegram_id in (1001, 1002, 1003)]
    async with sessions() as session:
        assert [await holds_anything(session, i) for i in ids] == [True, True, False]


async def test_a_trial_alone_counts(sessions: Sessions) -> None:
    await run_import(sessions, (TrialRow(2, 1001, "process", dt.date(2026, 11, 1), 3, "vi"),))
    an = await customer(sessions, 1001)
    async with sessions() as session:
        assert await holds_anything(session, an)
