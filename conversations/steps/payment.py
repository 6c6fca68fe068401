"""Steps 12–13: the order is being placed, then its VNPAY link with the expiry time and
"Check payment"; the payment's result — success (what is now active, the invoice) or the
reason in words with "Pay again"."""

from __future__ import annotations

from dataclasses import replace

from billing_core.vnpay.response_codes import explain_response_code
from conversations.checkout import place_order
from conversations.context import Context
from conversations.effects import CheckPayment, SendInvoice
from conversations.events import OrderBlocked, OrderPlaced, OrderRefusedEvent, PaymentStatus
from conversations.outcomes import Finished, Ignored, Jump, Outcome, Refused, Stay, Wait
from conversations.phrases import line_summary, moment, money
from conversations.positions import At, Step
from conversations.screens import Choice, Link, Screen
from conversations.state import PlacedOrder, State
from conversations.steps.base import Handler
from locales import Translator

EXPIRED = "expired"


class PlacingStep(Handler):
    """Between "confirm" and the order: a retry names the same order (same client token)."""

    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        return Screen(
            t.gettext("Creating your order…"), ((Choice(t.gettext("Try again"), "retry"),),), nav=()
        )

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        return Wait(state, (place_order(state, ctx),)) if action == "retry" else None


class PaymentStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        order = state.order
        assert order is not None, "the payment step is reached with an order"
        heading = t.gettext("Order no. {order}: {amount}").format(
            order=order.order_id, amount=money(t, order.amount)
        )
        if order.failure is not None:
            return Screen(
                heading + "\n" + failure_reason(t, order.failure),
                ((Choice(t.gettext("Pay again"), "again"),),),
            )
        time, day = moment(t, order.expires_at)
        text = t.gettext("Please pay with VNPAY before {time} on {date}, then tap Check payment.").format(
            time=time, date=day
        )
        return Screen(
            heading + "\n" + text,
            (
                (Link(t.gettext("Pay with VNPAY"), order.payment_url),),
                (Choice(t.gettext("Check payment"), "check"),),
            ),
        )

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        order = state.order
        if order is None:
            return None
        if action == "check" and order.failure is None:
            return Wait(state, (CheckPayment(order.order_id),))
        if action == "again" and order.failure is not None:
            again = replace(state, order=None, order_attempt=state.order_attempt + 1)
            return Jump(again, At(Step.PLACING), (place_order(again, ctx),), remember=False)
        return None


def failure_reason(t: Translator, failure: str) -> str:
    if failure == EXPIRED:
        return t.gettext("The payment link has expired.")
    return explain_response_code(t, failure)


def order_placed(state: State, ctx: Context, event: OrderPlaced) -> Outcome:
    if state.at.step not in (Step.PLACING, Step.PAYMENT):
        return Ignored()  # the customer left (cancelled) before the order came back
    order = PlacedOrder(event.order_id, event.amount, event.payment_url, event.expires_at)
    return Jump(replace(state, order=order), At(Step.PAYMENT), remember=False)


def order_not_placed(state: State, ctx: Context, event: OrderRefusedEvent | OrderBlocked) -> Outcome:
    """Back to the review with the reasons (e.g. the coupon's last use went elsewhere, K2)."""
    if state.at.step is not Step.PLACING:
        return Ignored()
    refusals = (event.refusal,) if isinstance(event, OrderRefusedEvent) else event.blocked.refusals
    review = At(Step.REVIEW)
    history = state.history[:-1] if state.history[-1:] == (review.key,) else state.history
    return Refused(replace(state, at=review, history=history), refusals)


def payment_status(state: State, ctx: Context, event: PaymentStatus) -> Outcome:
    t = ctx.translator(state.locale)
    # An order with nothing to pay is settled at once: it is reported paid while being placed.
    placing = state.at.step is Step.PLACING and state.order is None
    ours = placing or (state.order is not None and state.order.order_id == event.order_id)
    if event.status == "paid":
        text = [
            t.gettext("Payment successful"),
            t.gettext("Order no. {order} is paid.").format(order=event.order_id),
        ]
        if ours:
            text.append(t.gettext("Now active:"))
            text += [
                "• " + line_summary(t, ctx.catalogue, x.solution, x.tier, x.seats, x.cycle)
                for x in state.cart.lines
            ]
        text.append(t.gettext("Your invoice follows in this chat."))
        return Finished("\n".join(text), (SendInvoice(event.order_id),))
    if event.status in ("failed", EXPIRED):
        failure = (event.code or "99") if event.status == "failed" else EXPIRED
        if ours and state.at.step is Step.PAYMENT:
            assert state.order is not None
            return Stay(replace(state, order=replace(state.order, failure=failure)))
        return Wait(state, (), failure_reason(t, failure))
    if ours and state.at.step is Step.PAYMENT:
        return Stay(state, t.gettext("We have not received your payment yet."))
    return Ignored()
