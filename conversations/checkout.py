"""Confirming the order: the PlaceOrder effect and its client token.

The token is derived from the conversation (chat, nonce, payment attempt) and from what is
being bought, so a second tap on "confirm" — or a retry after a crash — names the same order,
while an edited cart or a "pay again" after a failed payment names a new one.
"""

from __future__ import annotations

import hashlib
import json

from billing_core.cart import QuoteRequest
from conversations.cart_quote import request_for
from conversations.context import Context
from conversations.effects import PlaceOrder, SaveBillingProfile
from conversations.state import State
from conversations.steps.billing import billing_of
from conversations.steps.renewal import MANUAL
from conversations.steps.vat import vat_of


def client_token(state: State, ctx: Context, request: QuoteRequest) -> str:
    what = {
        "cart": [(x.solution, x.tier, x.seats, x.cycle.value) for x in request.cart],
        "addons": sorted(request.addons.items()),
        "months": request.months,
        "coupon": request.coupon.code if request.coupon else None,
        "proration": request.proration_option,
        "form": sorted(state.form),
        "vat": state.wants_vat,
        "renewal": state.cart.renewal,
    }
    digest = hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:16]
    return f"c{ctx.chat_id}-{state.nonce}-{state.order_attempt}-{digest}"


def place_order(state: State, ctx: Context) -> PlaceOrder:
    """The order for the cart as reviewed (every answer given)."""
    billing = billing_of(state)
    assert billing is not None, "the review is reached with complete billing details"
    request = request_for(state, ctx, with_coupon=True)
    return PlaceOrder(
        request=request,
        client_token=client_token(state, ctx, request),
        billing=billing,
        vat_invoice=vat_of(state) if state.wants_vat else None,
        renewal_mode=state.cart.renewal or MANUAL,
        renewing=state.cart.renewing
        if state.customer and state.customer.renewal_holdings(state.cart)
        else None,
    )


def save_profile(state: State) -> tuple[SaveBillingProfile, ...]:
    """Keep the details for next time (V2), when they differ from those saved."""
    billing, vat = billing_of(state), vat_of(state) if state.wants_vat else None
    customer = state.customer
    if billing is None or (customer and customer.billing == billing and (vat is None or customer.vat == vat)):
        return ()
    return (SaveBillingProfile(billing, vat or (customer.vat if customer else None)),)
