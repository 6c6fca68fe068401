"""Calendar periods (Y5): half-open, anchored, clamped to month ends, leap years."""

import datetime as dt

import pytest

from billing_core.periods import (
    Cycle,
    Period,
    add_months,
    billing_period,
    local_today,
    next_period,
    period_containing,
)
from tests.billing_core.conftest import d


def test_Y5_monthly_from_31_january_keeps_the_anchor_day() -> None:
    first = billing_period(d("2024-01-31"), Cycle.MONTHLY)
    second = next_period(first, Cycle.MONTHLY)
    third = next_period(second, Cycle.MONTHLY)
    assert [(p.start.isoformat(), p.end.isoformat()) for p in (first, second, third)] == [
        ("2024-01-31", "2024-02-29"),
        ("2024-02-29", "2024-03-31"),
        ("2024-03-31", "2024-04-30"),
    ]


def test_Y5_yearly_from_29_february_ends_on_28_february() -> None:
    assert billing_period(d("2024-02-29"), Cycle.YEARLY).end == d("2025-02-28")


def test_Y5_a_leap_year_has_366_days_in_its_yearly_period() -> None:
    assert billing_period(d("2024-01-01"), Cycle.YEARLY).days == 366
    assert billing_period(d("2025-01-01"), Cycle.YEARLY).days == 365


def test_Y5_people_see_an_inclusive_last_day() -> None:
    assert billing_period(d("2024-01-31"), Cycle.MONTHLY).last_day == d("2024-02-28")


def test_Y6_three_prepaid_months_end_three_months_later() -> None:
    assert billing_period(d("2024-11-30"), Cycle.MONTHLY, count=3).end == d("2025-02-28")


def test_a_monthly_step_inside_a_yearly_period_shares_its_anchor() -> None:
    outer = Period(d("2023-01-31"), d("2024-01-31"))
    assert period_containing(outer, Cycle.MONTHLY, d("2023-03-05")) == Period(
        d("2023-02-28"), d("2023-03-31")
    )
    assert period_containing(outer, Cycle.MONTHLY, d("2024-01-30")) == Period(
        d("2023-12-31"), d("2024-01-31")
    )


def test_add_months_clamps_to_the_last_day() -> None:
    assert add_months(d("2023-01-31"), 1) == d("2023-02-28")
    assert add_months(d("2023-12-15"), 1) == d("2024-01-15")


def test_an_empty_period_is_refused() -> None:
    with pytest.raises(ValueError):
        Period(d("2024-01-02"), d("2024-01-02"))


def test_today_is_taken_in_ho_chi_minh_time() -> None:
    late_utc = dt.datetime(2025, 1, 1, 17, 30, tzinfo=dt.UTC)
    assert local_today(late_utc) == d("2025-01-02")
    with pytest.raises(ValueError):
        local_today(dt.datetime(2025, 1, 1))
