"""The catalogue as immutable values (C1–C5): solutions, tiers, add-ons, discounts, VAT, rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from billing_core.money import Money

VAT_RATES = ("10", "8", "5", "0", "KCT")


@dataclass(frozen=True, slots=True)
class VatRate:
    """A VAT rate as printed on an invoice: a percentage, or KCT (not subject to VAT, K3)."""

    code: str

    @property
    def percent(self) -> int:
        return 0 if self.code == "KCT" else int(self.code)


@dataclass(frozen=True, slots=True)
class ReducedVat:
    rate: VatRate
    start: dt.date
    until: dt.date  # inclusive, as decrees word it

    def applies_on(self, day: dt.date) -> bool:
        return self.start <= day <= self.until


@dataclass(frozen=True, slots=True)
class VatSchedule:
    default: VatRate
    reduced: tuple[ReducedVat, ...] = ()

    def rate_on(self, day: dt.date) -> VatRate:
        for period in self.reduced:
            if period.applies_on(day):
                return period.rate
        return self.default


@dataclass(frozen=True, slots=True)
class Tier:
    """A tier of a solution (C2, C3): per-seat monthly price, or a flat plan price (C5)."""

    id: str
    name: str
    rank: int
    sellable: bool
    features: tuple[str, ...]
    price_per_seat_month: Money | None = None
    price_month: Money | None = None
    price_year: Money | None = None
    quotas: Mapping[str, int] = field(default_factory=dict)

    @property
    def per_seat(self) -> bool:
        return self.price_per_seat_month is not None

    def monthly_price(self, seats: int) -> Money:
        if self.price_per_seat_month is not None:
            return self.price_per_seat_month * seats
        assert self.price_month is not None
        return self.price_month

    def explicit_yearly_price(self, seats: int) -> Money | None:
        """A plan's own yearly price (C5), when the catalogue names one."""
        if self.price_year is None:
            return None
        return self.price_year * (seats if self.per_seat else 1)


@dataclass(frozen=True, slots=True)
class SeatRule:
    """Seat constraints of a solution: S1 (min on the base), S2 (equal_to), S3 (at_most)."""

    min: int | None = None
    equal_to: str | None = None
    at_most: str | None = None


@dataclass(frozen=True, slots=True)
class Solution:
    id: str
    name: str
    order: int
    tiers: tuple[Tier, ...]
    after_trial: str  # "free" or "locked" (T2)
    requires: str | None = None  # D1
    seats: SeatRule | None = None  # None: not sold by seat (C5)
    cycle_at_most: str | None = None  # Y2
    raise_base_cycle: bool = False  # Y2 fix: move the base up rather than this line down
    vat: VatRate | None = None
    _by_id: Mapping[str, Tier] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {t.id: t for t in self.tiers})

    def tier(self, tier_id: str) -> Tier | None:
        return self._by_id.get(tier_id)

    @property
    def sellable_tiers(self) -> tuple[Tier, ...]:
        return tuple(t for t in self.tiers if t.sellable)

    @property
    def seats_chosen(self) -> bool:
        """Whether the customer chooses this solution's users: sold by seat (C5) and not fixed
        to another solution's count (S2)."""
        return self.seats is not None and not self.seats.equal_to


@dataclass(frozen=True, slots=True)
class Addon:
    """A block-sold add-on ("Dung lượng mở rộng", C4)."""

    id: str
    name: str
    block: str
    price_per_block_month: Money
    order: int
    vat: VatRate | None = None


@dataclass(frozen=True, slots=True)
class Catalogue:
    id: str
    name: str
    source: str
    base_solution: str
    trial_days: int
    prepay_months: tuple[int, ...]
    yearly_percent: int
    bundle_percent: int
    dependent_min_base_tier: str
    expired_renewal_window_days: int
    proration_choice_below_days: int
    bundle_solutions: tuple[str, ...]
    bundle_cycles: tuple[str, ...]
    vat: VatSchedule
    solutions: Mapping[str, Solution]
    addons: Mapping[str, Addon]
    quotas: Mapping[str, str]

    @property
    def base(self) -> Solution:
        return self.solutions[self.base_solution]

    def vat_for(self, item: Solution | Addon, day: dt.date) -> VatRate:
        return item.vat or self.vat.rate_on(day)

    def translatable_strings(self) -> list[str]:
        """Every name and feature a customer may see, for the gettext catalogues."""
        found: list[str] = [self.name]
        for solution in self.solutions.values():
            found.append(solution.name)
            for tier in solution.tiers:
                found += [tier.name, *tier.features]
        for addon in self.addons.values():
            found += [addon.name, addon.block]
        found += list(self.quotas.values())
        return list(dict.fromkeys(found))
