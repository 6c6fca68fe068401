"""The shape every step has: a screen, and what it makes of a button or a typed text."""

from __future__ import annotations

from billing_core.refusals import Refusal
from conversations.context import Context
from conversations.outcomes import Answered, Outcome, Refused
from conversations.screens import Screen
from conversations.state import State


class Handler:
    """One step (or one kind of step, for per-solution and per-field steps).

    `subject` is what the position is about: a solution id for tier and seats, a field for
    billing details, "" otherwise.
    """

    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        raise NotImplementedError

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        """A button of this step's screen; None for one it does not know (forged)."""
        return None

    def on_text(self, state: State, ctx: Context, subject: str, text: str) -> Outcome | None:
        """Typed text; None when the step does not read text (the machine then tries the
        button labels, then says it did not understand)."""
        return None

    def check(self, state: State, ctx: Context, subject: str) -> tuple[Refusal, ...]:
        """The engine's refusals of this step's answer in `state`."""
        return ()

    def judge(self, state: State, ctx: Context, subject: str) -> Outcome:
        refusals = self.check(state, ctx, subject)
        return Refused(state, refusals) if refusals else Answered(state)

    def after_fix(self, state: State, ctx: Context, subject: str) -> Outcome:
        """A fix the engine offered was applied to `state`."""
        return self.judge(state, ctx, subject)
