"""What a customer already has: a snapshot of each subscription, as the engine sees it."""

from __future__ import annotations

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

    @property
    def is_paid_and_running(self) -> bool:
        return self.status is Status.ACTIVE
