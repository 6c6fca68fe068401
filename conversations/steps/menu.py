"""Step 1: the greeting and the menu (buy, my plan, invoices, a person)."""

from __future__ import annotations

from conversations.context import Context
from conversations.effects import OpenSupport, ShowInvoices, ShowMyPlan
from conversations.entry import BUY, begin
from conversations.outcomes import Outcome, Wait
from conversations.screens import BACK, Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler


class MenuStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        text = t.gettext("Hello! I am the {name} purchase assistant. What would you like to do?")
        return Screen(
            text.format(name=t.gettext(ctx.catalogue.name)),
            (
                (Choice(t.gettext("Buy a plan"), BUY),),
                (Choice(t.gettext("My plan"), "plan"), Choice(t.gettext("Invoices"), "invoices")),
                (Choice(t.gettext("Talk to a person"), "support"),),
            ),
            nav=(BACK,) if state.history else (),  # /menu in the middle of a purchase
        )

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action == BUY:
            return begin(state, BUY)
        if action == "plan":
            return Wait(state, (ShowMyPlan(),))
        if action == "invoices":
            return Wait(state, (ShowInvoices(),))
        if action == "support":
            return support(state, ctx)
        return None


def support(state: State, ctx: Context) -> Wait:
    t = ctx.translator(state.locale)
    return Wait(
        state, (OpenSupport("asked"),), t.gettext("A member of our support team will answer you here.")
    )
