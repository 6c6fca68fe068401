"""The engine's fixes (`Refusal.fix`): the button that offers one, and what tapping it does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from billing_core.periods import Cycle
from billing_core.refusals import Fix, Scalar
from conversations.context import Context
from conversations.phrases import cycle_name, months, solution_name, tier_name, users
from conversations.positions import At, Step
from conversations.state import Line, State
from locales import Translator


def fix_label(t: Translator, ctx: Context, state: State, fix: Fix) -> str:
    catalogue = ctx.catalogue
    value = fix.value
    if fix.action == "set_seats" and isinstance(value, int):
        return users(t, value)
    if fix.action == "set_cycle" and isinstance(value, str):
        return t.gettext("Pay {cycle}").format(cycle=cycle_name(t, value))
    if fix.action == "set_tier" and isinstance(value, str) and fix.solution:
        return t.gettext("Choose {tier}").format(tier=tier_name(t, catalogue, fix.solution, value))
    if fix.action == "set_months" and isinstance(value, int):
        return t.gettext("Prepay {months}").format(months=months(t, value))
    if fix.action == "add_line" and fix.line is not None:
        solution, tier = str(fix.line["solution"]), str(fix.line["tier"])
        if _is_held_tier(state, solution, tier):
            return t.gettext("Add {solution} ({cycle}) to this order").format(
                solution=solution_name(t, catalogue, solution), cycle=cycle_name(t, str(fix.line["cycle"]))
            )
        return t.gettext("Add {solution} {tier}").format(
            solution=solution_name(t, catalogue, solution), tier=tier_name(t, catalogue, solution, tier)
        )
    return t.gettext("Continue without a code")  # remove_coupon


def apply_fix(state: State, ctx: Context, fix: Fix) -> State:
    """The state with the fix applied to the cart."""
    cart = state.cart
    value = fix.value
    if fix.action == "set_seats" and isinstance(value, int) and fix.solution:
        cart = cart.replace_line(fix.solution, seats=value)
    elif fix.action == "set_cycle" and isinstance(value, str):
        cycle = Cycle(value)
        targets = (fix.solution,) if fix.solution else cart.solutions
        cart = replace(
            cart, lines=tuple(replace(x, cycle=cycle) if x.solution in targets else x for x in cart.lines)
        )
    elif fix.action == "set_tier" and isinstance(value, str) and fix.solution:
        cart = cart.replace_line(fix.solution, tier=value)
    elif fix.action == "set_months" and isinstance(value, int):
        cart = replace(cart, months=value)
    elif fix.action == "add_line" and fix.line is not None:
        return _add_line(state, ctx, fix.line)
    elif fix.action == "remove_coupon":
        cart = replace(cart, coupon=None)
    return replace(state, cart=cart)


def _add_line(state: State, ctx: Context, data: Mapping[str, Scalar]) -> State:
    """D1/D2/S2/Y2: put a line into the cart (or update it). A line for what the customer
    already holds at that tier (a renewal, a cycle switch) needs no tier or seats question."""
    catalogue = ctx.catalogue
    solution, tier = str(data["solution"]), str(data["tier"])
    seats = data.get("seats") if catalogue.solutions[solution].seats_chosen else None
    cycles_chosen = all(x.cycle for x in state.cart.lines)
    line = Line(
        solution,
        tier,
        seats if isinstance(seats, int) else None,
        Cycle(str(data["cycle"])) if cycles_chosen else None,
    )
    others = [x for x in state.cart.lines if x.solution != solution]
    lines = sorted([*others, line], key=lambda x: catalogue.solutions[x.solution].order)
    done = state.done
    if _is_held_tier(state, solution, tier):
        done |= {At(Step.TIER, solution).key, At(Step.SEATS, solution).key}
    return replace(state, cart=replace(state.cart, lines=tuple(lines)), done=done)


def _is_held_tier(state: State, solution: str, tier: str) -> bool:
    held = state.customer.holding(solution) if state.customer else None
    return held is not None and held.tier == tier
