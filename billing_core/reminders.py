"""When trial reminders go out: 7, 3 and 1 days before a trial ends and on the day it ends (T1),
from 09:00 in the bot's time zone (`TIMEZONE`, Asia/Ho_Chi_Minh by default), never at night.

A trial "ends" when its exclusive `ends_on` day begins, so "1 day before" is its last day and
"on the day" (0) is the first day without it, when the customer is told what it became (T2).
A reminder is due only on its own day: one missed while the bot was down is not sent late with
a wrong count of days, except the end notice, which still goes out up to a week late.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

REMINDER_DAYS = (7, 3, 1, 0)
END_NOTICE_LATE_DAYS = 7
SEND_FROM = dt.time(9, 0)


def due_reminder(ends_on: dt.date, today: dt.date) -> int | None:
    """The reminder due today for a trial ending (exclusively) on `ends_on`: 7, 3, 1, 0 or None."""
    left = (ends_on - today).days
    if left in REMINDER_DAYS:
        return left
    if -END_NOTICE_LATE_DAYS < left < 0:
        return 0
    return None


def ends_with_reminder_due(today: dt.date) -> list[dt.date]:
    """The `ends_on` days that have a reminder due `today` (the query's filter)."""
    ahead = [today + dt.timedelta(days=d) for d in REMINDER_DAYS]
    late = [today - dt.timedelta(days=d) for d in range(1, END_NOTICE_LATE_DAYS)]
    return ahead + late


def sending_day(now: dt.datetime, tz: ZoneInfo) -> dt.date | None:
    """Today in `tz` once it is past SEND_FROM there; None before (reminders wait for morning)."""
    local = now.astimezone(tz)
    return local.date() if local.time() >= SEND_FROM else None
