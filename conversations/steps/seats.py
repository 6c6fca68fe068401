"""Step 4: users of one solution, tapped or typed ("12", "12 người", " 12 "). A count that
breaks S1–S5 (or P3) is refused with the engine's reason and the allowed count as a button.
Solutions whose count follows the workspace (S2) are not asked: the engine fills them in."""

from __future__ import annotations

from dataclasses import replace

from billing_core.refusals import Refusal
from billing_core.rules import MAX_QUANTITY
from conversations.cart_quote import refusals_for
from conversations.context import Context
from conversations.inputs import parse_count
from conversations.outcomes import Outcome, Stay
from conversations.phrases import number, solution_name, users
from conversations.screens import Choice, Screen, in_rows
from conversations.state import State
from conversations.steps.base import Handler

COMMON_COUNTS = (1, 2, 3, 5, 10, 15, 20, 30, 50)
SHOWN = 8


def seated_solutions(state: State, ctx: Context) -> tuple[str, ...]:
    """The cart's solutions whose users the customer chooses (not those S2 fixes)."""
    return tuple(s for s in state.cart.solutions if ctx.catalogue.solutions[s].seats_chosen)


def not_a_count(state: State, ctx: Context) -> Stay:
    """Typed text that is no number of users: the hint, and the step again."""
    t = ctx.translator(state.locale)
    hint = t.gettext("Please type the number of users in digits, for example 12.")
    return Stay(state, hint, understood=False)


class SeatsStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        rule = ctx.catalogue.solutions[subject].seats
        least = (rule.min if rule else None) or 1
        line = state.cart.line(subject)
        counts = {n for n in COMMON_COUNTS if n >= least}
        if line and line.seats and line.seats >= least:
            counts.add(line.seats)
        text = t.gettext(
            "How many users does {solution} need? Tap a number or type it (for example 12)."
        ).format(solution=solution_name(t, ctx.catalogue, subject))
        choices = (Choice(users(t, n), "set", str(n)) for n in sorted(counts)[:SHOWN])
        return Screen(text, in_rows(choices, 4))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        return self._count(state, ctx, subject, int(arg)) if action == "set" and arg.isdigit() else None

    def on_text(self, state: State, ctx: Context, subject: str, text: str) -> Outcome | None:
        count = parse_count(text)
        return not_a_count(state, ctx) if count is None else self._count(state, ctx, subject, count)

    def _count(self, state: State, ctx: Context, subject: str, count: int) -> Outcome:
        if not 1 <= count <= MAX_QUANTITY:
            t = ctx.translator(state.locale)
            note = t.gettext("Please choose between 1 and {most} users.").format(most=number(t, MAX_QUANTITY))
            return Stay(state, note)
        return self.judge(replace(state, cart=state.cart.replace_line(subject, seats=count)), ctx, subject)

    def check(self, state: State, ctx: Context, subject: str) -> tuple[Refusal, ...]:
        return refusals_for(state, ctx, {"seats"}, subject)
