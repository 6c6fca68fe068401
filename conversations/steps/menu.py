"""Step 1: the greeting and the menu (buy, a free trial at first contact (T1), my plan,
invoices, a person)."""

from __future__ import annotations

from dataclasses import replace

from conversations.context import Context
from conversations.effects import LoadAccount
from conversations.entry import BUY, begin
from conversations.outcomes import Outcome, Wait
from conversations.screens import BACK, Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler
from conversations.support_request import open_support
from conversations.trial_offer import TRY, offers_trial, start_trial, trial_choice

PLAN, INVOICES = "plan", "invoices"


class MenuStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        text = t.gettext("Hello! I am the {name} purchase assistant. What would you like to do?")
        trial = ((trial_choice(state, ctx),),) if offers_trial(state, ctx) else ()
        return Screen(
            text.format(name=t.gettext(ctx.catalogue.name)),
            (
                (Choice(t.gettext("Buy a plan"), BUY),),
                *trial,
                (Choice(t.gettext("My plan"), PLAN), Choice(t.gettext("Invoices"), INVOICES)),
                (Choice(t.gettext("Talk to a person"), "support"),),
            ),
            nav=(BACK,) if state.history else (),  # /menu in the middle of a purchase
        )

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action == BUY:
            return begin(state, BUY)
        if action == TRY and offers_trial(state, ctx):
            return start_trial(state, ctx)
        if action in (PLAN, INVOICES):
            return open_account(state, action)
        if action == "support":
            return support(state, ctx)
        return None


def open_account(state: State, screen: str) -> Wait:
    """Read what the customer holds, then show "My plan" or "Invoices" (AccountLoaded)."""
    return Wait(replace(state, pending_entry=screen), (LoadAccount(),))


def support(state: State, ctx: Context) -> Wait:
    """The "Talk to a person" button and /support."""
    return open_support(state, "asked")
