"""Step 6: monthly or yearly, with each total and the yearly saving (Y1). A cycle the engine
blocks (Y2–Y4) stays on screen, marked; tapping it explains why and offers the fix."""

from __future__ import annotations

from dataclasses import replace

from billing_core.explanations import explain
from billing_core.periods import Cycle
from billing_core.quote import Blocked, Quote
from billing_core.refusals import Refusal
from conversations.cart_quote import quote_for, refusals_for
from conversations.context import Context
from conversations.outcomes import Outcome
from conversations.phrases import cycle_name, money
from conversations.screens import Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler
from locales import N_, Translator

LABELS = {Cycle.MONTHLY: N_("Monthly"), Cycle.YEARLY: N_("Yearly")}
LOCKED = "🔒 "


def with_cycle(state: State, cycle: Cycle) -> State:
    """Every line of the cart billed `cycle` (one choice for the whole order)."""
    return replace(
        state, cart=replace(state.cart, lines=tuple(replace(x, cycle=cycle) for x in state.cart.lines))
    )


class CycleStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        results = {cycle: quote_for(with_cycle(state, cycle), ctx) for cycle in Cycle}
        text = [t.gettext("How would you like to pay?")]
        notices = next((r.notices for r in results.values() if isinstance(r, Quote)), ())
        text += [explain(t, ctx.catalogue, n) for n in notices]
        text += [_offer(t, cycle, result) for cycle, result in results.items()]
        text.append(t.gettext("Amounts include VAT."))
        choices = tuple(
            Choice(
                (LOCKED if isinstance(result, Blocked) else "") + t.gettext(LABELS[cycle]),
                "pick",
                cycle.value,
            )
            for cycle, result in results.items()
        )
        return Screen("\n".join(text), (choices,))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action != "pick" or arg not in tuple(Cycle):
            return None
        return self.judge(with_cycle(state, Cycle(arg)), ctx, subject)

    def check(self, state: State, ctx: Context, subject: str) -> tuple[Refusal, ...]:
        return refusals_for(state, ctx, {"cycle"})


def _offer(t: Translator, cycle: Cycle, result: Quote | Blocked) -> str:
    name = cycle_name(t, cycle)
    label = name[:1].upper() + name[1:]
    if isinstance(result, Blocked):
        return t.gettext("{cycle}: not available for this order (tap it to see why)").format(cycle=label)
    offer = t.gettext("{cycle}: {amount}").format(cycle=label, amount=money(t, result.total))
    saving = next((d for d in result.discounts if d.kind == "yearly"), None)
    if saving is not None and saving.percent:
        offer += ", " + t.gettext("you save {amount} ({percent}% of the service fee)").format(
            amount=money(t, saving.amount), percent=saving.percent
        )
    elif saving is not None:  # a plan with its own yearly price (C5)
        offer += ", " + t.gettext("you save {amount}").format(amount=money(t, saving.amount))
    return offer
