"""Messages about a paid plan's renewal and end, as the customer reads them in their language
(V1, P3, D2, T2), from the facts the outbox keeps (billing_core/storage/renewal_queue.py,
auto_renewal.py, boundaries.py):
- the manual renewal reminder, 7, 3 and 1 days before the period ends: what renews (after
  the changes scheduled), the next period and its cost with VAT, and a **Renew** button that
  opens the review with the same lines;
- automatic renewal: the heads-up 7 days before, then the renewal order's VNPAY link (a URL
  button) with its amount, period and deadline, again on the last day if unpaid;
- the expiry notice (what stopped, what buying it again costs, what happens after D2's
  window: T2), the end of a plan cancelled as asked, and the fall-back after the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from billing_core.catalogue import Catalogue
from billing_core.lifecycle import Event
from billing_core.periods import Cycle, Period
from billing_core.trials import fall_back_day
from conversations.effects import SendMessage
from conversations.entry import RENEW, UPGRADE
from conversations.entry_link import entry_callback
from conversations.keyboards import CallbackButton, Keyboard, UrlButton
from conversations.phrases import days, line_summary, money, period, solution_name
from conversations.reminder_text import Fate, fate
from locales import N_, Translator


@dataclass(frozen=True, slots=True)
class PlanLine:
    solution: str
    tier: str
    seats: int | None
    cycle: Cycle


@dataclass(frozen=True, slots=True)
class Renewal:
    """What a renewal buys: its lines, the period(s), the total with VAT (None: not quoted)."""

    lines: tuple[PlanLine, ...]
    periods: tuple[Period, ...]
    total: int | None

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Renewal:
        return cls(
            tuple(
                PlanLine(x["solution"], x["tier"], x.get("seats"), Cycle(x["cycle"]))
                for x in payload["lines"]
            ),
            tuple(
                Period(dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]))
                for p in payload["periods"]
            ),
            payload.get("total"),
        )

    def plan(self, t: Translator, catalogue: Catalogue) -> str:
        """ "Digital Workspace Standard · 5 users · monthly and Process Starter · 5 users · …"."""
        return t.join([line_summary(t, catalogue, x.solution, x.tier, x.seats, x.cycle) for x in self.lines])

    def period(self, t: Translator) -> str:
        return t.join([period(t, p) for p in self.periods])

    def solutions(self, t: Translator, catalogue: Catalogue) -> str:
        return names(t, catalogue, [x.solution for x in self.lines])


def names(t: Translator, catalogue: Catalogue, solutions: list[str]) -> str:
    return t.join([solution_name(t, catalogue, s) for s in solutions])


def _button(t: Translator, label: str, entry: str) -> Keyboard:
    return Keyboard(((CallbackButton(t.gettext(label), entry_callback(entry)),),))


def _renew_sentence(t: Translator, catalogue: Catalogue, renewal: Renewal) -> str:
    if renewal.total is None or not renewal.periods:
        return t.gettext("Renew {plan} now to keep working without a break.").format(
            plan=renewal.plan(t, catalogue)
        )
    return t.gettext("Renew {plan} for the next period ({period}): {amount}, VAT included.").format(
        plan=renewal.plan(t, catalogue), period=renewal.period(t), amount=money(t, renewal.total)
    )


def renewal_reminder(t: Translator, catalogue: Catalogue, payload: Mapping[str, Any]) -> SendMessage:
    """Manual renewal (V1): the period ends in 7, 3 or 1 days."""
    renewal, left = Renewal.from_payload(payload), int(payload["days"])
    last_day = dt.date.fromisoformat(payload["ends_on"]) - dt.timedelta(days=1)
    solutions = renewal.solutions(t, catalogue)
    first = (
        t.gettext("Today is the last day of your {solutions} plan.").format(solutions=solutions)
        if left == 1
        else t.gettext("Your {solutions} plan expires in {days} (your last day is {date}).").format(
            solutions=solutions, days=days(t, left), date=t.date(last_day)
        )
    )
    text = [first, _renew_sentence(t, catalogue, renewal)]
    return SendMessage("\n".join(text), _button(t, N_("Renew"), RENEW))


def auto_renewal_notice(t: Translator, catalogue: Catalogue, payload: Mapping[str, Any]) -> SendMessage:
    """Automatic renewal (V1), 7 days before: it renews by itself; the link comes on the day."""
    renewal = Renewal.from_payload(payload)
    text = [
        t.gettext(
            "Your plan {plan} renews automatically for the next period ({period}): {amount}, VAT included."
        ).format(
            plan=renewal.plan(t, catalogue), period=renewal.period(t), amount=money(t, renewal.total or 0)
        ),
        t.gettext("We will send you the VNPAY payment link on {date}.").format(
            date=t.date(dt.date.fromisoformat(payload["link_on"]))
        ),
        t.gettext("You can switch to manual renewal in My plan."),
    ]
    return SendMessage("\n".join(text))


def auto_renewal_link(t: Translator, catalogue: Catalogue, payload: Mapping[str, Any]) -> SendMessage:
    """Automatic renewal (V1): the renewal order's VNPAY link, with its amount, period and deadline."""
    renewal = Renewal.from_payload(payload)
    pay_by = dt.datetime.fromisoformat(payload["deadline"]) - dt.timedelta(seconds=1)
    text = [t.gettext("Reminder: your renewal is not paid yet.")] if payload.get("again") else []
    text += [
        t.gettext(
            "Your renewal order is ready: {plan} for the next period ({period}), {amount}, VAT included."
        ).format(
            plan=renewal.plan(t, catalogue), period=renewal.period(t), amount=money(t, int(payload["amount"]))
        ),
        t.gettext(
            "Please pay with VNPAY by the end of {date} so your plan continues without a break."
        ).format(date=t.date(pay_by.date())),
    ]
    keyboard = Keyboard(((UrlButton(t.gettext("Pay with VNPAY"), str(payload["url"])),),))
    return SendMessage("\n".join(text), keyboard)


def plan_notice(t: Translator, catalogue: Catalogue, payload: Mapping[str, Any]) -> SendMessage:
    """A boundary crossed: an expiry (D2, T2), an end as asked (P3), or the fall-back (T2)."""
    event, day = Event(payload["event"]), dt.date.fromisoformat(payload["on"])
    solutions = [s for s in payload["solutions"] if s in catalogue.solutions]
    stopped = names(t, catalogue, solutions)
    if event is Event.EXPIRED:
        text = [
            t.gettext(
                "Your {solutions} plan expired on {date}: the paid period ended without a renewal."
            ).format(solutions=stopped, date=t.date(day))
        ]
        if payload.get("renewal"):
            text.append(_renew_sentence(t, catalogue, Renewal.from_payload(payload["renewal"])))
        after = fall_back_day(catalogue, day)
        text += [fate(t, catalogue, s, Fate.UNLESS_RENEWED, after) for s in solutions]
        return SendMessage("\n".join(text), _button(t, N_("Renew"), RENEW))
    if event is Event.ENDED:
        text = [
            t.gettext("As you asked, {solutions} ended on {date}.").format(
                solutions=stopped, date=t.date(day)
            )
        ]
        text += [fate(t, catalogue, s, Fate.NOW) for s in solutions]
        text.append(
            t.gettext("Thank you for using {name}. You are welcome back at any time.").format(
                name=t.gettext(catalogue.name)
            )
        )
        return SendMessage("\n".join(text))
    window = days(t, catalogue.expired_renewal_window_days)
    text = [
        t.gettext("Your {solutions} plan expired on {date} and was not renewed within {days}.").format(
            solutions=stopped, date=t.date(day), days=window
        )
    ]
    text += [fate(t, catalogue, s, Fate.NOW) for s in solutions]
    return SendMessage("\n".join(text), _button(t, N_("Upgrade"), UPGRADE))
