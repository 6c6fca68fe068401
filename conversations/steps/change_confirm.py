"""The change, confirmed: what changes, from which day, that nothing is refunded (P3), what it
carries along (S2, Y2); then the result — scheduled (back to "My plan", where it can be
cancelled until that day), refused, or cancelled."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from billing_core.explanations import explain
from billing_core.scheduled_changes import PlannedChange
from conversations.account import Account
from conversations.change_text import describe
from conversations.context import Context
from conversations.effects import LoadAccount, ScheduleChange
from conversations.events import ChangeCancelled, ChangeRefused, ChangeScheduled
from conversations.outcomes import Ignored, Outcome, Wait
from conversations.positions import Step
from conversations.screens import Choice, Screen
from conversations.state import ChangeDraft, State
from conversations.steps.base import Handler
from conversations.steps.menu import PLAN
from conversations.steps.plan_change import judged
from locales import Translator

CONFIRM = "confirm"


def _summary(t: Translator, ctx: Context, state: State, draft: ChangeDraft) -> str:
    held = next((h for h in (state.account or Account()).holdings if h.solution == draft.solution), None)
    return describe(t, ctx.catalogue, draft.kind, draft.solution, draft.value, held)


def _last_day(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


class ConfirmChangeStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        draft = state.change
        verdict = judged(state, ctx, draft) if draft else None
        if draft is None or not isinstance(verdict, PlannedChange):
            return Screen(t.gettext("That change is not available for your plan now."))
        day = verdict.effective_on
        text = [
            t.gettext("Please confirm this change:"),
            "• " + _summary(t, ctx, state, draft),
            *("• " + explain(t, ctx.catalogue, notice) for notice in verdict.notices),
            t.gettext(
                "It takes effect on {date}. Until {last_day} your plan stays as it is, "
                "and nothing is refunded."
            ).format(date=t.date(day), last_day=t.date(_last_day(day))),
            t.gettext("You can cancel it from My plan until then."),
        ]
        return Screen("\n".join(text), ((Choice(t.gettext("Confirm the change"), CONFIRM),),))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        draft = state.change
        if action != CONFIRM or draft is None:
            return None
        effect = ScheduleChange(draft.kind, draft.solution, draft.value, draft.reason, draft.comment)
        return Wait(state, (effect,))


def back_to_plan(state: State, note: str = "") -> Wait:
    """Read the account again and show "My plan", with `note` first."""
    return Wait(replace(state, change=None, pending_entry=PLAN), (LoadAccount(),), note)


def change_scheduled(state: State, ctx: Context, event: ChangeScheduled) -> Outcome:
    if state.at.step is not Step.CHANGE_CONFIRM or state.change is None:
        return Ignored()
    t = ctx.translator(state.locale)
    note = t.gettext("Done: the change is scheduled for {date}.").format(date=t.date(event.effective_on))
    return back_to_plan(state, note)


def change_refused(state: State, ctx: Context, event: ChangeRefused) -> Outcome:
    """The store's "no" (the plan changed since the account was read): said, with the plan as
    it is now, so the confirmation is not offered again on what was read before."""
    if state.at.step is not Step.CHANGE_CONFIRM or state.change is None:
        return Ignored()
    t = ctx.translator(state.locale)
    if event.refusal is not None:
        return back_to_plan(state, explain(t, ctx.catalogue, event.refusal))
    return back_to_plan(state, t.gettext("Your plan has changed meanwhile. Here it is now:"))


def change_cancelled(state: State, ctx: Context, event: ChangeCancelled) -> Outcome:
    t = ctx.translator(state.locale)
    if event.refusal is not None:
        note = explain(t, ctx.catalogue, event.refusal)
    elif event.cancelled:
        note = t.gettext("The scheduled change is cancelled: your plan continues as it is.")
    else:
        note = t.gettext("That change is no longer scheduled (it was applied or cancelled already).")
    return back_to_plan(state, note)
