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
import statistics
import sys
import tempfile
import time
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
from billing_core.vnpay.merchant import VnpayMerchant
from bot.http_app import HttpDeps, make_app
from bot.vnpay_sandbox import signed_callback

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
MERCHANT = VnpayMerchant("CLEEKSY1", SECRET, "http://127.0.0.1:9/pay", "http://127.0.0.1:8080/vnpay/return")


def success(txn_ref: str, amount: int) -> dict[str, str]:
    return signed_callback(
        tmn_code="CLEEKSY1",
        secret=SECRET,
        txn_ref=txn_ref,
        amount_vnd=amount,
        response_code="00",
        transaction_status="00",
        transaction_no="14422574",
        pay_date=NOW,
        order_info="Thanh toan don hang",
    )


async def seed(sessions: object, n: int) -> list[dict[str, str]]:
    result = quote(
        load_bundled("cleeksy"),
        QuoteRequest(dt.date(2026, 11, 24), (CartLine("workspace", "standard", Cycle.YEARLY, 5),)),
    )
    assert isinstance(result, Quote)
    callbacks = []
    async with transaction(sessions) as s:  # type: ignore[arg-type]
        for i in range(n):
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


async def fire(base: str, callbacks: list[dict[str, str]], concurrency: int, expect: str) -> list[float]:
    latencies: list[float] = []
    queue = list(reversed(callbacks))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as client:

        async def worker() -> None:
            while queue:
                params = queue.pop()
                start = time.perf_counter()
                async with client.get(f"{base}/vnpay/ipn", params=params) as resp:
                    body = await resp.json()
                latencies.append(time.perf_counter() - start)
                assert body["RspCode"] == expect, body

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def report(name: str, latencies: list[float], elapsed: float) -> None:
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{name:<28}{len(ms) / elapsed:>10.0f}/s{statistics.median(ms):>10.2f}{p99:>10.2f}")


async def main(n: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(engine)
        sessions = session_factory(engine)
        callbacks = await seed(sessions, n)
        runner = web.AppRunner(
            make_app(HttpDeps(sessions, SECRET, "workspace", clock=lambda: NOW)), access_log=None
        )
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        print(f"{n} orders, {concurrency} concurrent requests, SQLite (WAL)")
        print(f"{'case':<28}{'throughput':>12}{'median ms':>10}{'p99 ms':>10}")
        for name, expect in (("success (pays, activates)", "00"), ("replay (already confirmed)", "02")):
            start = time.perf_counter()
            latencies = await fire(base, callbacks, concurrency, expect)
            report(name, latencies, time.perf_counter() - start)
        await runner.cleanup()
        await engine.dispose()
    print("target: ≥ 500/s and p99 ≤ 20 ms")


if __name__ == "__main__":
    asyncio.run(
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, int(sys.argv[2]) if len(sys.argv) > 2 else 8)
    )
