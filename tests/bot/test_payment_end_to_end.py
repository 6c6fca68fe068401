"""End to end, all real HTTP: an order, its VNPAY link, the sandbox stand-in paying it, VNPAY's
IPN to our server, the order paid, the subscription active, the invoice numbered, and the
return page telling the customer so."""

from __future__ import annotations

import datetime as dt

import aiohttp
from sqlalchemy import select

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue_loader import load_bundled
from billing_core.periods import Cycle
from billing_core.storage.checkout import open_payment, place_order
from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import transaction
from billing_core.storage.models import Invoice, Order, Subscription
from billing_core.vnpay.merchant import VnpayMerchant
from bot.vnpay_sandbox import PAYMENT_PATH, Outcome, SandboxConfig, VnpaySandbox
from tests.billing_core.storage.conftest import NOW
from tests.bot.conftest import SECRET, Server, Sessions
from tests.http_serving import serve


async def _order_and_link(sessions: Sessions, sandbox_base: str, server_base: str) -> tuple[int, str]:
    merchant = VnpayMerchant("CLEEKSY1", SECRET, sandbox_base + PAYMENT_PATH, server_base + "/vnpay/return")
    request = QuoteRequest(NOW.date(), (CartLine("workspace", "standard", Cycle.YEARLY, 5),))
    async with transaction(sessions) as s:
        customer = await get_or_create_customer(s, 1001, now=NOW)
        order = await place_order(
            s,
            catalogue=load_bundled("cleeksy"),
            customer=customer,
            request=request,
            client_token="confirm-1",
            now=NOW,
            timeout=dt.timedelta(minutes=15),
        )
        assert isinstance(order, Order)
        link = await open_payment(s, merchant, order, "vi", NOW)
        return order.id, link.url


def _sandbox(server: Server) -> VnpaySandbox:
    """VNPAY as registered for our terminal, two minutes into the payment."""
    return VnpaySandbox(
        SandboxConfig(
            "CLEEKSY1", SECRET, server.base + "/vnpay/ipn", clock=lambda: NOW + dt.timedelta(minutes=2)
        )
    )


async def test_an_order_paid_on_the_sandbox_is_activated_and_invoiced(
    server: Server, sessions: Sessions
) -> None:
    sandbox = _sandbox(server)
    async with serve(sandbox.app()) as sandbox_base:
        order_id, url = await _order_and_link(sessions, sandbox_base, server.base)
        async with aiohttp.ClientSession() as browser, browser.get(url) as page:
            assert page.status == 200 and "5.184.000" in await page.text()
        paid = await sandbox.pay(url, Outcome.SUCCESS)
    assert paid.ipn.answer == {"RspCode": "00", "Message": "Confirm Success"}
    async with sessions() as s:
        order = await s.get(Order, order_id)
        sub = await s.scalar(select(Subscription))
        invoice = await s.scalar(select(Invoice))
    assert order is not None and order.status == "paid"
    assert sub is not None and (sub.tier, sub.seats, sub.status) == ("standard", 5, "active")
    assert invoice is not None and (invoice.form, invoice.symbol, invoice.number) == ("1", "C26TAA", 1)
    assert [(o.order_id, o.paid) for o in server.told] == [(order_id, True)]
    status, text = await server.page(paid.redirect_url.removeprefix(server.base))
    assert status == 200 and "Gói của bạn đã được kích hoạt" in text


async def test_a_cancel_on_the_sandbox_fails_the_order_with_its_reason(
    server: Server, sessions: Sessions
) -> None:
    sandbox = _sandbox(server)
    async with serve(sandbox.app()) as sandbox_base:
        order_id, url = await _order_and_link(sessions, sandbox_base, server.base)
        cancelled = await sandbox.pay(url, Outcome.CANCEL)
    assert cancelled.ipn.answer == {"RspCode": "00", "Message": "Confirm Success"}
    assert [(o.order_id, o.failed_code) for o in server.told] == [(order_id, "24")]
    _, text = await server.page(cancelled.redirect_url.removeprefix(server.base))
    assert "Bạn đã hủy giao dịch." in text
