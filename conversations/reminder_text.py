"""A trial reminder as the customer reads it, in their language (T1–T3): how long is left (7,
3, 1 days) or that the trial has ended (0), what each solution becomes after it (T2: the free
plan or locked), and an **Upgrade** button opening the purchase at the tier step with the
trial's users kept (S4). The end notice also says what upgrading would cost: the engine's quote
for the cheapest tier of each solution, monthly (yearly where monthly is not sold), for the
users activated during the trial."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.holdings import Status
from billing_core.periods import Cycle
from billing_core.quote import Quote, quote
from billing_core.trials import status_after_trial
from conversations.effects import SendMessage
from conversations.entry import UPGRADE
from conversations.entry_link import entry_callback
from conversations.keyboards import CallbackButton, Keyboard
from conversations.phrases import days, line_summary, money, solution_name, users
from locales import N_, Translator


@dataclass(frozen=True, slots=True)
class Reminder:
    days: int  # 7, 3, 1, or 0 (the trial has ended)
    ends_on: dt.date  # exclusive (T1)
    solutions: tuple[str, ...]
    activated_seats: int

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Reminder:
        return cls(
            int(payload["days"]),
            dt.date.fromisoformat(payload["ends_on"]),
            tuple(payload["solutions"]),
            int(payload.get("activated_seats") or 0),
        )


def reminder_message(t: Translator, catalogue: Catalogue, reminder: Reminder) -> SendMessage:
    ordered = sorted(reminder.solutions, key=lambda s: catalogue.solutions[s].order)
    names = t.join([solution_name(t, catalogue, s) for s in ordered])
    if reminder.days == 0:
        text = [t.gettext("Your free trial of {solutions} has ended.").format(solutions=names)]
        text += [fate(t, catalogue, s, Fate.NOW) for s in ordered]
        cost = _upgrade_cost(t, catalogue, ordered, reminder)
        text += [cost] if cost else []
    else:
        text = [_time_left(t, names, reminder)]
        text += [fate(t, catalogue, s, Fate.AFTER_TRIAL) for s in ordered]
        text.append(
            t.gettext("Upgrade now to keep your data and the {users} you activated.").format(
                users=users(t, reminder.activated_seats)
            )
            if reminder.activated_seats
            else t.gettext("Upgrade now to keep working without a break.")
        )
    button = CallbackButton(t.gettext("Upgrade"), entry_callback(UPGRADE))
    return SendMessage("\n".join(text), Keyboard(((button,),)))


def _time_left(t: Translator, names: str, reminder: Reminder) -> str:
    if reminder.days == 1:
        return t.gettext("Today is the last day of your free trial of {solutions}.").format(solutions=names)
    last_day = reminder.ends_on - dt.timedelta(days=1)
    return t.gettext("Your free trial of {solutions} ends in {days} (your last day is {date}).").format(
        solutions=names, days=days(t, reminder.days), date=t.date(last_day)
    )


class Fate(enum.Enum):
    """When a message says what a solution becomes once it is not paid for (T2)."""

    AFTER_TRIAL = enum.auto()  # before a trial's end
    UNLESS_RENEWED = enum.auto()  # after a paid period expired, before D2's window closes
    NOW = enum.auto()  # it has happened (a trial ended, a plan ended or expired long enough)


FATES = {  # T2: the free plan for the workspace, locked for the others
    (Status.FREE, Fate.AFTER_TRIAL): N_("After the trial, {solution} moves to the free plan."),
    (Status.LOCKED, Fate.AFTER_TRIAL): N_("After the trial, {solution} is locked until you upgrade."),
    (Status.FREE, Fate.UNLESS_RENEWED): N_(
        "Unless renewed before {date}, {solution} moves to the free plan."
    ),
    (Status.LOCKED, Fate.UNLESS_RENEWED): N_("Unless renewed before {date}, {solution} is locked."),
    (Status.FREE, Fate.NOW): N_("{solution} is now on the free plan."),
    (Status.LOCKED, Fate.NOW): N_("{solution} is now locked until you upgrade."),
}


def fate(t: Translator, catalogue: Catalogue, solution: str, when: Fate, day: dt.date | None = None) -> str:
    """What the solution becomes once it is not paid for (T2), or has become; `day` it happens."""
    sentence = FATES[(status_after_trial(catalogue, solution), when)]
    return t.gettext(sentence).format(
        solution=solution_name(t, catalogue, solution), date=t.date(day) if day else ""
    )


def _upgrade_cost(
    t: Translator, catalogue: Catalogue, solutions: list[str], reminder: Reminder
) -> str | None:
    """ "Upgrading to … costs … a month", or None when the engine sells no such cart."""
    for cycle in (Cycle.MONTHLY, Cycle.YEARLY):
        cart = tuple(_cheapest_line(catalogue, s, cycle, reminder.activated_seats) for s in solutions)
        request = QuoteRequest(
            today=reminder.ends_on, cart=cart, trial_activated_seats=reminder.activated_seats or None
        )
        result = quote(catalogue, request)
        if isinstance(result, Quote):
            plan = t.join([line_summary(t, catalogue, c.solution, c.tier, c.seats, None) for c in cart])
            sentence = (
                t.gettext("Upgrading to {plan} costs {amount} a month, VAT included.")
                if cycle is Cycle.MONTHLY
                else t.gettext("Upgrading to {plan} costs {amount} a year, VAT included.")
            )
            return sentence.format(plan=plan, amount=money(t, result.total))
    return None


def _cheapest_line(catalogue: Catalogue, solution: str, cycle: Cycle, activated: int) -> CartLine:
    sold = catalogue.solutions[solution]
    tier = min(sold.sellable_tiers, key=lambda x: x.rank)
    seats = None
    if sold.seats_chosen and sold.seats is not None:
        seats = max(activated, sold.seats.min or 1)
    return CartLine(solution, tier.id, cycle, seats)
