"""GET /vnpay/ipn over real HTTP against a real database: every RspCode branch, tampering,
replays, late callbacks, and 20 identical callbacks at once (vnpay-notes §2)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from billing_core.coupons import Coupon
from billing_core.storage.checkout import open_payment
from billing_core.storage.coupon_store import add_coupon, coupon_entry
from billing_core.storage.database import transaction
from billing_core.storage.models import Invoice, Order, Payment, Subscription
from billing_core.storage.settlement import settle_unpaid
from billing_core.storage.units import in_session
from billing_core.vnpay.signing import HASH_FIELD, sign_fields
from tests.billing_core.storage.conftest import NOW
from tests.bot.conftest import (
    MERCHANT,
    SECRET,
    Server,
    Sessions,
    callback,
    order_status,
    pending_order,
    workspace_quote,
)


async def count(sessions: Sessions, model: Any) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _attempt_unrecorded(sessions: Sessions) -> None:
    """The only attempt is still pending, with no callback stored."""
    async with sessions() as s:
        payment = await s.scalar(select(Payment))
        assert payment is not None and (payment.status, payment.raw_callback) == ("pending", None)


async def test_00_a_success_pays_activates_and_numbers_the_invoice(
    server: Server, sessions: Sessions
) -> None:
    order_id, ref, amount = await pending_order(sessions)
    assert await server.ipn(callback(ref, amount)) == {"RspCode": "00", "Message": "Confirm Success"}
    assert await order_status(sessions, order_id) == "paid"
    async with sessions() as s:
        sub = await s.scalar(select(Subscription))
        invoice = await s.scalar(select(Invoice))
        payment = await s.scalar(select(Payment))
    assert sub is not None and (sub.solution, sub.status, sub.seats) == ("workspace", "active", 5)
    assert invoice is not None and (invoice.symbol, invoice.number) == ("C26TAA", 1)
    assert payment is not None and payment.raw_callback is not None
    assert payment.raw_callback["vnp_TxnRef"] == ref and payment.transaction_no == "14422574"
    assert [(o.order_id, o.paid) for o in server.told] == [(order_id, True)]


async def test_02_a_replayed_success_changes_nothing(server: Server, sessions: Sessions) -> None:
    _, ref, amount = await pending_order(sessions)
    assert (await server.ipn(callback(ref, amount)))["RspCode"] == "00"
    assert await server.ipn(callback(ref, amount)) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert await count(sessions, Invoice) == 1 and len(server.told) == 1


async def test_02_a_failure_after_a_success_changes_nothing(server: Server, sessions: Sessions) -> None:
    order_id, ref, amount = await pending_order(sessions)
    await server.ipn(callback(ref, amount))
    assert (await server.ipn(callback(ref, amount, code="24")))["RspCode"] == "02"
    assert await order_status(sessions, order_id) == "paid"


async def test_01_an_unknown_txn_ref(server: Server, sessions: Sessions) -> None:
    await pending_order(sessions)
    assert await server.ipn(callback("999A1RDEADBEEF", 5_184_000)) == {
        "RspCode": "01",
        "Message": "Order not found",
    }


async def test_04_a_signed_callback_with_another_amount_pays_nothing(
    server: Server, sessions: Sessions
) -> None:
    order_id, ref, amount = await pending_order(sessions)
    assert await server.ipn(callback(ref, amount - 1)) == {"RspCode": "04", "Message": "invalid amount"}
    assert await order_status(sessions, order_id) == "pending"


@pytest.mark.parametrize("forgery", ["amount", "field", "secret", "missing"])
async def test_97_a_forged_callback_pays_nothing(server: Server, sessions: Sessions, forgery: str) -> None:
    order_id, ref, amount = await pending_order(sessions)
    params = callback(
        ref,
        amount,
        code="24" if forgery == "field" else "00",
        secret="SOMEONEELSESSECRET0123456789ABCD" if forgery == "secret" else SECRET,
    )
    if forgery == "amount":
        params["vnp_Amount"] = str((amount - 1000) * 100)
    elif forgery == "field":  # a signed cancel rewritten into a success
        params["vnp_ResponseCode"], params["vnp_TransactionStatus"] = "00", "00"
    elif forgery == "missing":
        del params[HASH_FIELD]
    assert await server.ipn(params) == {"RspCode": "97", "Message": "Invalid signature"}
    assert await order_status(sessions, order_id) == "pending"
    await _attempt_unrecorded(sessions)


async def test_99_a_signed_but_malformed_callback_is_retried_not_recorded(
    server: Server, sessions: Sessions
) -> None:
    order_id, ref, amount = await pending_order(sessions)
    fields = {k: v for k, v in callback(ref, amount).items() if k not in (HASH_FIELD, "vnp_ResponseCode")}
    fields[HASH_FIELD] = sign_fields(fields, SECRET)
    assert await server.ipn(fields) == {"RspCode": "99", "Message": "Unknow error"}
    assert await order_status(sessions, order_id) == "pending" and server.told == []
    await _attempt_unrecorded(sessions)


async def test_a_failed_payment_fails_the_order_releases_the_coupon_and_says_why(
    server: Server, sessions: Sessions
) -> None:
    async with transaction(sessions) as s:
        await add_coupon(s, Coupon("LAST1", percent_off=10, max_redemptions=1), NOW)
        entry = await coupon_entry(s, "LAST1", None)
    order_id, ref, amount = await pending_order(sessions, workspace_quote(coupon=entry))
    assert await server.ipn(callback(ref, amount, code="51")) == {
        "RspCode": "00",
        "Message": "Confirm Success",
    }
    assert await order_status(sessions, order_id) == "failed"
    assert [(o.order_id, o.failed_code) for o in server.told] == [(order_id, "51")]
    async with sessions() as s:
        assert (await coupon_entry(s, "LAST1", None)).usage.total == 0  # K2: released on failure


async def test_a_success_for_an_order_that_lapsed_is_honoured(server: Server, sessions: Sessions) -> None:
    order_id, ref, amount = await pending_order(sessions)
    async with transaction(sessions) as s:
        assert await in_session(s, settle_unpaid, order_id, "expired", NOW)
    assert (await server.ipn(callback(ref, amount)))["RspCode"] == "00"
    assert await order_status(sessions, order_id) == "paid"
    assert await count(sessions, Subscription) == 1


async def test_twenty_identical_success_callbacks_pay_once(server: Server, sessions: Sessions) -> None:
    order_id, ref, amount = await pending_order(sessions)
    replies = await asyncio.gather(*(server.ipn(callback(ref, amount)) for _ in range(20)))
    codes = sorted(r["RspCode"] for r in replies)
    assert codes == ["00"] + ["02"] * 19
    assert await count(sessions, Invoice) == 1 and await count(sessions, Subscription) == 1
    async with sessions() as s:
        paid = await s.scalar(select(func.count()).select_from(Payment).where(Payment.status == "paid"))
    assert paid == 1 and [o.order_id for o in server.told] == [order_id]


async def test_a_second_paid_attempt_of_a_paid_order_is_recorded_for_refund(
    server: Server, sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    order_id, first, amount = await pending_order(sessions)
    async with transaction(sessions) as s:
        order = await s.get(Order, order_id)
        assert order is not None
        second = (await open_payment(s, MERCHANT, order, "vi", NOW)).txn_ref
    assert (await server.ipn(callback(first, amount)))["RspCode"] == "00"
    assert (await server.ipn(callback(second, amount)))["RspCode"] == "00"
    async with sessions() as s:
        statuses = {p.txn_ref: p.status for p in await s.scalars(select(Payment))}
    assert statuses == {first: "paid", second: "paid"}
    assert "paid twice" in caplog.text and await count(sessions, Invoice) == 1


async def test_a_failure_of_another_attempt_after_payment_tells_the_chat_nothing(
    server: Server, sessions: Sessions
) -> None:
    order_id, first, amount = await pending_order(sessions)
    async with transaction(sessions) as s:
        order = await s.get(Order, order_id)
        assert order is not None
        second = (await open_payment(s, MERCHANT, order, "vi", NOW)).txn_ref
    assert (await server.ipn(callback(second, amount)))["RspCode"] == "00"
    assert (await server.ipn(callback(first, amount, code="24")))["RspCode"] == "00"  # recorded
    assert await order_status(sessions, order_id) == "paid"
    assert [(o.order_id, o.paid, o.failed_code) for o in server.told] == [(order_id, True, None)]
