"""A quote request: today, what the customer holds, and the cart they are building."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from billing_core.coupons import CouponEntry
from billing_core.holdings import Holding
from billing_core.periods import Cycle

PRORATION_OPTIONS = ("current_period", "current_and_next")


class RequestError(ValueError):
    """A request the engine cannot read (unknown solution, missing field): not a rule's "no"."""


@dataclass(frozen=True, slots=True)
class CartLine:
    solution: str
    tier: str
    cycle: Cycle
    seats: int | None = None


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    today: dt.date
    cart: tuple[CartLine, ...]
    holdings: tuple[Holding, ...] = ()
    trial_activated_seats: int | None = None
    addons: Mapping[str, int] = field(default_factory=dict)
    months: int = 1
    coupon: CouponEntry | None = None
    proration_option: str | None = None

    def holding(self, solution: str) -> Holding | None:
        return next((h for h in self.holdings if h.solution == solution), None)

    def line(self, solution: str) -> CartLine | None:
        return next((c for c in self.cart if c.solution == solution), None)
