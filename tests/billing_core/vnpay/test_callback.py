"""Callbacks are parsed only after their signature checks out; IPN replies follow the notes."""

from __future__ import annotations

from datetime import datetime

import pytest

from billing_core.vnpay.callback import (
    BadSignature,
    CallbackResult,
    IpnAction,
    IpnReply,
    MalformedCallback,
    OrderView,
    VerifiedCallback,
    VnpayCallback,
    decide_ipn,
    parse_callback,
)
from billing_core.vnpay.signing import VN_TZ, sign_fields

from ._vectors import P1_FIELDS, P1_HASH, P1_SECRET


def signed(fields: dict[str, str], secret: str = P1_SECRET) -> dict[str, str]:
    return {**fields, "vnp_SecureHash": sign_fields(fields, secret)}


def verified(fields: dict[str, str]) -> VnpayCallback:
    result = parse_callback(signed(fields), P1_SECRET)
    assert isinstance(result, VerifiedCallback), result
    return result.callback


P1_QUERY = {**P1_FIELDS, "vnp_SecureHash": P1_HASH}

# The shape of a cancelled QR payment (tynnpdhsp/THNN-Social-Network#59), re-signed here.
CANCELLED = {
    **{k: v for k, v in P1_FIELDS.items() if k != "vnp_BankTranNo"},
    "vnp_BankCode": "VNPAY",
    "vnp_CardType": "QRCODE",
    "vnp_ResponseCode": "24",
    "vnp_TransactionNo": "0",
    "vnp_TransactionStatus": "02",
}

# --- parsing ---------------------------------------------------------------------------


def test_a_genuine_callback_is_parsed_with_the_amount_divided_by_100() -> None:
    result = parse_callback(P1_QUERY, P1_SECRET)
    assert isinstance(result, VerifiedCallback)
    callback = result.callback
    assert callback.txn_ref == "1716257871703"
    assert callback.amount_vnd == 10_000
    assert callback.response_code == "00"
    assert callback.transaction_status == "00"
    assert callback.transaction_no == "14422574"
    assert callback.bank_code == "NCB"
    assert callback.pay_date == datetime(2024, 5, 21, 9, 18, 6, tzinfo=VN_TZ)
    assert callback.is_success
    assert callback.raw == P1_QUERY


def test_a_callback_with_one_field_changed_is_a_bad_signature() -> None:
    forged = {**P1_QUERY, "vnp_TxnRef": "1716257871704"}
    assert parse_callback(forged, P1_SECRET) == BadSignature("vnp_SecureHash mismatch")


def test_a_callback_with_the_amount_changed_is_a_bad_signature() -> None:
    forged = {**P1_QUERY, "vnp_Amount": "100"}
    assert isinstance(parse_callback(forged, P1_SECRET), BadSignature)


def test_a_failed_payment_cannot_be_turned_into_a_success() -> None:
    failed = signed({**P1_FIELDS, "vnp_ResponseCode": "51", "vnp_TransactionStatus": "02"})
    forged = {**failed, "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"}
    assert isinstance(parse_callback(forged, P1_SECRET), BadSignature)


def test_an_extra_vnp_field_injected_by_a_forger_is_a_bad_signature() -> None:
    forged = {**P1_QUERY, "vnp_Bonus": "1"}
    assert isinstance(parse_callback(forged, P1_SECRET), BadSignature)


def test_an_uppercase_hash_is_accepted() -> None:
    query = {**P1_QUERY, "vnp_SecureHash": P1_HASH.upper()}
    assert isinstance(parse_callback(query, P1_SECRET), VerifiedCallback)


def test_a_missing_hash_is_a_bad_signature() -> None:
    assert parse_callback(P1_FIELDS, P1_SECRET) == BadSignature("missing vnp_SecureHash")
    assert parse_callback({**P1_FIELDS, "vnp_SecureHash": ""}, P1_SECRET) == BadSignature(
        "missing vnp_SecureHash"
    )


def test_a_malformed_hash_is_a_bad_signature_not_an_exception() -> None:
    query = {**P1_FIELDS, "vnp_SecureHash": "not-hex"}
    assert parse_callback(query, P1_SECRET) == BadSignature("malformed vnp_SecureHash")


def test_secure_hash_type_is_ignored_and_left_out_of_raw() -> None:
    query = {**P1_QUERY, "vnp_SecureHashType": "MD5", "utm_source": "x"}
    result = parse_callback(query, P1_SECRET)
    assert isinstance(result, VerifiedCallback)
    assert "vnp_SecureHashType" not in result.callback.raw
    assert "utm_source" not in result.callback.raw


def test_the_raw_copy_is_independent_of_the_input() -> None:
    query = dict(P1_QUERY)
    result = parse_callback(query, P1_SECRET)
    assert isinstance(result, VerifiedCallback)
    query["vnp_Amount"] = "1"
    assert result.callback.raw["vnp_Amount"] == "1000000"


def test_a_cancelled_qr_payment_parses_and_is_not_a_success() -> None:
    callback = verified(CANCELLED)
    assert callback.response_code == "24"
    assert callback.transaction_no == "0"
    assert not callback.is_success


def test_the_pay_date_is_optional() -> None:
    fields = {k: v for k, v in P1_FIELDS.items() if k != "vnp_PayDate"}
    assert verified(fields).pay_date is None


@pytest.mark.parametrize(
    ("response_code", "transaction_status", "success"),
    [("00", "00", True), ("00", "01", False), ("07", "00", False), ("24", "02", False)],
)
def test_success_requires_both_response_code_and_transaction_status_00(
    response_code: str, transaction_status: str, success: bool
) -> None:
    fields = {
        **P1_FIELDS,
        "vnp_ResponseCode": response_code,
        "vnp_TransactionStatus": transaction_status,
    }
    assert verified(fields).is_success is success


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("vnp_Amount", "1000050", "not a multiple of 100"),
        ("vnp_Amount", "10.000", "not numeric[1,12]"),
        ("vnp_Amount", "-1000000", "not numeric[1,12]"),
        ("vnp_Amount", "\u0661" + "\u0660" * 6, "not numeric[1,12]"),
        ("vnp_Amount", "1" * 13, "not numeric[1,12]"),
        ("vnp_Amount", None, "missing"),
        ("vnp_TxnRef", None, "missing"),
        ("vnp_TxnRef", "ORD-1", "not [A-Za-z0-9]{1,100}"),
        ("vnp_ResponseCode", None, "missing"),
        ("vnp_ResponseCode", "0", "not two digits"),
        ("vnp_TransactionStatus", None, "missing"),
        ("vnp_TransactionNo", None, "missing"),
        ("vnp_TransactionNo", "abc", "not numeric[1,15]"),
        ("vnp_BankCode", None, "missing"),
        ("vnp_PayDate", "20241301000000", "not a valid yyyyMMddHHmmss"),
    ],
)
def test_a_signed_but_malformed_callback_names_the_bad_field(
    name: str, value: str | None, reason: str
) -> None:
    fields = dict(P1_FIELDS)
    if value is None:
        del fields[name]
    else:
        fields[name] = value
    assert parse_callback(signed(fields), P1_SECRET) == MalformedCallback(name, reason)


def test_a_malformed_and_unsigned_callback_is_reported_as_a_bad_signature_first() -> None:
    query = {**P1_QUERY, "vnp_Amount": "abc"}
    assert isinstance(parse_callback(query, P1_SECRET), BadSignature)


# --- IPN replies and decisions ---------------------------------------------------------


def test_ipn_replies_are_exactly_the_official_php_demo_strings() -> None:
    assert [reply.to_json_dict() for reply in IpnReply] == [
        {"RspCode": "00", "Message": "Confirm Success"},
        {"RspCode": "01", "Message": "Order not found"},
        {"RspCode": "02", "Message": "Order already confirmed"},
        {"RspCode": "04", "Message": "invalid amount"},
        {"RspCode": "97", "Message": "Invalid signature"},
        {"RspCode": "99", "Message": "Unknow error"},
    ]


PENDING = OrderView(amount_vnd=10_000, is_pending=True)


def decision_for(result: CallbackResult, order: OrderView | None) -> tuple[str, IpnAction]:
    decision = decide_ipn(result, order)
    assert decision.to_json_dict() == decision.reply.to_json_dict()
    return decision.reply.rsp_code, decision.action


def test_decide_ipn_replies_97_to_a_bad_signature_and_does_nothing() -> None:
    result = parse_callback({**P1_QUERY, "vnp_Amount": "100"}, P1_SECRET)
    assert decision_for(result, PENDING) == ("97", IpnAction.NOTHING)


def test_decide_ipn_replies_99_to_a_malformed_callback_and_does_nothing() -> None:
    result = parse_callback(signed({**P1_FIELDS, "vnp_Amount": "1000050"}), P1_SECRET)
    assert decision_for(result, PENDING) == ("99", IpnAction.NOTHING)


def test_decide_ipn_replies_01_when_the_order_is_not_found() -> None:
    assert decision_for(parse_callback(P1_QUERY, P1_SECRET), None) == (
        "01",
        IpnAction.NOTHING,
    )


def test_decide_ipn_replies_04_when_the_amount_differs() -> None:
    order = OrderView(amount_vnd=10_001, is_pending=True)
    assert decision_for(parse_callback(P1_QUERY, P1_SECRET), order) == (
        "04",
        IpnAction.NOTHING,
    )


def test_decide_ipn_checks_the_amount_before_the_pending_state() -> None:
    order = OrderView(amount_vnd=99, is_pending=False)
    assert decision_for(parse_callback(P1_QUERY, P1_SECRET), order)[0] == "04"


def test_decide_ipn_replies_02_when_the_order_is_no_longer_pending() -> None:
    order = OrderView(amount_vnd=10_000, is_pending=False)
    assert decision_for(parse_callback(P1_QUERY, P1_SECRET), order) == (
        "02",
        IpnAction.NOTHING,
    )


def test_decide_ipn_replies_00_and_marks_paid_on_success() -> None:
    assert decision_for(parse_callback(P1_QUERY, P1_SECRET), PENDING) == (
        "00",
        IpnAction.MARK_PAID,
    )


def test_decide_ipn_replies_00_and_marks_failed_on_a_failed_payment() -> None:
    result = parse_callback(signed(CANCELLED), P1_SECRET)
    assert decision_for(result, PENDING) == ("00", IpnAction.MARK_FAILED)


def test_decide_ipn_checks_the_signature_before_anything_else() -> None:
    result = parse_callback(P1_FIELDS, P1_SECRET)
    assert decision_for(result, None) == ("97", IpnAction.NOTHING)


def test_callback_values_are_frozen() -> None:
    callback = verified(P1_FIELDS)
    with pytest.raises(AttributeError):
        callback.amount_vnd = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        PENDING.is_pending = False  # type: ignore[misc]
