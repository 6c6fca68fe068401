"""Step 3: the tier of one solution, as cards: price per user per month and main features."""

from __future__ import annotations

from dataclasses import replace

from billing_core.refusals import Refusal
from conversations.cart_quote import refusals_for
from conversations.context import Context
from conversations.outcomes import Outcome
from conversations.phrases import money, solution_name
from conversations.screens import Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler

CHOSEN = "✓ "


class TierStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t, solution = ctx.translator(state.locale), ctx.catalogue.solutions[subject]
        line = state.cart.line(subject)
        held = state.customer.holding(subject) if state.customer else None
        cards = [
            t.gettext("Choose a plan for {solution}:").format(
                solution=solution_name(t, ctx.catalogue, subject)
            )
        ]
        for tier in solution.sellable_tiers:
            if tier.price_per_seat_month is not None:
                head = t.gettext("{tier}: {price} per user per month").format(
                    tier=t.gettext(tier.name), price=money(t, tier.price_per_seat_month)
                )
            else:
                head = t.gettext("{tier}: {price} per month").format(
                    tier=t.gettext(tier.name), price=money(t, tier.price_month or 0)
                )
            if held is not None and held.tier == tier.id:
                head += " " + t.gettext("(your current plan)")
            cards.append("\n".join([head, *("• " + t.gettext(f) for f in tier.features)]))
        choices = tuple(
            Choice((CHOSEN if line and line.tier == tier.id else "") + t.gettext(tier.name), "pick", tier.id)
            for tier in solution.sellable_tiers
        )
        return Screen("\n\n".join(cards), (choices,))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        sold = {tier.id for tier in ctx.catalogue.solutions[subject].sellable_tiers}
        if action != "pick" or arg not in sold:
            return None
        return self.judge(replace(state, cart=state.cart.replace_line(subject, tier=arg)), ctx, subject)

    def check(self, state: State, ctx: Context, subject: str) -> tuple[Refusal, ...]:
        return refusals_for(state, ctx, {"tier"}, subject)
