"""Properties of every quote (hypothesis): sums, bounds, monotonicity, rule ids."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.cart import CartLine, QuoteRequest
from billing_core.coupons import Coupon, CouponEntry
from billing_core.explanations import MESSAGES
from billing_core.holdings import Holding, Status
from billing_core.money import prorate
from billing_core.periods import Cycle, billing_period
from billing_core.quote import Blocked, Quote, quote
from billing_core.refusals import RULE_IDS
from tests.billing_core.conftest import CLEEKSY

Y = Cycle.YEARLY

days = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2030, 12, 31))
cycles = st.sampled_from(list(Cycle))
tiers = {s: [t.id for t in sol.tiers] for s, sol in CLEEKSY.solutions.items()}


@st.composite
def requests(draw: st.DrawFn) -> QuoteRequest:
    today = draw(days)
    cart = []
    for solution in draw(st.lists(st.sampled_from(list(tiers)), unique=True, min_size=1, max_size=3)):
        seats = draw(st.one_of(st.none(), st.integers(1, 60)))
        cart.append(CartLine(solution, draw(st.sampled_from(tiers[solution])), draw(cycles), seats))
    holdings = []
    if draw(st.booleans()):
        cycle = draw(cycles)
        start = draw(st.dates(min_value=today - dt.timedelta(days=366), max_value=today))
        period = billing_period(start, cycle)
        if period.contains(today):
            holdings.append(
                Holding(
                    "workspace",
                    draw(st.sampled_from(tiers["workspace"])),
                    draw(st.integers(2, 60)),
                    cycle,
                    period,
                    draw(st.sampled_from(list(Status))),
                )
            )
    coupon = draw(
        st.one_of(
            st.none(), st.builds(lambda p: CouponEntry("C", Coupon("C", percent_off=p)), st.integers(1, 100))
        )
    )
    return QuoteRequest(
        today=today,
        cart=tuple(cart),
        holdings=tuple(holdings),
        addons={"storage": draw(st.integers(0, 3))},
        months=draw(st.sampled_from([1, 3, 6])),
        coupon=coupon,
        proration_option=draw(st.sampled_from([None, "current_period", "current_and_next"])),
    )


def _quote(req: QuoteRequest) -> Quote | Blocked:
    from billing_core.cart import RequestError

    try:
        return quote(CLEEKSY, req)
    except RequestError:  # e.g. seats omitted where nothing fixes them
        return Blocked(())


@settings(max_examples=300, deadline=None)
@given(requests())
def test_K4_totals_equal_the_sum_of_rounded_lines(req: QuoteRequest) -> None:
    result = _quote(req)
    if isinstance(result, Quote):
        assert result.before_tax == sum(x.net for x in result.lines)
        assert result.total == result.before_tax + sum(v.amount for v in result.vat)
        assert result.subtotal - sum(d.amount for d in result.discounts) == result.before_tax
        assert result.total >= 0


@settings(max_examples=300, deadline=None)
@given(requests())
def test_every_refusal_names_a_rule_of_the_spec_and_has_a_sentence(req: QuoteRequest) -> None:
    result = _quote(req)
    if isinstance(result, Blocked):
        for r in result.refusals:
            assert r.rule in RULE_IDS and r.code in MESSAGES and r.code.startswith(r.rule + ".")


@given(
    st.sampled_from([(s, t) for s in tiers for t in tiers[s][1:] if s != "workspace" or t != "free"]),
    st.integers(2, 200),
)
def test_Y1_yearly_never_costs_more_than_twelve_months(pair: tuple[str, str], seats: int) -> None:
    solution, tier = pair

    def cart(cycle: Cycle) -> tuple[CartLine, ...]:
        bought = CartLine(solution, tier, cycle, seats)
        return (bought,) if solution == "workspace" else (CartLine("workspace", "premium", Y, seats), bought)

    day = dt.date(2026, 1, 1)
    yearly = quote(CLEEKSY, QuoteRequest(day, cart(Cycle.YEARLY)))
    monthly = quote(CLEEKSY, QuoteRequest(day, cart(Cycle.MONTHLY)))
    assert isinstance(yearly, Quote) and isinstance(monthly, Quote)
    assert yearly.lines[-1].net <= 12 * monthly.lines[-1].net


@given(st.integers(0, 10**10), st.integers(1, 366), st.integers(0, 366))
def test_P1_a_prorated_line_never_exceeds_the_full_period(amount: int, period_days: int, used: int) -> None:
    used = min(used, period_days)
    assert 0 <= prorate(amount, used, period_days) <= amount


@given(st.sampled_from(["starter", "standard", "premium"]), cycles, st.integers(2, 300), days)
def test_price_never_decreases_when_seats_grow(tier: str, cycle: Cycle, seats: int, today: dt.date) -> None:
    def total(n: int) -> int:
        q = quote(CLEEKSY, QuoteRequest(today, (CartLine("workspace", tier, cycle, n),)))
        assert isinstance(q, Quote)
        return q.total

    assert total(seats) <= total(seats + 1)


def test_every_rule_id_the_engine_knows_is_in_the_spec() -> None:
    spec = Path(__file__).resolve().parents[3] / "shared" / "spec" / "billing-rules.md"
    if not spec.exists():
        pytest.skip("the spec (../shared/spec) is not beside this checkout")
    assert set(re.findall(r"\*\*([A-Z]\d)\*\*", spec.read_text(encoding="utf-8"))) == RULE_IDS
