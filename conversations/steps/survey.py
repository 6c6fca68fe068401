"""Before a change is scheduled: why (a reason button, or typed words), then, optionally, a
comment in the customer's own words. Both are stored with the change; both may be skipped."""

from __future__ import annotations

from dataclasses import replace

from billing_core.scheduled_changes import COMMENT_LENGTH
from conversations.change_text import REASONS
from conversations.context import Context
from conversations.outcomes import Jump, Outcome, Stay
from conversations.positions import At, Step
from conversations.screens import Choice, Screen, in_rows
from conversations.state import State
from conversations.steps.base import Handler

COMMENT = "comment"  # the subject of the second question
SKIP = "skip"


class SurveyStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        skip = (Choice(t.gettext("Skip"), SKIP),)
        if subject == COMMENT:
            text = t.gettext("Anything you would like to tell us? Type a few words, or tap Skip.")
            return Screen(text, (skip,))
        text = t.gettext("Before you confirm: why are you making this change? (optional)")
        reasons = in_rows((Choice(t.gettext(label), "reason", key) for key, label in REASONS.items()), 2)
        return Screen(text, (*reasons, skip))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        draft = state.change
        if draft is None:
            return None
        if action == SKIP:
            return Jump(state, At(Step.CHANGE_CONFIRM))
        if action == "reason" and arg in REASONS and subject != COMMENT:
            return Jump(replace(state, change=replace(draft, reason=arg)), At(Step.SURVEY, COMMENT))
        return None

    def on_text(self, state: State, ctx: Context, subject: str, text: str) -> Outcome | None:
        draft = state.change
        if draft is None:
            return None
        words = " ".join(text.split())[:COMMENT_LENGTH]
        if not words:
            return Stay(state, understood=False)
        answered = replace(draft, reason=draft.reason or "other", comment=words)
        return Jump(replace(state, change=answered), At(Step.CHANGE_CONFIRM))
