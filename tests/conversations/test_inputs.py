"""Reading what people type: counts, Vietnamese mobile numbers, e-mail, tax codes (MST)."""

from __future__ import annotations

import pytest

from conversations.inputs import clean_line, normalise_email, normalise_phone, normalise_tax_code, parse_count


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("12 người", 12),
        ("12 người dùng", 12),
        ("12 users", 12),
        ("1.000", 1000),
        ("5.", 5),
    ],
)
def test_a_count_in_digits_with_or_without_a_unit(typed: str, count: int) -> None:
    assert parse_count(typed) == count


@pytest.mark.parametrize("typed", ["mười hai", "", "12 hoặc 15", "-3", "1,5", "12 người dùng nhé bạn"])
def test_anything_else_is_not_a_count(typed: str) -> None:
    assert parse_count(typed) is None


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("(+84) 387.654.321", "0387654321"),
        ("0212345678", None),  # a landline
        ("091234567", None),
        ("+1 415 555 0100", None),
    ],
)
def test_vietnamese_mobile_numbers(typed: str, kept: str | None) -> None:
    assert normalise_phone(typed) == kept


def test_email_keeps_the_local_part_and_lowers_the_domain() -> None:
    assert normalise_email(" An.Nguyen@MayXanh.VN ") == "An.Nguyen@mayxanh.vn"
    assert normalise_email("an@mayxanh") is None and normalise_email("a b@x.vn") is None


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0101234567", "0101234567"),
        ("0101234567-001", "0101234567-001"),
        (" 0101234567 - 001 ", "0101234567-001"),
        ("001203004567", "001203004567"),  # a personal ID (12 digits)
        ("010123456", None),
        ("0101234567-01", None),
        ("0101234567001", None),
    ],
)
def test_tax_codes(typed: str, kept: str | None) -> None:
    assert normalise_tax_code(typed) == kept


def test_a_line_of_text_is_tidied_and_bounded() -> None:
    assert clean_line("  Công ty   TNHH\n Mây Xanh ") == "Công ty TNHH Mây Xanh"
    assert clean_line("   ") is None and clean_line("x" * 201) is None
