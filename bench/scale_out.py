"""Scale-out (issue 12): the same workload on one and on two `cleeksy-bot run --webhook`
instances behind a round-robin load balancer, on SQLite and on PostgreSQL, side by side:
updates per second, p99 update latency, IPN per second, invoice delivery time, a broadcast's
rate as a fraction of BROADCAST_RATE, and each instance's peak memory.

`python bench/scale_out.py [--configs sqlite:1,sqlite:2,pg:1,pg:2] [--duration 5] [--chats 100]
[--rate 100] [--orders 200] [--invoices 20] [--recipients 300] [--broadcast-rate 100]
[--postgres-url URL] [--redis-url URL|none] [--workdir DIR]`

Set-up, per configuration: a fresh database (a SQLite WAL file; or the PostgreSQL database
`--postgres-url` names, created if missing, its schema dropped first), the local Bot API server
(flood limits off) in this process, and tests/cluster.py's cluster: each instance the real
command in a process of its own, the balancer and the VNPAY stand-in in this process. Two
instances share Redis (`--redis-url`, its database emptied first; `none` runs them without it,
to see what it prevents); one instance runs without Redis. The instances register the webhook
at the balancer, so every update goes server → balancer → an instance, one chat at a time and
in order, up to 40 chats at once (Telegram's default max_connections). A configuration whose
database or Redis cannot be reached is skipped, saying why; one whose cluster does not start is
reported with the end of the failing instance's log, and the next one runs.

Phases, one after the other, on the running cluster:
- broadcast: `--recipients` customers (in the database and as users of the server) get
  `cleeksy-bot broadcast --segment all --text …`, the operator's command in a process of its
  own; a running instance holds the outbox and sends it, the command watches. Figure: the
  sendMessage rate the server saw over the middle 80 % of the sends, ÷ BROADCAST_RATE.
- updates: bench/updates.py's customers walk the purchase (15 updates each, a new chat after
  the review), first a closed loop of `--chats` customers for `--duration` s (updates/s), then
  an open loop offering `--rate` updates/s from `--chats` other customers (p99). Latency is
  bench/updates.py's: from putting the update into the server to the reply screen reaching
  it. Until the per-chat queue in Redis is complete, two instances may drop or reorder a
  chat's steps: a step not answered in LOST_AFTER s, or whose button is not on the screen, is
  counted lost and its customer replaced; a lost step counts as LOST_AFTER in the p99, not
  in updates/s.
- IPN: `--orders` pending orders, each with its signed success callback
  (bot/vnpay_sandbox.signed_callback), sent as VNPAY sends them through the balancer by
  IPN_CONCURRENCY clients at once. Each paid IPN also tells the chat (receipt, invoice PDF)
  before it answers, as the product does. Figure: answers 00 per second.
- invoice: `--invoices` more orders paid one at a time; the time from sending the IPN to the
  server receiving the sendDocument of that order's invoice (verify, pay, number, render, send;
  the IPN's answer comes after it).
Peak memory is each instance's VmHWM in MiB; `split` is the share of requests each instance
answered. The instances' warnings and errors are summarised under the table.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import redis.asyncio as redis
from invoice import BILLING
from ipn import success
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from updates import (
    SCRIPTS,
    Crowd,
    Customer,
    Phase,
    ReplyWatch,
    Sample,
    closed_loop,
    collector_paused,
    open_loop,
    percentile,
    spread,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from billing_core.cart import CartLine, QuoteRequest  # noqa: E402
from billing_core.catalogue_loader import load_bundled  # noqa: E402
from billing_core.periods import Cycle  # noqa: E402
from billing_core.quote import Quote, quote  # noqa: E402
from billing_core.quote_json import quote_to_json  # noqa: E402
from billing_core.storage.checkout import open_payment  # noqa: E402
from billing_core.storage.customers import get_or_create_customer  # noqa: E402
from billing_core.storage.database import make_engine, session_factory, transaction  # noqa: E402
from billing_core.storage.models import Customer as CustomerRow  # noqa: E402
from billing_core.storage.orders import create_order  # noqa: E402
from billing_core.storage.units import dispose  # noqa: E402
from billing_core.vnpay.merchant import VnpayMerchant  # noqa: E402
from bot import event_loop  # noqa: E402
from bot.local_bot_api import ApiCall, FloodLimits, LocalBotApi, User  # noqa: E402
from bot.vnpay_sandbox import PAYMENT_PATH  # noqa: E402
from locales import translator  # noqa: E402
from tests.billing_core.storage.conftest import empty_schema  # noqa: E402
from tests.cluster import VNPAY_HASH_SECRET, VNPAY_TMN_CODE, Cluster, cluster  # noqa: E402

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/cleeksy_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
NO_REDIS = "none"
RESERVED_FOR_TESTS = {"database": {"test", "postgres"}, "redis": {"15"}}
LOST_AFTER = 5.0
LOST = "lost"
IPN_CONCURRENCY = 8
IPN_TIMEOUT = aiohttp.ClientTimeout(total=30.0)
INVOICE_WAIT = 10.0
PHASE_LIMIT = 60.0  # the IPN and invoice phases stop sending after this many seconds
BROADCAST_TEXT = "Cleeksy bảo trì hệ thống từ 23:00 đến 23:30 tối nay. Cảm ơn bạn đã kiên nhẫn!"
RECIPIENT_IDS = 5_000_000  # seeded people's Telegram ids; the server numbers its own from 100,000,001
PAYER_IDS = 6_000_000
CATALOGUE = load_bundled("cleeksy")
NOTABLE = re.compile(r"\b(WARNING|ERROR|CRITICAL)\b|\"level\": ?\"(warning|error|critical)\"", re.IGNORECASE)


@dataclass(frozen=True)
class Config:
    backend: str  # "sqlite" or "pg"
    instances: int

    @property
    def label(self) -> str:
        return f"{'SQLite' if self.backend == 'sqlite' else 'PostgreSQL'} × {self.instances}"


@dataclass(frozen=True)
class Options:
    configs: tuple[Config, ...]
    duration: float
    chats: int
    rate: float
    orders: int
    invoices: int
    recipients: int
    broadcast_rate: int
    postgres_url: str
    redis_url: str
    workdir: Path | None


@dataclass
class Watch(ReplyWatch):
    """bench/updates.py's call log; it also times the broadcast's sends and the invoices."""

    recipients: frozenset[int] = frozenset()
    broadcast_sent: list[float] = field(default_factory=list)
    documents: dict[int, asyncio.Future[float]] = field(default_factory=dict)

    def expect_document(self, chat_id: int) -> asyncio.Future[float]:
        """A future set to the `perf_counter()` of the next document sent into `chat_id`."""
        future = asyncio.get_running_loop().create_future()
        self.documents[chat_id] = future
        return future

    def record(self, call: ApiCall) -> None:
        super().record(call)
        chat_id = int(call.params.get("chat_id") or 0)
        if call.method == "sendMessage" and call.status in (200, 403) and chat_id in self.recipients:
            self.broadcast_sent.append(time.perf_counter())
        elif call.method == "sendDocument" and call.status == 200:
            future = self.documents.pop(chat_id, None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())


class PatientCustomer(Customer):
    """A customer who gives up on a step not answered in LOST_AFTER s, or whose button is not on
    the screen: the step is counted lost and a newcomer takes the chat slot."""

    def __init__(self, crowd: Crowd, reasons: Counter[str]) -> None:
        super().__init__(crowd)
        self._reasons = reasons

    async def step(self) -> Sample:
        try:
            return await asyncio.wait_for(super().step(), LOST_AFTER)
        except TimeoutError:
            self._reasons["no reply"] += 1
        except LookupError:
            self._reasons["button missing (wrong screen)"] += 1
        self.user, self.position = self._crowd.newcomer(), 0
        return Sample(LOST, LOST_AFTER)


@dataclass
class Invoicing:
    """The invoice phase: ms to each sendDocument and to each IPN answer; invoices not seen."""

    document_ms: list[float] = field(default_factory=list)
    answered_ms: list[float] = field(default_factory=list)
    missing: int = 0


@dataclass
class Result:
    config: Config
    updates_per_s: float = 0.0
    p99_ms: float = 0.0
    lost: tuple[int, int] = (0, 0)  # closed loop, open loop
    offered: int = 0
    ipn_per_s: float = 0.0
    ipn_failed: int = 0
    invoicing: Invoicing = field(default_factory=Invoicing)
    broadcast_fraction: float = 0.0
    broadcast_sent: int = 0
    peak_mib: list[float] = field(default_factory=list)
    split: list[int] = field(default_factory=list)
    seconds: float = 0.0
    lost_reasons: Counter[str] = field(default_factory=Counter)
    cpu: dict[str, str] = field(default_factory=dict)  # by phase
    log_findings: Counter[str] = field(default_factory=Counter)


# -- databases and Redis ---------------------------------------------------------------------


async def fresh_postgres(url: str) -> None:
    """Create the bench's database if missing, then drop and recreate its schema."""
    target = make_url(url)
    if target.database in RESERVED_FOR_TESTS["database"]:
        raise ValueError(f"--postgres-url: the database {target.database!r} is not the bench's to empty")
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            found = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
            )
            if not found:
                await conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()
    await empty_schema(url)


async def fresh_redis(url: str) -> None:
    """Empty the bench's Redis database."""
    if urlsplit(url).path.strip("/") in RESERVED_FOR_TESTS["redis"]:
        raise ValueError(f"--redis-url: {url} is the tests' database")
    client = redis.from_url(url, socket_connect_timeout=3)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


async def unreachable(prepare: Coroutine[Any, Any, None]) -> str | None:
    """Why `prepare` failed, or None once it has run."""
    try:
        await asyncio.wait_for(prepare, 10)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def database_url(config: Config, options: Options, folder: Path) -> str:
    if config.backend == "sqlite":
        return f"sqlite+aiosqlite:///{folder / 'cleeksy.db'}"
    return options.postgres_url


# -- seeding -----------------------------------------------------------------------------------


def people(api: LocalBotApi, first_id: int, n: int) -> list[User]:
    """`n` people who have started the bot."""
    users = [api.add_user(f"Khách {first_id + i}", user_id=first_id + i) for i in range(n)]
    for user in users:
        api.private_chat(user).started = True
    return users


async def add_recipients(sessions: async_sessionmaker[AsyncSession], users: Sequence[User]) -> None:
    now = dt.datetime.now(dt.UTC)
    rows = [
        {"telegram_user_id": u.id, "language": "vi", "unreachable": False, "created_at": now} for u in users
    ]
    async with transaction(sessions) as session:
        await session.execute(insert(CustomerRow), rows)


async def pending_orders(
    sessions: async_sessionmaker[AsyncSession], users: Sequence[User], vnpay_url: str
) -> list[dict[str, str]]:
    """A pending order (workspace, Standard, 5 seats, yearly) per user, made now; the signed
    success callback VNPAY would send for each."""
    now = dt.datetime.now(dt.UTC)
    merchant = VnpayMerchant(
        VNPAY_TMN_CODE, VNPAY_HASH_SECRET, vnpay_url + PAYMENT_PATH, "http://127.0.0.1/r"
    )
    result = quote(CATALOGUE, QuoteRequest(now.date(), (CartLine("workspace", "standard", Cycle.YEARLY, 5),)))
    assert isinstance(result, Quote)
    quoted = quote_to_json(result, CATALOGUE, translator("vi"))
    callbacks = []
    async with transaction(sessions) as s:
        for user in users:
            customer = await get_or_create_customer(s, user.id, now=now)
            order = await create_order(
                s,
                customer_id=customer.id,
                client_token=f"scale-out-{user.id}",
                catalogue_id=CATALOGUE.id,
                quote=result,
                quote_json=quoted,
                now=now,
                timeout=dt.timedelta(minutes=15),
                billing=BILLING,
            )
            link = await open_payment(s, merchant, order, "vi", now)
            callbacks.append(success(link.txn_ref, order.amount, now))
    return callbacks


# -- phases ------------------------------------------------------------------------------------


async def broadcast(
    api: LocalBotApi,
    watch: Watch,
    sessions: async_sessionmaker[AsyncSession],
    db_url: str,
    options: Options,
    folder: Path,
) -> tuple[float, int]:
    """The operator's broadcast to the seeded recipients; (rate ÷ BROADCAST_RATE, sends seen)."""
    users = people(api, RECIPIENT_IDS, options.recipients)
    await add_recipients(sessions, users)
    watch.recipients = frozenset(u.id for u in users)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE": api.base_url,
        "BROADCAST_RATE": str(options.broadcast_rate),
    }
    command = [sys.executable, "-m", "bot", "broadcast", "--segment", "all", "--text", BROADCAST_TEXT]
    with (folder / "broadcast.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(*command, env=env, cwd=folder, stdout=log, stderr=log)
    try:
        await asyncio.wait_for(process.wait(), 30 + 3 * options.recipients / options.broadcast_rate)
    except TimeoutError:
        process.terminate()  # pauses the broadcast
        await process.wait()
    sent = sorted(watch.broadcast_sent)
    middle = sent[len(sent) // 10 : len(sent) - len(sent) // 10]
    if len(middle) < 2 or middle[-1] == middle[0]:
        return 0.0, len(sent)
    return (len(middle) - 1) / (middle[-1] - middle[0]) / options.broadcast_rate, len(sent)


async def updates(live: Cluster, api: LocalBotApi, watch: Watch, options: Options, result: Result) -> None:
    """The purchase steps: the closed loop's updates/s, the open loop's p99."""
    crowd = Crowd(api, watch, SCRIPTS["product"])

    def customers() -> list[Customer]:
        return [PatientCustomer(crowd, result.lost_reasons) for _ in range(options.chats)]

    walking = await spread(customers())
    meter = CpuMeter(live)
    closed = await measured(closed_loop(walking, options.duration))
    result.cpu["updates, closed loop"] = meter.read()
    opened = await measured(open_loop(await spread(customers()), options.rate, options.duration))
    answered = [s for s in closed.samples if s.kind != LOST]
    result.updates_per_s = len(answered) / closed.elapsed
    result.p99_ms = percentile(opened.ms(), 0.99) if opened.samples else 0.0
    result.offered = len(opened.samples)
    result.lost = (lost(closed), lost(opened))


class CpuMeter:
    """CPU the instances (together) and this process (server, balancer, customers) use from now,
    in % of one core, and how busy the whole machine is (Linux)."""

    def __init__(self, live: Cluster) -> None:
        self._live = live
        self._start = self._now()

    def _now(self) -> tuple[float, float, float, float]:
        instances = sum(i.cpu_seconds() for i in self._live.instances)
        return instances, time.process_time(), machine_busy_seconds(), time.perf_counter()

    def read(self) -> str:
        (i0, b0, m0, w0), (i1, b1, m1, w1) = self._start, self._now()
        instances, bench, machine = ((i1 - i0) / (w1 - w0), (b1 - b0) / (w1 - w0), (m1 - m0) / (w1 - w0))
        return (
            f"instances {instances:.0%}, bench {bench:.0%}, the rest (database, Redis, anything else) "
            f"{machine - instances - bench:.0%}; machine {machine:.0%} of {os.cpu_count()} cores"
        )


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent not idle since boot (/proc/stat; 0.0 elsewhere)."""
    try:
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def measured(load: Coroutine[Any, Any, Phase]) -> Phase:
    """A phase with this process's garbage collector paused (bench/updates.py's reason)."""
    with collector_paused():
        return await load


def lost(phase: Phase) -> int:
    return sum(s.kind == LOST for s in phase.samples)


async def ipn(client: aiohttp.ClientSession, url: str, callbacks: list[dict[str, str]]) -> tuple[float, int]:
    """The callbacks sent by IPN_CONCURRENCY clients at once, for at most PHASE_LIMIT s;
    (answers 00 per second, callbacks not answered 00 or not sent)."""
    queue = list(reversed(callbacks))
    answers: Counter[bool] = Counter()
    start = time.perf_counter()

    async def client_loop() -> None:
        while queue and time.perf_counter() < start + PHASE_LIMIT:
            answers[await pay(client, url, queue.pop()) == "00"] += 1

    await asyncio.gather(*(client_loop() for _ in range(IPN_CONCURRENCY)))
    return answers[True] / (time.perf_counter() - start), answers[False] + len(queue)


async def pay(client: aiohttp.ClientSession, url: str, callback: dict[str, str]) -> str:
    """The IPN's RspCode, or why there was none."""
    try:
        async with client.get(url + "/vnpay/ipn", params=callback, timeout=IPN_TIMEOUT) as reply:
            body = await reply.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return type(exc).__name__
    return str(body.get("RspCode")) if isinstance(body, dict) else "not an object"


async def invoices(
    client: aiohttp.ClientSession,
    url: str,
    watch: Watch,
    users: Sequence[User],
    callbacks: list[dict[str, str]],
) -> Invoicing:
    """One IPN at a time, for at most PHASE_LIMIT s: ms from sending it to its invoice's
    sendDocument, and to its answer."""
    done = Invoicing()
    deadline = time.perf_counter() + PHASE_LIMIT
    for user, callback in zip(users, callbacks, strict=True):
        if time.perf_counter() > deadline:
            done.missing += 1
            continue
        document = watch.expect_document(user.id)
        start = time.perf_counter()
        await pay(client, url, callback)
        done.answered_ms.append((time.perf_counter() - start) * 1000)
        try:
            done.document_ms.append((await asyncio.wait_for(document, INVOICE_WAIT) - start) * 1000)
        except TimeoutError:
            done.missing += 1
    done.document_ms.sort()
    done.answered_ms.sort()
    return done


# -- one configuration -------------------------------------------------------------------------


async def run_config(config: Config, options: Options, folder: Path) -> Result:
    result = Result(config)
    started = time.perf_counter()
    db_url = database_url(config, options, folder)
    redis_url = options.redis_url if config.instances > 1 and options.redis_url != NO_REDIS else None
    if config.backend == "pg":
        await fresh_postgres(db_url)
    if redis_url:
        await fresh_redis(redis_url)
    watch = Watch()
    async with LocalBotApi(limits=FloodLimits(enabled=False)) as api:
        api.backend.stats = watch
        env = {"BROADCAST_RATE": str(options.broadcast_rate)}
        async with cluster(
            api, instances=config.instances, database_url=db_url, redis_url=redis_url, workdir=folder, env=env
        ) as live:
            await phases(live, api, watch, db_url, options, folder, result)
            result.peak_mib = [(i.peak_rss_kib() or 0) / 1024 for i in live.instances]
            result.split = live.requests_per_instance
    for instance in live.instances:
        result.log_findings.update(findings(instance.log_path))
    result.seconds = time.perf_counter() - started
    return result


async def phases(
    live: Cluster, api: LocalBotApi, watch: Watch, db_url: str, options: Options, folder: Path, result: Result
) -> None:
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    try:
        result.broadcast_fraction, result.broadcast_sent = await broadcast(
            api, watch, sessions, db_url, options, folder
        )
        await updates(live, api, watch, options, result)
        payers = people(api, PAYER_IDS, options.orders + options.invoices)
        callbacks = await pending_orders(sessions, payers, live.vnpay_url)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as client:
            meter = CpuMeter(live)
            result.ipn_per_s, result.ipn_failed = await ipn(
                client, live.balancer_url, callbacks[: options.orders]
            )
            result.cpu["IPN"] = meter.read()
            result.invoicing = await invoices(
                client, live.balancer_url, watch, payers[options.orders :], callbacks[options.orders :]
            )
    finally:
        await dispose(engine)


def findings(log: Path) -> Counter[str]:
    """Warning and error lines of an instance's log, by level, logger and message (numbers
    blanked, so that the same message counts as one)."""
    found: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if NOTABLE.search(line):
            body = re.sub(r"^\S+ \S+ ", "", line)  # the time stamp
            found[re.sub(r"\d+", "N", body)[:140]] += 1
    return found


# -- report ------------------------------------------------------------------------------------


def table(results: list[Result], options: Options) -> str:
    head = (
        f"| config | updates/s (closed, {options.chats} chats) | p99 ms at {options.rate:.0f}/s "
        f"| lost steps (closed / open) | IPN/s ({IPN_CONCURRENCY} in flight) "
        f"| invoice ms p50 / p99 | broadcast ÷ rate | peak MiB per instance | split | wall s |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in results:
        lines.append(
            f"| {r.config.label} | {r.updates_per_s:.0f} | {r.p99_ms:.1f} | {r.lost[0]} / {r.lost[1]} "
            f"of {r.offered} | {r.ipn_per_s:.0f}{f' ({r.ipn_failed} not 00)' if r.ipn_failed else ''} "
            f"| {p50_p99(r.invoicing.document_ms)}"
            f"{f' ({r.invoicing.missing} missing)' if r.invoicing.missing else ''} "
            f"| {r.broadcast_fraction:.3f} ({r.broadcast_sent}/{options.recipients}) "
            f"| {' / '.join(f'{m:.0f}' for m in r.peak_mib)} | {split(r.split)} | {r.seconds:.0f} |"
        )
    return "\n".join(lines)


def p50_p99(ms: list[float]) -> str:
    return f"{percentile(ms, 0.5):.0f} / {percentile(ms, 0.99):.0f}" if ms else "–"


def split(requests: list[int]) -> str:
    total = sum(requests) or 1
    return " / ".join(f"{n / total:.0%}" for n in requests)


def notes(results: list[Result]) -> None:
    for r in results:
        print(f"{r.config.label}: CPU in % of one core: " + "; ".join(f"{k}: {v}" for k, v in r.cpu.items()))
        print(
            f"{r.config.label}: the invoice phase's IPNs answered in p50 / p99 "
            f"{p50_p99(r.invoicing.answered_ms)} ms (after the chat was told)"
        )
        if r.lost_reasons:
            print(f"{r.config.label}: lost steps, all phases (spreads too): {dict(r.lost_reasons)}")
        for line, n in r.log_findings.most_common(6):
            print(f"{r.config.label}: {n}× {line}")


# -- main --------------------------------------------------------------------------------------


async def skipped(configs: Sequence[Config], options: Options) -> dict[Config, str]:
    """The configurations that cannot run here, with the reason."""
    reasons: dict[Config, str] = {}
    postgres = [c for c in configs if c.backend == "pg"]
    if postgres and (why := await unreachable(fresh_postgres(options.postgres_url))):
        reasons |= dict.fromkeys(postgres, f"PostgreSQL at {options.postgres_url}: {why}")
    shared = [c for c in configs if c.instances > 1 and options.redis_url != NO_REDIS]
    if shared and (why := await unreachable(fresh_redis(options.redis_url))):
        reasons |= dict.fromkeys(shared, f"Redis at {options.redis_url}: {why}")
    return reasons


async def main(options: Options) -> None:
    started = time.perf_counter()
    results = []
    skips = await skipped(options.configs, options)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="scale-out-") as scratch:
        for config in options.configs:
            if config in skips:
                print(f"skipped {config.label}: {skips[config]}", flush=True)
                continue
            folder = (options.workdir or Path(scratch)) / f"{config.backend}-{config.instances}"
            print(f"{config.label} …", flush=True)
            try:
                results.append(await run_config(config, options, folder))
            except Exception as exc:
                kept = f" (logs in {folder})" if options.workdir else ""
                print(f"{config.label} failed{kept}: {type(exc).__name__}: {exc}", flush=True)
    print(
        f"\n{platform.machine()}, {os.cpu_count()} CPUs (load average {load:.1f} at the start), "
        f"Python {platform.python_version()}; "
        f"{options.duration:.0f} s per update phase, {options.orders} IPN orders, "
        f"{options.invoices} invoices, "
        f"broadcast to {options.recipients} at BROADCAST_RATE {options.broadcast_rate}/s\n"
    )
    print(table(results, options))
    print()
    notes(results)
    print(f"\nwall time {time.perf_counter() - started:.0f} s")


CONFIGS = "sqlite:1,sqlite:2,pg:1,pg:2"


def parse_configs(value: str) -> tuple[Config, ...]:
    configs = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        backend, _, count = item.partition(":")
        if backend not in ("sqlite", "pg") or not count.isdigit() or int(count) < 1:
            raise argparse.ArgumentTypeError(f"{item!r}: want sqlite:N or pg:N")
        configs.append(Config(backend, int(count)))
    return tuple(configs)


def arguments() -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=parse_configs, default=parse_configs(CONFIGS), help=CONFIGS)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of each update phase")
    parser.add_argument("--chats", type=int, default=100, help="customers at a time, in each update phase")
    parser.add_argument("--rate", type=float, default=100.0, help="open loop: updates offered per second")
    parser.add_argument("--orders", type=int, default=200, help="IPN phase: orders paid")
    parser.add_argument("--invoices", type=int, default=20, help="invoice phase: orders paid one at a time")
    parser.add_argument("--recipients", type=int, default=300, help="broadcast phase: customers")
    parser.add_argument("--broadcast-rate", type=int, default=100, help="BROADCAST_RATE of the instances")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument(
        "--workdir", type=Path, help="keep the instances' logs here (default: a temporary folder, removed)"
    )
    parser.add_argument(
        "--redis-url",
        default=REDIS_URL,
        help=f"for the configurations of 2+ instances; '{NO_REDIS}' runs them without Redis",
    )
    args = parser.parse_args()
    return Options(
        args.configs,
        args.duration,
        args.chats,
        args.rate,
        args.orders,
        args.invoices,
        args.recipients,
        args.broadcast_rate,
        args.postgres_url,
        args.redis_url,
        args.workdir,
    )


if __name__ == "__main__":
    event_loop.run(main(arguments()))
