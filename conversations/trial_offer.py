"""T1's free trial, offered on the menu at first contact.

A customer who holds no plan and never had a trial sees "Try free for 30 days" on the menu.
One tap starts a trial of every solution on sale (StartTrial); the bot says which, the last
day and that it will remind them, and shows the menu again, now without the offer. The store
refuses a start for a customer who meanwhile holds a plan or had a trial (TrialRefused): the
customer is told, and the menu is drawn again from what is read afresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from billing_core.catalogue import Catalogue
from conversations.context import Context
from conversations.effects import LoadCustomer, StartTrial
from conversations.entry import MENU_ENTRY
from conversations.events import TrialStarted
from conversations.outcomes import Outcome, Stay, Wait
from conversations.phrases import number, solution_name
from conversations.screens import Choice
from conversations.state import Customer, State

TRY = "try"


def offered_solutions(catalogue: Catalogue) -> tuple[str, ...]:
    """What a trial covers: every solution with tiers on sale, in the catalogue's order."""
    sold = sorted((s for s in catalogue.solutions.values() if s.sellable_tiers), key=lambda s: s.order)
    return tuple(s.id for s in sold)


def offers_trial(state: State, ctx: Context) -> bool:
    """The menu offers the trial: the customer is known, holds nothing and never had one."""
    return (
        state.customer is not None
        and state.customer.is_new
        and ctx.catalogue.trial_days > 0
        and bool(offered_solutions(ctx.catalogue))
    )


def trial_choice(state: State, ctx: Context) -> Choice:
    t = ctx.translator(state.locale)
    label = t.gettext("Try free for {days} days").format(days=number(t, ctx.catalogue.trial_days))
    return Choice(label, TRY)


def start_trial(state: State, ctx: Context) -> Wait:
    return Wait(state, (StartTrial(offered_solutions(ctx.catalogue)),))


def trial_started(state: State, ctx: Context, event: TrialStarted) -> Outcome:
    """The trial runs: what it covers, its last day, the reminder to come; then the menu."""
    t = ctx.translator(state.locale)
    customer = state.customer or Customer()
    trials = tuple(dict.fromkeys((*customer.trials, *event.solutions)))
    note = t.gettext(
        "Your free trial of {solutions} has started and runs until the end of {date}. "
        "We will remind you before it ends."
    ).format(
        solutions=t.join([solution_name(t, ctx.catalogue, s) for s in event.solutions]),
        date=t.date(event.ends_on - dt.timedelta(days=1)),  # ends_on is exclusive (T1)
    )
    return Stay(replace(state, customer=replace(customer, trials=trials)), note)


def trial_refused(state: State, ctx: Context) -> Wait:
    """Nothing was started: say so, and read the customer again for the menu."""
    t = ctx.translator(state.locale)
    note = t.gettext("You already have a plan or have had a free trial, so a new trial cannot start.")
    return Wait(replace(state, pending_entry=MENU_ENTRY), (LoadCustomer(),), note)
