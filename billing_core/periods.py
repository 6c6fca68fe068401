"""Calendar billing periods (Y5).

A period is half-open, [start, end), in whole calendar days of Asia/Ho_Chi_Minh. It ends on
the same day of the month one month (or one year) later, clamped to that month's last day,
and later periods keep the original anchor day: monthly from 31 Jan 2024 runs
[2024-01-31, 2024-02-29), then [2024-02-29, 2024-03-31). People see an inclusive last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Cycle(enum.StrEnum):
    """A billing cycle, ordered monthly < yearly (Y2)."""

    MONTHLY = "monthly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return 1 if self is Cycle.MONTHLY else 12

    @property
    def rank(self) -> int:
        return 0 if self is Cycle.MONTHLY else 1


def add_months(anchor: dt.date, months: int, day: int | None = None) -> dt.date:
    """The anchor's day (or `day`) `months` later, clamped to the month's last day (Y5)."""
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day or anchor.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open range of calendar days, [start, end)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty period {self.start}..{self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def months(self) -> int:
        """Whole calendar months spanned by an anchored period (1, 3, 12, …)."""
        return max(1, (self.end.year - self.start.year) * 12 + self.end.month - self.start.month)

    @property
    def last_day(self) -> dt.date:
        """The inclusive last day people are shown."""
        return self.end - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def billing_period(
    anchor: dt.date, cycle: Cycle, index: int = 0, count: int = 1, day: int | None = None
) -> Period:
    """The `index`-th period of `count` cycles from `anchor`, keeping the anchor day (Y5, Y6)."""
    step = cycle.months * count
    return Period(add_months(anchor, step * index, day), add_months(anchor, step * (index + 1), day))


def anchor_of(period: Period, anchor_day: int | None = None) -> int:
    """The day of the month a subscription renews on (Y5).

    Stored with the subscription when known. Otherwise it is read off the period: clamping
    only ever shortens a day of the month, so it is the larger of the start's and the end's
    ([2024-02-29, 2024-03-31) was anchored on the 31st). A period clamped at both ends
    ([2024-02-29, 2025-02-28), anchored on the 31st) loses it, hence the stored value.
    """
    return anchor_day or max(period.start.day, period.end.day)


def next_period(current: Period, cycle: Cycle, count: int = 1, anchor_day: int | None = None) -> Period:
    """The period after `current`, keeping its anchor day (Y5)."""
    return Period(current.end, add_months(current.end, cycle.months * count, anchor_of(current, anchor_day)))


def period_containing(outer: Period, cycle: Cycle, day: dt.date, anchor_day: int | None = None) -> Period:
    """The `cycle` period inside `outer`, sharing its anchor day, that contains `day`.

    A monthly Process on a yearly workspace runs in the workspace's monthly steps.
    """
    if not outer.contains(day):
        raise ValueError(f"{day} is outside {outer}")
    anchor_day = anchor_of(outer, anchor_day)
    months = (day.year - outer.start.year) * 12 + day.month - outer.start.month
    index = max(0, months // cycle.months - 1)
    period = billing_period(outer.start, cycle, index, day=anchor_day)
    while not period.contains(day):
        index += 1
        period = billing_period(outer.start, cycle, index, day=anchor_day)
    return Period(period.start, min(period.end, outer.end))


def local_today(now: dt.datetime, tz: ZoneInfo = VIETNAM_TZ) -> dt.date:
    """The calendar day of an aware instant in the billing timezone."""
    if now.tzinfo is None:
        raise ValueError("naive datetime: pass an aware instant")
    return now.astimezone(tz).date()
