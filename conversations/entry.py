"""Ways into the purchase: the menu's "Buy", and deep links and entry buttons from trial
reminders and "My plan" ("upgrade", "renew", "add_seats", "add_solution"), each landing at the
right step with what the customer holds, or has on trial, filled in."""

from __future__ import annotations

from dataclasses import replace

from billing_core.catalogue import Catalogue
from billing_core.holdings import Status
from billing_core.periods import Cycle
from conversations.context import Context
from conversations.effects import LoadCustomer
from conversations.outcomes import Wait
from conversations.positions import At, Step
from conversations.renewal_entry import renewal_answers
from conversations.state import Cart, Customer, Line, State

BUY, UPGRADE, RENEW = "buy", "upgrade", "renew"
ADD_SEATS, ADD_SOLUTION = "add_seats", "add_solution"
ENTRIES = (BUY, UPGRADE, RENEW, ADD_SEATS, ADD_SOLUTION)
MENU_ENTRY = "menu"  # not a purchase: the menu, once the customer is loaded
RENEWABLE = (Status.ACTIVE, Status.EXPIRED, Status.LOCKED)  # paid plans, running or not


def begin(state: State, entry: str) -> Wait:
    """Load what the customer holds now, then enter the purchase (see `prepared`)."""
    return Wait(replace(state, pending_entry=entry), (LoadCustomer(),))


def new_line(catalogue: Catalogue, customer: Customer, solution: str, cycle: Cycle | None = None) -> Line:
    """A cart line for `solution`, prefilled from what the customer holds (not yet answered);
    `cycle` when the order's cycle is already chosen."""
    held = customer.holding(solution)
    seats = _prefilled_seats(catalogue, customer, solution)
    if held is None:
        return Line(solution, seats=seats, cycle=cycle)
    tier = catalogue.solutions[solution].tier(held.tier)
    return Line(
        solution,
        tier.id if tier and tier.sellable else None,
        seats,
        cycle or (held.cycle if held.is_paid_and_running else None),
    )


def _prefilled_seats(catalogue: Catalogue, customer: Customer, solution: str) -> int | None:
    """The users held, and for the base solution at least those activated during a trial (S4)."""
    if not catalogue.solutions[solution].seats_chosen:
        return None
    held = customer.holding(solution)
    floor = customer.trial_activated_seats if solution == catalogue.base_solution else None
    return max((held.seats if held else None) or 0, floor or 0) or None


def prepared(state: State, ctx: Context, entry: str) -> State:
    """A new purchase for `entry`: the cart and the steps already answered; the machine then
    goes to the first step still to answer."""
    catalogue, customer = ctx.catalogue, state.customer or Customer()
    fresh = replace(
        state,
        cart=Cart(),
        form=(),
        wants_vat=None,
        done=frozenset(),
        history=(At(Step.MENU).key,),
        offered=(),
        order=None,
        order_attempt=0,
        pending_entry=None,
    )
    base = customer.holding(catalogue.base_solution)
    if entry == ADD_SEATS and base is not None and base.is_paid_and_running:
        line = new_line(catalogue, customer, base.solution)
        answered = (At(Step.SOLUTION), At(Step.TIER, base.solution), At(Step.ADDONS), At(Step.CYCLE))
        return replace(fresh, cart=Cart((line,)), done=frozenset(x.key for x in answered))
    held = [h.solution for h in customer.holdings if _on_sale(catalogue, h.solution)]
    upgradable = list(dict.fromkeys((*held, *(s for s in customer.trials if _on_sale(catalogue, s)))))
    if entry == UPGRADE and upgradable:
        # T1: from a trial too; the tier is asked first, the users prefilled (S4).
        return replace(fresh, cart=_lines(ctx, customer, upgradable), done=frozenset({At(Step.SOLUTION).key}))
    paid = [h.solution for h in customer.holdings if h.status in RENEWABLE and h.solution in held]
    if entry == RENEW and paid:
        # The same tier, seats and (when still running) cycle; what is missing is asked.
        kept = (
            At(Step.SOLUTION),
            *(At(step, s) for s in paid for step in (Step.TIER, Step.SEATS)),
            At(Step.CYCLE),
        )
        if customer.renewing is not None:  # the lines as they will be that day (P3, Y3)
            customer = replace(customer, holdings=customer.renewed)
            paid = [s for s in paid if customer.holding(s) is not None]
            if not paid:  # everything ends as asked: nothing to renew
                return fresh
        renewal = replace(fresh, cart=_lines(ctx, customer, paid), done=frozenset(x.key for x in kept))
        return renewal_answers(renewal, customer)
    return fresh


def _on_sale(catalogue: Catalogue, solution: str) -> bool:
    found = catalogue.solutions.get(solution)
    return found is not None and bool(found.sellable_tiers)


def _lines(ctx: Context, customer: Customer, solutions: list[str]) -> Cart:
    ordered = sorted(solutions, key=lambda s: ctx.catalogue.solutions[s].order)
    return Cart(tuple(new_line(ctx.catalogue, customer, s) for s in ordered))
