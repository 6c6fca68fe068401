"""What a customer already has: a snapshot of each subscription, as the engine sees it."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from billing_core.periods import Cycle, Period


class Status(enum.StrEnum):
    ACTIVE = "active"
    TRIAL = "trial"
    EXPIRED = "expired"
    LOCKED = "locked"
    FREE = "free"


@dataclass(frozen=True, slots=True)
class Holding:
    """One solution the customer holds, with its current (or last) period."""

    solution: str
    tier: str
    seats: int | None
    cycle: Cycle
    period: Period
    status: Status
    anchor_day: int | None = None  # the day of the month it renews on, when stored (Y5)
    paid_until: dt.date | None = None  # past the period's end when the next one is already paid

    @property
    def paid_period(self) -> Period:
        """The current period and any renewal already paid after it: a renewal comes next."""
        if self.paid_until is None or self.paid_until <= self.period.end:
            return self.period
        return Period(self.period.start, self.paid_until)

    @property
    def renewed_ahead(self) -> bool:
        """The next period is paid already (a manual or automatic renewal, V1)."""
        return self.paid_period != self.period

    @property
    def is_paid_and_running(self) -> bool:
        return self.status is Status.ACTIVE
