"""A paid subscription at its period boundaries (V1, P3, Y3, Y5, D2, T2), and the days before
them when renewals are reminded or ordered: pure, with a fixed `today`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from billing_core.holdings import Holding, Status
from billing_core.lifecycle import (
    Boundary,
    Event,
    Scheduled,
    cross_boundaries,
    ends_with_renewal_due,
    renewal_order_due,
    renewal_reminder_due,
)
from billing_core.periods import Period
from billing_core.scheduled_changes import Target

from .conftest import CLEEKSY, DOCAI, M, Y, d, held


def paid(holding: Holding, until: str, anchor_day: int | None = None) -> Holding:
    """`holding` with its next period(s) paid up to `until` (a renewal paid ahead, V1)."""
    return replace(holding, paid_until=d(until), anchor_day=anchor_day or holding.anchor_day)


def cross(holding: Holding, today: str, *scheduled: Scheduled) -> Boundary | None:
    return cross_boundaries(CLEEKSY, holding, scheduled, d(today))


def crossed(holding: Holding, today: str, *scheduled: Scheduled) -> Boundary:
    found = cross(holding, today, *scheduled)
    assert found is not None
    return found


def change(id: int, effective_on: str, solution: str = "workspace", **target: object) -> Scheduled:
    return Scheduled(id, d(effective_on), Target(solution, **target))  # type: ignore[arg-type]


WORKSPACE = held("workspace", "standard", 5, M, "2026-11-01", "2026-12-01")


def test_V1_nothing_happens_before_the_period_ends() -> None:
    assert cross(WORKSPACE, "2026-11-30") is None
    assert cross(paid(WORKSPACE, "2027-01-01"), "2026-11-30") is None


def test_V1_a_renewal_paid_ahead_rolls_the_period_on_at_its_end() -> None:
    after = crossed(paid(WORKSPACE, "2027-01-01"), "2026-12-01")
    assert after.holding.period == Period(d("2026-12-01"), d("2027-01-01"))
    assert (after.holding.status, after.holding.tier, after.holding.seats) == (Status.ACTIVE, "standard", 5)
    assert after.events == ()


def test_V1_an_unpaid_period_expires_on_its_end_day_and_keeps_its_period() -> None:
    after = crossed(WORKSPACE, "2026-12-01")
    assert after.holding == replace(WORKSPACE, status=Status.EXPIRED)
    assert after.events == ((Event.EXPIRED, d("2026-12-01")),)


def test_Y5_the_anchor_day_is_kept_across_rolls_from_the_31st() -> None:
    """Monthly from 31 Jan 2024: [01-31, 02-29), [02-29, 03-31), [03-31, 04-30)."""
    january = replace(held("workspace", "standard", 5, M, "2024-01-31", "2024-02-29"), anchor_day=31)
    february = crossed(paid(january, "2024-03-31"), "2024-02-29").holding
    assert february.period == Period(d("2024-02-29"), d("2024-03-31"))
    assert february.anchor_day == 31
    march = crossed(paid(february, "2024-04-30"), "2024-03-31").holding
    assert (march.period, march.anchor_day) == (Period(d("2024-03-31"), d("2024-04-30")), 31)


def test_Y5_without_a_stored_anchor_day_the_roll_stores_the_one_read_off_the_period() -> None:
    rolled = crossed(
        paid(held("workspace", "standard", 5, M, "2024-02-29", "2024-03-31"), "2024-04-30"), "2024-03-31"
    )
    assert rolled.holding.anchor_day == 31


def test_V1_several_boundaries_are_caught_up_at_once_after_a_long_stop() -> None:
    """Two periods paid ahead, seen only after both ended: the last period rolls, then expires."""
    two_ahead = paid(WORKSPACE, "2027-02-01", anchor_day=1)
    after = crossed(two_ahead, "2027-02-03")
    assert after.holding.period == Period(d("2026-12-01"), d("2027-02-01"))
    assert after.holding.status is Status.EXPIRED
    assert after.events == ((Event.EXPIRED, d("2027-02-01")),)


@pytest.mark.parametrize("days_after", [0, 1, 6])
def test_D2_an_expired_workspace_stays_expired_within_the_window(days_after: int) -> None:
    expired = replace(WORKSPACE, status=Status.EXPIRED)
    today = d("2026-12-01") + dt.timedelta(days=days_after)
    assert cross_boundaries(CLEEKSY, expired, (), today) is None


def test_T2_seven_days_after_expiry_the_workspace_moves_to_its_free_tier() -> None:
    expired = replace(WORKSPACE, status=Status.EXPIRED)
    after = crossed(expired, "2026-12-08")
    assert (after.holding.tier, after.holding.status) == ("free", Status.FREE)
    assert after.holding.period == WORKSPACE.period
    assert after.events == ((Event.FELL_BACK, d("2026-12-01")),)


def test_T2_seven_days_after_expiry_process_is_locked_on_its_tier() -> None:
    process = replace(held("process", "standard", 5, M, "2026-11-01", "2026-12-01"), status=Status.EXPIRED)
    after = crossed(process, "2026-12-08")
    assert (after.holding.tier, after.holding.status) == ("standard", Status.LOCKED)


def test_T2_an_expiry_first_seen_past_the_window_is_told_once_as_the_fall_back() -> None:
    after = crossed(WORKSPACE, "2026-12-20")
    assert after.holding.status is Status.FREE
    assert after.events == ((Event.FELL_BACK, d("2026-12-01")),)


def test_T2_a_quota_plan_falls_back_to_its_free_plan_too() -> None:
    """C5: the same lifecycle drives the DocAI catalogue."""
    plan = replace(held("assistant", "pro", None, M, "2026-11-01", "2026-12-01"), status=Status.EXPIRED)
    after = cross_boundaries(DOCAI, plan, (), d("2026-12-08"))
    assert after is not None and (after.holding.tier, after.holding.status) == ("free", Status.FREE)


# Scheduled changes (P3, Y3): applied at the boundary, not the day before, once


def test_P3_a_lower_tier_takes_effect_at_the_boundary_not_the_day_before() -> None:
    lower = change(1, "2026-12-01", tier="starter")
    assert cross(paid(WORKSPACE, "2027-01-01"), "2026-11-30", lower) is None
    after = crossed(paid(WORKSPACE, "2027-01-01"), "2026-12-01", lower)
    assert (after.holding.tier, after.holding.status, after.applied) == ("starter", Status.ACTIVE, (1,))
    assert after.holding.period == Period(d("2026-12-01"), d("2027-01-01"))


def test_P3_a_change_is_applied_even_when_the_period_then_expires_unpaid() -> None:
    after = crossed(WORKSPACE, "2026-12-01", change(1, "2026-12-01", seats=3))
    assert (after.holding.seats, after.holding.status, after.applied) == (3, Status.EXPIRED, (1,))


def test_P3_changes_are_merged_in_the_order_they_were_made() -> None:
    after = crossed(
        paid(WORKSPACE, "2027-01-01"),
        "2026-12-01",
        change(7, "2026-12-01", seats=3),
        change(4, "2026-12-01", tier="starter", seats=4),
    )
    assert (after.holding.tier, after.holding.seats, after.applied) == ("starter", 3, (4, 7))


def test_P3_a_change_for_a_later_boundary_waits_for_it() -> None:
    """Renewed ahead to 1 January, the customer then asked for fewer users from that day on."""
    later = change(2, "2027-01-01", seats=3)
    first = crossed(paid(WORKSPACE, "2027-01-01"), "2026-12-01", later)
    assert (first.holding.seats, first.applied) == (5, ())
    second = crossed(paid(first.holding, "2027-02-01"), "2027-01-01", later)
    assert (second.holding.seats, second.applied) == (3, (2,))


def test_Y3_yearly_to_monthly_at_the_boundary_runs_the_next_month() -> None:
    yearly = replace(held("workspace", "standard", 5, Y, "2025-12-01", "2026-12-01"), anchor_day=1)
    after = crossed(paid(yearly, "2027-01-01"), "2026-12-01", change(3, "2026-12-01", cycle=M))
    assert (after.holding.cycle, after.holding.period) == (M, Period(d("2026-12-01"), d("2027-01-01")))


def test_P3_removing_process_locks_it_at_the_boundary_as_asked() -> None:
    process = held("process", "standard", 5, M, "2026-11-01", "2026-12-01")
    after = crossed(process, "2026-12-01", change(5, "2026-12-01", "process", ends=True))
    assert (after.holding.status, after.holding.tier) == (Status.LOCKED, "standard")
    assert after.events == ((Event.ENDED, d("2026-12-01")),)


def test_P3_a_cancelled_workspace_moves_to_free_even_when_renewed_ahead() -> None:
    """The cancellation takes effect at the boundary it was scheduled for."""
    after = crossed(paid(WORKSPACE, "2027-01-01"), "2026-12-01", change(6, "2026-12-01", ends=True))
    assert (after.holding.tier, after.holding.status) == ("free", Status.FREE)
    assert after.events == ((Event.ENDED, d("2026-12-01")),)


def test_a_subscription_not_running_is_left_alone() -> None:
    for status in (Status.TRIAL, Status.FREE, Status.LOCKED):
        assert cross(replace(WORKSPACE, status=status), "2027-06-01") is None


# The days before the end


@pytest.mark.parametrize(("today", "due"), [("2026-11-24", 7), ("2026-11-28", 3), ("2026-11-30", 1)])
def test_V1_renewal_reminders_are_due_7_3_and_1_days_before(today: str, due: int) -> None:
    assert renewal_reminder_due(d("2026-12-01"), d(today)) == due


def test_V1_a_missed_reminder_is_not_sent_late_with_a_wrong_count() -> None:
    due = [
        day
        for day in range(1, 40)
        if renewal_reminder_due(d("2026-12-01"), d("2026-12-01") - dt.timedelta(days=day))
    ]
    assert due == [1, 3, 7]
    assert renewal_reminder_due(d("2026-12-01"), d("2026-12-01")) is None


def test_V1_the_automatic_order_is_due_3_days_before_or_2_or_1_if_missed() -> None:
    ends = d("2026-12-01")
    assert [n for n in range(0, 10) if renewal_order_due(ends, ends - dt.timedelta(days=n))] == [1, 2, 3]


def test_the_query_looks_at_every_period_end_with_something_due() -> None:
    today = d("2026-11-24")
    assert ends_with_renewal_due(today) == [today + dt.timedelta(days=n) for n in (1, 2, 3, 7)]
