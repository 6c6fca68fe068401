"""Step 9: billing details (V2), one field at a time, or the saved ones in one tap."""

from __future__ import annotations

from dataclasses import replace

from conversations.billing_info import BillingProfile
from conversations.context import Context
from conversations.inputs import clean_line, normalise_email, normalise_phone
from conversations.outcomes import Answered, Outcome
from conversations.positions import At, Step
from conversations.screens import Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler
from conversations.steps.fields import Field, FieldStep
from locales import N_, Translator

TEXT_PROBLEM = N_("Please type it as one line of text, at most {most} characters.")
EMAIL_PROBLEM = N_("That e-mail address does not look right. Please check it, for example ten@congty.vn.")

BILLING_FIELDS = (
    Field(
        "company", N_("Company name (or your full name if you buy for yourself):"), clean_line, TEXT_PROBLEM
    ),
    Field("representative", N_("Full name of the representative:"), clean_line, TEXT_PROBLEM),
    Field(
        "phone",
        N_("Mobile phone number:"),
        normalise_phone,
        N_("Please type a Vietnamese mobile number, for example 0912 345 678 or +84 912 345 678."),
    ),
    Field("email", N_("E-mail address:"), normalise_email, EMAIL_PROBLEM),
    Field("address", N_("Address:"), clean_line, TEXT_PROBLEM),
)
LABELS = {
    "company": N_("Company"),
    "representative": N_("Representative"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "address": N_("Address"),
}
BILLING_STEP = FieldStep(BILLING_FIELDS, N_("Billing details ({number}/{count})"))


def billing_fields(state: State, ctx: Context) -> tuple[str, ...]:
    return tuple(f.key for f in BILLING_FIELDS)


def has_saved_billing(state: State, ctx: Context) -> bool:
    return state.customer is not None and state.customer.billing is not None


def billing_of(state: State) -> BillingProfile | None:
    return BillingProfile.from_mapping(dict(state.form))


def describe_billing(t: Translator, profile: BillingProfile) -> str:
    values = profile.to_json()
    return "\n".join(
        t.gettext("{label}: {value}").format(label=t.gettext(LABELS[k]), value=values[k]) for k in LABELS
    )


class SavedBillingStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        saved = state.customer.billing if state.customer else None
        summary = describe_billing(t, saved) if saved else ""
        return Screen(
            t.gettext("Use your saved billing details?") + "\n" + summary,
            (
                (Choice(t.gettext("Use these details"), "use"),),
                (Choice(t.gettext("Enter new details"), "new"),),
            ),
        )

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        saved = state.customer.billing if state.customer else None
        if action == "new":
            return Answered(state)
        if action != "use" or saved is None:
            return None
        form = tuple({**dict(state.form), **saved.to_json()}.items())
        keys = {At(Step.BILLING, f.key).key for f in BILLING_FIELDS}
        return Answered(replace(state, form=form, done=state.done | keys))
