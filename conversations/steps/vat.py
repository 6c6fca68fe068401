"""Step 9b: an optional VAT invoice (V3): no, yes (then the legal name, tax code, address and
e-mail, each checked), or the saved details in one tap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from conversations.billing_info import VatDetails
from conversations.context import Context
from conversations.inputs import clean_line, normalise_email, normalise_tax_code
from conversations.outcomes import Answered, Outcome
from conversations.positions import At, Step
from conversations.screens import Choice, Row, Screen
from conversations.state import State
from conversations.steps.base import Handler
from conversations.steps.billing import EMAIL_PROBLEM, TEXT_PROBLEM
from conversations.steps.fields import Field, FieldStep, short
from locales import N_, Translator

PREFIX = "vat_"  # VAT fields in State.form are "vat_" + the VatDetails field


def _from_billing(key: str) -> Callable[[State], str | None]:
    return lambda state: state.value(key)


INVOICE_FIELDS = (
    Field(
        PREFIX + "legal_name",
        N_("Company name as registered for tax:"),
        clean_line,
        TEXT_PROBLEM,
        _from_billing("company"),
    ),
    Field(
        PREFIX + "tax_code",
        N_("Tax code (MST), for example 0101234567 or 0101234567-001:"),
        normalise_tax_code,
        N_(
            "A tax code has 10 digits, or 10 digits, a dash and a 3-digit branch number "
            "(for example 0101234567-001); a personal one has 12 digits."
        ),
    ),
    Field(PREFIX + "address", N_("Registered address:"), clean_line, TEXT_PROBLEM, _from_billing("address")),
    Field(
        PREFIX + "email",
        N_("E-mail to receive the invoice:"),
        normalise_email,
        EMAIL_PROBLEM,
        _from_billing("email"),
    ),
)
INVOICE_STEP = FieldStep(INVOICE_FIELDS, N_("VAT invoice details ({number}/{count})"))


def invoice_fields(state: State, ctx: Context) -> tuple[str, ...]:
    return tuple(f.key for f in INVOICE_FIELDS) if state.wants_vat else ()


def vat_of(state: State) -> VatDetails | None:
    return VatDetails.from_mapping({k.removeprefix(PREFIX): v for k, v in state.form if k.startswith(PREFIX)})


def describe_vat(t: Translator, vat: VatDetails) -> str:
    return t.gettext("{name}, tax code {tax_code}, {address}; sent to {email}").format(
        name=vat.legal_name, tax_code=vat.tax_code, address=vat.address, email=vat.email
    )


class VatStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        rows: list[Row] = [
            (Choice(t.gettext("No, thank you"), "no"), Choice(t.gettext("Yes, issue one"), "yes"))
        ]
        saved = state.customer.vat if state.customer else None
        if saved is not None:
            rows.append(
                (Choice(t.gettext("Use saved: {name}").format(name=short(saved.legal_name)), "saved"),)
            )
        return Screen(t.gettext("Do you need a VAT invoice?"), tuple(rows))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        saved = state.customer.vat if state.customer else None
        if action in ("no", "yes"):
            return Answered(replace(state, wants_vat=action == "yes"))
        if action != "saved" or saved is None:
            return None
        form = tuple({**dict(state.form), **{PREFIX + k: v for k, v in saved.to_json().items()}}.items())
        keys = {At(Step.INVOICE, f.key).key for f in INVOICE_FIELDS}
        return Answered(replace(state, wants_vat=True, form=form, done=state.done | keys))
