"""The invoice of a paid order, from what the database keeps for it.

- `orders.quote`: the quote as shown (`billing_core.quote_json.quote_to_json`): its lines
  (kind, solution or add-on, tier, seats or quantity, cycle, the charged period, days when
  prorated, amount, VAT rate), its discount steps, the VAT per rate, the amount before tax
  and the total. The amounts are printed as they were paid (V5); nothing is priced again.
- `orders.billing`: the V2 snapshot (company, representative, phone, email, address) with
  `vat_invoice` holding V3's legal name, tax code, address and e-mail, or null
  (`conversations.effects.PlaceOrder.billing_json`). With V3 the buyer is the legal entity.
- the `invoices` row: form, symbol, number and the instant it was issued; the issue date is
  that instant's calendar day in Vietnam.
- the catalogue, for the names of solutions, tiers and add-ons in the customer's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any, Protocol

from billing_core.catalogue import Catalogue
from billing_core.catalogue_loader import load_bundled
from billing_core.explanations import CYCLE_NAMES, LINE_KINDS, discount_label
from billing_core.periods import Period, local_today
from invoices.document import Buyer, DiscountRow, InvoiceDocument, InvoiceRow, Seller, VatSummary
from locales import Translator, translator


class InvoiceRecord(Protocol):
    """What the `invoices` row holds: the ORM `Invoice` and a SQL Core row both fit."""

    @property
    def form(self) -> str: ...
    @property
    def symbol(self) -> str: ...
    @property
    def number(self) -> int: ...
    @property
    def issued_at(self) -> dt.datetime: ...


class OrderRecord(Protocol):
    """What the `orders` row holds that an invoice prints: the ORM `Order` fits."""

    @property
    def quote(self) -> dict[str, Any]: ...
    @property
    def billing(self) -> dict[str, Any] | None: ...


@cache
def bundled_catalogue(catalogue_id: str) -> Catalogue:
    """A bundled catalogue, loaded once per process."""
    return load_bundled(catalogue_id)


def invoice_document(
    order: OrderRecord,
    invoice: InvoiceRecord,
    seller: Seller,
    *,
    locale: str = "vi",
    catalogue: Catalogue | None = None,
    payment_method: str | None = "VNPAY",
) -> InvoiceDocument:
    """The invoice of a paid order, in `locale` (the customer's language)."""
    return document_from_quote(
        order.quote,
        order.billing,
        form=invoice.form,
        symbol=invoice.symbol,
        number=invoice.number,
        issued_at=invoice.issued_at,
        seller=seller,
        locale=locale,
        catalogue=catalogue,
        payment_method=payment_method,
    )


def document_from_quote(
    quote: Mapping[str, Any],
    billing: Mapping[str, Any] | None,
    *,
    symbol: str,
    number: int,
    issued_at: dt.datetime,
    seller: Seller,
    form: str = "1",
    locale: str = "vi",
    catalogue: Catalogue | None = None,
    payment_method: str | None = "VNPAY",
) -> InvoiceDocument:
    """The invoice from the stored quote JSON and billing snapshot; raises ValueError when the
    quote is not a paid order's (a refusal) or its amounts do not add up."""
    if not quote.get("ok"):
        raise ValueError("the quote of a paid order is expected, not a refusal")
    catalogue = catalogue or bundled_catalogue(quote["catalogue"])
    t = translator(locale)
    return InvoiceDocument(
        form=form,
        symbol=symbol,
        number=number,
        issued_on=local_today(issued_at),
        seller=seller,
        buyer=buyer_of(billing),
        rows=tuple(_row(t, catalogue, line) for line in quote["lines"]),
        discounts=tuple(_discount(t, d) for d in quote["discounts"]),
        vat=tuple(VatSummary(v["rate"], v["base"], v["amount"]) for v in quote["vat"]),
        before_tax=quote["before_tax"],
        total=quote["total"],
        locale=locale,
        payment_method=payment_method,
    )


def buyer_of(billing: Mapping[str, Any] | None) -> Buyer:
    """The buyer from the V2/V3 snapshot; with a VAT invoice (V3) the legal entity is named."""
    billing = billing or {}
    vat = billing.get("vat_invoice") or {}

    def text(key: str) -> str:
        value = vat.get(key) or billing.get(key)
        return value.strip() if isinstance(value, str) else ""

    return Buyer(
        company=(vat.get("legal_name") or billing.get("company") or "").strip(),
        representative=text("representative"),
        address=text("address"),
        email=text("email") or None,
        tax_code=(vat.get("tax_code") or "").strip() or None,
    )


def _row(t: Translator, catalogue: Catalogue, line: Mapping[str, Any]) -> InvoiceRow:
    period = Period(
        dt.date.fromisoformat(line["period"]["start"]), dt.date.fromisoformat(line["period"]["end"])
    )
    kind, cycle = LINE_KINDS.get(line["kind"]), CYCLE_NAMES.get(line.get("cycle") or "")
    common: dict[str, Any] = {
        "period": period,
        "amount": line["amount"],
        "vat_rate": line["vat_rate"],
        "kind": t.gettext(kind) if kind else None,  # no literal inside gettext(): Babel would extract it
        "cycle": t.gettext(cycle) if cycle else None,
        "days": line["days"] if line.get("prorated") else None,
    }
    if line.get("addon"):
        addon = catalogue.addons[line["addon"]]
        return InvoiceRow(
            item=t.gettext(addon.name), quantity=line["quantity"], block=t.gettext(addon.block), **common
        )
    solution = catalogue.solutions[line["solution"]]
    tier = solution.tier(line["tier"]) if line.get("tier") else None
    return InvoiceRow(
        item=t.gettext(solution.name),
        tier=t.gettext(tier.name) if tier else line.get("tier"),
        seats=line.get("seats"),
        **common,
    )


def _discount(t: Translator, discount: Mapping[str, Any]) -> DiscountRow:
    label = discount_label(t, discount["kind"], discount.get("percent"), discount.get("code"))
    return DiscountRow(label, discount["amount"])
