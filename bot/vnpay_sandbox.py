"""A local stand-in for the VNPAY sandbox, for the playground and tests. Never used in production.

It imitates what sandbox.vnpayment.vn does for one merchant terminal, as described in
shared/spec/vnpay-notes.md:

- §1 "Payment URL" and its signing rule: ``GET /paymentv2/vpcpay.html`` checks the signed
  query exactly as VNPAY does (the signature over the decoded ``vnp_*`` values, re-encoded
  with the shared :func:`~billing_core.vnpay.signing.encode_query`), the TmnCode, Version
  2.1.0 / Command pay, the amount format, ``vnp_ExpireDate`` against the sandbox clock and a
  reused ``vnp_TxnRef``. A problem redirects to ``/paymentv2/Payment/Error.html?code=NN`` as
  VNPAY does (§5 pitfalls: 70 "Sai chữ ký", 71 terminal not approved, 03 bad format; §1: 01
  "Giao dịch đã tồn tại"; §2 response code 11 for an expired link) and starts nothing.
  Otherwise a small Vietnamese page offers the payer's four outcomes.
- §2 "Return URL and IPN": ``POST /paymentv2/pay`` (the page's form) builds the callback
  fields, signs them with the merchant's secret, calls the merchant's IPN URL (configured
  per terminal, as in the portal) server to server with GET, and answers 302 to
  ``vnp_ReturnUrl`` with the same signed query. Success is ResponseCode 00 and
  TransactionStatus 00; failures carry TransactionStatus 02; a cancel looks like the observed
  one (BankCode VNPAY, CardType QRCODE, TransactionNo 0, no BankTranNo). VNPAY retries an
  IPN that is not answered 00/02 up to 10 times, 5 minutes apart; to stay deterministic the
  stand-in makes at most :data:`IPN_MAX_ATTEMPTS` immediate attempts.
- §3 "querydr / refund": ``POST /merchant_webapi/api/transaction`` checks the request's pipe
  checksum and signs its answers with the documented response orders (the shared
  :mod:`billing_core.vnpay.querydr` helpers), with the documented codes 00, 02, 03, 91, 94,
  95, 97, 99. Unlike the real sandbox (which answers refunds with 99, §3) refunds work: full
  (type 02) or partial (type 03), after which querydr reports that type and status 05.

:class:`VnpaySandbox` holds the state (transactions, IPN deliveries); ``app()`` serves it and
:meth:`VnpaySandbox.pay` drives the same code as the page and its form, without HTML.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final
from urllib.parse import parse_qsl, urlsplit

import aiohttp
from aiohttp import web
from multidict import MultiDict

from billing_core.vnpay.querydr import (
    QUERYDR_REQUEST_HASH_ORDER,
    QUERYDR_RESPONSE_HASH_ORDER,
    REFUND_REQUEST_HASH_ORDER,
    REFUND_RESPONSE_HASH_ORDER,
    pipe_values,
    response_checksum,
)
from billing_core.vnpay.signing import (
    HASH_FIELD,
    checksum_pipe,
    encode_query,
    format_vnp_datetime,
    hmac_sha512_hex,
    is_valid_txn_ref,
    parse_vnp_datetime,
    verify_fields,
    verify_hash,
)

__all__ = [
    "API_PATH",
    "ERROR_PATH",
    "FORM_PATH",
    "IPN_MAX_ATTEMPTS",
    "PAGE_ERRORS",
    "PAYMENT_PATH",
    "SANDBOX_KEY",
    "IpnAttempt",
    "IpnDelivery",
    "Outcome",
    "PayResult",
    "PaymentPageError",
    "SandboxConfig",
    "SandboxTransaction",
    "VnpaySandbox",
    "create_app",
    "format_vnd",
]

PAYMENT_PATH: Final = "/paymentv2/vpcpay.html"
FORM_PATH: Final = "/paymentv2/pay"
ERROR_PATH: Final = "/paymentv2/Payment/Error.html"
API_PATH: Final = "/merchant_webapi/api/transaction"

IPN_MAX_ATTEMPTS: Final = 3
IPN_TIMEOUT_SECONDS: Final = 10.0
_FIRST_TRANSACTION_NO: Final = 14_000_001

PAGE_ERRORS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "01": "Giao dịch đã tồn tại",
        "03": "Dữ liệu gửi sang không đúng định dạng",
        "11": "Giao dịch không thành công do: Đã hết hạn chờ thanh toán. "
        "Xin quý khách vui lòng thực hiện lại giao dịch.",
        "70": "Sai chữ ký",
        "71": "Website này chưa được phê duyệt",
        "99": "Các lỗi khác (lỗi còn lại, không có trong danh sách mã lỗi đã liệt kê)",
    }
)
"""Error page texts by code (§5 pitfalls; 01 from §1, 11 from the §2 response codes)."""

_API_MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "02": "Merchant không hợp lệ",
        "03": "Dữ liệu gửi sang không đúng định dạng",
        "91": "Không tìm thấy giao dịch yêu cầu",
        "95": "Giao dịch này không thành công bên VNPAY. VNPAY từ chối xử lý yêu cầu",
        "97": "Chữ ký không hợp lệ",
        "99": "Các lỗi khác",
    }
)
_SUCCESS_MESSAGES: Final = {"querydr": "QueryDR Success", "refund": "Refund Success"}
_DUPLICATE_MESSAGES: Final = {
    "querydr": "Yêu cầu bị trùng lặp trong thời gian giới hạn của API",
    "refund": "Giao dịch đã được gửi yêu cầu hoàn tiền trước đó",
}

_AMOUNT = re.compile(r"[0-9]{1,12}")
_REQUEST_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_VERSION: Final = "2.1.0"
_REFUND_STATUS: Final = "05"  # "VNPAY đang xử lý giao dịch hoàn tiền" (§2 TransactionStatus)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Outcome(StrEnum):
    """What the payer does on the page (the four buttons)."""

    SUCCESS = "success"
    CANCEL = "cancel"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class _OutcomeSpec:
    label: str
    response_code: str
    transaction_status: str
    bank_code: str
    card_type: str
    reached_bank: bool  # VNPAY numbers the transaction; a cancel on its own page gets "0"


_OUTCOMES: Final[Mapping[Outcome, _OutcomeSpec]] = MappingProxyType(
    {
        Outcome.SUCCESS: _OutcomeSpec("Thanh toán thành công", "00", "00", "NCB", "ATM", True),
        Outcome.CANCEL: _OutcomeSpec("Hủy giao dịch", "24", "02", "VNPAY", "QRCODE", False),
        Outcome.INSUFFICIENT_FUNDS: _OutcomeSpec("Tài khoản không đủ số dư", "51", "02", "NCB", "ATM", True),
        Outcome.TIMEOUT: _OutcomeSpec("Hết hạn chờ thanh toán", "11", "02", "NCB", "ATM", True),
    }
)

_OUTCOME_VALUES: Final = frozenset(outcome.value for outcome in Outcome)


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """One merchant terminal, as registered in the VNPAY portal (IPN URL included)."""

    tmn_code: str
    hash_secret: str
    ipn_url: str
    clock: Callable[[], datetime] = _utc_now
    merchant_name: str | None = None


class PaymentPageError(Exception):
    """The payment page refuses: VNPAY's error page with this code."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.message = PAGE_ERRORS.get(code, PAGE_ERRORS["99"])
        super().__init__(f"VNPAY error page {code}: {self.message}")


@dataclass(frozen=True, slots=True)
class SandboxTransaction:
    """A transaction as VNPAY keeps it: pending (status 01) from the moment its page opens."""

    txn_ref: str
    amount_x100: int
    order_info: str
    create_date: str  # the payment's vnp_CreateDate, i.e. querydr's vnp_TransactionDate
    expires_at: datetime
    return_url: str
    url_hash: str
    status: str = "01"
    response_code: str = ""
    transaction_no: str = ""
    bank_code: str = ""
    pay_date: str = ""
    transaction_type: str = "01"
    refunded_x100: int = 0

    @property
    def amount_vnd(self) -> int:
        return self.amount_x100 // 100

    @property
    def is_pending(self) -> bool:
        return self.status == "01"

    @property
    def was_paid(self) -> bool:
        return self.response_code == "00"


@dataclass(frozen=True, slots=True)
class IpnAttempt:
    """One IPN call: the HTTP status and JSON answer, or why there was none."""

    status: int | None
    answer: Mapping[str, object] | None
    error: str | None = None

    @property
    def ends_the_flow(self) -> bool:
        """RspCode 00 or 02 stops VNPAY's retries (§2 Retry)."""
        return self.answer is not None and self.answer.get("RspCode") in ("00", "02")


@dataclass(frozen=True, slots=True)
class IpnDelivery:
    """Every attempt to deliver one transaction's IPN."""

    txn_ref: str
    url: str
    attempts: tuple[IpnAttempt, ...]

    @property
    def answer(self) -> Mapping[str, object] | None:
        """The merchant's last JSON answer."""
        return self.attempts[-1].answer if self.attempts else None


@dataclass(frozen=True, slots=True)
class PayResult:
    """What the payer's click produced: the redirect, the signed callback and the IPN."""

    redirect_url: str
    callback: Mapping[str, str] = field(hash=False)
    ipn: IpnDelivery

    @property
    def ipn_answer(self) -> Mapping[str, object] | None:
        return self.ipn.answer


class VnpaySandbox:
    """The stand-in's state and behaviour; :meth:`app` serves it over HTTP."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._transactions: dict[str, SandboxTransaction] = {}
        self._ipn_deliveries: list[IpnDelivery] = []
        self._request_ids: set[str] = set()
        self._transaction_numbers = itertools.count(_FIRST_TRANSACTION_NO)
        self._response_ids = itertools.count(1)

    @property
    def transactions(self) -> Mapping[str, SandboxTransaction]:
        """Transactions by vnp_TxnRef (read-only view)."""
        return MappingProxyType(self._transactions)

    @property
    def ipn_deliveries(self) -> tuple[IpnDelivery, ...]:
        return tuple(self._ipn_deliveries)

    def app(self) -> web.Application:
        """An aiohttp application serving this sandbox (reachable via ``app[SANDBOX_KEY]``)."""
        app = web.Application()
        app[SANDBOX_KEY] = self
        app.router.add_get(PAYMENT_PATH, self._handle_payment_page)
        app.router.add_post(FORM_PATH, self._handle_form)
        app.router.add_get(ERROR_PATH, _handle_error_page)
        app.router.add_post(API_PATH, self._handle_api)
        return app

    async def pay(self, payment_url: str, outcome: Outcome | str) -> PayResult:
        """Open ``payment_url`` and click ``outcome``, as a payer would; raises PaymentPageError."""
        choice = Outcome(outcome)
        parts = urlsplit(payment_url)
        if parts.path != PAYMENT_PATH:
            raise ValueError(f"not a payment URL of this sandbox: {payment_url!r}")
        transaction = self.open_payment(MultiDict(parse_qsl(parts.query, keep_blank_values=True)))
        return await self.complete_payment(transaction.txn_ref, choice)

    # -- the payment page ------------------------------------------------------------------

    def open_payment(self, query: Mapping[str, str]) -> SandboxTransaction:
        """Check a payment URL's decoded query; start (or reopen) its pending transaction."""
        if query.get("vnp_TmnCode") != self.config.tmn_code:
            raise PaymentPageError("71")
        if not verify_fields(query, self.config.hash_secret):
            raise PaymentPageError("70")
        transaction = self._parse_payment(query)
        if self.config.clock() > transaction.expires_at:
            raise PaymentPageError("11")
        existing = self._transactions.get(transaction.txn_ref)
        if existing is not None:
            if existing.is_pending and existing.url_hash == transaction.url_hash:
                return existing  # the same link opened again
            raise PaymentPageError("01")
        self._transactions[transaction.txn_ref] = transaction
        return transaction

    def _parse_payment(self, query: Mapping[str, str]) -> SandboxTransaction:
        """The transaction a verified query asks for; PaymentPageError 03 if malformed."""
        amount = query.get("vnp_Amount", "")
        txn_ref = query.get("vnp_TxnRef", "")
        return_url = query.get("vnp_ReturnUrl", "")
        well_formed = (
            query.get("vnp_Version") == _VERSION
            and query.get("vnp_Command") == "pay"
            and query.get("vnp_CurrCode") == "VND"
            and _AMOUNT.fullmatch(amount) is not None
            and int(amount) > 0
            and int(amount) % 100 == 0
            and is_valid_txn_ref(txn_ref)
            and query.get("vnp_OrderInfo", "") != ""
            and return_url.startswith(("http://", "https://"))
        )
        if not well_formed:
            raise PaymentPageError("03")
        try:
            create_date = query.get("vnp_CreateDate", "")
            parse_vnp_datetime(create_date)
            expires_at = parse_vnp_datetime(query.get("vnp_ExpireDate", ""))
        except ValueError:
            raise PaymentPageError("03") from None
        return SandboxTransaction(
            txn_ref=txn_ref,
            amount_x100=int(amount),
            order_info=query["vnp_OrderInfo"],
            create_date=create_date,
            expires_at=expires_at,
            return_url=return_url,
            url_hash=query[HASH_FIELD].lower(),
        )

    # -- the payer's click -----------------------------------------------------------------

    async def complete_payment(self, txn_ref: str, outcome: Outcome) -> PayResult:
        """Settle a pending transaction, call the merchant's IPN, give the return redirect."""
        transaction = self._transactions.get(txn_ref)
        if transaction is None:
            raise PaymentPageError("99")
        if not transaction.is_pending:
            raise PaymentPageError("01")
        if self.config.clock() > transaction.expires_at:
            outcome = Outcome.TIMEOUT
        settled = self._settle(transaction, _OUTCOMES[outcome])
        self._transactions[txn_ref] = settled
        callback = self._callback_fields(settled, outcome)
        query = f"{encode_query(callback)}&{HASH_FIELD}={callback[HASH_FIELD]}"
        delivery = await self._deliver_ipn(txn_ref, _with_query(self.config.ipn_url, query))
        return PayResult(_with_query(settled.return_url, query), MappingProxyType(callback), delivery)

    def _settle(self, transaction: SandboxTransaction, spec: _OutcomeSpec) -> SandboxTransaction:
        number = str(next(self._transaction_numbers)) if spec.reached_bank else "0"
        return replace(
            transaction,
            status=spec.transaction_status,
            response_code=spec.response_code,
            transaction_no=number,
            bank_code=spec.bank_code,
            pay_date=format_vnp_datetime(self.config.clock()),
        )

    def _callback_fields(self, transaction: SandboxTransaction, outcome: Outcome) -> dict[str, str]:
        """The signed return/IPN fields (§2), vnp_SecureHash included."""
        spec = _OUTCOMES[outcome]
        fields = {
            "vnp_Amount": str(transaction.amount_x100),
            "vnp_BankCode": transaction.bank_code,
            "vnp_CardType": spec.card_type,
            "vnp_OrderInfo": transaction.order_info,
            "vnp_PayDate": transaction.pay_date,
            "vnp_ResponseCode": transaction.response_code,
            "vnp_TmnCode": self.config.tmn_code,
            "vnp_TransactionNo": transaction.transaction_no,
            "vnp_TransactionStatus": transaction.status,
            "vnp_TxnRef": transaction.txn_ref,
        }
        if outcome is Outcome.SUCCESS:
            fields["vnp_BankTranNo"] = f"VNP{transaction.transaction_no}"
        fields[HASH_FIELD] = hmac_sha512_hex(self.config.hash_secret, encode_query(fields))
        return fields

    async def _deliver_ipn(self, txn_ref: str, url: str) -> IpnDelivery:
        """GET the merchant's IPN URL until it answers 00/02, at most IPN_MAX_ATTEMPTS times."""
        attempts: list[IpnAttempt] = []
        timeout = aiohttp.ClientTimeout(total=IPN_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for _ in range(IPN_MAX_ATTEMPTS):
                attempt = await _call_ipn(session, url)
                attempts.append(attempt)
                if attempt.ends_the_flow:
                    break
        delivery = IpnDelivery(txn_ref, url, tuple(attempts))
        self._ipn_deliveries.append(delivery)
        return delivery

    # -- querydr / refund ------------------------------------------------------------------

    def answer_api(self, body: object) -> dict[str, str]:
        """The signed JSON answer to a querydr/refund request body (§3)."""
        if not isinstance(body, dict):
            return self._api_answer("querydr", "03", {})
        command = body.get("vnp_Command")
        if command not in ("querydr", "refund"):
            return self._api_answer("querydr", "03", body)
        code = self._check_api_request(command, body)
        if code is not None:
            return self._api_answer(command, code, body)
        self._request_ids.add(body["vnp_RequestId"])
        transaction = self._transactions.get(body["vnp_TxnRef"])
        if transaction is None or transaction.create_date != body["vnp_TransactionDate"]:
            return self._api_answer(command, "91", body)
        if command == "querydr":
            return self._api_answer(command, "00", body, transaction)
        return self._refund(body, transaction)

    def _check_api_request(self, command: str, body: Mapping[str, object]) -> str | None:
        """The refusal code of a request (03 format, 02 merchant, 97 checksum, 94 repeat)."""
        order = QUERYDR_REQUEST_HASH_ORDER if command == "querydr" else REFUND_REQUEST_HASH_ORDER
        values = [body.get(name) for name in order]
        if not all(isinstance(value, str) and value for value in values):
            return "03"
        request_id, version = body["vnp_RequestId"], body["vnp_Version"]
        if not isinstance(request_id, str) or not _REQUEST_ID.fullmatch(request_id) or version != _VERSION:
            return "03"
        if body["vnp_TmnCode"] != self.config.tmn_code:
            return "02"
        if not self._checksum_matches(body, order):
            return "97"
        if request_id in self._request_ids:
            return "94"
        return None

    def _checksum_matches(self, body: Mapping[str, object], order: tuple[str, ...]) -> bool:
        values = pipe_values(body, order)
        return values is not None and verify_hash(
            body.get(HASH_FIELD), checksum_pipe(values, self.config.hash_secret)
        )

    def _refund(self, body: Mapping[str, str], transaction: SandboxTransaction) -> dict[str, str]:
        kind, amount = body["vnp_TransactionType"], body["vnp_Amount"]
        if kind not in ("02", "03") or _AMOUNT.fullmatch(amount) is None or int(amount) % 100 != 0:
            return self._api_answer("refund", "03", body)
        number = body["vnp_TransactionNo"]
        if number not in ("0", transaction.transaction_no):
            return self._api_answer("refund", "91", body)
        if not transaction.was_paid:
            return self._api_answer("refund", "95", body)
        remaining = transaction.amount_x100 - transaction.refunded_x100
        if remaining == 0:
            return self._api_answer("refund", "94", body)
        refund_x100 = int(amount)
        full_ok = kind == "02" and refund_x100 == transaction.amount_x100 == remaining
        partial_ok = kind == "03" and 0 < refund_x100 <= remaining
        if not (full_ok or partial_ok):
            return self._api_answer("refund", "03", body)
        refunded = replace(
            transaction,
            status=_REFUND_STATUS,
            transaction_type=kind,
            refunded_x100=transaction.refunded_x100 + refund_x100,
        )
        self._transactions[transaction.txn_ref] = refunded
        return self._api_answer("refund", "00", body, refunded, amount_x100=refund_x100)

    def _api_answer(
        self,
        command: str,
        code: str,
        body: Mapping[str, object],
        transaction: SandboxTransaction | None = None,
        *,
        amount_x100: int | None = None,
    ) -> dict[str, str]:
        """A signed answer; empty fields are left out (the checksum counts them as "").

        ``amount_x100`` overrides the transaction's amount (a refund answers the refunded one).
        """
        if code == "00":
            message = _SUCCESS_MESSAGES[command]
        elif code == "94":
            message = _DUPLICATE_MESSAGES[command]
        else:
            message = _API_MESSAGES[code]
        answer = {
            "vnp_ResponseId": f"{next(self._response_ids):032x}",
            "vnp_Command": command,
            "vnp_ResponseCode": code,
            "vnp_Message": message,
            "vnp_TmnCode": _echo(body, "vnp_TmnCode"),
            "vnp_TxnRef": _echo(body, "vnp_TxnRef"),
        }
        if transaction is not None:
            answer |= {
                "vnp_Amount": str(transaction.amount_x100 if amount_x100 is None else amount_x100),
                "vnp_OrderInfo": transaction.order_info,
                "vnp_BankCode": transaction.bank_code,
                "vnp_PayDate": transaction.pay_date,
                "vnp_TransactionNo": transaction.transaction_no,
                "vnp_TransactionType": transaction.transaction_type,
                "vnp_TransactionStatus": transaction.status,
            }
        return self._signed(answer, command)

    def _signed(self, answer: Mapping[str, str], command: str) -> dict[str, str]:
        fields = {name: value for name, value in answer.items() if value}
        order = QUERYDR_RESPONSE_HASH_ORDER if command == "querydr" else REFUND_RESPONSE_HASH_ORDER
        checksum = response_checksum(fields, order, self.config.hash_secret)
        if checksum is None:  # unreachable: every value is a str
            raise TypeError("answer values must be strings")
        return {**fields, HASH_FIELD: checksum}

    # -- HTTP handlers ---------------------------------------------------------------------

    async def _handle_payment_page(self, request: web.Request) -> web.Response:
        try:
            transaction = self.open_payment(request.query)
        except PaymentPageError as refusal:
            raise web.HTTPFound(_error_url(refusal.code)) from None
        merchant = self.config.merchant_name or self.config.tmn_code
        return _html(_payment_page(merchant, transaction))

    async def _handle_form(self, request: web.Request) -> web.Response:
        form = await request.post()
        txn_ref, choice = form.get("vnp_TxnRef"), form.get("outcome")
        if not isinstance(txn_ref, str) or not isinstance(choice, str) or choice not in _OUTCOME_VALUES:
            raise web.HTTPFound(_error_url("03"))
        try:
            result = await self.complete_payment(txn_ref, Outcome(choice))
        except PaymentPageError as refusal:
            raise web.HTTPFound(_error_url(refusal.code)) from None
        raise web.HTTPFound(result.redirect_url)

    async def _handle_api(self, request: web.Request) -> web.Response:
        try:
            body: object = json.loads(await request.read())
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        return web.json_response(self.answer_api(body))


SANDBOX_KEY: Final = web.AppKey("vnpay_sandbox", VnpaySandbox)


def create_app(config: SandboxConfig) -> web.Application:
    """An application serving a fresh sandbox for ``config`` (state at ``app[SANDBOX_KEY]``)."""
    return VnpaySandbox(config).app()


async def _call_ipn(session: aiohttp.ClientSession, url: str) -> IpnAttempt:
    """One server-to-server GET of the IPN URL, never raising."""
    try:
        async with session.get(url, allow_redirects=False) as reply:
            status, payload = reply.status, await reply.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        return IpnAttempt(None, None, f"{type(exc).__name__}: {exc}")
    try:
        answer = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return IpnAttempt(status, None, "the answer is not JSON")
    if not isinstance(answer, dict):
        return IpnAttempt(status, None, "the answer is not a JSON object")
    return IpnAttempt(status, MappingProxyType(answer))


async def _handle_error_page(request: web.Request) -> web.Response:
    code = request.query.get("code", "99")
    if code not in PAGE_ERRORS:
        code = "99"
    return _html(_error_page(code))


def _echo(body: Mapping[str, object], name: str) -> str:
    value = body.get(name)
    return value if isinstance(value, str) else ""


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _error_url(code: str) -> str:
    return f"{ERROR_PATH}?code={code}"


def format_vnd(amount_vnd: int) -> str:
    """``1.200.000 ₫``, as VNPAY's page writes amounts."""
    return f"{amount_vnd:,}".replace(",", ".") + " ₫"


# -- pages (VNPAY's own text, in Vietnamese) --------------------------------------------------

_PAGE = """<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; max-width: 32rem; margin: 2rem auto; color: #222; }}
.note {{ color: #a15c00; font-size: .9rem; }}
dt {{ color: #666; }} dd {{ margin: 0 0 .6rem 0; font-weight: bold; }}
button {{ display: block; width: 100%; margin: .4rem 0; padding: .6rem; font-size: 1rem; }}
</style></head>
<body>
<h1>{title}</h1>
<p class="note">Cổng thanh toán giả lập để thử nghiệm trên máy này, không phải VNPAY thật.</p>
{body}
</body>
</html>
"""


def _html(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/html", charset="utf-8")


def _payment_page(merchant: str, transaction: SandboxTransaction) -> str:
    expires = transaction.expires_at.strftime("%H:%M:%S %d/%m/%Y")
    buttons = "\n".join(
        f'<button type="submit" name="outcome" value="{outcome.value}">{html.escape(spec.label)}</button>'
        for outcome, spec in _OUTCOMES.items()
    )
    body = f"""<dl>
<dt>Đơn vị chấp nhận thanh toán</dt><dd>{html.escape(merchant)}</dd>
<dt>Số tiền</dt><dd class="amount">{format_vnd(transaction.amount_vnd)}</dd>
<dt>Nội dung thanh toán</dt><dd>{html.escape(transaction.order_info)}</dd>
<dt>Mã đơn hàng</dt><dd>{html.escape(transaction.txn_ref)}</dd>
<dt>Hết hạn lúc</dt><dd>{expires}</dd>
</dl>
<form method="post" action="{FORM_PATH}">
<input type="hidden" name="vnp_TxnRef" value="{html.escape(transaction.txn_ref)}">
<p>Chọn kết quả thanh toán của khách hàng (thẻ NCB thử nghiệm):</p>
{buttons}
</form>"""
    return _PAGE.format(title="Thanh toán qua VNPAY", body=body)


def _error_page(code: str) -> str:
    body = f"""<p class="error">{html.escape(PAGE_ERRORS[code])}</p>
<p>Mã lỗi: <span class="code">{code}</span></p>
<p>Vui lòng quay lại website của đơn vị chấp nhận thanh toán và thực hiện lại giao dịch.</p>"""
    return _PAGE.format(title="Thông báo", body=body)
