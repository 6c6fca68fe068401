"""The invoice PDF read back by a real extractor (pdfminer.six): the exact Vietnamese strings, a
font that covers them embedded as a subset, the same bytes every time, and a page to look at."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from invoices import InvoiceDocument, VatSummary, render
from invoices.pdf import FONT, FONT_FILES, FONTS_DIR, LEFT, PAD, RIGHT, amount_text, register_fonts, wrap
from tests.invoices.pdf_reading import fonts_of, info_of, lines_of, overlapping, raw_text_of, text_of
from tests.invoices.samples import (
    SELLER,
    VAT,
    billing_json,
    sample,
    switch_quote,
    upgrade_quote,
    workspace_quote,
)

ROOT = Path(__file__).resolve().parents[2]
register_fonts()


@pytest.fixture(scope="module")
def vietnamese() -> bytes:
    return render(sample())


@pytest.fixture(scope="module")
def vi_text(vietnamese: bytes) -> str:
    return text_of(vietnamese)


@pytest.mark.parametrize(
    "expected",
    [
        "HÓA ĐƠN GIÁ TRỊ GIA TĂNG",
        "Ngày 15 tháng 01 năm 2026",
        "Mẫu số: 1",
        "Ký hiệu: 1C26TAA",
        "Số: 00000012",
        "Đơn vị bán hàng: CÔNG TY CỔ PHẦN CÔNG NGHỆ CLEEKSY",
        "Mã số thuế: 0109876543",
        "Họ tên người mua hàng: Nguyễn Thị Hồng Nhung",
        f"Tên đơn vị: {VAT.legal_name}",
        "Mã số thuế: 0101234567-001",
        f"Địa chỉ: {VAT.address}",
        "Email: ketoan@anhduong.vn",
        "Hình thức thanh toán: VNPAY",
        "Đơn vị tiền tệ: VND",
        "Không gian làm việc số Standard",
        "theo năm · 5 người dùng",
        "Thời gian sử dụng: 15/01/2026 – 14/01/2027",  # Y5: the last day of [15/01/2026, 15/01/2027)
        "Người dùng 5 1.200.000 8% 6.000.000",
        "Lưu trữ tài liệu",
        "theo năm · 2 × 100 GB",
        "Gói 2 600.000 KCT 1.200.000",
        "Giảm 20% khi thanh toán theo năm",
        "-2.616.000",
        "Mã giảm giá TET10",
        "Cộng tiền hàng: 8.475.840",
        "Thuế suất GTGT: 8%, tiền hàng chưa thuế 7.698.240 Tiền thuế GTGT: 615.859",
        "Thuế suất GTGT: KCT, tiền hàng chưa thuế 777.600 Tiền thuế GTGT: 0",
        "Tổng tiền thanh toán: 9.091.699",
        "Số tiền viết bằng chữ: Chín triệu không trăm chín mươi mốt nghìn sáu trăm chín mươi chín đồng",
        "Người mua hàng Người bán hàng",
        "(Ký, ghi rõ họ tên)",
        "(Cần kiểm tra, đối chiếu khi lập, giao, nhận hóa đơn)",
    ],
)
def test_V4_the_extracted_text_has_the_exact_vietnamese_strings(vi_text: str, expected: str) -> None:
    assert expected in vi_text


def test_the_extracted_text_is_composed_NFC_with_no_combining_marks(vietnamese: bytes) -> None:
    raw = raw_text_of(vietnamese)
    assert raw == unicodedata.normalize("NFC", raw)
    assert not [c for c in raw if unicodedata.combining(c)]


@pytest.mark.parametrize(
    "header",
    ["STT", "Tên hàng hóa, dịch vụ", "Đơn vị tính", "Số lượng", "Đơn giá", "Thuế suất", "Thành tiền"],
)
def test_the_goods_table_has_the_columns_of_a_vat_invoice(vietnamese: bytes, header: str) -> None:
    assert header in " ".join(raw_text_of(vietnamese).split())


def test_text_given_decomposed_comes_out_composed() -> None:
    doc = sample()
    nfd = unicodedata.normalize("NFD", "Trần Đức Việt")
    decomposed = dataclasses.replace(doc, buyer=dataclasses.replace(doc.buyer, representative=nfd))
    assert "Họ tên người mua hàng: Trần Đức Việt" in text_of(render(decomposed))


@pytest.mark.parametrize(
    "expected",
    [
        "VAT INVOICE",
        "Date: 15/01/2026",
        "Serial: 1C26TAA",
        "Invoice no.: 00000012",
        "Buyer's name: Nguyễn Thị Hồng Nhung",
        "Tax code: 0101234567-001",
        "Digital Workspace Standard",
        "yearly · 5 users",
        "Service period: 15 Jan 2026 – 14 Jan 2027",
        "User 5 1,200,000 8% 6,000,000",
        "Yearly discount (20%)",
        "VAT rate: KCT (not subject to VAT), amount before VAT 777,600",
        "Total payment: 9,091,699",
        "Amount in words: Nine million ninety-one thousand six hundred ninety-nine dong",
        "Buyer Seller",
    ],
)
def test_the_english_invoice_reads_in_english(expected: str) -> None:
    assert expected in _english_text()


def _english_text() -> str:
    return text_of(render(sample(locale="en")))


def test_V2_without_a_vat_invoice_no_tax_code_line_is_printed_for_the_buyer() -> None:
    text = text_of(render(sample(billing=billing_json(vat=None))))
    assert "Tên đơn vị: Ánh Dương" in text
    assert text.count("Mã số thuế:") == 1  # the seller's only


def test_one_vat_rate_is_stated_once_without_a_rate_column() -> None:
    text = text_of(render(sample(workspace_quote(), catalogue=None)))
    assert "Thuế suất GTGT: 8% Tiền thuế GTGT: 384.000" in text
    assert "Tổng tiền thanh toán: 5.184.000" in text
    assert "Số tiền viết bằng chữ: Năm triệu một trăm tám mươi tư nghìn đồng" in text
    assert "Thuế suất Thành tiền" not in text


def test_P1_a_credit_and_a_prorated_line_read_as_such() -> None:
    switch = text_of(render(sample(switch_quote(), catalogue=None)))
    # The credit's description wraps; its amount stands on its first line, with no quantity or price.
    assert "2 Khấu trừ các ngày chưa sử dụng: Không gian làm -274.194 việc số Standard" in switch
    assert "theo tháng · 5 người dùng · 17 ngày Thời gian sử dụng: 15/01/2026 – 31/01/2026" in switch
    upgrade = text_of(render(sample(upgrade_quote(), catalogue=None)))
    assert "Nâng cấp: Không gian làm việc số Premium" in upgrade
    assert "theo năm · 8 người dùng · 167 ngày" in upgrade


# -- the font ------------------------------------------------------------------------------------


def _document_text(doc: InvoiceDocument) -> str:
    parts: list[str] = []
    for record in (doc.seller, doc.buyer, *doc.rows, *doc.discounts):
        parts += [str(getattr(record, f.name)) for f in dataclasses.fields(record)]
    return " ".join([*parts, doc.name, doc.total_in_words])


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_shipped_font_covers_every_character_of_the_invoice(locale: str) -> None:
    doc = sample(locale=locale)
    used = set(text_of(render(doc))) | set(_document_text(doc))
    used -= {" ", "\n"}
    for file in FONT_FILES.values():
        cmap = TTFont(FONTS_DIR / file)["cmap"].getBestCmap()
        assert sorted(c for c in used if ord(c) not in cmap) == [], file
    assert {"Đ", "đ", "ư", "ờ", "ễ", "Ệ"} <= used  # the names are Vietnamese in either language


def test_the_font_is_embedded_as_a_subset_and_no_standard_font_is_used(vietnamese: bytes) -> None:
    fonts = fonts_of(vietnamese)
    assert [f.base_font for f in fonts] == ["AAAAAA+DejaVuSans", "AAAAAA+DejaVuSans-Bold"]
    assert all(f.embedded and f.to_unicode and f.subtype == "TrueType" for f in fonts)
    standard = re.compile(rb"/BaseFont\s*/(Helvetica|Times|Courier|Symbol|ZapfDingbats)")
    assert not standard.search(vietnamese)


def test_the_fonts_ship_inside_the_package_with_their_license() -> None:
    assert {p.name for p in FONTS_DIR.iterdir()} >= {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"}
    assert "Bitstream Vera" in (FONTS_DIR / "LICENSE").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'invoices = ["fonts/*.ttf", "fonts/LICENSE"]' in pyproject


# -- the same bytes, and the metadata ------------------------------------------------------------------


def test_V4_the_same_invoice_renders_to_the_same_bytes(vietnamese: bytes) -> None:
    assert render(sample()) == vietnamese
    assert render(sample(number=13)) != vietnamese


def test_V4_a_fresh_process_renders_the_same_bytes_too(vietnamese: bytes) -> None:
    script = "import sys; from invoices import render; from tests.invoices.samples import sample; "
    script += "sys.stdout.write(__import__('hashlib').sha256(render(sample())).hexdigest())"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env |= {"PYTHONHASHSEED": "12345", "TZ": "America/New_York"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout == hashlib.sha256(vietnamese).hexdigest()


def test_the_metadata_names_the_invoice_and_its_date_is_the_issue_date(vietnamese: bytes) -> None:
    info = info_of(vietnamese)
    assert info["Title"] == "HÓA ĐƠN GIÁ TRỊ GIA TĂNG 1C26TAA-00000012"
    assert info["Author"] == SELLER.name
    assert info["Subject"] == VAT.legal_name
    assert info["CreationDate"] == info["ModDate"] == "D:20260115000000+07'00'"


# -- layout -----------------------------------------------------------------------------------------


def test_amounts_are_right_aligned_in_one_column(vietnamese: bytes) -> None:
    doc = sample()
    amounts = [r.amount for r in doc.rows] + [-d.amount for d in doc.discounts]
    amounts += [doc.before_tax, *(v.amount for v in doc.vat if v.amount), doc.total]
    wanted = {amount_text(a, "vi") for a in amounts}
    column = RIGHT - 28 * mm  # the amount column; a unit price can read the same as an amount
    placed = [line for line in lines_of(vietnamese) if line.text in wanted and line.x0 > column]
    assert {line.text for line in placed} == wanted
    assert max(abs(line.x1 - (RIGHT - PAD)) for line in placed) < 0.5


def _long_names() -> InvoiceDocument:
    doc = sample()
    buyer = dataclasses.replace(
        doc.buyer,
        company=" ".join(["CÔNG TY TRÁCH NHIỆM HỮU HẠN THƯƠNG MẠI DỊCH VỤ XUẤT NHẬP KHẨU"] * 3),
        address="Lô CN-07, Khu công nghiệp Đình Vũ, Phường Đông Hải 2, Quận Hải An, Thành phố Hải Phòng, "
        "Việt Nam",
        email="phong.ketoan.tonghop.chinhanh.haiphong@congtythuongmaidichvuxuatnhapkhau.com.vn",
    )
    rows = tuple(
        dataclasses.replace(r, item=r.item + " – gói dành cho doanh nghiệp vừa và nhỏ có nhiều chi nhánh")
        for r in doc.rows
    )
    return dataclasses.replace(doc, buyer=buyer, rows=rows)


def test_long_names_wrap_inside_the_margins_and_nothing_overlaps(vietnamese: bytes) -> None:
    for pdf in (vietnamese, render(_long_names()), render(sample(locale="en"))):
        lines = lines_of(pdf)
        assert overlapping(lines) == []
        assert min(line.x0 for line in lines) >= LEFT - 0.5
        assert max(line.x1 for line in lines) <= RIGHT + 0.5


def test_a_long_invoice_continues_on_the_next_page_under_its_header_again() -> None:
    doc = sample(workspace_quote(), catalogue=None)
    n = 45
    rows = tuple(
        dataclasses.replace(doc.rows[0], item=f"Không gian làm việc số {i}") for i in range(1, n + 1)
    )
    long = dataclasses.replace(
        doc,
        rows=rows,
        discounts=(),
        before_tax=6_000_000 * n,
        vat=(VatSummary("8", 6_000_000 * n, 480_000 * n),),
        total=6_480_000 * n,
    )
    pdf = render(long)
    lines = lines_of(pdf)
    pages = max(line.page for line in lines)
    assert pages >= 2
    heads = [line.page for line in lines if line.text.startswith("STT")]
    assert heads == list(range(1, pages + 1))
    assert [line.page for line in lines if line.text.startswith("Tổng tiền thanh toán")] == [pages]
    assert all(overlapping([x for x in lines if x.page == p]) == [] for p in range(1, pages + 1))
    text = text_of(pdf)
    assert f"Không gian làm việc số {n} Standard" in text
    assert "HÓA ĐƠN GIÁ TRỊ GIA TĂNG 1C26TAA-00000012" in text  # a continuation page says whose it is


# -- a page to look at ---------------------------------------------------------------------------------


def test_a_sample_invoice_is_rendered_to_png_for_a_person_to_look_at(
    vietnamese: bytes, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("ARTIFACTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, pdf in (("invoice-sample", vietnamese), ("invoice-sample-en", render(sample(locale="en")))):
        document = pdfium.PdfDocument(pdf)
        try:
            image = document[0].render(scale=150 / 72).to_pil()
        finally:
            document.close()
        image.save(folder / f"{name}.png")
        assert abs(image.size[0] - 1240) <= 1 and abs(image.size[1] - 1754) <= 1  # A4 at 150 dpi
        assert image.convert("L").getextrema()[0] < 64  # ink on the page
        (folder / f"{name}.pdf").write_bytes(pdf)


@given(
    words=st.lists(st.text(alphabet="aăâđeêoôơuưyAĂĐỹẫệ-@.0123456789", min_size=1, max_size=60), max_size=30),
    width=st.floats(min_value=20, max_value=300),
    first=st.none() | st.floats(min_value=20, max_value=300),
)
def test_wrapping_keeps_every_letter_and_no_line_passes_its_width(
    words: list[str], width: float, first: float | None
) -> None:
    text = " ".join(words)
    lines = wrap(text, width, first=first)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for i, line in enumerate(lines):
        limit = first if i == 0 and first is not None else width
        assert len(line) == 1 or stringWidth(line, FONT, 9) <= limit + 1e-6
