"""Coupon validity (K2): percent or fixed VND, dates, limits, restrictions, minimum order.

Whether a code exists and how often it was used comes from storage; this module only judges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from billing_core.money import Money
from billing_core.refusals import Fix, Refusal


@dataclass(frozen=True, slots=True)
class Coupon:
    code: str
    percent_off: int | None = None
    amount_off: Money | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None  # inclusive
    max_redemptions: int | None = None
    max_per_customer: int | None = None
    solutions: frozenset[str] = frozenset()
    tiers: frozenset[str] = frozenset()
    cycles: frozenset[str] = frozenset()
    min_order: Money = 0
    active: bool = True

    def __post_init__(self) -> None:
        if (self.percent_off is None) == (self.amount_off is None):
            raise ValueError("a coupon takes exactly one of percent_off or amount_off")
        if self.percent_off is not None and not 0 < self.percent_off <= 100:
            raise ValueError("percent_off must be between 1 and 100")
        if self.amount_off is not None and self.amount_off <= 0:
            raise ValueError("amount_off must be positive")

    def applies_to(self, solution: str | None, tier: str | None, cycle: str) -> bool:
        """Whether a quote line (solution None: an add-on) is eligible."""
        if self.solutions and solution not in self.solutions:
            return False
        if self.tiers and tier not in self.tiers:
            return False
        return not self.cycles or cycle in self.cycles


@dataclass(frozen=True, slots=True)
class CouponUsage:
    """Redemptions already taken (paid, or reserved by other pending orders)."""

    total: int = 0
    by_customer: int = 0


@dataclass(frozen=True, slots=True)
class CouponEntry:
    """A code as typed by the customer and what storage knows of it (None: no such code)."""

    code: str
    coupon: Coupon | None
    usage: CouponUsage = CouponUsage()


def normalise_code(text: str) -> str:
    return "".join(text.split()).upper()


def _refuse(entry: CouponEntry, code: str, **numbers: str | int) -> Refusal:
    return Refusal(
        "K2", "coupon", f"K2.{code}", numbers={"code": entry.code, **numbers}, fix=Fix("remove_coupon")
    )


def check_coupon_standing(entry: CouponEntry, today: dt.date) -> Refusal | None:
    """The reasons a code cannot be used at all today, whatever the cart."""
    c = entry.coupon
    if c is None or not c.active:
        return _refuse(entry, "unknown" if c is None else "disabled")
    if c.valid_from and today < c.valid_from:
        return _refuse(entry, "not_started", valid_from=c.valid_from.isoformat())
    if c.valid_until and today > c.valid_until:
        return _refuse(entry, "expired", valid_until=c.valid_until.isoformat())
    if c.max_redemptions is not None and entry.usage.total >= c.max_redemptions:
        return _refuse(entry, "used_up")
    if c.max_per_customer is not None and entry.usage.by_customer >= c.max_per_customer:
        return _refuse(entry, "customer_limit", limit=c.max_per_customer)
    return None


def check_coupon_fit(entry: CouponEntry, eligible_amount: Money, order_amount: Money) -> Refusal | None:
    """The reasons a valid code does not fit this cart (restrictions, minimum order)."""
    assert entry.coupon is not None
    if eligible_amount <= 0:
        return _refuse(entry, "not_applicable")
    if order_amount < entry.coupon.min_order:
        return _refuse(entry, "min_order", min_order=entry.coupon.min_order)
    return None
