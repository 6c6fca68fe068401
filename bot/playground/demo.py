"""What the playground starts with: a demo coupon and a customer whose workspace trial ends in
three days (in the database), that customer, an agent and the support forum group with the bot
as an administrator (in the local Telegram)."""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.coupons import Coupon
from billing_core.periods import local_today
from billing_core.storage.coupon_store import CouponExists, add_coupon
from billing_core.storage.database import transaction
from billing_core.storage.trial_store import import_trials
from billing_core.trial_import import TrialFileError, TrialRow
from bot.local_bot_api import Chat, LocalBotApi, MemberStatus, User

log = logging.getLogger(__name__)

DEMO_COUPON = Coupon(code="DEMO10", percent_off=10)
CUSTOMER_ID = 900_000_001  # apart from the ids the local Telegram gives new people
AGENT_ID = 900_000_002
SUPPORT_CHAT_ID = -1_001_900_000_001
TRIAL_SOLUTION = "workspace"
TRIAL_SEATS = 3
TRIAL_DAYS_LEFT = 3

SAMPLES = tomllib.loads(Path(__file__).with_name("demo.toml").read_text(encoding="utf-8"))
DEMO_SELLER: dict[str, str] = SAMPLES["seller"]
"""The seller printed on the playground's invoices: sample values, not a real company."""


@dataclass(frozen=True)
class Demo:
    """The people and the group of the local Telegram."""

    customer: User
    agent: User
    support: Chat


def populate(api: LocalBotApi) -> Demo:
    """The demo customer (their chat with the bot started), the agent and the support forum."""
    customer = api.add_user(user_id=CUSTOMER_ID, **SAMPLES["customer"])
    api.private_chat(customer).started = True  # so the trial reminder can reach them
    agent = api.add_user(user_id=AGENT_ID, **SAMPLES["agent"])
    title = SAMPLES["support"]["title"]
    support = api.add_forum(title, {agent: MemberStatus.ADMINISTRATOR}, chat_id=SUPPORT_CHAT_ID)
    return Demo(customer, agent, support)


async def seed(sessions: async_sessionmaker[AsyncSession], catalogue: Catalogue, now: dt.datetime) -> None:
    """The demo coupon (kept if there already) and the demo customer's trial, ending in
    TRIAL_DAYS_LEFT days (its end is exclusive), unless a reused database has them paying."""
    ends_on = local_today(now) + dt.timedelta(days=TRIAL_DAYS_LEFT)
    started_on = ends_on - dt.timedelta(days=catalogue.trial_days)
    language = SAMPLES["customer"]["language_code"]
    row = TrialRow(1, CUSTOMER_ID, TRIAL_SOLUTION, started_on, TRIAL_SEATS, language)
    try:
        async with transaction(sessions) as session:
            await import_trials(session, (row,), catalogue, now)
    except TrialFileError:
        log.info("the demo customer pays for %s already; no trial seeded", TRIAL_SOLUTION)
    try:
        async with transaction(sessions) as session:
            await add_coupon(session, DEMO_COUPON, now)
    except CouponExists:
        pass
