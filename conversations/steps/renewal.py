"""Step 10: manual or automatic renewal (V1)."""

from __future__ import annotations

from dataclasses import replace

from conversations.context import Context
from conversations.outcomes import Answered, Outcome
from conversations.screens import Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler
from locales import N_

MANUAL = "manual"
MODES = {MANUAL: N_("Manual renewal"), "automatic": N_("Automatic renewal")}


class RenewalStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        text = "\n".join(
            (
                t.gettext("How should your plan renew?"),
                t.gettext("Manual renewal: we remind you before the period ends; you renew from My plan."),
                t.gettext(
                    "Automatic renewal: the renewal order is made before the period ends and its payment "
                    "link is sent to you."
                ),
            )
        )
        return Screen(text, (tuple(Choice(t.gettext(label), "pick", mode) for mode, label in MODES.items()),))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action != "pick" or arg not in MODES:
            return None
        return Answered(replace(state, cart=replace(state.cart, renewal=arg)))
