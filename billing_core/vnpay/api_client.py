"""Async client for VNPAY's transaction API: querydr (ask about a payment) and refund.

Follows shared/spec/vnpay-notes.md §3 "querydr / refund" ([QDR]
sandbox.vnpayment.vn/apis/docs/truy-van-hoan-tien/querydr&refund.html, [PHP]
vnpay_querydr.php / vnpay_refund.php, [LIB] lehuygiang28/vnpay ``query.service.ts``): one JSON
``POST`` to ``{host}/merchant_webapi/api/transaction``; the request bodies and their pipe
checksums come from :mod:`billing_core.vnpay.querydr` (never signed here), and every answer's
``vnp_SecureHash`` is checked with ``verify_querydr_response`` / ``verify_refund_response``
before a single field is read. ``vnp_Amount`` is divided by 100 only after that check (§5
pitfalls). Dates go out in GMT+7 (§5 timezone pitfall) from the clock passed in.

The core imports no HTTP library (tests/test_architecture.py), so the session is passed in
and only has to look like ``aiohttp.ClientSession`` (:class:`HttpSession`); the bot passes
its long-lived ``aiohttp.ClientSession``. The time limit is ``asyncio.timeout`` around the
whole exchange. Transport errors of the session (``aiohttp.ClientError``, ``OSError``)
propagate unchanged; everything about the answer itself raises :class:`VnpayApiError`.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from billing_core.vnpay.querydr import (
    build_querydr_request,
    build_refund_request,
    verify_querydr_response,
    verify_refund_response,
)
from billing_core.vnpay.signing import parse_vnp_amount, parse_vnp_datetime

__all__ = [
    "BadResponseChecksum",
    "HttpResponse",
    "HttpSession",
    "MalformedResponse",
    "TransactionResult",
    "VnpayApiClient",
    "VnpayApiConfig",
    "VnpayApiError",
    "VnpayApiTimeout",
]

Command = Literal["querydr", "refund"]


class HttpResponse(Protocol):
    """The part of ``aiohttp.ClientResponse`` the client reads."""

    @property
    def status(self) -> int: ...

    async def read(self) -> bytes: ...


class HttpSession(Protocol):
    """The part of ``aiohttp.ClientSession`` the client uses."""

    def post(self, url: str, *, json: Any) -> AbstractAsyncContextManager[HttpResponse]: ...


class VnpayApiError(Exception):
    """VNPAY's transaction API gave no usable answer."""


class VnpayApiTimeout(VnpayApiError):
    """No complete answer within the configured time."""


class VnpayApiUnreachable(VnpayApiError):
    """No answer: the connection failed (the HTTP session's own errors are mapped to this)."""


class MalformedResponse(VnpayApiError):
    """Not HTTP 200, not a JSON object, or a field that cannot be what VNPAY documents."""


class BadResponseChecksum(VnpayApiError):
    """The answer's vnp_SecureHash does not match: never trust any of its fields."""


@dataclass(frozen=True, slots=True)
class VnpayApiConfig:
    """Where and as whom to call. ``ip_addr`` is the server's address (vnp_IpAddr)."""

    api_url: str
    tmn_code: str
    secret: str
    ip_addr: str
    timeout_seconds: float = 30.0
    create_by: str = "cleeksy-bot"


@dataclass(frozen=True, slots=True)
class TransactionResult:
    """A verified querydr/refund answer. Empty fields of the answer are ``None``.

    ``amount_vnd`` is already /100. For a refund it is the refunded amount and
    ``transaction_type`` is 02 (full) or 03 (partial); for querydr 01 is a payment.
    """

    command: Command
    response_code: str
    message: str
    txn_ref: str | None
    transaction_status: str | None
    transaction_type: str | None
    amount_vnd: int | None
    transaction_no: str | None
    bank_code: str | None
    pay_date: datetime | None
    raw: dict[str, object] = field(hash=False, compare=False, repr=False)

    @property
    def is_ok(self) -> bool:
        """The request itself succeeded (vnp_ResponseCode 00)."""
        return self.response_code == "00"

    @property
    def is_paid(self) -> bool:
        """querydr says: paid and not refunded (00, status 00, type 01) [§3 Reconcile]."""
        return self.is_ok and self.transaction_status == "00" and self.transaction_type == "01"


def _new_request_id() -> str:
    return secrets.token_hex(16)


class VnpayApiClient:
    """querydr and refund over a caller-owned session; ``clock`` gives vnp_CreateDate."""

    def __init__(
        self,
        session: HttpSession,
        config: VnpayApiConfig,
        *,
        clock: Callable[[], datetime],
        new_request_id: Callable[[], str] = _new_request_id,
    ) -> None:
        self._session = session
        self._config = config
        self._clock = clock
        self._new_request_id = new_request_id

    async def querydr(
        self,
        *,
        txn_ref: str,
        transaction_date: datetime,
        order_info: str | None = None,
        transaction_no: str | None = None,
    ) -> TransactionResult:
        """Ask VNPAY about ``txn_ref``; ``transaction_date`` is the payment's vnp_CreateDate."""
        body = build_querydr_request(
            secret=self._config.secret,
            request_id=self._new_request_id(),
            tmn_code=self._config.tmn_code,
            txn_ref=txn_ref,
            order_info=order_info or f"Truy van giao dich {txn_ref}",
            transaction_date=transaction_date,
            create_date=self._clock(),
            ip_addr=self._config.ip_addr,
            transaction_no=transaction_no,
        )
        return await self._call("querydr", body, txn_ref)

    async def refund(
        self,
        *,
        txn_ref: str,
        amount_vnd: int,
        transaction_date: datetime,
        full: bool,
        order_info: str | None = None,
        transaction_no: str | None = None,
    ) -> TransactionResult:
        """Refund ``amount_vnd`` of ``txn_ref``: all of it (``full``, type 02) or part (03)."""
        body = build_refund_request(
            secret=self._config.secret,
            request_id=self._new_request_id(),
            tmn_code=self._config.tmn_code,
            transaction_type="02" if full else "03",
            txn_ref=txn_ref,
            amount_vnd=amount_vnd,
            transaction_date=transaction_date,
            create_by=self._config.create_by,
            create_date=self._clock(),
            ip_addr=self._config.ip_addr,
            order_info=order_info or f"Hoan tien giao dich {txn_ref}",
            transaction_no=transaction_no,
        )
        return await self._call("refund", body, txn_ref)

    async def _call(self, command: Command, body: dict[str, str], txn_ref: str) -> TransactionResult:
        answer = await self._post(command, body)
        verify = verify_querydr_response if command == "querydr" else verify_refund_response
        if not verify(answer, self._config.secret):
            raise BadResponseChecksum(f"VNPAY {command} answer for {txn_ref}: vnp_SecureHash mismatch")
        return _parse_result(command, answer, txn_ref)

    async def _post(self, command: Command, body: dict[str, str]) -> dict[str, object]:
        seconds = self._config.timeout_seconds
        try:
            async with asyncio.timeout(seconds), self._session.post(self._config.api_url, json=body) as reply:
                status = reply.status
                payload = await reply.read()
        except TimeoutError:
            raise VnpayApiTimeout(f"VNPAY {command}: no answer within {seconds:g}s") from None
        except OSError as exc:  # refused, reset, unreachable
            raise VnpayApiUnreachable(f"VNPAY {command}: {exc}") from None
        if status != 200:
            raise MalformedResponse(f"VNPAY {command}: HTTP {status}")
        try:
            answer = json.loads(payload)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise MalformedResponse(f"VNPAY {command}: the answer is not JSON") from None
        if not isinstance(answer, dict):
            raise MalformedResponse(f"VNPAY {command}: the answer is not a JSON object")
        return answer


def _text(answer: Mapping[str, object], name: str) -> str | None:
    """A verified field as text; ``None`` when missing or empty (checksums treat both as "")."""
    value = answer.get(name)
    if value is None or value == "":
        return None
    return str(value)


def _amount_vnd(raw: str | None) -> int | None:
    if raw is None:
        return None
    amount = parse_vnp_amount(raw)
    if amount is None:
        raise MalformedResponse(f"vnp_Amount is not VND x 100: {raw!r}")
    return amount


def _pay_date(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        return parse_vnp_datetime(raw)
    except ValueError:
        raise MalformedResponse(f"vnp_PayDate is not yyyyMMddHHmmss: {raw!r}") from None


def _parse_result(command: Command, answer: Mapping[str, object], txn_ref: str) -> TransactionResult:
    """Read a verified answer; refuse one about another transaction or command."""
    response_code = _text(answer, "vnp_ResponseCode")
    if response_code is None:
        raise MalformedResponse(f"VNPAY {command}: no vnp_ResponseCode")
    answered_ref = _text(answer, "vnp_TxnRef")
    if answered_ref is not None and answered_ref != txn_ref:
        raise MalformedResponse(f"VNPAY {command}: answer is about {answered_ref!r}, not {txn_ref!r}")
    answered_command = _text(answer, "vnp_Command")
    if answered_command is not None and answered_command != command:
        raise MalformedResponse(f"VNPAY {command}: answer is for command {answered_command!r}")
    return TransactionResult(
        command=command,
        response_code=response_code,
        message=_text(answer, "vnp_Message") or "",
        txn_ref=answered_ref,
        transaction_status=_text(answer, "vnp_TransactionStatus"),
        transaction_type=_text(answer, "vnp_TransactionType"),
        amount_vnd=_amount_vnd(_text(answer, "vnp_Amount")),
        transaction_no=_text(answer, "vnp_TransactionNo"),
        bank_code=_text(answer, "vnp_BankCode"),
        pay_date=_pay_date(_text(answer, "vnp_PayDate")),
        raw=dict(answer),
    )
