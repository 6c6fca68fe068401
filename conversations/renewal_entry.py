"""The "Gia hạn" button (a renewal reminder, "My plan"): the review step with the same lines
for the next period (V1). What the customer holds answers the purchase steps: tiers, users and
cycles (entry.py), the add-on blocks held, one period, no coupon, the saved billing and VAT
details, and the renewal mode in use; every answer can still be edited from the review."""

from __future__ import annotations

from dataclasses import replace

from conversations.positions import At, Step
from conversations.state import Customer, State
from conversations.steps.billing import BILLING_FIELDS
from conversations.steps.renewal import MANUAL
from conversations.steps.vat import INVOICE_FIELDS, PREFIX


def renewal_answers(state: State, customer: Customer) -> State:
    """`state` (a renewal's cart) with the steps a renewal keeps answered."""
    form = dict(state.form)
    done = {At(step).key for step in (Step.ADDONS, Step.MONTHS, Step.COUPON, Step.RENEWAL, Step.VAT)}
    if customer.billing is not None:
        form |= customer.billing.to_json()
        done |= {At(Step.SAVED_BILLING).key, *(At(Step.BILLING, f.key).key for f in BILLING_FIELDS)}
    if customer.vat is not None:
        form |= {PREFIX + k: v for k, v in customer.vat.to_json().items()}
        done |= {At(Step.INVOICE, f.key).key for f in INVOICE_FIELDS}
    cart = replace(
        state.cart,
        addons=customer.addons,
        months=1,
        renewal=customer.renewal_mode or MANUAL,
        renewing=customer.renewing,
    )
    return replace(
        state,
        cart=cart,
        form=tuple(form.items()),
        wants_vat=customer.vat is not None,
        done=state.done | done,
    )
