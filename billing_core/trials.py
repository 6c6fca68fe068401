"""Trials (T1–T3): their length, what a solution becomes after one, and the S4 seat floor."""

from __future__ import annotations

import datetime as dt

from billing_core.catalogue import Catalogue
from billing_core.holdings import Status
from billing_core.periods import Period


def trial_period(catalogue: Catalogue, start: dt.date) -> Period:
    """T1: a trial of the catalogue's length (30 days for Cleeksy) from `start`."""
    return Period(start, start + dt.timedelta(days=catalogue.trial_days))


def status_after_trial(catalogue: Catalogue, solution: str) -> Status:
    """T2: workspace falls back to free; Process and App Builder are locked until paid."""
    return Status.FREE if catalogue.solutions[solution].after_trial == "free" else Status.LOCKED


def days_left(period: Period, today: dt.date) -> int:
    """Whole days of a trial left, counting today; 0 once it has ended."""
    return max(0, (period.end - today).days)


def fall_back_day(catalogue: Catalogue, expired_on: dt.date) -> dt.date:
    """The first day after D2's window: an expired subscription not bought again by then falls back."""
    return expired_on + dt.timedelta(days=catalogue.expired_renewal_window_days)
