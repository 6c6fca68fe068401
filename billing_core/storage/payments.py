"""Payment attempts and VNPAY's IPN: the only path by which an order becomes paid.

One `Payment` row per attempt (one `vnp_TxnRef`, one link). The IPN: verify the signature
(constant time, before touching the database) → then, in one transaction on one plain
connection (`units.run_unit`, SQL Core: eight statements for a paying callback): find the
attempt by `vnp_TxnRef` → compare the amount → claim the attempt with one conditional UPDATE
(`WHERE status = 'pending'`) → pay the order (activation, coupon, invoice number) or fail it
(coupon released). Of any number of identical callbacks exactly one claims the attempt; the
rest answer 02. The raw callback is kept on the attempt for audit. Order of checks and
replies: VNPAY's IPN demo ([DOC]/[PHP], vnpay-notes §2), as in `callback.decide_ipn`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.periods import local_today
from billing_core.storage.invoice_numbers import issue_invoice
from billing_core.storage.models import Order, Payment
from billing_core.storage.settlement import REVIVABLE, settle_paid, settle_unpaid
from billing_core.storage.tables import ORDERS, PAYMENTS
from billing_core.storage.units import run_unit
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


_ATTEMPT = (
    select(
        PAYMENTS.c.id,
        PAYMENTS.c.amount,
        PAYMENTS.c.status,
        ORDERS.c.id.label("order_id"),
        ORDERS.c.status.label("order_status"),
        ORDERS.c.customer_id,
    )
    .join(ORDERS, ORDERS.c.id == PAYMENTS.c.order_id)
    .where(PAYMENTS.c.txn_ref == bindparam("txn_ref"))
)
_CLAIM = (
    update(PAYMENTS)
    .where(PAYMENTS.c.id == bindparam("payment_id"), PAYMENTS.c.status == "pending")
    .values(
        status=bindparam("to"),
        response_code=bindparam("code"),
        transaction_no=bindparam("txn_no"),
        raw_callback=bindparam("raw"),
        updated_at=bindparam("now"),
    )
)


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What VNPAY says happened to one attempt, by IPN or by querydr."""

    txn_ref: str
    paid: bool
    response_code: str | None
    transaction_no: str | None
    raw: Mapping[str, object]


def record_result(
    connection: Connection, result: AttemptResult, now: dt.datetime, base_solution: str
) -> IpnOutcome:
    """Record a pending attempt's result: pay the order (activation, coupon, invoice number) or
    fail it. 01 when the attempt is unknown, 02 when already recorded (a concurrent callback won)."""
    found = connection.execute(_ATTEMPT, {"txn_ref": result.txn_ref}).first()
    if found is None:
        return IpnOutcome(IpnReply.ORDER_NOT_FOUND)
    return _record(connection, found, result, now, base_solution)


# `found` is a row of _ATTEMPT: id, amount, status, order_id, order_status, customer_id.
def _record(
    connection: Connection, found: Any, result: AttemptResult, now: dt.datetime, base_solution: str
) -> IpnOutcome:
    told = partial(IpnOutcome, IpnReply.CONFIRM_SUCCESS, found.order_id, found.customer_id)
    claimed = connection.execute(
        _CLAIM,
        {
            "payment_id": found.id,
            "to": "paid" if result.paid else "failed",
            "code": result.response_code,
            "txn_no": result.transaction_no,
            "raw": dict(result.raw),
            "now": now,
        },
    )
    if not claimed.rowcount:  # a concurrent callback won
        return IpnOutcome(IpnReply.ORDER_ALREADY_CONFIRMED, found.order_id, found.customer_id)
    if not result.paid:
        if not settle_unpaid(connection, found.order_id, "failed", now, result.response_code):
            return told()  # the order was settled by another attempt (paid): nothing to tell
        return told(failed_code=result.response_code)
    if not settle_paid(connection, found.order_id, now, base_solution, from_states=REVIVABLE):
        # Another attempt of the same order was paid first: the money is taken twice.
        log.error("order %s paid twice (txn_ref %s): refund this attempt", found.order_id, result.txn_ref)
        return told()
    if found.order_status != "pending":
        log.warning(
            "order %s was %s when VNPAY confirmed %s: honoured",
            found.order_id,
            found.order_status,
            result.txn_ref,
        )
    issue_invoice(connection, found.order_id, now, local_today(now))
    return told(paid=True)


def apply_ipn(
    connection: Connection, result: VerifiedCallback, now: dt.datetime, base_solution: str
) -> IpnOutcome:
    """Apply one verified IPN in the caller's transaction and say what to answer."""
    callback = result.callback
    found = connection.execute(_ATTEMPT, {"txn_ref": callback.txn_ref}).first()
    # What VNPAY confirms is the attempt: it is "pending" until its own callback is recorded,
    # even when another attempt of the same order was paid (that money must be refunded).
    decision = decide_ipn(result, OrderView(found.amount, found.status == "pending") if found else None)
    if found is None or decision.action is IpnAction.NOTHING:
        return IpnOutcome(decision.reply, found.order_id if found else None)
    attempt = AttemptResult(
        callback.txn_ref,
        decision.action is IpnAction.MARK_PAID,
        callback.response_code,
        callback.transaction_no,
        callback.raw,
    )
    return _record(connection, found, attempt, now, base_solution)


async def receive_ipn(
    sessions: async_sessionmaker[AsyncSession],
    query: Mapping[str, str],
    secret: str,
    now: dt.datetime,
    base_solution: str,
) -> IpnOutcome:
    """Verify one IPN, apply it in its own transaction, and say what to answer VNPAY."""
    result = parse_callback(query, secret)
    if not isinstance(result, VerifiedCallback):
        return IpnOutcome(decide_ipn(result, None).reply)
    return await run_unit(sessions, partial(apply_ipn, result=result, now=now, base_solution=base_solution))
