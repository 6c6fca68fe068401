"""The invoice document: identifiers as printed, amounts that must add up, NFC text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata

import pytest

from billing_core.invoice_ids import invoice_filename
from billing_core.periods import Period
from invoices import Buyer, DiscountRow, InvoiceDocument, InvoiceRow, Seller, VatSummary
from tests.invoices.samples import SELLER, sample, workspace_quote

YEAR = Period(dt.date(2026, 1, 15), dt.date(2027, 1, 15))
BUYER = Buyer("Công ty TNHH Ánh Dương", "Nguyễn Thị Hồng Nhung", "Hải Phòng", "ketoan@anhduong.vn")


def document(**changes: object) -> InvoiceDocument:
    """Workspace Standard, 5 users, yearly (K1): 6.000.000 less 20%, then 8% VAT."""
    values: dict[str, object] = {
        "symbol": "C26TAA",
        "number": 12,
        "issued_on": dt.date(2026, 1, 15),
        "seller": SELLER,
        "buyer": BUYER,
        "rows": (InvoiceRow("Không gian làm việc số", YEAR, 6_000_000, "8", tier="Standard", seats=5),),
        "discounts": (DiscountRow("Giảm 20% khi thanh toán theo năm", 1_200_000),),
        "vat": (VatSummary("8", 4_800_000, 384_000),),
        "before_tax": 4_800_000,
        "total": 5_184_000,
    }
    return InvoiceDocument(**(values | changes))  # type: ignore[arg-type]


def test_form_symbol_and_number_are_printed_together_and_zero_padded() -> None:
    doc = document()
    assert (doc.serial, doc.number_text, doc.label) == ("1C26TAA", "00000012", "1C26TAA-00000012")
    assert doc.filename == invoice_filename(12) == "HD-00000012.pdf"
    assert doc.name == "HÓA ĐƠN GIÁ TRỊ GIA TĂNG"
    assert document(locale="en").name == "VAT INVOICE"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"symbol": "C26XAA"}, "symbol"),
        ({"symbol": "1C26TAA"}, "symbol"),
        ({"number": 0}, "number"),
        ({"number": 100_000_000}, "number"),
        ({"form": "3"}, "form"),
        ({"locale": "fr"}, "locale"),
        ({"rows": ()}, "at least one row"),
    ],
)
def test_identifiers_outside_decree_123_are_refused(changes: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        document(**changes)


@pytest.mark.parametrize("tax_code", ["0101234567", "0101234567-001", "001203004567"])
def test_V3_tax_codes_of_a_company_a_branch_or_a_person_are_accepted(tax_code: str) -> None:
    assert document(buyer=dataclasses.replace(BUYER, tax_code=tax_code)).buyer.tax_code == tax_code


@pytest.mark.parametrize("tax_code", ["010123456", "0101234567-01", "MST0101234567", ""])
def test_V3_a_malformed_tax_code_is_refused(tax_code: str) -> None:
    with pytest.raises(ValueError, match="tax code"):
        Buyer("Công ty", "An", "Hà Nội", tax_code=tax_code)
    with pytest.raises(ValueError, match="tax code"):
        Seller("Cleeksy", "Hà Nội", tax_code)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"before_tax": 4_800_001, "total": 5_184_001}, "rows less discounts"),
        ({"discounts": ()}, "rows less discounts"),
        ({"vat": (VatSummary("8", 4_800_000, 384_001),)}, "not the total"),
        ({"vat": (VatSummary("8", 4_000_000, 384_000),)}, "VAT bases"),
        ({"vat": (VatSummary("10", 4_800_000, 384_000),)}, "covering every row's rate"),
    ],
)
def test_K3_K4_an_invoice_whose_amounts_do_not_add_up_cannot_be_made(
    changes: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        document(**changes)


def test_K3_unknown_vat_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="VAT rate"):
        VatSummary("12", 100, 12)
    with pytest.raises(ValueError, match="VAT rate"):
        InvoiceRow("X", YEAR, 100, "7")


def test_the_total_in_words_is_billing_cores() -> None:
    assert document().total_in_words == "Năm triệu một trăm tám mươi tư nghìn đồng"
    assert document(locale="en").total_in_words == "Five million one hundred eighty-four thousand dong"


def test_text_given_decomposed_is_kept_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert nfd != "Nguyễn Thị Hồng Nhung"
    doc = document(buyer=dataclasses.replace(BUYER, representative=nfd))
    assert doc.buyer.representative == "Nguyễn Thị Hồng Nhung"
    row = InvoiceRow(unicodedata.normalize("NFD", "Lưu trữ tài liệu"), YEAR, 100, "KCT")
    assert row.item == unicodedata.normalize("NFC", row.item)


def test_a_row_is_priced_per_user_when_the_amount_divides_evenly() -> None:
    row = InvoiceRow("Không gian làm việc số", YEAR, 6_000_000, "8", seats=5)
    assert row.billed == ("user", 5, 1_200_000)
    blocks = InvoiceRow("Lưu trữ tài liệu", YEAR, 1_200_000, "KCT", quantity=2, block="100 GB")
    assert blocks.billed == ("block", 2, 600_000)


def test_P1_a_prorated_row_is_one_package_so_quantity_times_price_is_the_amount() -> None:
    row = InvoiceRow(
        "Quy trình vận hành", Period(dt.date(2024, 1, 10), dt.date(2024, 1, 15)), 98_630, "10", seats=12
    )
    assert row.billed == ("package", 1, 98_630)


def test_Y5_a_row_keeps_the_half_open_period_and_shows_its_last_day() -> None:
    row = sample(workspace_quote(), catalogue=None).rows[0]
    assert (row.period.start, row.period.end) == (dt.date(2026, 1, 15), dt.date(2027, 1, 15))
    assert row.period.last_day == dt.date(2027, 1, 14)
