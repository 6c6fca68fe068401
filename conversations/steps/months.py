"""Step 6b: how many months to prepay a monthly plan (Y6), when the catalogue offers several
and they count for this order."""

from __future__ import annotations

from dataclasses import replace

from billing_core.quote import Quote
from billing_core.refusals import Refusal
from billing_core.rules import MAX_MONTHS
from conversations.cart_quote import quote_for, refusals_for
from conversations.context import Context
from conversations.inputs import parse_count
from conversations.outcomes import Outcome, Stay
from conversations.phrases import money, months
from conversations.screens import Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler

# The engine reads 1..120 months (rules.check_shape); a larger typed number is not a choice.


def months_offered(state: State, ctx: Context) -> bool:
    """Y6: several prepay choices, a monthly cart, and months that change this order."""
    choices = ctx.catalogue.prepay_months
    if len(choices) < 2 or any(x.cycle is None or x.cycle.months != 1 for x in state.cart.lines):
        return False
    result = quote_for(replace(state, cart=replace(state.cart, months=max(choices))), ctx)
    return isinstance(result, Quote) and not any(n.rule == "Y6" for n in result.notices)


def clear_months(state: State) -> State:
    return replace(state, cart=replace(state.cart, months=None))


class MonthsStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        text = [t.gettext("How many months would you like to pay for now?")]
        for count in ctx.catalogue.prepay_months:
            result = quote_for(replace(state, cart=replace(state.cart, months=count)), ctx)
            if isinstance(result, Quote):
                text.append(
                    t.gettext("{months}: {amount}").format(
                        months=months(t, count), amount=money(t, result.total)
                    )
                )
        choices = tuple(Choice(months(t, n), "pick", str(n)) for n in ctx.catalogue.prepay_months)
        return Screen("\n".join(text), (choices,))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        return self._months(state, ctx, subject, int(arg)) if action == "pick" and arg.isdigit() else None

    def on_text(self, state: State, ctx: Context, subject: str, text: str) -> Outcome | None:
        count = parse_count(text)
        return None if count is None else self._months(state, ctx, subject, count)

    def _months(self, state: State, ctx: Context, subject: str, count: int) -> Outcome:
        if not 1 <= count <= MAX_MONTHS:
            t = ctx.translator(state.locale)
            return Stay(state, t.gettext("Please choose one of the buttons below."), understood=False)
        return self.judge(replace(state, cart=replace(state.cart, months=count)), ctx, subject)

    def check(self, state: State, ctx: Context, subject: str) -> tuple[Refusal, ...]:
        return refusals_for(state, ctx, {"months"})
