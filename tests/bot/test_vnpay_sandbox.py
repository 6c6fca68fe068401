"""The local VNPAY sandbox behaves like VNPAY's (vnpay-notes.md §1–§3), over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import aiohttp
import pytest
from aiohttp import web
from multidict import MultiDict

from billing_core.vnpay import (
    PaymentRequest,
    VerifiedCallback,
    build_payment_url,
    build_querydr_request,
    build_refund_request,
    parse_callback,
    payment_fields,
    verify_querydr_response,
    verify_refund_response,
)
from billing_core.vnpay.querydr import RefundType
from billing_core.vnpay.signing import VN_TZ, encode_query, hmac_sha512_hex
from bot.vnpay_sandbox import (
    API_PATH,
    FORM_PATH,
    IPN_MAX_ATTEMPTS,
    PAYMENT_PATH,
    Outcome,
    PaymentPageError,
    SandboxConfig,
    VnpaySandbox,
    signed_callback,
)
from tests.http_serving import serve

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
TMN_CODE = "CLEEKSY1"
CREATED = datetime(2025, 1, 1, 12, 0, tzinfo=VN_TZ)
NOW = CREATED + timedelta(minutes=5)
CONFIRM_SUCCESS = {"RspCode": "00", "Message": "Confirm Success"}
RETURN_URL = "http://127.0.0.1:8080/vnpay/return"


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Merchant:
    """The shop's IPN endpoint: records every call and answers ``reply``."""

    reply: dict[str, str] = field(default_factory=lambda: dict(CONFIRM_SUCCESS))
    calls: list[MultiDict[str]] = field(default_factory=list)
    base_url: str = ""

    async def ipn(self, request: web.Request) -> web.Response:
        self.calls.append(MultiDict(request.query))
        return web.json_response(self.reply)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/vnpay/ipn", self.ipn)
        return app


@dataclass
class Running:
    sandbox: VnpaySandbox
    base_url: str
    clock: Clock
    http: aiohttp.ClientSession

    def payment_url(self, **changes: Any) -> str:
        return payment_url(self.base_url, **changes)

    async def api(self, body: Mapping[str, str]) -> dict[str, Any]:
        async with self.http.post(self.base_url + API_PATH, json=body) as reply:
            assert reply.status == 200
            answer: dict[str, Any] = await reply.json()
            return answer


def payment_url(base_url: str, txn_ref: str = "ORD42A1", amount_vnd: int = 1_200_000, **changes: Any) -> str:
    """A link built by the production code (build_payment_url) for this sandbox."""
    request = PaymentRequest(
        tmn_code=changes.pop("tmn_code", TMN_CODE),
        amount_vnd=amount_vnd,
        txn_ref=txn_ref,
        order_info=f"Thanh toan don hang {txn_ref}",
        locale="vn",
        return_url=RETURN_URL,
        ip_addr="127.0.0.1",
        created_at=changes.pop("created_at", CREATED),
        expires_at=changes.pop("expires_at", CREATED + timedelta(minutes=15)),
    )
    return build_payment_url(base_url + PAYMENT_PATH, request, changes.pop("secret", SECRET))


@pytest.fixture
async def merchant() -> AsyncIterator[Merchant]:
    shop = Merchant()
    async with serve(shop.app()) as base_url:
        shop.base_url = base_url
        yield shop


@pytest.fixture
async def vnpay(merchant: Merchant) -> AsyncIterator[Running]:
    clock = Clock()
    sandbox = VnpaySandbox(SandboxConfig(TMN_CODE, SECRET, f"{merchant.base_url}/vnpay/ipn", clock=clock))
    async with serve(sandbox.app()) as base_url, aiohttp.ClientSession() as http:
        yield Running(sandbox, base_url, clock, http)


def query_of(url: str) -> MultiDict[str]:
    return MultiDict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def verified(query: Mapping[str, str]) -> Any:
    result = parse_callback(query, SECRET)
    assert isinstance(result, VerifiedCallback), result
    return result.callback


def querydr(txn_ref: str = "ORD42A1", request_id: str = "Q1", **changes: Any) -> dict[str, str]:
    return build_querydr_request(
        secret=changes.pop("secret", SECRET),
        request_id=request_id,
        tmn_code=changes.pop("tmn_code", TMN_CODE),
        txn_ref=txn_ref,
        order_info=f"Truy van {txn_ref}",
        transaction_date=changes.pop("transaction_date", CREATED),
        create_date=NOW,
        ip_addr="127.0.0.1",
    )


def refund(amount_vnd: int, kind: RefundType = "02", request_id: str = "R1") -> dict[str, str]:
    return build_refund_request(
        secret=SECRET,
        request_id=request_id,
        tmn_code=TMN_CODE,
        transaction_type=kind,
        txn_ref="ORD42A1",
        amount_vnd=amount_vnd,
        transaction_date=CREATED,
        create_by="admin",
        create_date=NOW,
        ip_addr="127.0.0.1",
        order_info="Hoan tien ORD42A1",
    )


async def get_page(vnpay: Running, url: str) -> tuple[str, str]:
    """The final URL and text of a page, after VNPAY's redirects."""
    async with vnpay.http.get(url) as reply:
        assert reply.status == 200
        return str(reply.url), await reply.text()


# -- the payment page ------------------------------------------------------------------------


async def test_a_correctly_signed_link_shows_the_amount_and_starts_a_pending_transaction(
    vnpay: Running,
) -> None:
    _, page = await get_page(vnpay, vnpay.payment_url())
    assert "1.200.000 ₫" in page
    assert "Thanh toan don hang ORD42A1" in page and TMN_CODE in page
    assert f'action="{FORM_PATH}"' in page
    for outcome in Outcome:
        assert f'value="{outcome.value}"' in page
    transaction = vnpay.sandbox.transactions["ORD42A1"]
    assert transaction.is_pending and transaction.amount_vnd == 1_200_000


async def test_opening_the_same_link_again_shows_the_same_pending_payment(vnpay: Running) -> None:
    url = vnpay.payment_url()
    await get_page(vnpay, url)
    _, page = await get_page(vnpay, url)
    assert "1.200.000 ₫" in page and len(vnpay.sandbox.transactions) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda url: url.replace("vnp_Amount=120000000", "vnp_Amount=100000"), id="amount"),
        pytest.param(lambda url: url.replace("vnp_TxnRef=ORD42A1", "vnp_TxnRef=ORD42A2"), id="txn-ref"),
        pytest.param(lambda url: url[:-1] + ("0" if url[-1] != "0" else "1"), id="hash"),
    ],
)
async def test_a_tampered_link_shows_sai_chu_ky_and_starts_nothing(vnpay: Running, tamper: Any) -> None:
    url = vnpay.payment_url()
    tampered = tamper(url)
    assert tampered != url
    final_url, page = await get_page(vnpay, tampered)
    assert urlsplit(final_url).path == "/paymentv2/Payment/Error.html" and "code=70" in final_url
    assert "Sai chữ ký" in page and "70" in page
    assert vnpay.sandbox.transactions == {}


async def test_a_link_signed_with_another_secret_shows_sai_chu_ky(vnpay: Running) -> None:
    _, page = await get_page(vnpay, vnpay.payment_url(secret="ANOTHERSECRET0123456789ABCDEFGHI"))
    assert "Sai chữ ký" in page and vnpay.sandbox.transactions == {}
    with pytest.raises(PaymentPageError) as refusal:
        await vnpay.sandbox.pay(vnpay.payment_url(secret="ANOTHERSECRET0123456789ABCDEFGHI"), "success")
    assert refusal.value.code == "70"


async def test_an_unknown_terminal_is_refused_with_code_71(vnpay: Running) -> None:
    final_url, page = await get_page(vnpay, vnpay.payment_url(tmn_code="UNKNOWN1"))
    assert "code=71" in final_url and "chưa được phê duyệt" in page
    assert vnpay.sandbox.transactions == {}


async def test_an_expired_link_is_refused_with_code_11(vnpay: Running) -> None:
    url = vnpay.payment_url(created_at=NOW - timedelta(minutes=30), expires_at=NOW - timedelta(minutes=15))
    final_url, page = await get_page(vnpay, url)
    assert "code=11" in final_url and "Đã hết hạn chờ thanh toán" in page
    assert vnpay.sandbox.transactions == {}


@pytest.mark.parametrize(
    ("name", "value"),
    [("vnp_Version", "2.0.1"), ("vnp_Command", "querydr"), ("vnp_Amount", "12345"), ("vnp_CurrCode", "USD")],
)
async def test_a_signed_link_with_a_bad_field_is_refused_with_code_03(
    vnpay: Running, name: str, value: str
) -> None:
    request = PaymentRequest(
        tmn_code=TMN_CODE,
        amount_vnd=1_200_000,
        txn_ref="ORD42A1",
        order_info="Thanh toan don hang ORD42A1",
        locale="vn",
        return_url=RETURN_URL,
        ip_addr="127.0.0.1",
        created_at=CREATED,
        expires_at=CREATED + timedelta(minutes=15),
    )
    fields = {**payment_fields(request), name: value}
    query = encode_query(fields)
    url = f"{vnpay.base_url}{PAYMENT_PATH}?{query}&vnp_SecureHash={hmac_sha512_hex(SECRET, query)}"
    final_url, page = await get_page(vnpay, url)
    assert "code=03" in final_url and "không đúng định dạng" in page
    assert vnpay.sandbox.transactions == {}


async def test_a_reused_txn_ref_is_refused_with_code_01(vnpay: Running) -> None:
    await vnpay.sandbox.pay(vnpay.payment_url(), Outcome.CANCEL)
    for url in (vnpay.payment_url(), vnpay.payment_url(amount_vnd=99_000)):
        final_url, page = await get_page(vnpay, url)
        assert "code=01" in final_url and "Giao dịch đã tồn tại" in page
    assert vnpay.sandbox.transactions["ORD42A1"].response_code == "24"


# -- the payer's outcome, the IPN and the return --------------------------------------------


async def test_success_through_the_form_calls_the_ipn_and_redirects_with_signed_params(
    vnpay: Running, merchant: Merchant
) -> None:
    await get_page(vnpay, vnpay.payment_url())
    form = {"vnp_TxnRef": "ORD42A1", "outcome": "success"}
    async with vnpay.http.post(vnpay.base_url + FORM_PATH, data=form, allow_redirects=False) as reply:
        assert reply.status == 302
        location = reply.headers["Location"]

    assert location.startswith(RETURN_URL + "?")
    returned = verified(query_of(location))
    assert returned.is_success and returned.amount_vnd == 1_200_000 and returned.txn_ref == "ORD42A1"
    assert returned.pay_date == NOW and returned.bank_code == "NCB"
    assert returned.raw["vnp_BankTranNo"] == f"VNP{returned.transaction_no}"
    assert returned.raw["vnp_CardType"] == "ATM" and returned.transaction_no.isdigit()

    assert len(merchant.calls) == 1
    ipn = verified(merchant.calls[0])
    assert ipn.is_success and ipn.raw == returned.raw
    (delivery,) = vnpay.sandbox.ipn_deliveries
    assert delivery.answer == CONFIRM_SUCCESS and len(delivery.attempts) == 1

    answer = await vnpay.api(querydr())
    assert verify_querydr_response(answer, SECRET)
    assert answer["vnp_ResponseCode"] == "00" and answer["vnp_TransactionStatus"] == "00"
    assert answer["vnp_TransactionType"] == "01" and answer["vnp_Amount"] == "120000000"
    assert answer["vnp_TransactionNo"] == returned.transaction_no
    assert answer["vnp_PayDate"] == "20250101120500"


async def test_pay_returns_the_redirect_and_the_ipn_answer(vnpay: Running, merchant: Merchant) -> None:
    result = await vnpay.sandbox.pay(vnpay.payment_url(), "success")
    assert result.ipn.answer == CONFIRM_SUCCESS
    assert verified(query_of(result.redirect_url)).raw == dict(result.callback)
    assert verified(merchant.calls[0]).is_success


@pytest.mark.parametrize(
    ("outcome", "response_code", "bank_code"),
    [
        (Outcome.CANCEL, "24", "VNPAY"),
        (Outcome.INSUFFICIENT_FUNDS, "51", "NCB"),
        (Outcome.TIMEOUT, "11", "NCB"),
    ],
)
async def test_a_failed_payment_is_reported_with_its_code_and_status_02(
    vnpay: Running, merchant: Merchant, outcome: Outcome, response_code: str, bank_code: str
) -> None:
    result = await vnpay.sandbox.pay(vnpay.payment_url(), outcome)
    ipn = verified(merchant.calls[0])
    assert not ipn.is_success
    assert (ipn.response_code, ipn.transaction_status, ipn.bank_code) == (response_code, "02", bank_code)
    assert "vnp_BankTranNo" not in ipn.raw
    assert (ipn.transaction_no == "0") is (outcome is Outcome.CANCEL)
    assert verified(query_of(result.redirect_url)).raw == ipn.raw

    answer = await vnpay.api(querydr())
    assert verify_querydr_response(answer, SECRET)
    assert answer["vnp_ResponseCode"] == "00" and answer["vnp_TransactionStatus"] == "02"


async def test_paying_after_the_expiry_is_a_timeout(vnpay: Running, merchant: Merchant) -> None:
    await get_page(vnpay, vnpay.payment_url())
    vnpay.clock.now = CREATED + timedelta(minutes=16)
    result = await vnpay.sandbox.complete_payment("ORD42A1", Outcome.SUCCESS)
    assert verified(result.callback).response_code == "11"


async def test_the_form_refuses_an_unknown_outcome_with_03(vnpay: Running, merchant: Merchant) -> None:
    await get_page(vnpay, vnpay.payment_url())
    form = {"vnp_TxnRef": "ORD42A1", "outcome": "refund"}
    async with vnpay.http.post(vnpay.base_url + FORM_PATH, data=form) as reply:
        assert "code=03" in str(reply.url) and "không đúng định dạng" in await reply.text()
    assert merchant.calls == [] and vnpay.sandbox.transactions["ORD42A1"].is_pending


async def test_signed_callback_builds_exactly_what_the_sandbox_sends(
    vnpay: Running, merchant: Merchant
) -> None:
    result = await vnpay.sandbox.pay(vnpay.payment_url(), Outcome.SUCCESS)
    paid = verified(result.callback)
    rebuilt = signed_callback(
        tmn_code=TMN_CODE,
        secret=SECRET,
        txn_ref="ORD42A1",
        amount_vnd=1_200_000,
        response_code="00",
        transaction_status="00",
        transaction_no=paid.transaction_no,
        pay_date=NOW,
        order_info="Thanh toan don hang ORD42A1",
        bank_tran_no=f"VNP{paid.transaction_no}",
    )
    assert rebuilt == dict(result.callback) and verified(rebuilt).is_success


async def test_the_form_cannot_settle_a_transaction_twice(vnpay: Running, merchant: Merchant) -> None:
    await vnpay.sandbox.pay(vnpay.payment_url(), Outcome.SUCCESS)
    form = {"vnp_TxnRef": "ORD42A1", "outcome": "cancel"}
    async with vnpay.http.post(vnpay.base_url + FORM_PATH, data=form) as reply:
        assert "code=01" in str(reply.url) and "Giao dịch đã tồn tại" in await reply.text()
    assert len(merchant.calls) == 1 and vnpay.sandbox.transactions["ORD42A1"].response_code == "00"


@pytest.mark.parametrize(
    ("reply", "attempts"),
    [
        ({"RspCode": "02", "Message": "Order already confirmed"}, 1),
        ({"RspCode": "97", "Message": "Invalid signature"}, IPN_MAX_ATTEMPTS),
        ({"RspCode": "99", "Message": "Unknow error"}, IPN_MAX_ATTEMPTS),
    ],
)
async def test_the_ipn_is_retried_until_00_or_02(
    vnpay: Running, merchant: Merchant, reply: dict[str, str], attempts: int
) -> None:
    merchant.reply = reply
    result = await vnpay.sandbox.pay(vnpay.payment_url(), Outcome.SUCCESS)
    assert len(merchant.calls) == attempts == len(result.ipn.attempts)
    assert result.ipn.answer == reply


async def test_an_unreachable_ipn_is_recorded_not_raised() -> None:
    sandbox = VnpaySandbox(SandboxConfig(TMN_CODE, SECRET, "http://127.0.0.1:9/vnpay/ipn", clock=Clock()))
    result = await sandbox.pay(payment_url("http://127.0.0.1:1"), Outcome.SUCCESS)
    assert result.ipn.answer is None and len(result.ipn.attempts) == IPN_MAX_ATTEMPTS
    assert all(attempt.error for attempt in result.ipn.attempts)


# -- querydr and refund ---------------------------------------------------------------------


async def test_querydr_of_an_opened_but_unpaid_link_says_not_completed(vnpay: Running) -> None:
    await get_page(vnpay, vnpay.payment_url())
    answer = await vnpay.api(querydr())
    assert verify_querydr_response(answer, SECRET)
    assert answer["vnp_ResponseCode"] == "00" and answer["vnp_TransactionStatus"] == "01"


async def test_querydr_for_an_unknown_ref_answers_91(vnpay: Running) -> None:
    answer = await vnpay.api(querydr("NOSUCHREF"))
    assert verify_querydr_response(answer, SECRET)
    assert answer["vnp_ResponseCode"] == "91" and answer["vnp_TxnRef"] == "NOSUCHREF"
    assert "vnp_Amount" not in answer


async def test_querydr_with_another_transaction_date_answers_91(vnpay: Running, merchant: Merchant) -> None:
    await vnpay.sandbox.pay(vnpay.payment_url(), Outcome.SUCCESS)
    answer = await vnpay.api(querydr(transaction_date=NOW))
    assert answer["vnp_ResponseCode"] == "91"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(querydr(secret="ANOTHERSECRET0123456789ABCDEFGHI"), "97", id="wrong-secret"),
        pytest.param({**querydr(), "vnp_TxnRef": "ORD42A2"}, "97", id="tampered"),
        pytest.param({**querydr(), "vnp_SecureHash": "00"}, "97", id="malformed-hash"),
        pytest.param(querydr(tmn_code="UNKNOWN1"), "02", id="unknown-terminal"),
        pytest.param({**querydr(), "vnp_Version": "2.0.0"}, "03", id="version"),
        pytest.param({k: v for k, v in querydr().items() if k != "vnp_IpAddr"}, "03", id="missing-field"),
        pytest.param({**querydr(), "vnp_Command": "pay"}, "03", id="command"),
    ],
)
async def test_a_bad_api_request_is_refused_with_a_signed_answer(
    vnpay: Running, body: dict[str, str], code: str
) -> None:
    answer = await vnpay.api(body)
    assert answer["vnp_ResponseCode"] == code
    assert verify_querydr_response(answer, SECRET)
    assert "vnp_Amount" not in answer


async def test_a_body_that_is_not_json_is_refused_with_03(vnpay: Running) -> None:
    async with vnpay.http.post(vnpay.base_url + API_PATH, data=b"not json") as reply:
        answer = await reply.json()
    assert answer["vnp_ResponseCode"] == "03" and verify_querydr_response(answer, SECRET)


async def test_a_repeated_request_id_answers_94(vnpay: Running) -> None:
    assert (await vnpay.api(querydr("NOSUCHREF", "SAMEID")))["vnp_ResponseCode"] == "91"
    assert (await vnpay.api(querydr("NOSUCHREF", "SAMEID")))["vnp_ResponseCode"] == "94"


async def test_a_full_refund_of_a_paid_transaction(vnpay: Running, merchant: Merchant) -> None:
    paid = verified((await vnpay.sandbox.pay(vnpay.payment_url(), Outcome.SUCCESS)).callback)
    answer = await vnpay.api(refund(1_200_000))
    assert verify_refund_response(answer, SECRET)
    assert answer["vnp_ResponseCode"] == "00" and answer["vnp_TransactionType"] == "02"
    assert answer["vnp_Amount"] == "120000000" and answer["vnp_TransactionNo"] == paid.transaction_no

    after = await vnpay.api(querydr(request_id="Q2"))
    assert verify_querydr_response(after, SECRET)
    assert (after["vnp_TransactionType"], after["vnp_TransactionStatus"]) == ("02", "05")
    assert vnpay.sandbox.transactions["ORD42A1"].refunded_x100 == 120_000_000

    again = await vnpay.api(refund(1_200_000, request_id="R2"))
    assert again["vnp_ResponseCode"] == "94" and verify_refund_response(again, SECRET)


async def test_partial_refunds_up_to_the_paid_amount(vnpay: Running, merchant: Merchant) -> None:
    await vnpay.sandbox.pay(vnpay.payment_url(), Outcome.SUCCESS)
    first = await vnpay.api(refund(200_000, "03", "R1"))
    assert first["vnp_ResponseCode"] == "00" and first["vnp_Amount"] == "20000000"
    assert first["vnp_TransactionType"] == "03"
    too_much = await vnpay.api(refund(1_100_000, "03", "R2"))
    assert too_much["vnp_ResponseCode"] == "03"
    full_after_partial = await vnpay.api(refund(1_200_000, "02", "R3"))
    assert full_after_partial["vnp_ResponseCode"] == "03"
    rest = await vnpay.api(refund(1_000_000, "03", "R4"))
    assert rest["vnp_ResponseCode"] == "00" and verify_refund_response(rest, SECRET)
    assert vnpay.sandbox.transactions["ORD42A1"].refunded_x100 == 120_000_000


async def test_a_refund_of_a_failed_payment_answers_95(vnpay: Running, merchant: Merchant) -> None:
    await vnpay.sandbox.pay(vnpay.payment_url(), Outcome.INSUFFICIENT_FUNDS)
    answer = await vnpay.api(refund(1_200_000))
    assert answer["vnp_ResponseCode"] == "95" and verify_refund_response(answer, SECRET)


async def test_a_refund_with_a_bad_checksum_answers_97(vnpay: Running, merchant: Merchant) -> None:
    await vnpay.sandbox.pay(vnpay.payment_url(), Outcome.SUCCESS)
    answer = await vnpay.api({**refund(1_000), "vnp_Amount": "120000000"})
    assert answer["vnp_ResponseCode"] == "97" and verify_refund_response(answer, SECRET)
    assert vnpay.sandbox.transactions["ORD42A1"].refunded_x100 == 0
