"""The engine's view of the cart: a QuoteRequest, its quote, and its refusals for one field.

Every price and every "no" the conversation shows comes from `billing_core.quote`. A step
asked before later answers exist (seats before the cycle, say) is judged on a request whose
missing answers are stand-ins that cannot be refused — what the customer holds, the first
tier sold, the base's cycle — and only the refusals of the field being asked count.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.periods import Cycle
from billing_core.quote import Blocked, Quote, quote
from billing_core.refusals import Refusal
from billing_core.rules import covers_bundle
from conversations.context import Context
from conversations.state import Customer, Line, State

NO_CUSTOMER = Customer()


def request_for(state: State, ctx: Context, *, with_coupon: bool = False) -> QuoteRequest:
    """The cart as a quote request; unanswered parts are stand-ins (see the module's note)."""
    customer = state.customer or NO_CUSTOMER
    cart = state.cart
    return QuoteRequest(
        today=ctx.today(),
        cart=tuple(_cart_line(ctx.catalogue, customer, state, line) for line in cart.lines),
        holdings=customer.renewal_holdings(cart) or customer.holdings,
        trial_activated_seats=customer.trial_activated_seats,
        addons={addon: count for addon, count in cart.addons if count},
        months=cart.months or 1,
        coupon=cart.coupon if with_coupon else None,
        proration_option=cart.proration,
    )


# One update quotes the same cart several times (the step's check, the next screen's prices,
# a typed label matched against the screen's buttons). The quote is a pure function of the
# catalogue and the request, so the last few are kept; the catalogue is kept with each one so
# that its id cannot be reused by another catalogue while the entry lives.
_RECENT: OrderedDict[tuple[int, str], tuple[Catalogue, Quote | Blocked]] = OrderedDict()
RECENT_QUOTES = 32


def quote_for(state: State, ctx: Context, *, with_coupon: bool = False) -> Quote | Blocked:
    request = request_for(state, ctx, with_coupon=with_coupon)
    key = (id(ctx.catalogue), repr(request))
    kept = _RECENT.get(key)
    if kept is not None and kept[0] is ctx.catalogue:
        _RECENT.move_to_end(key)
        return kept[1]
    result = quote(ctx.catalogue, request)
    _RECENT[key] = (ctx.catalogue, result)
    if len(_RECENT) > RECENT_QUOTES:
        _RECENT.popitem(last=False)
    return result


def refusals_for(
    state: State,
    ctx: Context,
    fields: Collection[str],
    solution: str | None = None,
    *,
    with_coupon: bool = False,
) -> tuple[Refusal, ...]:
    """The engine's refusals of `fields` (for `solution`, or cart-wide ones), if any."""
    result = quote_for(state, ctx, with_coupon=with_coupon)
    if isinstance(result, Quote):
        return ()
    return tuple(
        r
        for r in result.refusals
        if r.field in fields and (solution is None or r.solution in (solution, None))
    )


def _cart_line(catalogue: Catalogue, customer: Customer, state: State, line: Line) -> CartLine:
    solution = catalogue.solutions[line.solution]
    held = customer.holding(line.solution)
    tier = line.tier
    if tier is None:
        held_tier = solution.tier(held.tier) if held else None
        tier = held_tier.id if held_tier and held_tier.sellable else solution.sellable_tiers[0].id
    seats = None
    if solution.seats_chosen:  # else S2: the engine fills it
        assert solution.seats is not None
        seats = line.seats or (held.seats if held else None) or solution.seats.min or 1
    return CartLine(
        line.solution, tier, line.cycle or _stand_in_cycle(catalogue, customer, state, line), seats
    )


def _stand_in_cycle(catalogue: Catalogue, customer: Customer, state: State, line: Line) -> Cycle:
    if covers_bundle(catalogue, state.cart.solutions) and catalogue.bundle_cycles:
        return Cycle(catalogue.bundle_cycles[0])
    for solution in (line.solution, catalogue.base_solution):
        held = customer.holding(solution)
        if held is not None and held.is_paid_and_running:
            return held.cycle
    return Cycle.MONTHLY
