"""Amounts of VND in words, as printed on Vietnamese invoices."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.amount_in_words import MAX_AMOUNT, amount_in_words

VI_EXAMPLES = [
    (0, "Không đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi tư đồng"),
    (25, "Hai mươi lăm đồng"),
    (101, "Một trăm linh một đồng"),
    (104, "Một trăm linh bốn đồng"),
    (110, "Một trăm mười đồng"),
    (1_000, "Một nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (1_200_000, "Một triệu hai trăm nghìn đồng"),
    (2_010_000, "Hai triệu không trăm mười nghìn đồng"),
    (5_005_005, "Năm triệu không trăm linh năm nghìn không trăm linh năm đồng"),
    (19_900_000, "Mười chín triệu chín trăm nghìn đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_001, "Một tỷ không trăm linh một đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (1_500_000_000_000, "Một nghìn năm trăm tỷ đồng"),
    (1_005_000_000_000, "Một nghìn không trăm linh năm tỷ đồng"),
    (1_000_000_000_001, "Một nghìn tỷ không trăm linh một đồng"),
    (
        MAX_AMOUNT,
        "Chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín"
        " triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng",
    ),
]

EN_EXAMPLES = [
    (0, "Zero dong"),
    (5, "Five dong"),
    (15, "Fifteen dong"),
    (21, "Twenty-one dong"),
    (110, "One hundred ten dong"),
    (105_000, "One hundred five thousand dong"),
    (1_000_005, "One million five dong"),
    (1_200_000, "One million two hundred thousand dong"),
    (1_000_000_001, "One billion one dong"),
    (1_500_000_000_000, "One trillion five hundred billion dong"),
]


@pytest.mark.parametrize(("amount", "expected"), VI_EXAMPLES)
def test_vi_reads_amount_in_accounting_style(amount: int, expected: str) -> None:
    assert amount_in_words(amount, "vi") == unicodedata.normalize("NFC", expected)


@pytest.mark.parametrize(("amount", "expected"), EN_EXAMPLES)
def test_en_reads_amount_in_short_scale_without_and(amount: int, expected: str) -> None:
    assert amount_in_words(amount, "en") == expected


def test_vi_reads_zero_hundreds_inside_a_group() -> None:
    assert amount_in_words(3_050_000, "vi") == "Ba triệu không trăm năm mươi nghìn đồng"


@pytest.mark.parametrize(("locale", "language"), [("vi_VN", "vi"), ("en_US", "en"), ("en-GB", "en")])
def test_locale_is_read_by_its_language_part(locale: str, language: str) -> None:
    assert amount_in_words(1_200_000, locale) == amount_in_words(1_200_000, language)


@pytest.mark.parametrize("amount", [-1, MAX_AMOUNT + 1, 10**18])
def test_out_of_range_amount_is_rejected(amount: int) -> None:
    with pytest.raises(ValueError, match="between 0 and"):
        amount_in_words(amount, "vi")


@pytest.mark.parametrize("amount", [True, False, 1.0, "100", None])
def test_non_int_amount_is_rejected(amount: object) -> None:
    with pytest.raises(ValueError, match="must be an int"):
        amount_in_words(amount, "vi")  # type: ignore[arg-type]


@pytest.mark.parametrize("locale", ["", "fr", "vn", "_VN", "english", None])
def test_unknown_locale_is_rejected(locale: object) -> None:
    with pytest.raises(ValueError, match="locale must be"):
        amount_in_words(1_000, locale)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_vi_text_is_a_well_formed_invoice_line(amount: int) -> None:
    text = amount_in_words(amount, "vi")
    assert unicodedata.is_normalized("NFC", text)
    assert text[0].isupper()
    assert text.endswith(" đồng")
    assert "  " not in text
    assert text == text.strip()


@given(st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_en_text_is_capitalised_and_ends_with_dong(amount: int) -> None:
    text = amount_in_words(amount, "en")
    assert text[0].isupper()
    assert text.endswith(" dong")
    assert "  " not in text
    assert " and " not in text


@given(st.lists(st.integers(min_value=0, max_value=10**7 - 1), min_size=2, max_size=2, unique=True))
def test_vi_distinct_amounts_give_distinct_texts(amounts: list[int]) -> None:
    first, second = amounts
    assert amount_in_words(first, "vi") != amount_in_words(second, "vi")


def test_vi_texts_below_ten_thousand_are_all_distinct() -> None:
    texts = {amount_in_words(amount, "vi") for amount in range(10_000)}
    assert len(texts) == 10_000


@given(st.integers(min_value=1, max_value=999))
def test_vi_whole_thousands_end_with_nghin_dong(thousands: int) -> None:
    assert amount_in_words(thousands * 1000, "vi").endswith(" nghìn đồng")
