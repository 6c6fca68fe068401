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
:func:`signed_callback` builds one signed return/IPN callback on its own (for tests and
benchmarks that call the merchant directly).
"""

from __future__ import annotations

import html
import itertools
import json
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

from billing_core.vnpay.payment_request import VNP_VERSION
from billing_core.vnpay.querydr import (
    QUERYDR_REQUEST_HASH_ORDER,
    QUERYDR_RESPONSE_HASH_ORDER,
    REFUND_REQUEST_HASH_ORDER,
    REFUND_RESPONSE_HASH_ORDER,
    REQUEST_ID_PATTERN,
    verify_pipe_checksum,
    with_pipe_checksum,
)
from billing_core.vnpay.signing import (
    HASH_FIELD,
    format_vnp_datetime,
    is_valid_txn_ref,
    parse_vnp_amount,
    parse_vnp_datetime,
    sign_fields,
    signed_query,
    verify_fields,
)

__all__ = [
    "API_PATH",
    "ERROR_PATH",
    "FORM_PATH",
    "IPN_MAX_ATTEMPTS",
    "PAGE_ERRORS",
    "PAYMENT_PATH",
    "IpnAttempt",
    "IpnDelivery",
    "Outcome",
    "PayResult",
    "PaymentPageError",
    "SandboxConfig",
    "SandboxTransaction",
    "VnpaySandbox",
    "format_vnd",
    "signed_callback",
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


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """One merchant terminal, as registered in the VNPAY portal (IPN URL included)."""

    tmn_code: str
    hash_secret: str
    ipn_url: str
    clock: Callable[[], datetime] = _utc_now


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
    """One IPN call: the merchant's JSON answer, or why there was none."""

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
    attempts: tuple[IpnAttempt, ...]  # never empty

    @property
    def answer(self) -> Mapping[str, object] | None:
        """The merchant's last JSON answer."""
        return self.attempts[-1].answer


@dataclass(frozen=True, slots=True)
class PayResult:
    """What the payer's click produced: the redirect, the signed callback and the IPN."""

    redirect_url: str
    callback: Mapping[str, str] = field(hash=False)
    ipn: IpnDelivery


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
        """An aiohttp application serving this sandbox."""
        app = web.Application()
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
        amount_vnd = parse_vnp_amount(query.get("vnp_Amount", ""))
        txn_ref = query.get("vnp_TxnRef", "")
        return_url = query.get("vnp_ReturnUrl", "")
        well_formed = (
            query.get("vnp_Version") == VNP_VERSION
            and query.get("vnp_Command") == "pay"
            and query.get("vnp_CurrCode") == "VND"
            and is_valid_txn_ref(txn_ref)
            and query.get("vnp_OrderInfo", "") != ""
            and return_url.startswith(("http://", "https://"))
        )
        if amount_vnd is None or amount_vnd <= 0 or not well_formed:
            raise PaymentPageError("03")
        try:
            create_date = query.get("vnp_CreateDate", "")
            parse_vnp_datetime(create_date)
            expires_at = parse_vnp_datetime(query.get("vnp_ExpireDate", ""))
        except ValueError:
            raise PaymentPageError("03") from None
        return SandboxTransaction(
            txn_ref=txn_ref,
            amount_x100=amount_vnd * 100,
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
        now = self.config.clock()
        if now > transaction.expires_at:
            outcome = Outcome.TIMEOUT
        spec = _OUTCOMES[outcome]
        settled = self._settle(transaction, spec, now)
        self._transactions[txn_ref] = settled
        callback = signed_callback(
            tmn_code=self.config.tmn_code,
            secret=self.config.hash_secret,
            txn_ref=settled.txn_ref,
            amount_vnd=settled.amount_vnd,
            response_code=settled.response_code,
            transaction_status=settled.status,
            transaction_no=settled.transaction_no,
            pay_date=now,
            order_info=settled.order_info,
            bank_code=settled.bank_code,
            card_type=spec.card_type,
            bank_tran_no=f"VNP{settled.transaction_no}" if outcome is Outcome.SUCCESS else None,
        )
        query = signed_query(callback, self.config.hash_secret)
        delivery = await self._deliver_ipn(txn_ref, _with_query(self.config.ipn_url, query))
        return PayResult(_with_query(settled.return_url, query), MappingProxyType(callback), delivery)

    def _settle(
        self, transaction: SandboxTransaction, spec: _OutcomeSpec, now: datetime
    ) -> SandboxTransaction:
        number = str(next(self._transaction_numbers)) if spec.reached_bank else "0"
        return replace(
            transaction,
            status=spec.transaction_status,
            response_code=spec.response_code,
            transaction_no=number,
            bank_code=spec.bank_code,
            pay_date=format_vnp_datetime(now),
        )

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
        delivery = IpnDelivery(txn_ref, tuple(attempts))
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
        values = {name: body.get(name) for name in order}
        fields = {name: value for name, value in values.items() if isinstance(value, str) and value}
        if len(fields) != len(order):
            return "03"
        request_id = fields["vnp_RequestId"]
        if not REQUEST_ID_PATTERN.fullmatch(request_id) or fields["vnp_Version"] != VNP_VERSION:
            return "03"
        if fields["vnp_TmnCode"] != self.config.tmn_code:
            return "02"
        if not verify_pipe_checksum(body, order, self.config.hash_secret):
            return "97"
        if request_id in self._request_ids:
            return "94"
        return None

    def _refund(self, body: Mapping[str, str], transaction: SandboxTransaction) -> dict[str, str]:
        kind, refund_vnd = body["vnp_TransactionType"], parse_vnp_amount(body["vnp_Amount"])
        if kind not in ("02", "03") or refund_vnd is None:
            return self._api_answer("refund", "03", body)
        number = body["vnp_TransactionNo"]
        if number not in ("0", transaction.transaction_no):
            return self._api_answer("refund", "91", body)
        if not transaction.was_paid:
            return self._api_answer("refund", "95", body)
        remaining = transaction.amount_x100 - transaction.refunded_x100
        if remaining == 0:
            return self._api_answer("refund", "94", body)
        refund_x100 = refund_vnd * 100
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
        fields = {name: value for name, value in answer.items() if value}
        order = QUERYDR_RESPONSE_HASH_ORDER if command == "querydr" else REFUND_RESPONSE_HASH_ORDER
        return with_pipe_checksum(fields, order, self.config.hash_secret)

    # -- HTTP handlers ---------------------------------------------------------------------

    async def _handle_payment_page(self, request: web.Request) -> web.Response:
        try:
            transaction = self.open_payment(request.query)
        except PaymentPageError as refusal:
            raise web.HTTPFound(_error_url(refusal.code)) from None
        return _html(_payment_page(self.config.tmn_code, transaction))

    async def _handle_form(self, request: web.Request) -> web.Response:
        form = await request.post()
        txn_ref, choice = form.get("vnp_TxnRef"), form.get("outcome")
        if not isinstance(txn_ref, str) or not isinstance(choice, str):
            raise web.HTTPFound(_error_url("03"))
        try:
            outcome = Outcome(choice)
        except ValueError:
            raise web.HTTPFound(_error_url("03")) from None
        try:
            result = await self.complete_payment(txn_ref, outcome)
        except PaymentPageError as refusal:
            raise web.HTTPFound(_error_url(refusal.code)) from None
        raise web.HTTPFound(result.redirect_url)

    async def _handle_api(self, request: web.Request) -> web.Response:
        try:
            body: object = json.loads(await request.read())
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        return web.json_response(self.answer_api(body))


def signed_callback(
    *,
    tmn_code: str,
    secret: str,
    txn_ref: str,
    amount_vnd: int,
    response_code: str,
    transaction_status: str,
    transaction_no: str,
    pay_date: datetime,
    order_info: str,
    bank_code: str = "NCB",
    card_type: str = "ATM",
    bank_tran_no: str | None = None,
) -> dict[str, str]:
    """The decoded return/IPN fields VNPAY sends (§2), ``vnp_SecureHash`` included.

    ``vnp_Amount`` is ``amount_vnd`` x 100 and ``vnp_PayDate`` is ``pay_date`` in GMT+7;
    ``vnp_BankTranNo`` is sent only when given (VNPAY leaves it out of a cancel or failure).
    ``signed_query(fields, secret)`` turns the result into the callback URL's query.
    """
    fields = {
        "vnp_Amount": str(amount_vnd * 100),
        "vnp_BankCode": bank_code,
        "vnp_CardType": card_type,
        "vnp_OrderInfo": order_info,
        "vnp_PayDate": format_vnp_datetime(pay_date),
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": tmn_code,
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": transaction_status,
        "vnp_TxnRef": txn_ref,
    }
    if bank_tran_no is not None:
        fields["vnp_BankTranNo"] = bank_tran_no
    fields[HASH_FIELD] = sign_fields(fields, secret)
    return fields


async def _call_ipn(session: aiohttp.ClientSession, url: str) -> IpnAttempt:
    """One server-to-server GET of the IPN URL, never raising."""
    try:
        async with session.get(url, allow_redirects=False) as reply:
            payload = await reply.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        return IpnAttempt(None, f"{type(exc).__name__}: {exc}")
    try:
        answer = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return IpnAttempt(None, "the answer is not JSON")
    if not isinstance(answer, dict):
        return IpnAttempt(None, "the answer is not a JSON object")
    return IpnAttempt(MappingProxyType(answer))


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
