"""Settling an order, in SQL Core on the caller's connection: paid (coupon redeemed, purchase
activated) or failed / expired / cancelled (coupon released).

Life: pending → paid | failed | expired | cancelled; nothing leaves a final state except a
payment VNPAY confirms late (REVIVABLE). Every transition is one conditional UPDATE
(`WHERE status IN …`), so of any number of concurrent callbacks exactly one wins, and only
the winner activates the purchase, in the same transaction. Async callers inside an ORM
session use `units.in_session`; the IPN and reconciliation run these as units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select, update

from billing_core.storage.activation import activate
from billing_core.storage.tables import COUPON_REDEMPTIONS, COUPONS, ORDER_LINES, ORDERS

FINAL = ("paid", "failed", "expired", "cancelled")

# A payment VNPAY confirms is honoured even when the order had already lapsed (its link
# expired on our side first, or a second link of the same order was paid): the customer's
# money was taken at the order's fixed price, so they get what they paid for.
REVIVABLE = ("pending", "expired", "failed", "cancelled")


@dataclass(frozen=True, slots=True)
class SettledOrder:
    id: int
    customer_id: int
    catalogue: str
    renewal_mode: str
    coupon_code: str | None


_TRANSITION = (
    update(ORDERS)
    .where(
        ORDERS.c.id == bindparam("order_id"), ORDERS.c.status.in_(bindparam("from_states", expanding=True))
    )
    .values(status=bindparam("to"), settled_at=bindparam("now"), failure_code=bindparam("failure_code"))
    .returning(ORDERS.c.customer_id, ORDERS.c.catalogue, ORDERS.c.renewal_mode, ORDERS.c.coupon_code)
)
_PAY = _TRANSITION.values(activated_at=bindparam("now"))


def _transition(
    connection: Connection,
    order_id: int,
    to: str,
    now: dt.datetime,
    failure_code: str | None = None,
    from_states: tuple[str, ...] = ("pending",),
) -> SettledOrder | None:
    if to not in FINAL:
        raise ValueError(f"an order cannot move to {to!r}")
    row = connection.execute(
        _PAY if to == "paid" else _TRANSITION,
        {
            "order_id": order_id,
            "from_states": from_states,
            "to": to,
            "now": now,
            "failure_code": failure_code,
        },
    ).first()
    return None if row is None else SettledOrder(order_id, *row)


_REDEMPTION = select(
    COUPON_REDEMPTIONS.c.id, COUPON_REDEMPTIONS.c.coupon_id, COUPON_REDEMPTIONS.c.status
).where(
    COUPON_REDEMPTIONS.c.order_id == bindparam("order_id"),
    COUPON_REDEMPTIONS.c.status.in_(bindparam("wanted", expanding=True)),
)
_MARK_REDEMPTION = (
    update(COUPON_REDEMPTIONS)
    .where(COUPON_REDEMPTIONS.c.id == bindparam("redemption_id"))
    .values(status=bindparam("to"), updated_at=bindparam("now"))
)
_COUNT_USE = (
    update(COUPONS)
    .where(COUPONS.c.id == bindparam("coupon_id"))
    .values(taken=COUPONS.c.taken + bindparam("change"))
)
_LINES = (
    select(ORDER_LINES)
    .where(ORDER_LINES.c.order_id == bindparam("order_id"))
    .order_by(ORDER_LINES.c.position)
)


def settle_redemption(connection: Connection, order_id: int, paid: bool, now: dt.datetime) -> None:
    """Redeem the order's reservation on payment, or release it (and its use) otherwise (K2).

    A payment confirmed after the order lapsed takes its released use back, even past the
    coupon's limit: the customer paid the discounted price VNPAY showed them.
    """
    wanted = ("reserved", "released") if paid else ("reserved",)
    found = connection.execute(_REDEMPTION, {"order_id": order_id, "wanted": wanted}).first()
    if found is None:
        return
    change = -1 if not paid else (1 if found.status == "released" else 0)
    connection.execute(
        _MARK_REDEMPTION,
        {"redemption_id": found.id, "to": "redeemed" if paid else "released", "now": now},
    )
    if change:
        connection.execute(_COUNT_USE, {"coupon_id": found.coupon_id, "change": change})


def settle_paid(
    connection: Connection,
    order_id: int,
    now: dt.datetime,
    base_solution: str,
    from_states: tuple[str, ...] = ("pending",),
) -> bool:
    """Mark paid, redeem the coupon and activate the purchase; False if already settled."""
    order = _transition(connection, order_id, "paid", now, from_states=from_states)
    if order is None:
        return False
    if order.coupon_code:
        settle_redemption(connection, order_id, paid=True, now=now)
    lines = connection.execute(_LINES, {"order_id": order_id}).all()
    activate(connection, order, lines, now, base_solution)
    return True


def settle_unpaid(
    connection: Connection, order_id: int, to: str, now: dt.datetime, failure_code: str | None = None
) -> bool:
    """Fail, expire or cancel a pending order and release its coupon; False if already settled."""
    if to == "paid":
        raise ValueError("use settle_paid")
    order = _transition(connection, order_id, to, now, failure_code)
    if order is None:
        return False
    if order.coupon_code:
        settle_redemption(connection, order_id, paid=False, now=now)
    return True
