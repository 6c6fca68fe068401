"""Every published VNPAY vector is reproduced byte for byte."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from billing_core.vnpay.callback import VerifiedCallback, parse_callback
from billing_core.vnpay.payment_request import PaymentRequest, build_payment_url
from billing_core.vnpay.signing import (
    VN_TZ,
    encode_query,
    hmac_sha512_hex,
    sign_fields,
    verify_fields,
)

from ._vectors import (
    P1_FIELDS,
    P1_HASH,
    P1_SECRET,
    P2_HASH,
    P3_DATA,
    P3_HASH,
    P3_SECRET,
    P4_HASH,
    P4_QUERY,
    P4_SECRET,
    S1_HASH,
    S1_SECRET,
    S1_TMN_CODE,
)

SANDBOX = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"


def test_p1_return_query_signs_to_the_published_hash() -> None:
    assert sign_fields(P1_FIELDS, P1_SECRET) == P1_HASH


def test_p1_return_query_with_its_hash_verifies() -> None:
    assert verify_fields({**P1_FIELDS, "vnp_SecureHash": P1_HASH}, P1_SECRET)


def test_p1_parses_into_a_successful_callback_of_ten_thousand_dong() -> None:
    result = parse_callback({**P1_FIELDS, "vnp_SecureHash": P1_HASH}, P1_SECRET)
    assert isinstance(result, VerifiedCallback)
    assert result.callback.amount_vnd == 10_000
    assert result.callback.is_success


def test_p2_the_same_query_with_response_code_99_signs_to_the_published_hash() -> None:
    fields = {**P1_FIELDS, "vnp_ResponseCode": "99"}
    assert sign_fields(fields, P1_SECRET) == P2_HASH
    result = parse_callback({**fields, "vnp_SecureHash": P2_HASH}, P1_SECRET)
    assert isinstance(result, VerifiedCallback)
    assert not result.callback.is_success


def test_p2_hash_does_not_verify_the_p1_success_query() -> None:
    assert not verify_fields({**P1_FIELDS, "vnp_SecureHash": P2_HASH}, P1_SECRET)


def test_p3_raw_hmac_of_the_encoded_string_matches() -> None:
    assert hmac_sha512_hex(P3_SECRET, P3_DATA) == P3_HASH


def test_p3_encoder_rebuilds_the_published_string_from_decoded_values() -> None:
    fields = {
        "vnp_Amount": "10000",
        "vnp_TnxRef": "1234567890",
        "vnp_OrderInfo": "Payment for order #1234567890",
    }
    assert encode_query(fields) == P3_DATA
    assert sign_fields(fields, P3_SECRET) == P3_HASH


def test_p4_full_pay_query_is_rebuilt_identically_and_re_signed() -> None:
    decoded = dict(parse_qsl(P4_QUERY, keep_blank_values=True, strict_parsing=True))
    assert decoded["vnp_IpAddr"] == "2402:800:629c:9f53:c16:6cbd:754e:dab1"
    assert encode_query(decoded) == P4_QUERY
    assert sign_fields(decoded, P4_SECRET) == P4_HASH
    assert verify_fields({**decoded, "vnp_SecureHash": P4_HASH}, P4_SECRET)


def test_s1_build_payment_url_reproduces_the_self_computed_hash() -> None:
    request = PaymentRequest(
        tmn_code=S1_TMN_CODE,
        amount_vnd=199_000,
        txn_ref="ORD42A1",
        order_info="Thanh toan don hang ORD42A1",
        locale="vn",
        return_url="http://127.0.0.1:8080/vnpay/return",
        ip_addr="127.0.0.1",
        created_at=datetime(2025, 1, 1, 12, 0, 0, tzinfo=VN_TZ),
        expires_at=datetime(2025, 1, 1, 12, 15, 0, tzinfo=VN_TZ),
    )
    url = build_payment_url(SANDBOX, request, S1_SECRET)
    expected_query = (
        "vnp_Amount=19900000&vnp_Command=pay&vnp_CreateDate=20250101120000&vnp_CurrCode=VND"
        "&vnp_ExpireDate=20250101121500&vnp_IpAddr=127.0.0.1&vnp_Locale=vn"
        "&vnp_OrderInfo=Thanh+toan+don+hang+ORD42A1&vnp_OrderType=other"
        "&vnp_ReturnUrl=http%3A%2F%2F127.0.0.1%3A8080%2Fvnpay%2Freturn"
        "&vnp_TmnCode=CLEEKSY1&vnp_TxnRef=ORD42A1&vnp_Version=2.1.0"
    )
    assert url == f"{SANDBOX}?{expected_query}&vnp_SecureHash={S1_HASH}"
    assert verify_fields(dict(parse_qsl(urlsplit(url).query)), S1_SECRET)
