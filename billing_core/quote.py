"""The quote: the one function that says what a cart costs, or why it cannot be bought."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from billing_core.cart import QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.money import Money
from billing_core.periods import Period
from billing_core.plan import Planner
from billing_core.pricing import DiscountLine, Priced, QuoteLine, VatLine, price
from billing_core.refusals import Notice, Refusal
from billing_core.rules import check, check_shape, fill_seats, is_bundle, months_notice


@dataclass(frozen=True, slots=True)
class ProrationOption:
    """P2: one of the two ways to pay for a line that joins a period ending soon."""

    id: str  # current_period | current_and_next
    total: Money
    periods: tuple[Period, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    request: QuoteRequest
    priced: Priced
    bundle: bool
    notices: tuple[Notice, ...] = ()
    options: tuple[ProrationOption, ...] = ()
    proration_option: str | None = None
    quotas: Mapping[str, int] = field(default_factory=dict)

    @property
    def lines(self) -> tuple[QuoteLine, ...]:
        return self.priced.lines

    @property
    def discounts(self) -> tuple[DiscountLine, ...]:
        return self.priced.discounts

    @property
    def vat(self) -> tuple[VatLine, ...]:
        return self.priced.vat

    @property
    def subtotal(self) -> Money:
        return self.priced.subtotal

    @property
    def before_tax(self) -> Money:
        return self.priced.before_tax

    @property
    def total(self) -> Money:
        return self.priced.total

    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(dict.fromkeys(q.charged for q in self.lines))


@dataclass(frozen=True, slots=True)
class Blocked:
    """The cart cannot be bought as it is: each refusal with its rule, reason and fix."""

    refusals: tuple[Refusal, ...]


def quote(catalogue: Catalogue, request: QuoteRequest) -> Quote | Blocked:
    """Price a cart for a customer on a day, or say every reason it cannot be bought.

    Raises RequestError for a request the engine cannot read (unknown ids, missing fields).
    """
    check_shape(catalogue, request)
    request, notices = fill_seats(catalogue, request)
    changes, refusals = check(catalogue, request)
    if refusals:
        return Blocked(tuple(refusals))
    notices += months_notice(catalogue, request, changes)
    planner = Planner(catalogue, request, changes)
    offered = any((c := planner.proration(line)) and c.offered for line in request.cart)
    chosen = (request.proration_option or "current_period") if offered else None
    bundle = is_bundle(catalogue, request)

    def priced_for(option: str) -> Priced | Refusal:
        return price(catalogue, planner.plan(option), bundle, request.coupon, request.today)

    result = priced_for(chosen or "current_period")
    if isinstance(result, Refusal):
        return Blocked((result,))
    options: list[ProrationOption] = []
    if offered:
        for option in ("current_period", "current_and_next"):
            alt = result if option == chosen else priced_for(option)
            assert not isinstance(alt, Refusal)
            options.append(
                ProrationOption(option, alt.total, tuple(dict.fromkeys(q.charged for q in alt.lines)))
            )
    quotas: dict[str, int] = {}
    for q in result.lines:
        for k, v in q.planned.quotas.items():
            quotas[k] = quotas.get(k, 0) + v
    return Quote(request, result, bundle, tuple(notices), tuple(options), chosen, quotas)
