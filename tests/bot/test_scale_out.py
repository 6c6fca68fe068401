"""Two real `cleeksy-bot run --webhook` processes behind a round-robin balancer (tests/cluster.py),
on the local PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL; skipped without them).

The local Bot API server POSTs every update to the balancer, which hands them to the instances
in turn, so each chat's consecutive updates land on alternate instances. A customer's next
update goes as soon as the reply to the last one is on screen, while the instance that sent it
may still be saving the state: the per-chat queue in Redis has to hold it back. Shown:
- customers buying at the same time go through every step, none lost or reordered (each tap
  needs the screen its step leads to), and no instance ever needs the version backstop;
- a confirmation tapped twice at once makes one order; each paid order's invoice comes once;
- trial reminders go once, though both instances run the reminders job;
- an operator's broadcast stays within BROADCAST_RATE overall;
- /healthz answers and /metrics counts on each instance; the JSON logs carry the update, chat
  and order ids, and never the bot token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from billing_core.storage.database import make_engine, session_factory, transaction
from billing_core.storage.migrate import upgrade
from billing_core.storage.models import ConversationState, Order, Trial
from billing_core.storage.models import Customer as CustomerRow
from billing_core.storage.units import dispose
from bot.local_bot_api import ApiCall, ApiStats, LocalBotApi, User
from bot.settings import Settings
from bot.vnpay_sandbox import Outcome
from handlers.chat_queues import ChatQueues
from tests.billing_core.storage.conftest import _reset_postgres
from tests.cluster import Cluster, cluster
from tests.handlers.conftest import Customer
from tests.handlers.purchases import BILLING, billing_to_review, to_billing

RATE = 20  # BROADCAST_RATE of both instances
AUDIENCE = 50  # customers who only get the broadcast: about 3 s of sending
BROADCAST = "Cleeksy bảo trì hệ thống từ 23:00 đến 23:30 tối nay."
TURN_TIMEOUT = 20.0


def _noon_somewhere() -> ZoneInfo:
    """A time zone where it is about noon now: past 09:00, when reminders go, and far from
    midnight, so "today" is one day for the whole test."""
    hours = (12 - dt.datetime.now(dt.UTC).hour) % 24
    hours = hours - 24 if hours > 12 else hours
    return ZoneInfo(f"Etc/GMT{-hours:+d}" if hours else "Etc/GMT")


class Timed(ApiStats):
    """The server's call log with the moment each sendMessage was applied, per chat."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[float, int, str]] = []

    def record(self, call: ApiCall) -> None:
        super().record(call)
        if call.method == "sendMessage" and call.status == 200:
            self.sent.append((time.monotonic(), int(call.params["chat_id"]), str(call.params.get("text"))))


class Deployed:
    def __init__(self, api: LocalBotApi, c: Cluster, engine: AsyncEngine) -> None:
        self.api, self.cluster, self.engine = api, c, engine
        self.sessions = session_factory(engine)

    async def version(self, chat_id: int) -> int:
        async with self.sessions() as s:
            return (
                await s.scalar(select(ConversationState.version).where(ConversationState.chat_id == chat_id))
                or 0
            )


class ClusterCustomer(Customer):
    """tests/handlers' customer, whose turn ends when an instance has saved the chat's state
    (its version moved on): the instances run in other processes."""

    deployed: Deployed

    async def _turn(self, action: Awaitable[Any], turns: int = 1) -> None:
        before = await self.deployed.version(self.user.id)
        await action
        deadline = time.monotonic() + TURN_TIMEOUT
        while await self.deployed.version(self.user.id) < before + turns:
            if time.monotonic() > deadline:
                raise AssertionError(f"chat {self.user.id}: turn not saved; screen: {self.text!r}")
            await asyncio.sleep(0.01)


async def to_review_typing_fast(an: ClusterCustomer) -> None:
    """tests/handlers/purchases.py's purchase, the five billing details sent in one go (typed
    ahead, as on a phone that was offline): five updates of one chat at once, each POSTed as soon
    as the one before was answered 200, so they reach both instances while earlier ones are
    still being handled."""
    await to_billing(an)

    async def type_ahead() -> None:
        for answer in BILLING:
            await an.deployed.api.send_text(an.user, answer)

    await an._turn(type_ahead(), turns=len(BILLING))
    await billing_to_review(an)


def _customer(deployed: Deployed, name: str) -> ClusterCustomer:
    an = ClusterCustomer(deployed, deployed.api.add_user(name))  # type: ignore[arg-type]
    an.deployed = deployed
    return an


@pytest.fixture
async def urls() -> AsyncIterator[tuple[str, str]]:
    database, redis = os.environ.get("TEST_DATABASE_URL", ""), os.environ.get("TEST_REDIS_URL", "")
    if not database or not redis:
        pytest.skip("TEST_DATABASE_URL and TEST_REDIS_URL are not both set (PostgreSQL and Redis)")
    await _reset_postgres(database)
    queues = ChatQueues.from_url(redis)
    await queues.redis.flushdb()
    yield database, redis
    await queues.close()


async def _seed(engine: AsyncEngine, audience: list[User], trials: list[User], today: dt.date) -> None:
    """Customers who started the bot earlier; those in `trials` with an imported workspace trial
    whose last day is 7 days from today (its 7-day reminder is due)."""
    async with transaction(session_factory(engine)) as session:
        for person in [*audience, *trials]:
            row = CustomerRow(
                telegram_user_id=person.id,
                language="vi",
                unreachable=False,
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(row)
            await session.flush()
            if person not in trials:
                continue
            session.add(
                Trial(
                    customer_id=row.id,
                    solution="workspace",
                    started_on=today - dt.timedelta(days=23),
                    ends_on=today + dt.timedelta(days=7),  # the last day is in 7 days
                    activated_seats=3,
                    source="import",
                )
            )


async def _broadcast(api: LocalBotApi, database: str, tz: ZoneInfo, workdir: Path) -> int:
    """The operator's `cleeksy-bot broadcast` to everyone; the bots send it (they hold the outbox)."""
    env = {k: v for k, v in os.environ.items() if k not in Settings.model_fields} | {
        "DATABASE_URL": database,
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE": api.base_url,
        "TIMEZONE": tz.key,
        "BROADCAST_RATE": str(RATE),
    }
    with (workdir / "broadcast.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "broadcast", "--segment", "all", "--text", BROADCAST,
            stdout=log, stderr=log, env=env, cwd=workdir,
        )  # fmt: skip
        return await asyncio.wait_for(process.wait(), 60)


def _most_in_a_second(moments: list[float]) -> int:
    return max((sum(1 for m in moments if start <= m < start + 1.0) for start in moments), default=0)


async def _metrics(url: str) -> dict[str, float]:
    async with aiohttp.ClientSession() as client, client.get(url + "/metrics") as response:
        assert response.status == 200
        text = await response.text()
    return {
        f"{s.name}{sorted(s.labels.items())}": s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_two_instances_share_chats_orders_reminders_and_the_broadcast_rate(
    urls: tuple[str, str], tmp_path: Path
) -> None:
    database, redis = urls
    tz = _noon_somewhere()
    today = dt.datetime.now(tz).date()
    engine = make_engine(database)
    await upgrade(engine)
    stats = Timed()
    try:
        async with LocalBotApi() as api:
            api.backend.stats = stats
            trial_people = [api.add_user(f"Thử {i}") for i in range(3)]
            audience = [api.add_user(f"Khách {i}") for i in range(AUDIENCE)]
            for person in [*trial_people, *audience]:
                api.private_chat(person).started = True
            await _seed(engine, audience, trial_people, today)
            env = {"TIMEZONE": tz.key, "BROADCAST_RATE": str(RATE), "LOG_FORMAT": "json"}
            async with cluster(
                api, instances=2, database_url=database, redis_url=redis, workdir=tmp_path, env=env
            ) as c:
                deployed = Deployed(api, c, engine)
                buyers = [_customer(deployed, name) for name in ("An", "Bình", "Chi", "Dũng")]
                await asyncio.gather(*(to_review_typing_fast(b) for b in buyers))

                async def confirm_twice(b: ClusterCustomer) -> None:
                    message = b.message_with("Xác nhận và thanh toán")
                    data = message.button_data("Xác nhận và thanh toán")
                    await b._turn(
                        asyncio.gather(api.press(b.user, message, data), api.press(b.user, message, data)),
                        turns=2,
                    )

                await asyncio.gather(*(confirm_twice(b) for b in buyers))
                for b in buyers:
                    await c.vnpay.pay(b.url_of("Thanh toán qua VNPAY"), Outcome.SUCCESS)
                for b in buyers:
                    await api.wait_for(
                        lambda b=b: any(m.document is not None for m in api.bot_messages(b.user)),
                        what=f"{b.user.first_name}'s invoice",
                        timeout=TURN_TIMEOUT,
                    )
                for person in trial_people:
                    await api.wait_for(
                        lambda person=person: bool(api.bot_messages(person)),
                        what="a reminder",
                        timeout=TURN_TIMEOUT,
                    )

                started = len(stats.sent)
                assert await _broadcast(api, database, tz, tmp_path) == 0
                broadcast = [(m, chat) for m, chat, text in stats.sent[started:] if text == BROADCAST]
                metrics = [await _metrics(instance.url) for instance in c.instances]
                split = c.requests_per_instance

            logs = "\n".join(instance.log_path.read_text() for instance in c.instances)
        async with session_factory(engine)() as s:
            orders = (await s.execute(select(Order.status, func.count()).group_by(Order.status))).all()
    finally:
        await dispose(engine)

    assert all(count > 0 for count in split), split  # both instances took updates
    assert "changed meanwhile" not in logs  # the Redis lock kept every chat; no backstop needed
    assert "Traceback" not in logs
    assert api.token not in logs and api.token.partition(":")[2] not in logs
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    placed = [line for line in lines if line["message"].startswith("order placed")]
    assert sorted(line["chat_id"] for line in placed) == sorted(b.user.id for b in buyers)
    assert all({"update_id", "order_id"} <= line.keys() for line in placed)
    paid = [line for line in lines if line["message"] == "IPN answered 00"]
    assert sorted(line["order_id"] for line in paid) == sorted(line["order_id"] for line in placed)
    assert orders == [("paid", 4)]  # one order per confirmation, though tapped twice at once
    for b in buyers:
        assert sum(m.document is not None for m in api.bot_messages(b.user)) == 1
    for person in trial_people:
        reminders = [
            m.visible_text for m in api.bot_messages(person) if "còn 7 ngày" in (m.visible_text or "")
        ]
        assert len(reminders) == 1, reminders
    everyone = [*audience, *trial_people, *(b.user for b in buyers)]
    assert sorted(chat for _m, chat in broadcast) == sorted(u.id for u in everyone)  # each once
    assert _most_in_a_second([m for m, _chat in broadcast]) <= RATE + 2  # two senders would be ~2×
    assert stats.too_many_requests["sendMessage"] == 0
    handled = [sum(v for k, v in m.items() if k.startswith("cleeksy_updates_handled_total")) for m in metrics]
    assert all(n > 0 for n in handled) and sum(handled) >= 4 * 16, handled
    assert metrics[0]["cleeksy_orders[('status', 'paid')]"] == 4
