"""Step 11: the review — every quote line (K1), discounts, VAT, the total in words, the
billing details and renewal; a button to edit each step, confirm, cancel. A cart the engine
blocks shows every reason and fix instead of "confirm"."""

from __future__ import annotations

from dataclasses import replace

from billing_core.explanations import explain
from billing_core.quote import Quote
from conversations.cart_quote import quote_for
from conversations.checkout import place_order, save_profile
from conversations.context import Context
from conversations.effects import EditMessage
from conversations.outcomes import Edit, Jump, Outcome, Stay
from conversations.positions import At, Step
from conversations.quote_text import quote_text
from conversations.screens import Choice, Screen, in_rows
from conversations.state import State
from conversations.steps.addons import addons_apply
from conversations.steps.base import Handler
from conversations.steps.billing import billing_of, describe_billing
from conversations.steps.renewal import MANUAL, MODES
from conversations.steps.seats import seated_solutions
from conversations.steps.vat import describe_vat, vat_of
from locales import N_

EDITS: dict[str, tuple[tuple[Step, ...], str]] = {
    "solution": ((Step.SOLUTION,), N_("Solution")),
    "tier": ((Step.TIER,), N_("Plan")),
    "seats": ((Step.SEATS,), N_("Users")),
    "addons": ((Step.ADDONS,), N_("Add-ons")),
    "cycle": ((Step.CYCLE,), N_("Billing cycle")),
    "coupon": ((Step.COUPON,), N_("Discount code")),
    "billing": ((Step.SAVED_BILLING, Step.BILLING), N_("Billing details")),
    "vat": ((Step.VAT, Step.INVOICE), N_("VAT invoice")),
    "renewal": ((Step.RENEWAL,), N_("Renewal")),
}
EDIT_MARK = "✏️ "


class ReviewStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        result = quote_for(state, ctx, with_coupon=True)
        edits = in_rows(
            (
                Choice(EDIT_MARK + t.gettext(label), "edit", group)
                for group, (_, label) in EDITS.items()
                if self._shown(state, ctx, group)
            ),
            3,
        )
        if not isinstance(result, Quote):
            text = [t.gettext("This order cannot be placed yet:")]
            text += ["• " + explain(t, ctx.catalogue, r) for r in result.refusals]
            return Screen("\n".join(text), edits, fixes=tuple(r.fix for r in result.refusals if r.fix))
        text = [t.gettext("Please check your order:"), *quote_text(t, ctx.catalogue, result), ""]
        billing, vat = billing_of(state), vat_of(state) if state.wants_vat else None
        if billing is not None:
            text.append(describe_billing(t, billing))
        text.append(
            t.gettext("VAT invoice: {details}").format(
                details=describe_vat(t, vat) if vat else t.gettext("not needed")
            )
        )
        text.append(t.gettext(MODES[state.cart.renewal or MANUAL]))
        confirm = (Choice(t.gettext("Confirm and pay"), "confirm"),)
        return Screen("\n".join(text), (confirm, *edits))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action == "edit" and arg in EDITS:
            return Edit(EDITS[arg][0])
        if action != "confirm":
            return None
        if not isinstance(quote_for(state, ctx, with_coupon=True), Quote):
            return Stay(state)  # the screen says why
        # The review message stays in the chat, without its buttons, as the record of the order.
        freeze = (
            ()
            if state.keyboard_message_id is None
            else (EditMessage(state.keyboard_message_id, self.screen(state, ctx, subject).text),)
        )
        placing = replace(state, keyboard_message_id=None)
        effects = (*freeze, *save_profile(state), place_order(state, ctx))
        return Jump(placing, At(Step.PLACING), effects, show=False)

    def after_fix(self, state: State, ctx: Context, subject: str) -> Outcome:
        return Stay(state)

    @staticmethod
    def _shown(state: State, ctx: Context, group: str) -> bool:
        if group == "seats":
            return bool(seated_solutions(state, ctx))
        if group == "addons":
            return addons_apply(state, ctx)
        return True
