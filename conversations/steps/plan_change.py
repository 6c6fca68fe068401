"""From "My plan": what to change at the end of the paid period (P3, Y3) — a lower tier, fewer
users, monthly billing, a solution stopped, or the whole plan cancelled — and, for a tier or
users, the new value. Each choice is judged on what the customer will hold after the boundary
(billing_core/scheduled_changes.py); a "no" says why, with the allowed value among the
buttons. Then the survey (steps/survey.py) and the confirmation (steps/change_confirm.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from billing_core.explanations import explain
from billing_core.refusals import Refusal
from billing_core.scheduled_changes import (
    ChangeKind,
    ChangeRequest,
    PlannedChange,
    changeable,
    fewest_seats,
    kinds_for,
    lower_tiers,
    merged,
    plan_change,
)
from conversations.account import Account
from conversations.change_text import kind_label
from conversations.context import Context
from conversations.inputs import parse_count
from conversations.outcomes import Jump, Outcome, Stay
from conversations.phrases import money, solution_name, tier_name, users
from conversations.positions import At, Step
from conversations.screens import Choice, Row, Screen, in_rows
from conversations.state import ChangeDraft, State
from conversations.steps.base import Handler
from conversations.steps.seats import not_a_count

PICK = "pick"
FEWER_COUNTS = (2, 3, 5, 10, 15, 20, 30, 50)
SHOWN = 8


def judged(state: State, ctx: Context, draft: ChangeDraft) -> PlannedChange | Refusal | None:
    """The draft judged on the loaded account (the store judges it again when it is saved)."""
    account = state.account or Account()
    request = ChangeRequest.parse(draft.kind, draft.solution, draft.value)
    return plan_change(ctx.catalogue, account.holdings, account.targets, request) if request else None


def can_change(ctx: Context, account: Account) -> bool:
    """Whether "My plan" offers the change button: something paid and running to change."""
    targets = merged(account.targets)
    holdings = changeable(account.holdings)
    return any(kinds_for(ctx.catalogue, holdings, targets, s) for s in holdings) or any(
        not (s in targets and targets[s].ends) for s in holdings
    )


def _go_on(state: State, ctx: Context, draft: ChangeDraft) -> Outcome:
    """Judge the draft: the survey next, or the reason it cannot be."""
    verdict = judged(state, ctx, draft)
    if isinstance(verdict, PlannedChange):
        return Jump(replace(state, change=draft), At(Step.SURVEY))
    t = ctx.translator(state.locale)
    if verdict is None:
        return Stay(state, t.gettext("That change is not available for your plan now."))
    return Stay(replace(state, change=draft), explain(t, ctx.catalogue, verdict))


class ChangeStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        account = state.account or Account()
        holdings = changeable(account.holdings)
        targets = merged(account.targets)
        ordered = sorted(holdings, key=lambda s: ctx.catalogue.solutions[s].order)
        choices = [
            Choice(kind_label(t, ctx.catalogue, kind, s), PICK, f"{kind.value}:{s}")
            for s in ordered
            for kind in kinds_for(ctx.catalogue, holdings, targets, s)
        ]
        rows: tuple[Row, ...] = in_rows(choices, 1)
        if any(not (s in targets and targets[s].ends) for s in holdings):
            rows += ((Choice(kind_label(t, ctx.catalogue, ChangeKind.CANCEL, ""), PICK, "cancel:"),),)
        ends = min((h.paid_period.end for h in holdings.values()), default=None)
        text = t.gettext("What would you like to change?")
        if ends is not None:
            text += "\n" + t.gettext(
                "A change takes effect when the period you paid for ends ({date} is its last day). "
                "Until then nothing changes, and nothing is refunded."
            ).format(date=t.date(ends - dt.timedelta(days=1)))
        return Screen(text, rows)

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        kind, _, solution = arg.partition(":")
        if action != PICK or kind not in ChangeKind.__members__.values():
            return None
        draft = ChangeDraft(kind, solution)
        if kind in (ChangeKind.TIER, ChangeKind.SEATS):
            holdings = changeable((state.account or Account()).holdings)
            targets = merged((state.account or Account()).targets)
            if ChangeKind(kind) not in kinds_for(ctx.catalogue, holdings, targets, solution):
                return None
            return Jump(replace(state, change=draft), At(Step.CHANGE_VALUE, solution))
        return _go_on(state, ctx, draft)


class ChangeValueStep(Handler):
    """The lower tier, or the fewer users, for the solution in `subject`."""

    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        account = state.account or Account()
        draft = state.change
        held = changeable(account.holdings).get(subject)
        if draft is None or held is None:
            return Screen(t.gettext("That change is not available for your plan now."))
        after = merged(account.targets).get(subject)
        if draft.kind == ChangeKind.TIER:
            text = t.gettext("{solution} is on {tier} now. Which tier from the next period?").format(
                solution=solution_name(t, ctx.catalogue, subject),
                tier=tier_name(t, ctx.catalogue, subject, (after.tier if after else None) or held.tier),
            )
            choices = [
                Choice(
                    t.gettext("{tier} · {price} per user per month").format(
                        tier=t.gettext(tier.name), price=money(t, tier.monthly_price(1))
                    ),
                    PICK,
                    tier.id,
                )
                for tier in lower_tiers(ctx.catalogue, held, after)
            ]
            return Screen(text, in_rows(choices, 1))
        seats = (after.seats if after and after.seats is not None else None) or held.seats or 0
        least = fewest_seats(ctx.catalogue, changeable(account.holdings), merged(account.targets), subject)
        counts = sorted({n for n in (*FEWER_COUNTS, least) if least <= n < seats})[-SHOWN:]
        text = t.gettext(
            "{solution} has {count} now. How many users from the next period? Tap or type a number."
        ).format(solution=solution_name(t, ctx.catalogue, subject), count=users(t, held.seats or seats))
        return Screen(text, in_rows((Choice(users(t, n), PICK, str(n)) for n in counts), 4))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action != PICK or state.change is None or state.change.solution != subject:
            return None
        return _go_on(state, ctx, replace(state.change, value=arg))

    def on_text(self, state: State, ctx: Context, subject: str, text: str) -> Outcome | None:
        if state.change is None or state.change.kind != ChangeKind.SEATS:
            return None
        count = parse_count(text)
        if count is None:
            return not_a_count(state, ctx)
        return _go_on(state, ctx, replace(state.change, value=str(count)))
