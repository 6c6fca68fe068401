""" "Gói của tôi": each solution held with its tier, seats, cycle, period, renewal mode, trial
days left and quotas; buttons to upgrade, add seats or a solution (entering the purchase at
the right step), to switch a plan between manual and automatic renewal (V1), to change or
cancel the plan at the end of the paid period (P3, Y3), and to cancel such a change until
the day it takes effect."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from billing_core.holdings import Status
from billing_core.trials import fall_back_day, status_after_trial
from conversations.account import Account, ScheduledItem, Subscribed, TrialHeld
from conversations.change_text import describe
from conversations.context import Context
from conversations.effects import CancelChange, SetRenewalMode
from conversations.entry import ADD_SEATS, ADD_SOLUTION, BUY, RENEW, RENEWABLE, UPGRADE, begin
from conversations.outcomes import Jump, Outcome, Stay, Wait
from conversations.phrases import days, line_summary, number, period, solution_name
from conversations.positions import At, Step
from conversations.screens import BACK, Choice, Row, Screen, in_rows
from conversations.state import State
from conversations.steps.base import Handler
from conversations.steps.plan_change import can_change
from conversations.steps.renewal import MANUAL, MODES
from locales import N_, Translator

AUTOMATIC = "automatic"
ENTER, SWITCH, CHANGE, UNDO = "enter", "switch", "change", "undo"
ENTRY_LABELS = {
    RENEW: N_("Renew"),
    UPGRADE: N_("Upgrade"),
    ADD_SEATS: N_("Add users"),
    ADD_SOLUTION: N_("Add a solution"),
    BUY: N_("Buy a plan"),
}
SWITCH_LABELS = {
    AUTOMATIC: N_("{solution}: switch to automatic renewal"),
    MANUAL: N_("{solution}: switch to manual renewal"),
}


AFTER_TRIAL = {  # T2: what a solution became when its trial ended
    Status.FREE: N_("{solution}: the trial ended on {date}. It is now on the Free plan."),
    Status.LOCKED: N_("{solution}: the trial ended on {date}. It is locked until you buy a plan."),
}

AFTER_EXPIRY = {  # T2, D2: what an expired plan becomes once the renewal window has passed
    Status.FREE: N_("Renew by {date} to keep it; after that it moves to the Free plan."),
    Status.LOCKED: N_("Renew by {date} to keep it; after that it is locked until you buy it again."),
}

SWITCHED = {
    AUTOMATIC: N_("{solution} now renews automatically."),
    MANUAL: N_("{solution} now renews manually: we will remind you before each period ends."),
}


class MyPlanStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t, account = ctx.translator(state.locale), state.account or Account()
        today = ctx.today()  # in Vietnam (Y5), not UTC
        blocks = [_subscription(t, ctx, s, today) for s in account.subscriptions]
        blocks += [_trial(t, ctx, trial, today) for trial in _trials_only(account)]
        if account.changes:
            blocks.append(_scheduled(t, ctx, account))
        if not blocks:
            text = t.gettext("You have no plan yet. Buy one in a few steps:")
        else:
            text = "\n\n".join((t.gettext("Your plan:"), *blocks))
        entries = tuple(Choice(t.gettext(ENTRY_LABELS[e]), ENTER, e) for e in _entries(ctx, account))
        switches: tuple[Row, ...] = tuple(
            (Choice(_switch_label(t, ctx, s), SWITCH, s.solution),)
            for s in account.subscriptions
            if s.holding.is_paid_and_running
        )
        change: tuple[Row, ...] = (
            ((Choice(t.gettext("Change or cancel my plan"), CHANGE),),) if can_change(ctx, account) else ()
        )
        undo: tuple[Row, ...] = tuple(
            (
                Choice(
                    t.gettext("Cancel the change: {change}").format(change=_described(t, ctx, account, c)),
                    UNDO,
                    str(c.request_id),
                ),
            )
            for c in account.changes
        )
        return Screen(text, (*in_rows(entries, 2), *switches, *change, *undo), nav=(BACK,))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        account = state.account or Account()
        if action == ENTER and arg in _entries(ctx, account):
            return begin(replace(state, account=None), arg)
        if action == CHANGE and can_change(ctx, account):
            return Jump(state, At(Step.CHANGE))
        if action == UNDO and any(str(c.request_id) == arg for c in account.changes):
            return Wait(state, (CancelChange(int(arg)),))
        held = account.subscription(arg)
        if action == SWITCH and held is not None and held.holding.is_paid_and_running:
            mode = _other_mode(held.renewal_mode)
            t = ctx.translator(state.locale)
            note = t.gettext(SWITCHED[mode]).format(solution=solution_name(t, ctx.catalogue, arg))
            switched = replace(state, account=account.with_renewal(arg, mode))
            return Stay(switched, note, (SetRenewalMode(arg, mode),))
        return None


def _subscription(t: Translator, ctx: Context, s: Subscribed, today: dt.date) -> str:
    h = s.holding
    lines = [line_summary(t, ctx.catalogue, h.solution, h.tier, h.seats, h.cycle)]
    if h.is_paid_and_running:
        lines.append(t.gettext("Current period: {period}").format(period=period(t, h.period)))
        if h.renewed_ahead:
            lines.append(t.gettext("Renewed: paid until {date}.").format(date=t.date(h.paid_period.last_day)))
        lines.append(t.gettext(MODES.get(s.renewal_mode, MODES[MANUAL])))
    elif h.status is Status.TRIAL:
        left = TrialHeld(h.solution, h.period.end).days_left(today)
        lines.append(t.gettext("Trial: {days} left").format(days=days(t, left)))
    elif h.status is Status.EXPIRED:
        lines.append(t.gettext("Expired on {date}.").format(date=t.date(h.period.end)))
        until = fall_back_day(ctx.catalogue, h.period.end) - dt.timedelta(days=1)  # D2's last day
        after = t.gettext(AFTER_EXPIRY[status_after_trial(ctx.catalogue, h.solution)])
        lines.append(after.format(date=t.date(until)))
    elif h.status is Status.LOCKED:
        lines.append(t.gettext("Locked since {date}.").format(date=t.date(h.period.end)))
    for addon, blocks in s.addons:
        found = ctx.catalogue.addons.get(addon)
        if found is not None and blocks:
            lines.append(
                t.gettext("{addon}: {count} × {block}").format(
                    addon=t.gettext(found.name), count=number(t, blocks), block=t.gettext(found.block)
                )
            )
    for quota, amount in s.quotas:
        label = ctx.catalogue.quotas.get(quota, quota)
        lines.append(t.gettext("{quota}: {amount}").format(quota=t.gettext(label), amount=number(t, amount)))
    return "\n".join(lines)


def _described(t: Translator, ctx: Context, account: Account, change: ScheduledItem) -> str:
    held = account.subscription(change.solution)
    return describe(
        t, ctx.catalogue, change.kind, change.solution, change.value, held.holding if held else None
    )


def _scheduled(t: Translator, ctx: Context, account: Account) -> str:
    """The changes scheduled, each with the day it takes effect (P3)."""
    lines = [t.gettext("Scheduled changes:")]
    lines += [
        t.gettext("• From {date}: {change}").format(
            date=t.date(c.effective_on), change=_described(t, ctx, account, c)
        )
        for c in account.changes
    ]
    return "\n".join(lines)


def _trial(t: Translator, ctx: Context, trial: TrialHeld, today: dt.date) -> str:
    name, last_day = solution_name(t, ctx.catalogue, trial.solution), t.date(trial.last_day)
    left = trial.days_left(today)
    if left == 0:
        after = t.gettext(AFTER_TRIAL[status_after_trial(ctx.catalogue, trial.solution)])
        return after.format(solution=name, date=last_day)
    return t.gettext("{solution}: trial, {days} left (last day {date}).").format(
        solution=name, days=days(t, left), date=last_day
    )


def _trials_only(account: Account) -> tuple[TrialHeld, ...]:
    """Trials of solutions not yet bought (a bought one is shown with its paid plan)."""
    paid = {s.solution for s in account.subscriptions}
    return tuple(trial for trial in account.trials if trial.solution not in paid)


def _entries(ctx: Context, account: Account) -> tuple[str, ...]:
    """The ways into a purchase that make sense for what the customer holds."""
    catalogue, held = ctx.catalogue, {s.solution: s for s in account.subscriptions}
    if not held:
        return (BUY,)
    found: list[str] = []
    ending = {t.solution for t in account.targets if t.ends}  # as asked: no renewal to offer
    if any(_due(s) for s in held.values() if s.solution not in ending):
        found.append(RENEW)
    if any(_can_upgrade(ctx, s) for s in held.values()):
        found.append(UPGRADE)
    base = held.get(catalogue.base_solution)
    if base is not None and base.holding.is_paid_and_running and catalogue.base.seats_chosen:
        found.append(ADD_SEATS)
    if any(s.sellable_tiers and key not in held for key, s in catalogue.solutions.items()):
        found.append(ADD_SOLUTION)
    return tuple(found)


def _due(s: Subscribed) -> bool:
    """A paid plan the customer renews by hand: manual renewal (V1), or no longer running."""
    status = s.holding.status
    if s.holding.renewed_ahead:
        return False  # the next period is paid already
    return status in RENEWABLE and (status is not Status.ACTIVE or s.renewal_mode == MANUAL)


def _can_upgrade(ctx: Context, s: Subscribed) -> bool:
    solution = ctx.catalogue.solutions.get(s.solution)
    current = solution.tier(s.holding.tier) if solution else None
    return bool(solution and current and any(x.rank > current.rank for x in solution.sellable_tiers))


def _other_mode(mode: str) -> str:
    return MANUAL if mode == AUTOMATIC else AUTOMATIC


def _switch_label(t: Translator, ctx: Context, s: Subscribed) -> str:
    return t.gettext(SWITCH_LABELS[_other_mode(s.renewal_mode)]).format(
        solution=solution_name(t, ctx.catalogue, s.solution)
    )
