"""Median time of one full quote (target ≤ 100 µs on the 2-core machine): `python bench/quote.py`."""

from __future__ import annotations

import datetime as dt
import statistics
import time

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue_loader import load_bundled
from billing_core.coupons import Coupon, CouponEntry
from billing_core.holdings import Holding, Status
from billing_core.periods import Cycle, Period
from billing_core.quote import Quote, quote

CATALOGUE = load_bundled("cleeksy")
Y = Cycle.YEARLY
CASES = {
    "new workspace, yearly, 5 seats": QuoteRequest(
        dt.date(2026, 11, 24), (CartLine("workspace", "standard", Y, 5),)
    ),
    "bundle + coupon + add-ons": QuoteRequest(
        dt.date(2026, 11, 24),
        (
            CartLine("workspace", "standard", Y, 5),
            CartLine("process", "starter", Y),
            CartLine("appbuilder", "starter", Y, 3),
        ),
        addons={"storage": 2, "docs": 1},
        coupon=CouponEntry("TET10", Coupon("TET10", percent_off=10)),
    ),
    "P2 seed example (both options priced)": QuoteRequest(
        dt.date(2024, 1, 10),
        (CartLine("process", "starter", Y),),
        holdings=(
            Holding(
                "workspace",
                "standard",
                12,
                Y,
                Period(dt.date(2023, 1, 15), dt.date(2024, 1, 15)),
                Status.ACTIVE,
            ),
        ),
    ),
}


def measure(request: QuoteRequest, rounds: int = 5000) -> tuple[float, float]:
    assert isinstance(quote(CATALOGUE, request), Quote)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        quote(CATALOGUE, request)
        samples.append(time.perf_counter_ns() - start)
    samples.sort()
    return statistics.median(samples) / 1000, samples[int(len(samples) * 0.95)] / 1000


if __name__ == "__main__":
    print(f"{'case':45} {'median µs':>10} {'p95 µs':>10}")
    for name, request in CASES.items():
        median, p95 = measure(request)
        print(f"{name:45} {median:10.1f} {p95:10.1f}")
    print("target: median ≤ 100 µs for one full quote")
