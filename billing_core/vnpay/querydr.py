"""VNPAY 2.1.0 querydr / refund request bodies and response checksums. Pure, no HTTP.

Both go as JSON to ``POST {host}/merchant_webapi/api/transaction``. Their checksum is
``HMAC-SHA512(secret, "|".join(values))`` in a fixed order [QDR], [PHP] vnpay_querydr.php /
vnpay_refund.php, [LIB] query.service.ts; values are used raw (no URL encoding; amounts stay
x100), a missing response field counts as "".
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal

from billing_core.vnpay.payment_request import VNP_VERSION
from billing_core.vnpay.signing import (
    HASH_FIELD,
    checksum_pipe,
    format_vnp_datetime,
    is_valid_order_info,
    is_valid_txn_ref,
    verify_hash,
)

__all__ = [
    "QUERYDR_REQUEST_HASH_ORDER",
    "QUERYDR_RESPONSE_HASH_ORDER",
    "REFUND_REQUEST_HASH_ORDER",
    "REFUND_RESPONSE_HASH_ORDER",
    "REQUEST_ID_PATTERN",
    "SANDBOX_API_URL",
    "RefundType",
    "build_querydr_request",
    "build_refund_request",
    "pipe_values",
    "response_checksum",
    "verify_pipe_checksum",
    "verify_querydr_response",
    "verify_refund_response",
    "with_pipe_checksum",
]

SANDBOX_API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"

QUERYDR_REQUEST_HASH_ORDER: tuple[str, ...] = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)

QUERYDR_RESPONSE_HASH_ORDER: tuple[str, ...] = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)

REFUND_REQUEST_HASH_ORDER: tuple[str, ...] = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)

REFUND_RESPONSE_HASH_ORDER: tuple[str, ...] = tuple(
    name for name in QUERYDR_RESPONSE_HASH_ORDER if name not in ("vnp_PromotionCode", "vnp_PromotionAmount")
)

RefundType = Literal["02", "03"]
"""02 full refund, 03 partial refund."""

REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9]{1,32}")
"""vnp_RequestId: alphanumeric, 1..32 characters, unique per terminal and day."""
_TMN_CODE = re.compile(r"[A-Za-z0-9]{1,20}")
_DIGITS = re.compile(r"[0-9]{1,15}")
_CREATE_BY = re.compile(r"[A-Za-z0-9 ._@:,\-]{1,255}")


def pipe_values(fields: Mapping[str, object], order: Sequence[str]) -> list[str] | None:
    """The checksum inputs of ``fields`` in ``order``: missing/None -> "", int -> decimal.

    None if a value has a type that cannot be rendered unambiguously (float, bool, ...).
    """
    values: list[str] = []
    for name in order:
        value = fields.get(name)
        if value is None:
            values.append("")
        elif isinstance(value, str):
            values.append(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            values.append(str(value))
        else:
            return None
    return values


def _validate_common(request_id: str, tmn_code: str, txn_ref: str, order_info: str, ip_addr: str) -> None:
    if not REQUEST_ID_PATTERN.fullmatch(request_id):
        raise ValueError(f"request_id must match [A-Za-z0-9]{{1,32}}, got {request_id!r}")
    if not _TMN_CODE.fullmatch(tmn_code):
        raise ValueError(f"tmn_code must be alphanumeric, got {tmn_code!r}")
    if not is_valid_txn_ref(txn_ref):
        raise ValueError(f"txn_ref must match [A-Za-z0-9]{{1,100}}, got {txn_ref!r}")
    if not is_valid_order_info(order_info):
        raise ValueError(f"order_info must be 1..255 chars of [A-Za-z0-9 ._:,-], got {order_info!r}")
    try:
        ipaddress.ip_address(ip_addr)
    except ValueError:
        raise ValueError(f"ip_addr is not an IP address: {ip_addr!r}") from None


def with_pipe_checksum(fields: Mapping[str, str], order: Sequence[str], secret: str) -> dict[str, str]:
    """A copy of ``fields`` plus ``vnp_SecureHash``: the pipe checksum of its values in ``order``.

    A name of ``order`` missing from ``fields`` counts as "" (as VNPAY counts it).
    """
    return {**fields, HASH_FIELD: checksum_pipe([fields.get(name, "") for name in order], secret)}


def build_querydr_request(
    *,
    secret: str,
    request_id: str,
    tmn_code: str,
    txn_ref: str,
    order_info: str,
    transaction_date: datetime,
    create_date: datetime,
    ip_addr: str,
    transaction_no: str | None = None,
) -> dict[str, str]:
    """JSON body of a querydr request, ``vnp_SecureHash`` included.

    ``transaction_date`` is the payment's vnp_CreateDate; ``create_date`` is now; both are
    rendered in GMT+7. ``request_id`` must be unique per day. ``transaction_no`` (VNPAY's
    vnp_TransactionNo) is optional and not part of the checksum.
    """
    _validate_common(request_id, tmn_code, txn_ref, order_info, ip_addr)
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VNP_VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": order_info,
        "vnp_TransactionDate": format_vnp_datetime(transaction_date),
        "vnp_CreateDate": format_vnp_datetime(create_date),
        "vnp_IpAddr": ip_addr,
    }
    if transaction_no is not None:
        if not _DIGITS.fullmatch(transaction_no):
            raise ValueError(f"transaction_no must be numeric, got {transaction_no!r}")
        body["vnp_TransactionNo"] = transaction_no
    return with_pipe_checksum(body, QUERYDR_REQUEST_HASH_ORDER, secret)


def build_refund_request(
    *,
    secret: str,
    request_id: str,
    tmn_code: str,
    transaction_type: RefundType,
    txn_ref: str,
    amount_vnd: int,
    transaction_date: datetime,
    create_by: str,
    create_date: datetime,
    ip_addr: str,
    order_info: str,
    transaction_no: str | None = None,
) -> dict[str, str]:
    """JSON body of a refund request, ``vnp_SecureHash`` included.

    ``amount_vnd`` is sent (and hashed) x100; ``transaction_no`` defaults to "0" ("unknown"),
    which is both sent and hashed.
    """
    _validate_common(request_id, tmn_code, txn_ref, order_info, ip_addr)
    if transaction_type not in ("02", "03"):
        raise ValueError(f"transaction_type must be '02' or '03', got {transaction_type!r}")
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise ValueError(f"amount_vnd must be a positive int, got {amount_vnd!r}")
    if len(str(amount_vnd * 100)) > 12:
        raise ValueError("amount_vnd too large for vnp_Amount (Numeric[1,12] of VND x 100)")
    if not _CREATE_BY.fullmatch(create_by):
        raise ValueError(f"create_by must be a plain user name, got {create_by!r}")
    number = "0" if transaction_no is None else transaction_no
    if not _DIGITS.fullmatch(number):
        raise ValueError(f"transaction_no must be numeric, got {transaction_no!r}")
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VNP_VERSION,
        "vnp_Command": "refund",
        "vnp_TmnCode": tmn_code,
        "vnp_TransactionType": transaction_type,
        "vnp_TxnRef": txn_ref,
        "vnp_Amount": str(amount_vnd * 100),
        "vnp_OrderInfo": order_info,
        "vnp_TransactionNo": number,
        "vnp_TransactionDate": format_vnp_datetime(transaction_date),
        "vnp_CreateBy": create_by,
        "vnp_CreateDate": format_vnp_datetime(create_date),
        "vnp_IpAddr": ip_addr,
    }
    return with_pipe_checksum(body, REFUND_REQUEST_HASH_ORDER, secret)


def response_checksum(response: Mapping[str, object], order: Sequence[str], secret: str) -> str | None:
    """Expected checksum of a decoded JSON response; None if a value type is unusable."""
    values = pipe_values(response, order)
    return None if values is None else checksum_pipe(values, secret)


def verify_pipe_checksum(response: Mapping[str, object], order: Sequence[str], secret: str) -> bool:
    """True iff ``response["vnp_SecureHash"]`` is the pipe checksum of its values in ``order``.

    False for a missing/malformed hash or a value type :func:`pipe_values` cannot render.
    """
    expected = response_checksum(response, order, secret)
    return expected is not None and verify_hash(response.get(HASH_FIELD), expected)


def verify_querydr_response(response: Mapping[str, object], secret: str) -> bool:
    """True iff the querydr response's vnp_SecureHash matches (False if missing/malformed)."""
    return verify_pipe_checksum(response, QUERYDR_RESPONSE_HASH_ORDER, secret)


def verify_refund_response(response: Mapping[str, object], secret: str) -> bool:
    """True iff the refund response's vnp_SecureHash matches (querydr order minus promotions)."""
    return verify_pipe_checksum(response, REFUND_RESPONSE_HASH_ORDER, secret)
