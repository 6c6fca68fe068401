"""Payment attempts and VNPAY's IPN: the only path by which an order becomes paid.

One `Payment` row per attempt (one `vnp_TxnRef`, one link). The IPN, in one transaction:
verify the signature (constant time) → find the attempt by `vnp_TxnRef` → compare the
amount → claim the attempt with one conditional UPDATE (`WHERE status = 'pending'`) → then
pay the order (activation, coupon, invoice number) or fail it (coupon released). Of any
number of identical callbacks exactly one claims the attempt; the rest answer 02. The raw
callback is kept on the attempt for audit. Order of checks and replies: VNPAY's IPN demo
([DOC]/[PHP], vnpay-notes §2), as in `billing_core.vnpay.callback.decide_ipn`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.periods import local_today
from billing_core.storage.invoice_numbers import issue_invoice
from billing_core.storage.models import Order, Payment
from billing_core.storage.orders import REVIVABLE, settle_paid, settle_unpaid
from billing_core.vnpay.callback import (
    IpnAction,
    IpnReply,
    OrderView,
    VerifiedCallback,
    decide_ipn,
    parse_callback,
)
from billing_core.vnpay.merchant import new_txn_ref

log = logging.getLogger(__name__)


class NotPayable(Exception):
    """The order can no longer be paid (settled, or its time is up)."""


@dataclass(frozen=True, slots=True)
class IpnOutcome:
    """What one IPN did: the reply for VNPAY, and what the customer should be told."""

    reply: IpnReply
    order_id: int | None = None
    customer_id: int | None = None
    paid: bool = False  # this callback paid the order (activated, invoice numbered)
    failed_code: str | None = None  # this callback failed the attempt with this vnp_ResponseCode


async def start_attempt(session: AsyncSession, order: Order, now: dt.datetime) -> Payment:
    """A new payment attempt (a fresh `vnp_TxnRef`) for a pending order."""
    if order.status != "pending" or now >= order.expires_at:
        raise NotPayable(
            f"order {order.id} is {order.status if order.status != 'pending' else 'past its time'}"
        )
    if order.amount <= 0:
        raise NotPayable(f"order {order.id} has nothing to pay")
    attempts = await session.scalar(select(func.count()).where(Payment.order_id == order.id))
    payment = Payment(
        order_id=order.id,
        gateway="vnpay",
        txn_ref=new_txn_ref(order.id, int(attempts or 0) + 1),
        amount=order.amount,
        status="pending",
        created_at=now,
        updated_at=now,
    )
    session.add(payment)
    await session.flush()
    return payment


async def handle_ipn(
    session: AsyncSession, query: Mapping[str, str], secret: str, now: dt.datetime, base_solution: str
) -> IpnOutcome:
    """Apply one IPN inside the caller's transaction and say what to answer."""
    result = parse_callback(query, secret)
    payment = order = None
    if isinstance(result, VerifiedCallback):
        payment = await session.scalar(select(Payment).where(Payment.txn_ref == result.callback.txn_ref))
        order = await session.get(Order, payment.order_id) if payment else None
    # What VNPAY confirms is the attempt: it is "pending" until its own callback is recorded,
    # even when another attempt of the same order was paid (that money must be refunded).
    view = OrderView(payment.amount, payment.status == "pending") if payment and order else None
    decision = decide_ipn(result, view)
    if decision.action is IpnAction.NOTHING or not isinstance(result, VerifiedCallback):
        return IpnOutcome(decision.reply, order.id if order else None)
    assert payment is not None and order is not None
    callback = result.callback
    paid = decision.action is IpnAction.MARK_PAID
    claimed = await session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == "pending")
        .values(
            status="paid" if paid else "failed",
            response_code=callback.response_code,
            transaction_no=callback.transaction_no,
            raw_callback=callback.raw,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]  # a concurrent callback won
        return IpnOutcome(IpnReply.ORDER_ALREADY_CONFIRMED, order.id, order.customer_id)
    if not paid:
        await settle_unpaid(session, order.id, "failed", now, callback.response_code)
        return IpnOutcome(
            IpnReply.CONFIRM_SUCCESS, order.id, order.customer_id, failed_code=callback.response_code
        )
    was = order.status
    if not await settle_paid(session, order.id, now, base_solution, from_states=REVIVABLE):
        # Another attempt of the same order was paid first: the money is taken twice.
        log.error("order %s paid twice (txn_ref %s): refund this attempt", order.id, callback.txn_ref)
        return IpnOutcome(IpnReply.CONFIRM_SUCCESS, order.id, order.customer_id)
    if was != "pending":
        log.warning("order %s was %s when VNPAY confirmed %s: honoured", order.id, was, callback.txn_ref)
    await issue_invoice(session, order.id, now, local_today(now))
    return IpnOutcome(IpnReply.CONFIRM_SUCCESS, order.id, order.customer_id, paid=True)
