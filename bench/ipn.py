"""IPN throughput and latency on SQLite (target ≥ 500 requests/s, p99 ≤ 20 ms on this machine).

`python bench/ipn.py [orders] [concurrency]`: N pending orders with one attempt each; the real
aiohttp app on 127.0.0.1 with a WAL SQLite file; an aiohttp client in the same process sends
each order's signed success callback (the paying path: verify, claim, activate, number the
invoice), then the same callbacks again (the 02 replay path). Client and server share the
two cores, so the figures are conservative.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue_loader import load_bundled
from billing_core.periods import Cycle
from billing_core.quote import Quote, quote
from billing_core.storage.checkout import open_payment
from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import make_engine, session_factory, transaction
from billing_core.storage.migrate import upgrade
from billing_core.storage.orders import create_order
from billing_core.storage.units import dispose
from billing_core.vnpay.merchant import VnpayMerchant
from bot import event_loop
from bot.http_app import HttpDeps, make_app
from bot.vnpay_sandbox import signed_callback

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
MERCHANT = VnpayMerchant("CLEEKSY1", SECRET, "http://127.0.0.1:9/pay", "http://127.0.0.1:8080/vnpay/return")


def success(txn_ref: str, amount: int, pay_date: dt.datetime = NOW) -> dict[str, str]:
    """VNPAY's IPN for a successful payment, signed as VNPAY signs it."""
    return signed_callback(
        tmn_code="CLEEKSY1",
        secret=SECRET,
        txn_ref=txn_ref,
        amount_vnd=amount,
        response_code="00",
        transaction_status="00",
        transaction_no="14422574",
        pay_date=pay_date,
        order_info="Thanh toan don hang",
    )


@dataclass
class Run:
    latencies: list[float]
    elapsed: float


async def seed(sessions: object, n: int, first: int = 0) -> list[dict[str, str]]:
    result = quote(
        load_bundled("cleeksy"),
        QuoteRequest(dt.date(2026, 11, 24), (CartLine("workspace", "standard", Cycle.YEARLY, 5),)),
    )
    assert isinstance(result, Quote)
    callbacks = []
    async with transaction(sessions) as s:  # type: ignore[arg-type]
        for i in range(first, first + n):
            customer = await get_or_create_customer(s, 10_000 + i, now=NOW)
            order = await create_order(
                s,
                customer_id=customer.id,
                client_token=f"bench-{i}",
                catalogue_id="cleeksy",
                quote=result,
                quote_json={},
                now=NOW,
                timeout=dt.timedelta(minutes=15),
            )
            link = await open_payment(s, MERCHANT, order, "vi", NOW)
            callbacks.append(success(link.txn_ref, order.amount))
    return callbacks


async def closed_loop(base: str, callbacks: list[dict[str, str]], concurrency: int, expect: str) -> Run:
    """`concurrency` clients, each sending its next callback as soon as the last is answered."""
    latencies: list[float] = []
    queue = list(reversed(callbacks))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as client:

        async def worker() -> None:
            while queue:
                latencies.append(await send(client, base, queue.pop(), expect))

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Run(latencies, time.perf_counter() - start)


async def open_loop(base: str, callbacks: list[dict[str, str]], rate: float, expect: str) -> Run:
    """One callback every 1/rate seconds whatever the answers, as VNPAY's servers would send them:
    the latency is counted from the planned send time, so it includes any queueing the server
    builds up (no coordinated omission). A few health checks first open the connections."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as client:
        for _ in range(16):
            async with client.get(f"{base}/health") as resp:
                await resp.read()
        latencies: list[float] = []

        async def one(params: dict[str, str], planned: float) -> None:
            await send(client, base, params, expect)
            latencies.append(time.perf_counter() - planned)

        start = time.perf_counter()
        sending = []
        for i, params in enumerate(callbacks):
            planned = start + i / rate
            await asyncio.sleep(max(0.0, planned - time.perf_counter()))
            sending.append(asyncio.create_task(one(params, planned)))
        await asyncio.gather(*sending)
    return Run(latencies, time.perf_counter() - start)


async def send(client: aiohttp.ClientSession, base: str, params: dict[str, str], expect: str) -> float:
    start = time.perf_counter()
    async with client.get(f"{base}/vnpay/ipn", params=params) as resp:
        body = await resp.json()
    assert body["RspCode"] == expect, body
    return time.perf_counter() - start


def load(
    base: str, plan: list[tuple[str, str, list[dict[str, str]]]], concurrency: int, rate: float
) -> list[Run]:
    """The load generator, run in its own process (VNPAY is another machine, not our event loop)."""

    async def run() -> list[Run]:
        runs = []
        for mode, expect, callbacks in plan:
            if mode == "closed":
                runs.append(await closed_loop(base, callbacks, concurrency, expect))
            else:
                runs.append(await open_loop(base, callbacks, rate, expect))
        return runs

    return asyncio.run(run())


def report(name: str, run: Run) -> None:
    ms = sorted(x * 1000 for x in run.latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{name:<44}{len(ms) / run.elapsed:>8.0f}/s{statistics.median(ms):>10.2f}{p99:>10.2f}")


async def main(n: int, concurrency: int, rate: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(engine)
        sessions = session_factory(engine)
        saturated, paced = await seed(sessions, n), await seed(sessions, n, first=n)
        runner = web.AppRunner(
            make_app(HttpDeps(sessions, SECRET, "workspace", clock=lambda: NOW)), access_log=None
        )
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        plan = [
            ("closed", "00", saturated),
            ("closed", "02", saturated),
            ("open", "00", paced),
        ]
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as client:
            runs = await asyncio.get_running_loop().run_in_executor(
                client, load, base, plan, concurrency, rate
            )
        await runner.cleanup()
        await dispose(engine)
    print(f"{n} orders per case, SQLite (WAL); the client in a second process")
    print(f"{'case':<44}{'throughput':>10}{'median ms':>10}{'p99 ms':>10}")
    report(f"success, {concurrency} concurrent (pays, activates)", runs[0])
    report(f"replay, {concurrency} concurrent (already confirmed)", runs[1])
    report(f"success, offered at {rate:.0f}/s", runs[2])
    print("target: ≥ 500/s, and p99 ≤ 20 ms at 500/s")


if __name__ == "__main__":
    args = sys.argv[1:]
    event_loop.run(
        main(
            int(args[0]) if len(args) > 0 else 2000,
            int(args[1]) if len(args) > 1 else 8,
            float(args[2]) if len(args) > 2 else 500.0,
        )
    )
