"""querydr and refund bodies carry pipe checksums in the documented field order."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from billing_core.vnpay.querydr import (
    REFUND_REQUEST_HASH_ORDER,
    build_querydr_request,
    build_refund_request,
    verify_querydr_response,
    verify_refund_response,
)
from billing_core.vnpay.signing import VN_TZ, hmac_sha512_hex

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
PAID_AT = datetime(2025, 1, 1, 12, 0, tzinfo=VN_TZ)
NOW = datetime(2025, 1, 1, 17, 30, tzinfo=UTC)  # 00:30 on 2 Jan in GMT+7


def querydr(**overrides: Any) -> dict[str, str]:
    values: dict[str, Any] = {
        "secret": SECRET,
        "request_id": "Q20250102A",
        "tmn_code": "CLEEKSY1",
        "txn_ref": "ORD42A1",
        "order_info": "Kiem tra giao dich ORD42A1",
        "transaction_date": PAID_AT,
        "create_date": NOW,
        "ip_addr": "203.0.113.7",
    }
    values.update(overrides)
    return build_querydr_request(**values)


def refund(**overrides: Any) -> dict[str, str]:
    values: dict[str, Any] = {
        "secret": SECRET,
        "request_id": "R20250102A",
        "tmn_code": "CLEEKSY1",
        "transaction_type": "02",
        "txn_ref": "ORD42A1",
        "amount_vnd": 199_000,
        "transaction_date": PAID_AT,
        "create_by": "admin",
        "create_date": NOW,
        "ip_addr": "203.0.113.7",
        "order_info": "Hoan tien ORD42A1",
    }
    values.update(overrides)
    return build_refund_request(**values)


def test_querydr_body_has_every_field_and_the_documented_checksum_order() -> None:
    body = querydr()
    pipe = (
        "Q20250102A|2.1.0|querydr|CLEEKSY1|ORD42A1|20250101120000|20250102003000"
        "|203.0.113.7|Kiem tra giao dich ORD42A1"
    )
    assert body == {
        "vnp_RequestId": "Q20250102A",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "CLEEKSY1",
        "vnp_TxnRef": "ORD42A1",
        "vnp_OrderInfo": "Kiem tra giao dich ORD42A1",
        "vnp_TransactionDate": "20250101120000",
        "vnp_CreateDate": "20250102003000",
        "vnp_IpAddr": "203.0.113.7",
        "vnp_SecureHash": hmac_sha512_hex(SECRET, pipe),
    }


def test_querydr_transaction_no_is_sent_but_not_hashed() -> None:
    with_no = querydr(transaction_no="14422574")
    assert with_no["vnp_TransactionNo"] == "14422574"
    assert with_no["vnp_SecureHash"] == querydr()["vnp_SecureHash"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"request_id": "a" * 33},
        {"request_id": "Q-1"},
        {"txn_ref": "ORD|1"},
        {"order_info": "a|b"},
        {"order_info": "Kiểm tra"},
        {"ip_addr": "localhost"},
        {"transaction_no": "12a"},
        {"create_date": datetime(2025, 1, 1)},
    ],
)
def test_querydr_refuses_fields_that_could_break_the_pipe_or_the_rules(
    overrides: dict[str, Any],
) -> None:
    with pytest.raises(ValueError):
        querydr(**overrides)


def test_refund_body_hashes_amount_times_100_and_transaction_no_0_in_order() -> None:
    body = refund()
    pipe = (
        "R20250102A|2.1.0|refund|CLEEKSY1|02|ORD42A1|19900000|0|20250101120000|admin"
        "|20250102003000|203.0.113.7|Hoan tien ORD42A1"
    )
    assert body["vnp_Amount"] == "19900000"
    assert body["vnp_TransactionNo"] == "0"
    assert body["vnp_TransactionType"] == "02"
    assert body["vnp_CreateBy"] == "admin"
    assert body["vnp_SecureHash"] == hmac_sha512_hex(SECRET, pipe)
    assert set(body) == set(REFUND_REQUEST_HASH_ORDER) | {"vnp_SecureHash"}


def test_partial_refund_with_a_known_transaction_number() -> None:
    body = refund(transaction_type="03", amount_vnd=50_000, transaction_no="14422574")
    pipe = (
        "R20250102A|2.1.0|refund|CLEEKSY1|03|ORD42A1|5000000|14422574|20250101120000|admin"
        "|20250102003000|203.0.113.7|Hoan tien ORD42A1"
    )
    assert body["vnp_SecureHash"] == hmac_sha512_hex(SECRET, pipe)


@pytest.mark.parametrize(
    "overrides",
    [
        {"transaction_type": "01"},
        {"amount_vnd": 0},
        {"amount_vnd": True},
        {"amount_vnd": 10_000_000_000},
        {"create_by": ""},
        {"create_by": "ad|min"},
        {"transaction_no": ""},
    ],
)
def test_refund_refuses_invalid_input(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        refund(**overrides)


QUERYDR_RESPONSE: dict[str, object] = {
    "vnp_ResponseId": "8f1b2c",
    "vnp_Command": "querydr",
    "vnp_ResponseCode": "00",
    "vnp_Message": "QueryDR Success",
    "vnp_TmnCode": "CLEEKSY1",
    "vnp_TxnRef": "ORD42A1",
    "vnp_Amount": "19900000",
    "vnp_BankCode": "NCB",
    "vnp_PayDate": "20250101121000",
    "vnp_TransactionNo": "14422574",
    "vnp_TransactionType": "01",
    "vnp_TransactionStatus": "00",
    "vnp_OrderInfo": "Thanh toan don hang ORD42A1",
}
# No promotion fields: they count as "" (two trailing empty slots).
QUERYDR_RESPONSE_PIPE = (
    "8f1b2c|querydr|00|QueryDR Success|CLEEKSY1|ORD42A1|19900000|NCB|20250101121000"
    "|14422574|01|00|Thanh toan don hang ORD42A1||"
)


def test_a_querydr_response_verifies_with_missing_promotion_fields_as_empty() -> None:
    digest = hmac_sha512_hex(SECRET, QUERYDR_RESPONSE_PIPE)
    response = {**QUERYDR_RESPONSE, "vnp_SecureHash": digest}
    assert verify_querydr_response(response, SECRET)


def test_a_querydr_response_accepts_json_numbers_and_an_uppercase_hash() -> None:
    digest = hmac_sha512_hex(SECRET, QUERYDR_RESPONSE_PIPE).upper()
    response = {**QUERYDR_RESPONSE, "vnp_Amount": 19900000, "vnp_SecureHash": digest}
    assert verify_querydr_response(response, SECRET)


def test_a_querydr_response_with_promotion_fields_hashes_them_last() -> None:
    pipe = QUERYDR_RESPONSE_PIPE[:-2] + "|PROMO1|5000"
    response = {
        **QUERYDR_RESPONSE,
        "vnp_PromotionCode": "PROMO1",
        "vnp_PromotionAmount": "5000",
        "vnp_SecureHash": hmac_sha512_hex(SECRET, pipe),
    }
    assert verify_querydr_response(response, SECRET)


@pytest.mark.parametrize(
    "tamper",
    [
        {"vnp_TransactionStatus": "01"},
        {"vnp_Amount": "19900100"},
        {"vnp_Amount": 199000.0},
        {"vnp_SecureHash": None},
        {"vnp_SecureHash": "zz"},
        {"vnp_SecureHash": 12},
    ],
)
def test_a_tampered_or_unsigned_querydr_response_does_not_verify(
    tamper: dict[str, object],
) -> None:
    digest = hmac_sha512_hex(SECRET, QUERYDR_RESPONSE_PIPE)
    response = {**QUERYDR_RESPONSE, "vnp_SecureHash": digest}
    response.update(tamper)
    assert verify_querydr_response(response, SECRET) is False


def test_a_refund_response_is_hashed_without_the_promotion_fields() -> None:
    response: dict[str, object] = {
        **QUERYDR_RESPONSE,
        "vnp_Command": "refund",
        "vnp_Message": "Refund success",
        "vnp_TransactionType": "02",
        "vnp_TransactionStatus": "05",
    }
    pipe = (
        "8f1b2c|refund|00|Refund success|CLEEKSY1|ORD42A1|19900000|NCB|20250101121000"
        "|14422574|02|05|Thanh toan don hang ORD42A1"
    )
    response["vnp_SecureHash"] = hmac_sha512_hex(SECRET, pipe)
    assert verify_refund_response(response, SECRET)
    assert not verify_querydr_response(response, SECRET)
