"""Step 7: P2 — a solution joining a workspace period that ends within the catalogue's
threshold: pay only those days, or those days and the next full period. Both totals and their
periods come from the engine's quote options."""

from __future__ import annotations

from dataclasses import replace

from billing_core.cart import PRORATION_OPTIONS
from billing_core.quote import Quote
from conversations.cart_quote import quote_for
from conversations.context import Context
from conversations.outcomes import Answered, Outcome
from conversations.phrases import money, period
from conversations.screens import Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler
from locales import N_

LABELS = {"current_period": N_("Current period only"), "current_and_next": N_("Current and next period")}


def proration_offered(state: State, ctx: Context) -> bool:
    result = quote_for(replace(state, cart=replace(state.cart, proration=None)), ctx)
    return isinstance(result, Quote) and bool(result.options)


def clear_proration(state: State) -> State:
    return replace(state, cart=replace(state.cart, proration=None))


class ProrationStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        result = quote_for(state, ctx)
        options = result.options if isinstance(result, Quote) else ()
        text = [
            t.gettext(
                "Fewer than {days} days are left in the current period. What would you like to pay now?"
            ).format(days=ctx.catalogue.proration_choice_below_days)
        ]
        for option in options:
            text.append(
                t.gettext("{option}: {total}").format(
                    option=t.gettext(LABELS[option.id]), total=money(t, option.total)
                )
            )
            text += ["  " + period(t, p) for p in option.periods]
        choices = tuple(Choice(t.gettext(LABELS[o.id]), "pick", o.id) for o in options)
        return Screen("\n".join(text), (choices,))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action != "pick" or arg not in PRORATION_OPTIONS:
            return None
        return Answered(replace(state, cart=replace(state.cart, proration=arg)))
