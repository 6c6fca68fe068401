"""The context card an agent reads first in a customer's topic: who, language, the step the
conversation is at, the cart and its quote, the open order, the subscriptions held.

Written in the agents' language (the bot's default), whatever the customer's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel import Locale

from billing_core.holdings import Holding, Status
from billing_core.quote import Quote
from conversations.cart_quote import quote_for
from conversations.context import Context
from conversations.phrases import line_summary, money, period
from conversations.positions import Step
from conversations.quote_text import quote_text
from conversations.state import State
from locales import N_, Translator

REASONS = {
    "asked": N_("asked for a person"),
    "words": N_("wrote asking for a person"),
    "misunderstood": N_("the bot did not understand three times"),
}
STEPS = {
    Step.MENU: N_("menu"),
    Step.LANGUAGE: N_("choosing the language"),
    Step.MY_PLAN: N_("My plan"),
    Step.INVOICES: N_("Invoices"),
    Step.SOLUTION: N_("choosing the solution"),
    Step.TIER: N_("choosing the tier"),
    Step.SEATS: N_("number of users"),
    Step.ADDONS: N_("add-ons"),
    Step.CYCLE: N_("billing cycle"),
    Step.MONTHS: N_("prepaid months"),
    Step.PRORATION: N_("proration choice"),
    Step.COUPON: N_("coupon"),
    Step.SAVED_BILLING: N_("saved billing details"),
    Step.BILLING: N_("billing details"),
    Step.VAT: N_("VAT invoice"),
    Step.INVOICE: N_("VAT invoice details"),
    Step.RENEWAL: N_("renewal mode"),
    Step.REVIEW: N_("review"),
    Step.PLACING: N_("placing the order"),
    Step.PAYMENT: N_("payment"),
}
STATUSES = {
    Status.ACTIVE: N_("active"),
    Status.TRIAL: N_("trial"),
    Status.EXPIRED: N_("expired"),
    Status.LOCKED: N_("locked"),
    Status.FREE: N_("free"),
}
ORDER_STATES = {
    "pending": N_("waiting for payment"),
    "paid": N_("paid"),
    "failed": N_("payment failed"),
    "expired": N_("link expired"),
    "cancelled": N_("cancelled"),
}
COMMANDS = "/claim · /close · /quote · /order"


@dataclass(frozen=True, slots=True)
class Person:
    user_id: int
    name: str | None
    username: str | None
    locale: str


@dataclass(frozen=True, slots=True)
class OpenOrder:
    order_id: int
    amount: int
    status: str
    created_at: dt.datetime


def context_card(
    t: Translator,
    ctx: Context,
    state: State,
    *,
    ticket_id: int,
    reason: str,
    who: Person,
    holdings: tuple[Holding, ...],
    order: OpenOrder | None,
) -> str:
    handle = f" (@{who.username})" if who.username else ""
    parts = [
        t.gettext("Ticket #{ticket}: {reason}").format(ticket=ticket_id, reason=t.gettext(REASONS[reason])),
        t.gettext("Customer: {name}{handle}, Telegram id {id}").format(
            name=who.name or "—", handle=handle, id=who.user_id
        ),
        t.gettext("Language: {language}").format(
            language=Locale.parse(who.locale).get_display_name(t.locale)
        ),
        t.gettext("Step: {step}").format(step=t.gettext(STEPS[state.at.step])),
        _cart(t, ctx, state),
        _order(t, order),
        _holdings(t, ctx, holdings),
        t.gettext("Commands: {commands}").format(commands=COMMANDS),
    ]
    return "\n\n".join(parts)


def cart_lines(t: Translator, ctx: Context, state: State) -> list[str]:
    """What is in the cart, one line per solution (the customer's choices so far)."""
    return [
        "• " + line_summary(t, ctx.catalogue, x.solution, x.tier, x.seats, x.cycle) for x in state.cart.lines
    ]


def _cart(t: Translator, ctx: Context, state: State) -> str:
    lines = cart_lines(t, ctx, state)
    if not lines:
        return t.gettext("Cart: empty")
    text = [t.gettext("Cart:"), *lines]
    if state.cart.chosen:
        quoted = quote_for(state, ctx, with_coupon=True)
        if isinstance(quoted, Quote):
            text += [t.gettext("Quote:"), *quote_text(t, ctx.catalogue, quoted)]
    return "\n".join(text)


def _order(t: Translator, order: OpenOrder | None) -> str:
    if order is None:
        return t.gettext("Open order: none")
    return t.gettext("Open order: no. {order}, {amount}, {state}").format(
        order=order.order_id, amount=money(t, order.amount), state=t.gettext(ORDER_STATES[order.status])
    )


def _holdings(t: Translator, ctx: Context, holdings: tuple[Holding, ...]) -> str:
    if not holdings:
        return t.gettext("Subscriptions: none")
    lines = [
        "• "
        + line_summary(t, ctx.catalogue, h.solution, h.tier, h.seats, h.cycle)
        + f" — {t.gettext(STATUSES[h.status])}, {period(t, h.period)}"
        for h in holdings
    ]
    return "\n".join([t.gettext("Subscriptions:"), *lines])
