"""An issued invoice as immutable values: what the PDF prints, in the customer's language.

The fields are those of a Vietnamese VAT invoice (Decree 123/2020 art. 10, Circular 78/2021
art. 4): the invoice name (from the form), form `1` and a 6-character symbol printed together
(`1C26TAA`), a number of at most 8 digits printed zero-padded (`00000012`), the issue date,
seller and buyer (the buyer's tax code only when a VAT invoice was asked for, V3), one row per
order line, the discount lines, the amount before tax, VAT per rate (K3), the total and the
total in words. Amounts are whole VND (K4) and must add up; a document that does not is
refused at construction, so a wrong invoice cannot be printed. All text is NFC-normalised
here, once: the PDF and the e-mail see composed Vietnamese letters only.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, fields

from billing_core.amount_in_words import amount_in_words
from billing_core.catalogue import VAT_RATES
from billing_core.invoice_ids import MAX_NUMBER, SYMBOL, invoice_filename, invoice_label, is_tax_code
from billing_core.money import Money
from billing_core.periods import Period
from locales import N_, SUPPORTED, translator

FORMS = {"1": N_("VAT INVOICE"), "2": N_("SALES INVOICE")}


def _nfc(record: object) -> None:
    """NFC-normalise every text field of a frozen dataclass in place (at construction)."""
    for f in fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        if isinstance(value, str):
            object.__setattr__(record, f.name, unicodedata.normalize("NFC", value))


def _check_tax_code(tax_code: str, whose: str) -> None:
    if not is_tax_code(tax_code):
        raise ValueError(f"{whose} tax code must be 10 digits, 10-3 digits or 12 digits, not {tax_code!r}")


@dataclass(frozen=True, slots=True)
class Seller:
    """The seller as registered with the tax office (from settings)."""

    name: str
    address: str
    tax_code: str
    phone: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        _nfc(self)
        _check_tax_code(self.tax_code, "the seller's")


@dataclass(frozen=True, slots=True)
class Buyer:
    """The buyer: V2's company and representative, or V3's legal name, tax code and address."""

    company: str
    representative: str
    address: str
    email: str | None = None
    tax_code: str | None = None  # V3: only when a VAT invoice was asked for

    def __post_init__(self) -> None:
        _nfc(self)
        if self.tax_code is not None:
            _check_tax_code(self.tax_code, "the buyer's")


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One order line as printed; names are already in the document's language."""

    item: str  # the solution's or add-on's name, e.g. "Không gian làm việc số"
    period: Period  # half-open [start, end); printed with its inclusive last day (Y5)
    amount: Money  # before discounts; negative for a credit
    vat_rate: str  # "10", "8", "5", "0" or "KCT"
    tier: str | None = None  # e.g. "Standard"
    kind: str | None = None  # e.g. "Gia hạn" (renewal); None for a new subscription
    cycle: str | None = None  # e.g. "theo năm"
    seats: int | None = None  # users, for a per-seat line
    quantity: int | None = None  # blocks, for an add-on
    block: str | None = None  # what one block holds, e.g. "100 GB"
    days: int | None = None  # charged days, when fewer than the whole period (P1)

    def __post_init__(self) -> None:
        _nfc(self)
        if self.vat_rate not in VAT_RATES:
            raise ValueError(f"unknown VAT rate {self.vat_rate!r} (known: {', '.join(VAT_RATES)})")
        if self.seats is not None and self.quantity is not None:
            raise ValueError("a row counts either seats or add-on blocks, not both")

    @property
    def unit(self) -> str:
        """How the row is counted: "user", "block", or "package" (one line, priced as a whole)."""
        return self.billed[0]

    @property
    def count(self) -> int:
        return self.billed[1]

    @property
    def unit_price(self) -> Money:
        return self.billed[2]

    @property
    def billed(self) -> tuple[str, int, Money]:
        """(unit, count, unit price) with count × unit price == amount exactly.

        Per user (or per block) when the amount divides evenly; a prorated line (P1) rarely
        does, and is then one package at its amount, its users and days told in the text.
        """
        count = self.seats or self.quantity
        if count and self.amount % count == 0:
            return ("user" if self.seats else "block", count, self.amount // count)
        return "package", 1, self.amount


@dataclass(frozen=True, slots=True)
class DiscountRow:
    """A discount step of the order (K1), e.g. "Giảm 20% khi thanh toán theo năm"."""

    label: str
    amount: Money  # positive; subtracted from the rows

    def __post_init__(self) -> None:
        _nfc(self)


@dataclass(frozen=True, slots=True)
class VatSummary:
    """The VAT of one rate (K3): the net amount it applies to and the tax."""

    rate: str  # "10", "8", "5", "0" or "KCT" (not subject to VAT)
    base: Money
    amount: Money

    def __post_init__(self) -> None:
        if self.rate not in VAT_RATES:
            raise ValueError(f"unknown VAT rate {self.rate!r} (known: {', '.join(VAT_RATES)})")

    @property
    def exempt(self) -> bool:
        return self.rate == "KCT"


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """An issued invoice; construction checks the identifiers and that the amounts add up."""

    symbol: str  # e.g. "C26TAA"
    number: int  # 1 … 99,999,999
    issued_on: dt.date
    seller: Seller
    buyer: Buyer
    rows: tuple[InvoiceRow, ...]
    vat: tuple[VatSummary, ...]
    before_tax: Money
    total: Money
    discounts: tuple[DiscountRow, ...] = ()
    form: str = "1"  # 1: VAT invoice, 2: sales invoice
    locale: str = "vi"
    payment_method: str | None = None  # e.g. "VNPAY"
    currency: str = "VND"

    def __post_init__(self) -> None:
        _nfc(self)
        if self.form not in FORMS:
            raise ValueError(f"invoice form must be one of {', '.join(FORMS)}, not {self.form!r}")
        if not SYMBOL.fullmatch(self.symbol):
            raise ValueError(f"not an invoice symbol (e.g. C26TAA): {self.symbol!r}")
        if not 1 <= self.number <= MAX_NUMBER:
            raise ValueError(f"invoice number must be 1 to {MAX_NUMBER}, not {self.number}")
        if self.locale not in SUPPORTED:
            raise ValueError(f"unsupported locale {self.locale!r} (supported: {', '.join(SUPPORTED)})")
        if not self.rows:
            raise ValueError("an invoice has at least one row")
        self._check_amounts()

    def _check_amounts(self) -> None:
        discounted = self.subtotal - sum(d.amount for d in self.discounts)
        if discounted != self.before_tax:
            raise ValueError(
                f"rows less discounts are {discounted}, not the amount before tax {self.before_tax}"
            )
        if sum(v.base for v in self.vat) != self.before_tax:
            raise ValueError("the VAT bases must add up to the amount before tax")
        if self.before_tax + sum(v.amount for v in self.vat) != self.total:
            raise ValueError(f"before tax plus VAT is not the total {self.total}")
        if self.total < 0:
            raise ValueError("an invoice's total cannot be negative")
        rates = [v.rate for v in self.vat]
        if len(set(rates)) != len(rates) or {r.vat_rate for r in self.rows} - set(rates):
            raise ValueError("one VAT summary per rate, covering every row's rate")

    @property
    def name(self) -> str:
        """The invoice's name in its language, e.g. "HÓA ĐƠN GIÁ TRỊ GIA TĂNG"."""
        return unicodedata.normalize("NFC", translator(self.locale).gettext(FORMS[self.form]))

    @property
    def serial(self) -> str:
        """Form and symbol as printed together (Circular 78/2021): "1C26TAA"."""
        return self.form + self.symbol

    @property
    def number_text(self) -> str:
        """The number as printed, zero-padded to 8 digits: "00000012"."""
        return f"{self.number:08d}"

    @property
    def label(self) -> str:
        """Serial and number, as the chat lists invoices: "1C26TAA-00000012"."""
        return invoice_label(self.form, self.symbol, self.number)

    @property
    def filename(self) -> str:
        return invoice_filename(self.number)

    @property
    def subtotal(self) -> Money:
        """The rows' amounts before any discount."""
        return sum(r.amount for r in self.rows)

    @property
    def total_in_words(self) -> str:
        """ "Số tiền viết bằng chữ", e.g. "Một triệu hai trăm nghìn đồng"."""
        return amount_in_words(self.total, self.locale)
