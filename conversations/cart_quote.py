"""The engine's view of the cart: a QuoteRequest, its quote, and its refusals for one field.

Every price and every "no" the conversation shows comes from `billing_core.quote`. A step
asked before later answers exist (seats before the cycle, say) is judged on a request whose
missing answers are stand-ins that cannot be refused — what the customer holds, the first
tier sold, the base's cycle — and only the refusals of the field being asked count.
"""

from __future__ import annotations

from collections.abc import Collection

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.periods import Cycle
from billing_core.quote import Blocked, Quote, quote
from billing_core.refusals import Refusal
from conversations.context import Context
from conversations.state import Customer, Line, State

NO_CUSTOMER = Customer()


def is_bundle(catalogue: Catalogue, solutions: Collection[str]) -> bool:
    """Whether the cart holds every solution of the bundle (the engine prices it as Y4)."""
    return bool(catalogue.bundle_solutions) and set(catalogue.bundle_solutions) <= set(solutions)


def request_for(state: State, ctx: Context, *, with_coupon: bool = False) -> QuoteRequest:
    """The cart as a quote request; unanswered parts are stand-ins (see the module's note)."""
    customer = state.customer or NO_CUSTOMER
    cart = state.cart
    return QuoteRequest(
        today=ctx.today(),
        cart=tuple(_cart_line(ctx.catalogue, customer, state, line) for line in cart.lines),
        holdings=customer.holdings,
        trial_activated_seats=customer.trial_activated_seats,
        addons={addon: count for addon, count in cart.addons if count},
        months=cart.months or 1,
        coupon=cart.coupon if with_coupon else None,
        proration_option=cart.proration,
    )


def quote_for(state: State, ctx: Context, *, with_coupon: bool = False) -> Quote | Blocked:
    return quote(ctx.catalogue, request_for(state, ctx, with_coupon=with_coupon))


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
    if solution.seats is not None and not solution.seats.equal_to:  # S2: the engine fills it
        seats = line.seats or (held.seats if held else None) or solution.seats.min or 1
    return CartLine(
        line.solution, tier, line.cycle or _stand_in_cycle(catalogue, customer, state, line), seats
    )


def _stand_in_cycle(catalogue: Catalogue, customer: Customer, state: State, line: Line) -> Cycle:
    if is_bundle(catalogue, state.cart.solutions) and catalogue.bundle_cycles:
        return Cycle(catalogue.bundle_cycles[0])
    for solution in (line.solution, catalogue.base_solution):
        held = customer.holding(solution)
        if held is not None and held.is_paid_and_running:
            return held.cycle
    return Cycle.MONTHLY
