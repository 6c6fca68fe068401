"""PaymentRequest validation and the signed payment URL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from billing_core.vnpay.payment_request import (
    SANDBOX_PAYMENT_URL,
    PaymentRequest,
    build_payment_url,
    payment_fields,
)
from billing_core.vnpay.signing import sanitize_order_info, verify_fields

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
CREATED = datetime(2025, 1, 1, 17, 30, tzinfo=UTC)


def make(**overrides: Any) -> PaymentRequest:
    values: dict[str, Any] = {
        "tmn_code": "CLEEKSY1",
        "amount_vnd": 199_000,
        "txn_ref": "ORD42A1",
        "order_info": sanitize_order_info("Thanh toán gói Pro"),
        "locale": "vn",
        "return_url": "https://bot.example.vn/vnpay/return",
        "ip_addr": "203.0.113.7",
        "created_at": CREATED,
        "expires_at": CREATED + timedelta(minutes=15),
    }
    values.update(overrides)
    return PaymentRequest(**values)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=True))


def test_the_url_carries_amount_times_100_and_fixed_pay_fields() -> None:
    query = query_of(build_payment_url(SANDBOX_PAYMENT_URL, make(), SECRET))
    assert query["vnp_Amount"] == "19900000"
    assert query["vnp_Version"] == "2.1.0"
    assert query["vnp_Command"] == "pay"
    assert query["vnp_CurrCode"] == "VND"
    assert query["vnp_OrderType"] == "other"
    assert query["vnp_OrderInfo"] == "Thanh toan goi Pro"


def test_the_url_has_dates_in_gmt7_across_utc_midnight() -> None:
    query = query_of(build_payment_url(SANDBOX_PAYMENT_URL, make(), SECRET))
    assert query["vnp_CreateDate"] == "20250102003000"
    assert query["vnp_ExpireDate"] == "20250102004500"


def test_the_url_has_no_secure_hash_type_and_ends_with_the_hash() -> None:
    url = build_payment_url(SANDBOX_PAYMENT_URL, make(), SECRET)
    assert "vnp_SecureHashType" not in url
    assert url.rsplit("&", 1)[1].startswith("vnp_SecureHash=")
    assert verify_fields(query_of(url), SECRET)


def test_the_bank_code_is_sent_only_when_given() -> None:
    assert "vnp_BankCode" not in payment_fields(make())
    assert payment_fields(make(bank_code="VNPAYQR"))["vnp_BankCode"] == "VNPAYQR"


def test_an_ipv6_address_is_accepted_and_encoded() -> None:
    url = build_payment_url(SANDBOX_PAYMENT_URL, make(ip_addr="2402:800:629c::dab1"), SECRET)
    assert "vnp_IpAddr=2402%3A800%3A629c%3A%3Adab1" in url


def test_a_different_secret_gives_a_url_that_does_not_verify() -> None:
    url = build_payment_url(SANDBOX_PAYMENT_URL, make(), "ANOTHERSECRET")
    assert not verify_fields(query_of(url), SECRET)


@pytest.mark.parametrize(
    "overrides",
    [
        {"tmn_code": "SHORT"},
        {"tmn_code": "TEST_TMN_CODE"},
        {"amount_vnd": 0},
        {"amount_vnd": -5},
        {"amount_vnd": True},
        {"amount_vnd": 1000.0},
        {"amount_vnd": "1000"},
        {"amount_vnd": 10_000_000_000},
        {"txn_ref": ""},
        {"txn_ref": "31b88e89-8c29-4c87-9747-78c0fe0c3302"},
        {"order_info": "Thanh toán"},
        {"order_info": ""},
        {"order_info": "   "},
        {"order_info": "x" * 256},
        {"order_info": "Order #1"},
        {"locale": "fr"},
        {"return_url": "http://a"},
        {"return_url": "https://example.vn/" + "x" * 240},
        {"return_url": "ftp://example.vn/return"},
        {"return_url": "https://example.vn/re turn"},
        {"return_url": "https://example.vn/return\n"},
        {"ip_addr": "1.1.1"},
        {"ip_addr": "not.an.ip.addr"},
        {"ip_addr": "1" * 46},
        {"created_at": datetime(2025, 1, 1, 12, 0)},
        {"expires_at": CREATED},
        {"expires_at": CREATED - timedelta(seconds=1)},
        {"order_type": ""},
        {"order_type": "other stuff"},
        {"bank_code": ""},
        {"bank_code": "NCB&x=1"},
    ],
)
def test_invalid_requests_are_refused_at_construction(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        make(**overrides)


def test_the_largest_amount_fits_twelve_digits() -> None:
    assert payment_fields(make(amount_vnd=9_999_999_999))["vnp_Amount"] == "999999999900"


def test_replace_revalidates() -> None:
    with pytest.raises(ValueError):
        replace(make(), amount_vnd=0)


@pytest.mark.parametrize("base", ["sandbox.vnpayment.vn/paymentv2/vpcpay.html", SANDBOX_PAYMENT_URL + "?a=1"])
def test_a_base_url_with_no_scheme_or_with_a_query_is_refused(base: str) -> None:
    with pytest.raises(ValueError):
        build_payment_url(base, make(), SECRET)
