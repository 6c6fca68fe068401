"""When trial reminders are due (T1): 7, 3 and 1 days before a trial ends and on the day it ends,
the end notice (T2) up to 6 days late, from 09:00 in the bot's time zone, with a fixed clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from billing_core.reminders import (
    END_NOTICE_LATE_DAYS,
    REMINDER_DAYS,
    SEND_FROM,
    due_reminder,
    ends_with_reminder_due,
    sending_day,
)

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7 all year, no daylight saving
TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")
ENDS_ON = dt.date(2026, 12, 8)  # exclusive: the trial's last day is 7 December (T1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


def days_before(days: int, ends_on: dt.date = ENDS_ON) -> dt.date:
    return ends_on - dt.timedelta(days=days)


def test_the_reminder_days_and_morning_hour_are_t1s() -> None:
    assert REMINDER_DAYS == (7, 3, 1, 0)
    assert (SEND_FROM.hour, SEND_FROM.minute) == (9, 0)
    assert END_NOTICE_LATE_DAYS == 7


# due_reminder


@pytest.mark.parametrize("days", [7, 3, 1, 0])
def test_each_reminder_is_due_on_its_own_day(days: int) -> None:
    assert due_reminder(ENDS_ON, days_before(days)) == days


@pytest.mark.parametrize("days", [30, 29, 10, 8, 6, 5, 4, 2])
def test_no_reminder_is_due_on_the_other_days_of_the_trial(days: int) -> None:
    """A reminder missed (the bot was down) is not sent a day later with a wrong count."""
    assert due_reminder(ENDS_ON, days_before(days)) is None


@pytest.mark.parametrize("late", [1, 2, 3, 4, 5, 6])
def test_the_end_notice_is_still_due_up_to_six_days_late(late: int) -> None:
    """T2: the customer is told what the trial became, even after an outage of a few days."""
    assert due_reminder(ENDS_ON, ENDS_ON + dt.timedelta(days=late)) == 0


@pytest.mark.parametrize("late", [7, 8, 30, 365])
def test_the_end_notice_is_not_due_a_week_or_more_late(late: int) -> None:
    assert due_reminder(ENDS_ON, ENDS_ON + dt.timedelta(days=late)) is None


def test_the_last_day_of_a_trial_is_the_one_day_reminder() -> None:
    """`ends_on` is exclusive: the day before it is the trial's last day (T1)."""
    last_day = dt.date(2026, 12, 7)
    assert due_reminder(ENDS_ON, last_day) == 1
    assert due_reminder(ENDS_ON, ENDS_ON) == 0


def test_reminders_count_calendar_days_across_months_and_years() -> None:
    ends_on = dt.date(2027, 1, 2)
    assert due_reminder(ends_on, dt.date(2026, 12, 26)) == 7
    assert due_reminder(ends_on, dt.date(2026, 12, 30)) == 3
    assert due_reminder(ends_on, dt.date(2027, 1, 1)) == 1
    leap = dt.date(2028, 3, 1)  # 2028 is a leap year: 29 February is a day of the trial
    assert due_reminder(leap, dt.date(2028, 2, 23)) == 7
    assert due_reminder(leap, dt.date(2028, 2, 29)) == 1


# ends_with_reminder_due


def test_the_ends_with_a_reminder_due_today() -> None:
    today = dt.date(2026, 12, 1)
    assert ends_with_reminder_due(today) == [
        dt.date(2026, 12, 8),
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 1),
        dt.date(2026, 11, 30),
        dt.date(2026, 11, 29),
        dt.date(2026, 11, 28),
        dt.date(2026, 11, 27),
        dt.date(2026, 11, 26),
        dt.date(2026, 11, 25),
    ]


@pytest.mark.parametrize("today", [dt.date(2026, 12, 1), dt.date(2027, 1, 3), dt.date(2028, 3, 1)])
def test_the_query_filter_agrees_with_due_reminder(today: dt.date) -> None:
    """The SQL filter selects exactly the trial ends that have a reminder due today."""
    ends = [today + dt.timedelta(days=offset) for offset in range(-60, 61)]
    assert sorted(ends_with_reminder_due(today)) == [e for e in ends if due_reminder(e, today) is not None]
    assert len(set(ends_with_reminder_due(today))) == len(ends_with_reminder_due(today))


# sending_day


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 23:30 UTC on 30 November is 06:30 on 1 December in Ho Chi Minh City: too early.
        (utc(2026, 11, 30, 23, 30), None),
        (utc(2026, 11, 30, 17, 0), None),  # local midnight
        (utc(2026, 12, 1, 1, 59, 59), None),  # 08:59:59
        (utc(2026, 12, 1, 2, 0), dt.date(2026, 12, 1)),  # 09:00 local: that day
        (utc(2026, 12, 1, 9, 15), dt.date(2026, 12, 1)),
        (utc(2026, 12, 1, 16, 59, 59), dt.date(2026, 12, 1)),  # 23:59:59 local
        (utc(2026, 12, 1, 17, 0), None),  # 00:00 on 2 December: night again
        (utc(2026, 12, 31, 20, 0), None),  # 03:00 on New Year's Day
        (utc(2027, 1, 1, 3, 0), dt.date(2027, 1, 1)),
    ],
)
def test_reminders_go_from_nine_in_the_morning_in_vietnam(now: dt.datetime, expected: dt.date | None) -> None:
    assert sending_day(now, SAIGON) == expected


def test_the_sending_day_is_the_local_day_not_the_utc_one() -> None:
    """At 02:00 UTC it is already 09:00 the next local day when UTC is still on the 30th."""
    assert sending_day(utc(2026, 11, 30, 2, 0), SAIGON) == dt.date(2026, 11, 30)
    evening_utc = utc(2026, 11, 30, 18, 0)  # 01:00 on 1 December in Vietnam
    assert sending_day(evening_utc, ZoneInfo("UTC")) == dt.date(2026, 11, 30)  # 18:00 in UTC: past nine
    assert sending_day(evening_utc, SAIGON) is None


def test_the_same_instant_in_any_offset_gives_the_same_day() -> None:
    instant = utc(2026, 12, 1, 2, 30)
    for shown_in in (dt.UTC, SAIGON, TOKYO, dt.timezone(dt.timedelta(hours=-5))):
        assert sending_day(instant.astimezone(shown_in), SAIGON) == dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("tz", "now", "expected"),
    [
        (TOKYO, utc(2026, 12, 1, 0, 0), dt.date(2026, 12, 1)),  # 09:00 in Tokyo
        (TOKYO, utc(2026, 11, 30, 23, 59), None),  # 08:59 in Tokyo
        (PARIS, utc(2026, 7, 1, 7, 0), dt.date(2026, 7, 1)),  # 09:00 summer time (UTC+2)
        (PARIS, utc(2026, 12, 1, 7, 0), None),  # 08:00 winter time (UTC+1)
        (PARIS, utc(2026, 12, 1, 8, 0), dt.date(2026, 12, 1)),
    ],
)
def test_the_bots_time_zone_decides_the_morning(
    tz: ZoneInfo, now: dt.datetime, expected: dt.date | None
) -> None:
    assert sending_day(now, tz) == expected


def test_a_trials_seven_day_reminder_waits_for_the_vietnamese_morning() -> None:
    """The whole path: early on 1 December in Vietnam nothing goes; at 09:00 the 7-day reminder
    for a trial ending (exclusively) on 8 December is due."""
    assert sending_day(utc(2026, 11, 30, 23, 30), SAIGON) is None
    today = sending_day(utc(2026, 12, 1, 2, 0), SAIGON)
    assert today == dt.date(2026, 12, 1)
    assert due_reminder(ENDS_ON, today) == 7
    assert ENDS_ON in ends_with_reminder_due(today)
