"""Step 2: the solution, or the bundle of all of them. One that needs another first (D1, D2)
is refused with the engine's reason and its fix (add the workspace line)."""

from __future__ import annotations

from dataclasses import replace

from billing_core.refusals import Refusal
from conversations.cart_quote import refusals_for
from conversations.context import Context
from conversations.entry import new_line
from conversations.outcomes import Outcome
from conversations.screens import Choice, Screen
from conversations.state import Customer, State
from conversations.steps.base import Handler

BUNDLE = "bundle"


class SolutionStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t, catalogue = ctx.translator(state.locale), ctx.catalogue
        sold = sorted((s for s in catalogue.solutions.values() if s.sellable_tiers), key=lambda s: s.order)
        rows = [(Choice(t.gettext(s.name), "pick", s.id),) for s in sold]
        text = t.gettext("Which solution would you like to buy?")
        if catalogue.bundle_solutions:
            count = len(catalogue.bundle_solutions)
            rows.append((Choice(t.gettext("All {count} solutions").format(count=count), "pick", BUNDLE),))
            text += "\n" + t.gettext(
                "Buying all {count} solutions together takes {percent}% more off."
            ).format(count=count, percent=catalogue.bundle_percent)
        return Screen(text, tuple(rows))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        catalogue = ctx.catalogue
        if action != "pick":
            return None
        chosen = catalogue.bundle_solutions if arg == BUNDLE else (arg,) if arg in catalogue.solutions else ()
        if not chosen:
            return None
        customer = state.customer or Customer()
        # The cycle is one choice for the whole order: a solution added later takes it too.
        cycles = {x.cycle for x in state.cart.lines}
        cycle = cycles.pop() if len(cycles) == 1 else None
        lines = tuple(
            state.cart.line(s) or new_line(catalogue, customer, s, cycle)
            for s in sorted(chosen, key=lambda s: catalogue.solutions[s].order)
        )
        return self.judge(replace(state, cart=replace(state.cart, lines=lines)), ctx, subject)

    def check(self, state: State, ctx: Context, subject: str) -> tuple[Refusal, ...]:
        return refusals_for(state, ctx, {"solution"})
