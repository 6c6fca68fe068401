"""The invoice of a paid order, from the stored quote JSON, the V2/V3 snapshot and the invoice row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue_loader import load_bundled
from billing_core.periods import local_today
from billing_core.quote import Quote, quote
from billing_core.quote_json import quote_to_json
from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import make_engine, session_factory, transaction
from billing_core.storage.invoice_numbers import issue_invoice
from billing_core.storage.migrate import upgrade
from billing_core.storage.models import Invoice, Order
from billing_core.storage.orders import create_order
from billing_core.storage.units import dispose, in_session
from invoices import document_from_quote, invoice_document, render
from locales import translator
from tests.invoices.samples import (
    CLEEKSY,
    ISSUED_AT,
    SELLER,
    TODAY,
    VAT,
    InvoiceRow,
    Y,
    billing_json,
    bundle_quote,
    paid_quote,
    sample,
    switch_quote,
    upgrade_quote,
    workspace_quote,
)


def test_V5_rows_discounts_and_vat_are_the_order_as_paid() -> None:
    stored = bundle_quote()
    doc = sample(stored)
    assert [(r.item, r.tier, r.seats, r.quantity, r.amount, r.vat_rate) for r in doc.rows] == [
        ("Không gian làm việc số", "Standard", 5, None, 6_000_000, "8"),
        ("Quy trình vận hành", "Starter", 5, None, 3_000_000, "8"),
        ("Xây dựng ứng dụng", "Starter", 3, None, 2_520_000, "8"),
        ("Lưu trữ tài liệu", None, None, 2, 1_200_000, "KCT"),
        ("Cleeksy Docs", None, None, 1, 360_000, "8"),
    ]
    assert [(d.label, d.amount) for d in doc.discounts] == [
        ("Giảm 20% khi thanh toán theo năm", 2_616_000),
        ("Giảm thêm 10% khi mua trọn bộ", 1_046_400),
        ("Mã giảm giá TET10", 941_760),
    ]
    assert [(v.rate, v.base, v.amount) for v in doc.vat] == [("8", 7_698_240, 615_859), ("KCT", 777_600, 0)]
    assert (doc.before_tax, doc.total) == (stored["before_tax"], stored["total"])
    assert doc.total_in_words == stored["total_in_words"]
    assert {r.cycle for r in doc.rows} == {"theo năm"}
    assert doc.rows[3].block == "100 GB"


def test_V3_with_a_vat_invoice_the_buyer_is_the_legal_entity_with_its_tax_code() -> None:
    buyer = sample().buyer
    assert buyer.company == VAT.legal_name
    assert (buyer.tax_code, buyer.address, buyer.email) == (VAT.tax_code, VAT.address, VAT.email)
    assert buyer.representative == "Nguyễn Thị Hồng Nhung"


def test_V2_without_a_vat_invoice_the_buyer_is_the_company_and_no_tax_code_is_printed() -> None:
    buyer = sample(billing=billing_json(vat=None)).buyer
    assert (buyer.company, buyer.tax_code, buyer.email) == ("Ánh Dương", None, "nhung@anhduong.vn")
    assert buyer.address == "Số 18 Lê Hồng Phong, Ngô Quyền, Hải Phòng"


def test_an_order_without_a_billing_snapshot_still_gets_its_invoice() -> None:
    buyer = sample(billing={}).buyer
    assert (buyer.company, buyer.representative, buyer.email, buyer.tax_code) == ("", "", None, None)


def test_the_issue_date_is_the_calendar_day_in_vietnam() -> None:
    late_evening_utc = dt.datetime(2026, 1, 14, 18, 30, tzinfo=dt.UTC)  # 01:30 on the 15th in Hà Nội
    doc = document_from_quote(
        workspace_quote(),
        billing_json(),
        symbol="C26TAA",
        number=1,
        issued_at=late_evening_utc,
        seller=SELLER,
    )
    assert doc.issued_on == dt.date(2026, 1, 15)


def test_the_invoice_record_can_be_any_object_with_the_rows_attributes() -> None:
    @dataclasses.dataclass
    class StoredOrder:
        quote: dict[str, object]
        billing: dict[str, object] | None

    doc = invoice_document(StoredOrder(workspace_quote(), billing_json()), InvoiceRow(number=7), SELLER)
    assert (doc.label, doc.issued_on, doc.payment_method) == ("1C26TAA-00000007", TODAY, "VNPAY")


def test_names_follow_the_customers_language() -> None:
    doc = sample(locale="en")
    assert [(r.item, r.tier, r.cycle) for r in doc.rows[:2]] == [
        ("Digital Workspace", "Standard", "yearly"),
        ("Process", "Starter", "yearly"),
    ]
    assert doc.discounts[0].label == "Yearly discount (20%)"
    assert doc.total_in_words == "Nine million ninety-one thousand six hundred ninety-nine dong"


def test_Y1_a_switch_to_yearly_and_its_credit_for_unused_days_are_rows_of_their_own() -> None:
    doc = sample(switch_quote(), catalogue=None)
    switch, credit = doc.rows
    assert (switch.kind, switch.amount, switch.days) == ("Chuyển sang theo năm", 6_000_000, None)
    assert (credit.kind, credit.amount, credit.days, credit.cycle) == (
        "Khấu trừ các ngày chưa sử dụng",
        -274_194,
        17,
        "theo tháng",
    )
    assert credit.period.last_day == dt.date(2026, 1, 31)


def test_P3_an_upgrade_for_the_rest_of_the_period_carries_its_days() -> None:
    (row,) = sample(upgrade_quote(), catalogue=None).rows
    assert (row.kind, row.tier, row.seats, row.days) == ("Nâng cấp", "Premium", 8, 167)
    assert row.period.last_day == dt.date(2026, 6, 30)


def test_a_refused_quote_is_not_an_invoice() -> None:
    with pytest.raises(ValueError, match="refusal"):
        sample({"ok": False, "blocked": []})


# -- from the database, as the bot will call it -----------------------------------------------


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'cleeksy.db'}")
    await upgrade(engine)
    yield session_factory(engine)
    await dispose(engine)


async def test_V4_the_invoice_of_a_stored_paid_order_from_its_rows(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    result = quote(CLEEKSY, QuoteRequest(TODAY, (CartLine("workspace", "standard", Y, 5),)))
    assert isinstance(result, Quote)
    async with transaction(sessions) as s:
        customer = await get_or_create_customer(s, 1001, now=ISSUED_AT)
        order = await create_order(
            s,
            customer_id=customer.id,
            client_token="t-1",
            catalogue_id="cleeksy",
            quote=result,
            quote_json=quote_to_json(result, CLEEKSY, translator("vi")),
            now=ISSUED_AT,
            timeout=dt.timedelta(minutes=15),
            billing=billing_json(),
        )
        issued = await in_session(s, issue_invoice, order.id, ISSUED_AT, local_today(ISSUED_AT))
    async with transaction(sessions) as s:
        stored = await s.get(Order, order.id)
        invoice = await s.scalar(select(Invoice).where(Invoice.order_id == order.id))
        assert stored is not None and invoice is not None
        doc = invoice_document(stored, invoice, SELLER, locale="vi")
        invoice.pdf = render(doc)
    assert doc.label == f"1C26TAA-{issued.number:08d}"
    assert (doc.before_tax, doc.total, doc.issued_on) == (stored.before_tax, stored.amount, TODAY)
    assert doc.buyer.tax_code == VAT.tax_code
    async with transaction(sessions) as s:
        kept = await s.scalar(select(Invoice.pdf).where(Invoice.order_id == order.id))
    assert kept == render(doc)


def test_C5_a_plans_own_yearly_price_is_a_discount_without_a_percentage() -> None:
    docai = load_bundled("docai")
    doc = sample(paid_quote(CartLine("assistant", "pro", Y), catalogue=docai), catalogue=None)
    (row,) = doc.rows
    assert (row.item, row.tier, row.seats, row.billed) == (
        "Trợ lý tài liệu AI",
        "Pro",
        None,
        ("package", 1, 5_988_000),
    )
    assert [(d.label, d.amount) for d in doc.discounts] == [("Giảm giá khi thanh toán theo năm", 998_000)]
    assert doc.total == 5_389_200
