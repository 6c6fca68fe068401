"""Step 8: a discount code, typed, or skipped. The code is looked up by the runtime
(LookupCoupon → CouponLooked) and judged by the engine on this cart (K2): unknown, disabled,
not started, expired, used up, the customer's limit, not applicable, minimum order — each with
its own reason. The customer can then type another code or skip."""

from __future__ import annotations

from dataclasses import replace

from billing_core.coupons import CouponEntry, normalise_code
from billing_core.quote import Quote
from conversations.cart_quote import quote_for
from conversations.context import Context
from conversations.effects import LookupCoupon
from conversations.events import CouponLooked
from conversations.outcomes import Answered, Ignored, Outcome, Refused, Stay, Wait
from conversations.phrases import money
from conversations.positions import Step
from conversations.screens import Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler

LONGEST_CODE = 40  # the coupons table's code column


def _without_coupon(state: State) -> State:
    return replace(state, cart=replace(state.cart, coupon=None), pending_coupon=None)


class CouponStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        applied = state.cart.coupon
        if applied is None:
            return Screen(
                t.gettext("Do you have a discount code? Type it here, or tap Skip."),
                ((Choice(t.gettext("Skip"), "skip"),),),
            )
        return Screen(
            t.gettext("Your discount code is {code}. Type another code, keep this one, or remove it.").format(
                code=applied.code
            ),
            (
                (
                    Choice(t.gettext("Keep {code}").format(code=applied.code), "keep"),
                    Choice(t.gettext("Remove the code"), "skip"),
                ),
            ),
        )

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action == "skip":
            return Answered(_without_coupon(state))
        if action == "keep" and state.cart.coupon is not None:
            return Answered(state)
        return None

    def on_text(self, state: State, ctx: Context, subject: str, text: str) -> Outcome | None:
        code = normalise_code(text)
        if not code or len(code) > LONGEST_CODE:
            t = ctx.translator(state.locale)
            return Stay(
                state,
                t.gettext("Please type the code as it is written, for example TET10."),
                understood=False,
            )
        return Wait(replace(state, pending_coupon=code), (LookupCoupon(code),))


def coupon_looked(state: State, ctx: Context, event: CouponLooked) -> Outcome:
    """The lookup's result, judged by the engine on this cart (K2)."""
    if state.at.step is not Step.COUPON or event.code != state.pending_coupon:
        return Ignored()  # a late answer to a question no longer asked
    entry = event.entry or CouponEntry(event.code, None)
    tried = replace(state, cart=replace(state.cart, coupon=entry), pending_coupon=None)
    result = quote_for(tried, ctx, with_coupon=True)
    if not isinstance(result, Quote):
        refusals = tuple(r for r in result.refusals if r.field == "coupon")
        if refusals:
            # The fix of every coupon refusal is remove_coupon: the screen's Skip button.
            return Refused(_without_coupon(state), tuple(replace(r, fix=None) for r in refusals))
        return Answered(tried)  # another field is blocked: the review says which
    t = ctx.translator(state.locale)
    off = sum(d.amount for d in result.discounts if d.kind == "coupon")
    return Answered(
        tried,
        t.gettext("The code {code} is applied: {amount} off.").format(code=entry.code, amount=money(t, off)),
    )
