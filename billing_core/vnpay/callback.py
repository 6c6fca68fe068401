"""VNPAY return-URL / IPN callbacks: verify, then parse; IPN reply codes and decision. Pure.

The IPN handler (which owns the database) should do::

    result = parse_callback(request.query, secret)
    order = lookup(result.callback.txn_ref) if isinstance(result, VerifiedCallback) else None
    decision = decide_ipn(result, order)
    ... apply decision.action idempotently, then reply decision.reply.to_json_dict()

and reply ``IpnReply.UNKNOWN_ERROR`` if anything raises. The return URL only displays the
outcome (checksum + ``is_success``) and never updates the order [DOC].
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from billing_core.vnpay.signing import (
    HASH_FIELD,
    canonical_items,
    is_valid_hash,
    is_valid_txn_ref,
    parse_vnp_datetime,
    sign_fields,
    verify_hash,
)

__all__ = [
    "BadSignature",
    "CallbackResult",
    "IpnAction",
    "IpnDecision",
    "IpnReply",
    "MalformedCallback",
    "OrderView",
    "VerifiedCallback",
    "VnpayCallback",
    "decide_ipn",
    "parse_callback",
]

_AMOUNT = re.compile(r"[0-9]{1,12}")
_TWO_DIGITS = re.compile(r"[0-9]{2}")
_TRANSACTION_NO = re.compile(r"[0-9]{1,15}")


@dataclass(frozen=True, slots=True)
class VnpayCallback:
    """A callback whose signature has been verified. ``amount_vnd`` is already /100.

    ``raw`` holds the signed ``vnp_*`` fields plus ``vnp_SecureHash`` (a private copy, for
    audit logs); unsigned extras such as ``vnp_SecureHashType`` are left out.
    """

    txn_ref: str
    amount_vnd: int
    response_code: str
    transaction_status: str
    transaction_no: str
    bank_code: str
    pay_date: datetime | None
    raw: dict[str, str] = field(hash=False)

    @property
    def is_success(self) -> bool:
        """Paid ⇔ ResponseCode "00" AND TransactionStatus "00" (not ``or``)."""
        return self.response_code == "00" and self.transaction_status == "00"


@dataclass(frozen=True, slots=True)
class BadSignature:
    """Missing, malformed or wrong ``vnp_SecureHash``. Never act on it."""

    reason: str


@dataclass(frozen=True, slots=True)
class MalformedCallback:
    """Correctly signed, but a required field is missing or invalid."""

    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class VerifiedCallback:
    callback: VnpayCallback


CallbackResult = BadSignature | MalformedCallback | VerifiedCallback


def _signature_problem(query: Mapping[str, str], secret: str) -> str | None:
    received = query.get(HASH_FIELD)
    if received is None or received == "":
        return "missing vnp_SecureHash"
    if not is_valid_hash(received):
        return "malformed vnp_SecureHash"
    if not verify_hash(received, sign_fields(query, secret)):
        return "vnp_SecureHash mismatch"
    return None


def parse_callback(query: Mapping[str, str], secret: str) -> CallbackResult:
    """Verify the signature of a decoded callback query, then (only then) parse it."""
    problem = _signature_problem(query, secret)
    if problem is not None:
        return BadSignature(problem)

    signed = dict(canonical_items(query))
    raw = {**signed, HASH_FIELD: query[HASH_FIELD]}

    txn_ref = signed.get("vnp_TxnRef")
    if txn_ref is None:
        return MalformedCallback("vnp_TxnRef", "missing")
    if not is_valid_txn_ref(txn_ref):
        return MalformedCallback("vnp_TxnRef", "not [A-Za-z0-9]{1,100}")

    amount_raw = signed.get("vnp_Amount")
    if amount_raw is None:
        return MalformedCallback("vnp_Amount", "missing")
    if _AMOUNT.fullmatch(amount_raw) is None:
        return MalformedCallback("vnp_Amount", "not numeric[1,12]")
    amount_x100 = int(amount_raw)
    if amount_x100 % 100 != 0:
        return MalformedCallback("vnp_Amount", "not a multiple of 100")

    checks: tuple[tuple[str, re.Pattern[str] | None, str], ...] = (
        ("vnp_ResponseCode", _TWO_DIGITS, "not two digits"),
        ("vnp_TransactionStatus", _TWO_DIGITS, "not two digits"),
        ("vnp_TransactionNo", _TRANSACTION_NO, "not numeric[1,15]"),
        ("vnp_BankCode", None, ""),
    )
    values: dict[str, str] = {}
    for name, pattern, what in checks:
        value = signed.get(name)
        if value is None:
            return MalformedCallback(name, "missing")
        if pattern is not None and pattern.fullmatch(value) is None:
            return MalformedCallback(name, what)
        values[name] = value

    pay_date: datetime | None = None
    pay_date_raw = signed.get("vnp_PayDate")
    if pay_date_raw is not None:
        try:
            pay_date = parse_vnp_datetime(pay_date_raw)
        except ValueError:
            return MalformedCallback("vnp_PayDate", "not a valid yyyyMMddHHmmss")

    return VerifiedCallback(
        VnpayCallback(
            txn_ref=txn_ref,
            amount_vnd=amount_x100 // 100,
            response_code=values["vnp_ResponseCode"],
            transaction_status=values["vnp_TransactionStatus"],
            transaction_no=values["vnp_TransactionNo"],
            bank_code=values["vnp_BankCode"],
            pay_date=pay_date,
            raw=raw,
        )
    )


class IpnReply(Enum):
    """IPN JSON replies, strings exactly as the official PHP demo (99 is "Unknow", sic)."""

    CONFIRM_SUCCESS = ("00", "Confirm Success")
    ORDER_NOT_FOUND = ("01", "Order not found")
    ORDER_ALREADY_CONFIRMED = ("02", "Order already confirmed")
    INVALID_AMOUNT = ("04", "invalid amount")
    INVALID_SIGNATURE = ("97", "Invalid signature")
    UNKNOWN_ERROR = ("99", "Unknow error")

    def __init__(self, rsp_code: str, message: str) -> None:
        self.rsp_code = rsp_code
        self.message = message

    def to_json_dict(self) -> dict[str, str]:
        return {"RspCode": self.rsp_code, "Message": self.message}


class IpnAction(Enum):
    MARK_PAID = "mark_paid"
    MARK_FAILED = "mark_failed"
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class OrderView:
    """What decide_ipn needs to know about the order found by ``vnp_TxnRef``."""

    amount_vnd: int
    is_pending: bool


@dataclass(frozen=True, slots=True)
class IpnDecision:
    reply: IpnReply
    action: IpnAction

    def to_json_dict(self) -> dict[str, str]:
        return self.reply.to_json_dict()


def decide_ipn(callback_result: CallbackResult, order: OrderView | None) -> IpnDecision:
    """The IPN decision, in [DOC]/[PHP] order: checksum -> order -> amount -> pending -> record.

    A correctly signed but malformed callback gets 99 (the C# demo's 99 reads "Input data
    required"), so VNPAY retries; it is never recorded. 00 is returned for failed payments
    too (the failure is recorded); 02 once the order is no longer pending (idempotency).
    """
    if isinstance(callback_result, BadSignature):
        return IpnDecision(IpnReply.INVALID_SIGNATURE, IpnAction.NOTHING)
    if isinstance(callback_result, MalformedCallback):
        return IpnDecision(IpnReply.UNKNOWN_ERROR, IpnAction.NOTHING)
    callback = callback_result.callback
    if order is None:
        return IpnDecision(IpnReply.ORDER_NOT_FOUND, IpnAction.NOTHING)
    if order.amount_vnd != callback.amount_vnd:
        return IpnDecision(IpnReply.INVALID_AMOUNT, IpnAction.NOTHING)
    if not order.is_pending:
        return IpnDecision(IpnReply.ORDER_ALREADY_CONFIRMED, IpnAction.NOTHING)
    action = IpnAction.MARK_PAID if callback.is_success else IpnAction.MARK_FAILED
    return IpnDecision(IpnReply.CONFIRM_SUCCESS, action)
