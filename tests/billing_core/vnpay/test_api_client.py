"""querydr/refund client against the local VNPAY sandbox (bot/vnpay_sandbox.py) over real HTTP."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from billing_core.vnpay import PaymentRequest, build_payment_url, verify_querydr_response
from billing_core.vnpay.api_client import (
    BadResponseChecksum,
    MalformedResponse,
    TransactionResult,
    VnpayApiClient,
    VnpayApiConfig,
    VnpayApiTimeout,
)
from billing_core.vnpay.signing import VN_TZ
from bot.vnpay_sandbox import API_PATH, PAYMENT_PATH, Outcome, SandboxConfig, VnpaySandbox
from tests.http_serving import serve

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
TMN_CODE = "CLEEKSY1"
CREATED = datetime(2025, 1, 1, 12, 0, tzinfo=VN_TZ)
NOW = CREATED + timedelta(minutes=5)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def app_with(method: str, path: str, handler: Handler) -> web.Application:
    app = web.Application()
    app.router.add_route(method, path, handler)
    return app


async def confirm_success(request: web.Request) -> web.Response:
    """The shop's IPN endpoint: every callback is confirmed."""
    return web.json_response({"RspCode": "00", "Message": "Confirm Success"})


@dataclass
class World:
    sandbox: VnpaySandbox
    sandbox_url: str
    http: aiohttp.ClientSession
    request_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def client(self, api_url: str | None = None, **config: Any) -> VnpayApiClient:
        settings = {"tmn_code": TMN_CODE, "secret": SECRET, "ip_addr": "127.0.0.1", **config}
        return VnpayApiClient(
            self.http,
            VnpayApiConfig(api_url=api_url or self.sandbox_url + API_PATH, **settings),
            clock=lambda: NOW,
            new_request_id=lambda: f"REQ{next(self.request_ids)}",
        )

    async def pay(self, outcome: Outcome, txn_ref: str = "ORD42A1") -> dict[str, str]:
        request = PaymentRequest(
            tmn_code=TMN_CODE,
            amount_vnd=1_200_000,
            txn_ref=txn_ref,
            order_info=f"Thanh toan don hang {txn_ref}",
            locale="vn",
            return_url="http://127.0.0.1:8080/vnpay/return",
            ip_addr="127.0.0.1",
            created_at=CREATED,
            expires_at=CREATED + timedelta(minutes=15),
        )
        url = build_payment_url(self.sandbox_url + PAYMENT_PATH, request, SECRET)
        return dict((await self.sandbox.pay(url, outcome)).callback)


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with serve(app_with("GET", "/vnpay/ipn", confirm_success)) as shop:
        sandbox = VnpaySandbox(SandboxConfig(TMN_CODE, SECRET, f"{shop}/vnpay/ipn", clock=lambda: NOW))
        async with serve(sandbox.app()) as sandbox_url, aiohttp.ClientSession() as http:
            yield World(sandbox, sandbox_url, http)


async def query(world: World, txn_ref: str = "ORD42A1", **config: Any) -> TransactionResult:
    return await world.client(**config).querydr(txn_ref=txn_ref, transaction_date=CREATED)


async def test_querydr_reports_a_paid_transaction(world: World) -> None:
    callback = await world.pay(Outcome.SUCCESS)
    result = await query(world)
    assert result.is_ok and result.is_paid
    assert result.command == "querydr" and result.txn_ref == "ORD42A1"
    assert (result.transaction_status, result.transaction_type) == ("00", "01")
    assert result.amount_vnd == 1_200_000
    assert result.transaction_no == callback["vnp_TransactionNo"]
    assert result.pay_date == NOW and result.bank_code == "NCB"


async def test_querydr_reports_a_cancelled_payment_as_failed(world: World) -> None:
    await world.pay(Outcome.CANCEL)
    result = await query(world)
    assert result.is_ok and not result.is_paid
    assert result.transaction_status == "02" and result.transaction_no == "0"


async def test_querydr_for_an_unknown_ref_gives_91_and_no_amount(world: World) -> None:
    result = await query(world, "NOSUCHREF")
    assert result.response_code == "91" and not result.is_ok and not result.is_paid
    assert result.amount_vnd is None and result.pay_date is None and result.transaction_status is None


async def test_the_request_carries_the_clock_and_a_fresh_request_id(world: World) -> None:
    seen: list[dict[str, Any]] = []

    async def recording(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append(body)
        return web.json_response(world.sandbox.answer_api(body))

    async with serve(app_with("POST", API_PATH, recording)) as fake:
        await query(world, "NOSUCHREF", api_url=fake + API_PATH)
        await query(world, "NOSUCHREF", api_url=fake + API_PATH)
    assert [body["vnp_RequestId"] for body in seen] == ["REQ1", "REQ2"]
    assert (
        seen[0]["vnp_CreateDate"] == "20250101120500" and seen[0]["vnp_TransactionDate"] == "20250101120000"
    )


async def test_a_repeated_request_id_gives_94(world: World) -> None:
    client = VnpayApiClient(
        world.http,
        VnpayApiConfig(world.sandbox_url + API_PATH, TMN_CODE, SECRET, "127.0.0.1"),
        clock=lambda: NOW,
        new_request_id=lambda: "SAMEID",
    )
    assert (await client.querydr(txn_ref="ORD42A1", transaction_date=CREATED)).response_code == "91"
    assert (await client.querydr(txn_ref="ORD42A1", transaction_date=CREATED)).response_code == "94"


async def test_a_full_refund_then_querydr_no_longer_says_paid(world: World) -> None:
    await world.pay(Outcome.SUCCESS)
    refund = await world.client().refund(
        txn_ref="ORD42A1", amount_vnd=1_200_000, transaction_date=CREATED, full=True
    )
    assert refund.is_ok and refund.command == "refund"
    assert refund.transaction_type == "02" and refund.amount_vnd == 1_200_000
    after = await query(world)
    assert after.is_ok and not after.is_paid and after.transaction_type == "02"


async def test_a_partial_refund(world: World) -> None:
    callback = await world.pay(Outcome.SUCCESS)
    refund = await world.client().refund(
        txn_ref="ORD42A1",
        amount_vnd=200_000,
        transaction_date=CREATED,
        full=False,
        transaction_no=callback["vnp_TransactionNo"],
    )
    assert refund.is_ok and refund.transaction_type == "03" and refund.amount_vnd == 200_000
    assert world.sandbox.transactions["ORD42A1"].refunded_x100 == 20_000_000


async def test_a_refund_of_a_failed_payment_gives_95(world: World) -> None:
    await world.pay(Outcome.INSUFFICIENT_FUNDS)
    refund = await world.client().refund(
        txn_ref="ORD42A1", amount_vnd=1_200_000, transaction_date=CREATED, full=True
    )
    assert refund.response_code == "95" and not refund.is_ok


async def test_a_tampered_answer_raises_bad_checksum(world: World) -> None:
    await world.pay(Outcome.SUCCESS)

    async def tampering(request: web.Request) -> web.Response:
        answer = world.sandbox.answer_api(await request.json())
        return web.json_response({**answer, "vnp_Amount": "1000"})

    async with serve(app_with("POST", API_PATH, tampering)) as fake:
        with pytest.raises(BadResponseChecksum, match="ORD42A1"):
            await query(world, api_url=fake + API_PATH)


async def test_a_client_with_the_wrong_secret_cannot_trust_the_97_it_gets(world: World) -> None:
    answers: list[dict[str, str]] = []

    async def recording(request: web.Request) -> web.Response:
        answers.append(world.sandbox.answer_api(await request.json()))
        return web.json_response(answers[-1])

    async with serve(app_with("POST", API_PATH, recording)) as fake:
        with pytest.raises(BadResponseChecksum):
            await query(world, api_url=fake + API_PATH, secret="ANOTHERSECRET0123456789ABCDEFGHI")
    (answer,) = answers
    assert answer["vnp_ResponseCode"] == "97" and verify_querydr_response(answer, SECRET)


async def test_a_signed_answer_about_another_transaction_is_refused(world: World) -> None:
    async def redirecting(request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response(world.sandbox.answer_api({**body, "vnp_TxnRef": "OTHERREF"}))

    async with serve(app_with("POST", API_PATH, redirecting)) as fake:
        with pytest.raises(MalformedResponse, match="OTHERREF"):
            await query(world, api_url=fake + API_PATH)


@pytest.mark.parametrize(
    ("status", "text", "reason"),
    [(500, "{}", "HTTP 500"), (200, "<html>", "not JSON"), (200, "[1, 2]", "not a JSON object")],
)
async def test_an_unusable_answer_raises_malformed_response(
    world: World, status: int, text: str, reason: str
) -> None:
    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=status, text=text)

    async with serve(app_with("POST", API_PATH, broken)) as fake:
        with pytest.raises(MalformedResponse, match=reason):
            await query(world, api_url=fake + API_PATH)


async def test_no_answer_in_time_raises_a_timeout(world: World) -> None:
    release = asyncio.Event()

    async def stuck(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({})

    async with serve(app_with("POST", API_PATH, stuck)) as fake:
        try:
            with pytest.raises(VnpayApiTimeout, match=r"within 0\.01s"):
                await query(world, api_url=fake + API_PATH, timeout_seconds=0.01)
        finally:
            release.set()
