"""Price planned lines: list price → yearly 20% (Y1) → bundle 10% (Y4) → coupon (K2) → VAT (K3).

Every step is computed per line and rounded half-up once (K4); the quote shows each step as
its own line, sums the rounded lines, and computes VAT per rate on the discounted net.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from billing_core.catalogue import Catalogue, VatRate
from billing_core.coupons import CouponEntry, check_coupon_fit, check_coupon_standing
from billing_core.money import Money, percent_of, prorate, split_proportionally
from billing_core.periods import Cycle, Period
from billing_core.plan import PlannedLine
from billing_core.refusals import Refusal


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One priced line: what it is, the days it covers, and each discount step."""

    planned: PlannedLine
    amount: Money  # list price for the charged days (negative for a credit)
    yearly_discount: Money = 0
    bundle_discount: Money = 0
    coupon_discount: Money = 0

    @property
    def net(self) -> Money:
        return self.amount - self.yearly_discount - self.bundle_discount - self.coupon_discount

    @property
    def before_coupon(self) -> Money:
        return self.amount - self.yearly_discount - self.bundle_discount

    @property
    def charged(self) -> Period:
        return self.planned.charged


@dataclass(frozen=True, slots=True)
class DiscountLine:
    kind: str  # yearly | bundle | coupon
    amount: Money
    percent: int | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: VatRate
    base: Money
    amount: Money


@dataclass(frozen=True, slots=True)
class Priced:
    lines: tuple[QuoteLine, ...]
    discounts: tuple[DiscountLine, ...]
    vat: tuple[VatLine, ...]

    @property
    def subtotal(self) -> Money:
        return sum(line.amount for line in self.lines)

    @property
    def before_tax(self) -> Money:
        return sum(line.net for line in self.lines)

    @property
    def total(self) -> Money:
        return self.before_tax + sum(v.amount for v in self.vat)


def _before_coupon(catalogue: Catalogue, p: PlannedLine, bundle: bool) -> QuoteLine:
    """The list price for the charged days, then the yearly (Y1) and bundle (Y4) steps."""
    amount = prorate(p.full.list, p.charged_days, p.period_days)
    if p.kind == "credit" or amount <= 0:
        return QuoteLine(p, amount)
    yearly = 0
    if p.cycle is Cycle.YEARLY:
        yearly = (
            amount - prorate(p.full.yearly_net, p.charged_days, p.period_days)
            if p.full.yearly_net is not None
            else percent_of(amount, catalogue.yearly_percent)
        )
    bundled = percent_of(amount - yearly, catalogue.bundle_percent) if bundle else 0
    return QuoteLine(p, amount, yearly_discount=yearly, bundle_discount=bundled)


def _apply_coupon(lines: list[QuoteLine], entry: CouponEntry) -> list[QuoteLine] | Refusal:
    coupon = entry.coupon
    assert coupon is not None
    eligible = [
        i
        for i, q in enumerate(lines)
        if q.planned.kind != "credit"
        and q.before_coupon > 0
        and coupon.applies_to(q.planned.solution, q.planned.tier, q.planned.cycle.value)
    ]
    eligible_amount = sum(lines[i].before_coupon for i in eligible)
    refusal = check_coupon_fit(entry, eligible_amount, sum(q.before_coupon for q in lines))
    if refusal:
        return refusal
    if coupon.percent_off is not None:
        shares = [percent_of(lines[i].before_coupon, coupon.percent_off) for i in eligible]
    else:
        assert coupon.amount_off is not None
        shares = split_proportionally(
            min(coupon.amount_off, eligible_amount), [lines[i].before_coupon for i in eligible]
        )
    out = list(lines)
    for i, share in zip(eligible, shares, strict=True):
        q = out[i]
        out[i] = QuoteLine(q.planned, q.amount, q.yearly_discount, q.bundle_discount, share)
    return out


def _cap_credits(lines: list[QuoteLine]) -> list[QuoteLine]:
    """A credit never takes a solution's net below zero."""
    if all(q.planned.kind != "credit" for q in lines):
        return lines
    out = []
    for q in lines:
        if q.planned.kind == "credit":
            others = sum(o.net for o in lines if o.planned.solution == q.planned.solution and o is not q)
            q = replace(q, amount=max(q.amount, -max(others, 0)))
        out.append(q)
    return out


def price(
    catalogue: Catalogue,
    planned: Sequence[PlannedLine],
    bundle: bool,
    coupon: CouponEntry | None,
    today: dt.date,
) -> Priced | Refusal:
    """Apply K1's steps in order to planned lines; a coupon that does not fit is refused."""
    lines = [_before_coupon(catalogue, p, bundle) for p in planned]
    if coupon is not None:
        refusal = check_coupon_standing(coupon, today)
        if refusal:
            return refusal
        applied = _apply_coupon(lines, coupon)
        if isinstance(applied, Refusal):
            return applied
        lines = applied
    lines = _cap_credits(lines)
    discounts = []
    for kind, percent, code, amount in (
        ("yearly", catalogue.yearly_percent or None, None, sum(q.yearly_discount for q in lines)),
        ("bundle", catalogue.bundle_percent, None, sum(q.bundle_discount for q in lines)),
        (
            "coupon",
            coupon.coupon.percent_off if coupon and coupon.coupon else None,
            coupon.code if coupon else None,
            sum(q.coupon_discount for q in lines),
        ),
    ):
        if amount:
            discounts.append(DiscountLine(kind, amount, percent, code))
    by_rate: dict[str, tuple[VatRate, Money]] = {}
    for q in lines:
        rate = q.planned.vat
        by_rate[rate.code] = (rate, by_rate.get(rate.code, (rate, 0))[1] + q.net)
    vat = tuple(VatLine(rate, base, percent_of(base, rate.percent)) for rate, base in by_rate.values())
    return Priced(tuple(lines), tuple(discounts), vat)
