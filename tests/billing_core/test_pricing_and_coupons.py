"""Discount order (K1), coupons (K2), VAT (K3), rounding (K4), and the quota catalogue (C5)."""

import datetime as dt
import tomllib
from importlib import resources

import pytest

from billing_core.catalogue import Catalogue
from billing_core.catalogue_loader import parse_catalogue
from billing_core.coupons import Coupon, CouponEntry, CouponUsage
from billing_core.money import percent_of, prorate, round_half_up, split_proportionally
from billing_core.trials import days_left, status_after_trial, trial_period
from tests.billing_core.conftest import CLEEKSY, DOCAI, M, Y, ask, d, line, ok, only_refusal
from tests.billing_core.test_rules_dependencies_and_cycles import BUNDLE

TODAY = "2026-11-24"


def entry(coupon: Coupon, total: int = 0, mine: int = 0) -> CouponEntry:
    return CouponEntry(coupon.code, coupon, CouponUsage(total, mine))


def test_K1_list_then_yearly_then_bundle_then_coupon_then_vat() -> None:
    q = ok(ask(TODAY, *BUNDLE, coupon=entry(Coupon("TET10", percent_off=10))))
    assert [(x.kind, x.amount) for x in q.discounts] == [
        ("yearly", 2_304_000),
        ("bundle", 921_600),
        ("coupon", 829_440),
    ]
    assert q.before_tax == 11_520_000 - 2_304_000 - 921_600 - 829_440
    assert q.vat[0].amount == percent_of(q.before_tax, 8)


@pytest.mark.parametrize(
    ("coupon", "usage", "code"),
    [
        (None, (0, 0), "K2.unknown"),
        (Coupon("X", percent_off=10, active=False), (0, 0), "K2.disabled"),
        (Coupon("X", percent_off=10, valid_from=dt.date(2026, 12, 1)), (0, 0), "K2.not_started"),
        (Coupon("X", percent_off=10, valid_until=dt.date(2026, 11, 23)), (0, 0), "K2.expired"),
        (Coupon("X", percent_off=10, max_redemptions=5), (5, 0), "K2.used_up"),
        (Coupon("X", percent_off=10, max_per_customer=1), (1, 1), "K2.customer_limit"),
        (Coupon("X", percent_off=10, solutions=frozenset({"appbuilder"})), (0, 0), "K2.not_applicable"),
        (Coupon("X", percent_off=10, min_order=10_000_000), (0, 0), "K2.min_order"),
    ],
)
def test_K2_each_refusal_has_its_own_reason(coupon: Coupon | None, usage: tuple[int, int], code: str) -> None:
    e = CouponEntry("X", coupon, CouponUsage(*usage))
    r = only_refusal(ask(TODAY, line("workspace", "standard", Y, 5), coupon=e))
    assert (r.rule, r.code, r.fix.action) == ("K2", code, "remove_coupon")


def test_K2_the_last_day_of_validity_still_counts() -> None:
    e = entry(Coupon("X", percent_off=10, valid_until=d(TODAY)))
    assert ok(ask(TODAY, line("workspace", "standard", Y, 5), coupon=e)).discounts[-1].kind == "coupon"


def test_K2_a_fixed_coupon_is_split_over_eligible_lines_and_sums_exactly() -> None:
    q = ok(ask(TODAY, *BUNDLE, coupon=entry(Coupon("GIAM", amount_off=1_000_001))))
    assert sum(x.coupon_discount for x in q.lines) == 1_000_001


def test_K2_a_fixed_coupon_never_exceeds_the_eligible_amount() -> None:
    q = ok(ask(TODAY, line("workspace", "starter", M, 2), coupon=entry(Coupon("BIG", amount_off=9_999_999))))
    assert (q.before_tax, q.total) == (0, 0)


def test_K2_a_restricted_coupon_discounts_only_its_solution() -> None:
    q = ok(
        ask(TODAY, *BUNDLE, coupon=entry(Coupon("APP", percent_off=50, solutions=frozenset({"appbuilder"}))))
    )
    assert [x.coupon_discount > 0 for x in q.lines] == [False, False, True]


def _cleeksy_with(find: str, replace: str) -> Catalogue:
    text = (resources.files("billing_core") / "catalogues" / "cleeksy.toml").read_text("utf-8")
    assert find in text
    return parse_catalogue(tomllib.loads(text.replace(find, replace)), "edited.toml")


def test_K3_vat_is_8_percent_until_the_end_of_2026_then_10() -> None:
    assert ok(ask("2026-12-31", line("workspace", "standard", M, 5))).vat[0].rate.code == "8"
    q = ok(ask("2027-01-01", line("workspace", "standard", M, 5)))
    assert (q.vat[0].rate.code, q.vat[0].amount, q.total) == ("10", 50_000, 550_000)


def test_K3_vat_is_summed_per_rate_and_KCT_carries_none() -> None:
    catalogue = _cleeksy_with("[solutions.appbuilder]\n", '[solutions.appbuilder]\nvat = "KCT"\n')
    q = ok(
        ask(
            TODAY,
            line("workspace", "standard", Y, 5),
            line("appbuilder", "starter", Y, 2),
            catalogue=catalogue,
        )
    )
    assert [(v.rate.code, v.base, v.amount) for v in q.vat] == [
        ("8", 4_800_000, 384_000),
        ("KCT", 1_344_000, 0),
    ]
    assert q.total == 4_800_000 + 384_000 + 1_344_000


@pytest.mark.parametrize(
    ("num", "den", "expected"), [(5, 2, 3), (3, 2, 2), (7, 3, 2), (-5, 2, -3), (0, 7, 0)]
)
def test_K4_rounding_is_half_up_to_whole_dong(num: int, den: int, expected: int) -> None:
    assert round_half_up(num, den) == expected


def test_K4_proration_and_percentages_round_once() -> None:
    assert prorate(3_000_000, 38, 365) == 312_329
    assert percent_of(312_329, 20) == 62_466
    assert split_proportionally(10, [1, 1, 1]) == [4, 3, 3]


def test_T1_a_trial_lasts_thirty_days() -> None:
    period = trial_period(CLEEKSY, d("2026-11-01"))
    assert (period.days, period.end.isoformat()) == (30, "2026-12-01")
    assert days_left(period, d("2026-11-24")) == 7


def test_T2_after_a_trial_workspace_is_free_and_the_others_locked() -> None:
    assert [status_after_trial(CLEEKSY, s).value for s in ("workspace", "process", "appbuilder")] == [
        "free",
        "locked",
        "locked",
    ]


def test_C5_a_quota_plan_prepaid_for_three_months_credits_three_months_of_quota() -> None:
    q = ok(ask(TODAY, line("assistant", "pro", M), months=3, catalogue=DOCAI))
    assert (q.subtotal, dict(q.quotas)) == (1_497_000, {"tokens": 15_000_000, "documents": 3_000})


def test_C5_an_explicit_yearly_price_is_the_yearly_discount() -> None:
    q = ok(ask(TODAY, line("assistant", "basic", Y), catalogue=DOCAI))
    assert (q.subtotal, q.discounts[0].amount, q.before_tax) == (2_388_000, 398_000, 1_990_000)
    assert q.quotas["tokens"] == 12_000_000
