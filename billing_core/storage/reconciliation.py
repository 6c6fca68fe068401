"""Orders whose IPN never came: ask VNPAY (querydr) and settle them as the IPN would
(vnpay-notes §3 "Reconcile").

An order still pending once its link has expired plus a margin (VNPAY's page may still be
finishing, and its IPN retries for a while) is checked attempt by attempt:
- an attempt VNPAY reports paid (00, status 00, type 01) for our amount is recorded exactly as
  the IPN records it: the order paid, the purchase activated, the invoice numbered;
- if any attempt is still in progress at VNPAY (status 01), or VNPAY could not be asked, the
  order stays pending and is asked about again on the next run, until GIVE_UP_AFTER past its
  expiry (well beyond VNPAY's own IPN retries): then it expires all the same, logged;
- otherwise (not found: 91, or failed) the order expires and its coupon use is released. Its
  attempts stay pending, so a success VNPAY confirms later still pays the order (REVIVABLE).
An order with no attempt (the customer never opened the link) simply expires.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.storage.payments import AttemptResult, IpnOutcome, record_result
from billing_core.storage.settlement import settle_unpaid
from billing_core.storage.tables import ORDERS, PAYMENTS
from billing_core.storage.units import run_unit
from billing_core.vnpay.api_client import TransactionResult, VnpayApiError

log = logging.getLogger(__name__)

RECONCILE_MARGIN = dt.timedelta(minutes=10)
GIVE_UP_AFTER = dt.timedelta(hours=2)

# querydr for one attempt: its vnp_TxnRef and vnp_CreateDate (the client's `querydr`).
Query = Callable[[str, dt.datetime], Awaitable[TransactionResult]]


@dataclass(frozen=True, slots=True)
class Reconciled:
    """What one run did to one order: paid, expired, pending (asked again on the next run), or
    already settled (an IPN got there first)."""

    order_id: int
    customer_id: int
    result: str
    detail: str = ""
    outcome: IpnOutcome | None = None  # for the chat, when the order was paid

    def to_json(self) -> dict[str, object]:
        return {"order_id": self.order_id, "result": self.result, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class _Attempt:
    txn_ref: str
    amount: int
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class _DueOrder:
    order_id: int
    customer_id: int
    expires_at: dt.datetime
    attempts: tuple[_Attempt, ...]


_DUE = (
    select(
        ORDERS.c.id,
        ORDERS.c.customer_id,
        ORDERS.c.expires_at,
        PAYMENTS.c.txn_ref,
        PAYMENTS.c.amount,
        PAYMENTS.c.created_at,
    )
    .outerjoin(PAYMENTS, (PAYMENTS.c.order_id == ORDERS.c.id) & (PAYMENTS.c.status == "pending"))
    .where(
        ORDERS.c.status == "pending",
        ORDERS.c.expires_at <= bindparam("before", type_=ORDERS.c.expires_at.type),
    )
    .order_by(ORDERS.c.id, PAYMENTS.c.id)
)


def _due_orders(connection: Connection, before: dt.datetime) -> list[_DueOrder]:
    orders: dict[int, _DueOrder] = {}
    for row in connection.execute(_DUE, {"before": before}):
        due = orders.setdefault(row.id, _DueOrder(row.id, row.customer_id, row.expires_at, ()))
        if row.txn_ref is not None:
            attempt = _Attempt(row.txn_ref, row.amount, row.created_at)
            orders[row.id] = _DueOrder(row.id, row.customer_id, row.expires_at, (*due.attempts, attempt))
    return list(orders.values())


def _expire(connection: Connection, order_id: int, now: dt.datetime) -> bool:
    return settle_unpaid(connection, order_id, "expired", now)


async def _reconcile_order(
    sessions: async_sessionmaker[AsyncSession],
    query: Query,
    due: _DueOrder,
    now: dt.datetime,
    base_solution: str,
) -> Reconciled:
    unsettled: list[str] = []
    for attempt in due.attempts:
        try:
            answer = await query(attempt.txn_ref, attempt.created_at)
        except VnpayApiError as exc:
            log.warning("querydr %s failed: %s", attempt.txn_ref, exc)
            unsettled.append(f"{attempt.txn_ref}: {exc}")
            continue
        if answer.is_paid and answer.amount_vnd == attempt.amount:
            paid = AttemptResult(attempt.txn_ref, True, "00", answer.transaction_no, {"querydr": answer.raw})
            outcome = await run_unit(
                sessions, partial(record_result, result=paid, now=now, base_solution=base_solution)
            )
            result = "paid" if outcome.paid else "already settled"
            return Reconciled(due.order_id, due.customer_id, result, attempt.txn_ref, outcome)
        if answer.is_paid:
            log.error(
                "querydr %s: paid %s ₫, the attempt was for %s ₫",
                attempt.txn_ref,
                answer.amount_vnd,
                attempt.amount,
            )
            unsettled.append(f"{attempt.txn_ref}: amount {answer.amount_vnd} != {attempt.amount}")
        elif answer.is_ok and answer.transaction_status == "01":
            unsettled.append(f"{attempt.txn_ref}: in progress at VNPAY")
        elif not answer.is_ok and answer.response_code != "91":
            unsettled.append(f"{attempt.txn_ref}: querydr {answer.response_code} {answer.message}")
    if unsettled and now < due.expires_at + GIVE_UP_AFTER:
        return Reconciled(due.order_id, due.customer_id, "pending", "; ".join(unsettled))
    if unsettled:
        log.warning(
            "order %s: still unsettled %s after its link expired, expired: %s",
            due.order_id,
            GIVE_UP_AFTER,
            "; ".join(unsettled),
        )
    expired = await run_unit(sessions, partial(_expire, order_id=due.order_id, now=now))
    return Reconciled(due.order_id, due.customer_id, "expired" if expired else "already settled")


async def reconcile(
    sessions: async_sessionmaker[AsyncSession],
    query: Query,
    now: dt.datetime,
    base_solution: str,
    margin: dt.timedelta = RECONCILE_MARGIN,
) -> list[Reconciled]:
    """Check every order still pending past its expiry plus `margin`; one result per order."""
    due = await run_unit(sessions, partial(_due_orders, before=now - margin))
    results = []
    for order in due:
        try:
            results.append(await _reconcile_order(sessions, query, order, now, base_solution))
        except Exception as exc:  # one order's trouble must not stop the others (nor their news)
            log.exception("reconcile: order %s failed", order.order_id)
            results.append(Reconciled(order.order_id, order.customer_id, "pending", f"error: {exc!r}"))
    return results
