"""One typed field of a form (billing details, VAT-invoice details), checked as it is typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from conversations.context import Context
from conversations.inputs import MAX_TEXT
from conversations.outcomes import Answered, Outcome, Stay
from conversations.screens import Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler

LONGEST_LABEL = 40


@dataclass(frozen=True, slots=True)
class Field:
    key: str  # the key in State.form, and the position's subject
    prompt: str  # msgid
    read: Callable[[str], str | None]  # the value to keep, or None when it is not one
    problem: str  # msgid, said when `read` gives None
    suggest: Callable[[State], str | None] = lambda state: None  # offered as one tap when empty


class FieldStep(Handler):
    """Asks the fields of one form in turn: "Billing details (2/5)" and the field's prompt."""

    def __init__(self, fields: tuple[Field, ...], heading: str) -> None:
        self.fields = {f.key: f for f in fields}
        self.order = tuple(f.key for f in fields)
        self.heading = heading

    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        field = self.fields[subject]
        heading = t.gettext(self.heading).format(number=self.order.index(subject) + 1, count=len(self.order))
        suggestion = self._suggestion(state, subject)
        rows = (
            ((Choice(t.gettext("Use: {value}").format(value=short(suggestion)), "use"),),)
            if suggestion
            else ()
        )
        return Screen(heading + "\n" + t.gettext(field.prompt), rows)

    def on_text(self, state: State, ctx: Context, subject: str, text: str) -> Outcome | None:
        field = self.fields[subject]
        value = field.read(text)
        if value is None:
            return Stay(state, ctx.translator(state.locale).gettext(field.problem).format(most=MAX_TEXT))
        return Answered(state.with_value(subject, value))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        suggestion = self._suggestion(state, subject)
        return Answered(state.with_value(subject, suggestion)) if action == "use" and suggestion else None

    def _suggestion(self, state: State, subject: str) -> str | None:
        """The value the field has (asked again from the review), or the field's suggestion."""
        return state.value(subject) or self.fields[subject].suggest(state)


def short(value: str) -> str:
    """A value short enough for a button's label."""
    return value if len(value) <= LONGEST_LABEL else value[: LONGEST_LABEL - 1] + "…"
