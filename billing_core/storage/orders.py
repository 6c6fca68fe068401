"""Orders: created once per client token, amount fixed at creation (V5), settled once.

Life: pending → paid | failed | expired | cancelled; nothing leaves a final state. Every
transition is one conditional UPDATE (`WHERE status = 'pending'`), so of any number of
concurrent callbacks exactly one wins, and only the winner activates the purchase, in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.quote import Quote
from billing_core.refusals import Fix, Refusal
from billing_core.storage.activation import activate
from billing_core.storage.coupon_store import reserve, settle_redemption
from billing_core.storage.database import add_unless_duplicate
from billing_core.storage.models import Order, OrderLine

FINAL = ("paid", "failed", "expired", "cancelled")


class OrderRefused(Exception):
    """The order cannot be created; `refusal` says why (e.g. the last coupon use went elsewhere)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal


async def order_by_token(session: AsyncSession, client_token: str) -> Order | None:
    return await session.scalar(select(Order).where(Order.client_token == client_token))


async def create_order(
    session: AsyncSession,
    *,
    customer_id: int,
    client_token: str,
    catalogue_id: str,
    quote: Quote,
    quote_json: dict[str, Any],
    now: dt.datetime,
    timeout: dt.timedelta,
    renewal_mode: str = "manual",
    billing: dict[str, Any] | None = None,
) -> Order:
    """The pending order for this confirmation; the same one again for a repeated token."""
    existing = await order_by_token(session, client_token)
    if existing is not None:
        return existing
    coupon = quote.request.coupon
    order = Order(
        customer_id=customer_id,
        client_token=client_token,
        status="pending",
        catalogue=catalogue_id,
        amount=quote.total,
        before_tax=quote.before_tax,
        vat_amount=quote.total - quote.before_tax,
        coupon_code=coupon.code if coupon and any(d.kind == "coupon" for d in quote.discounts) else None,
        renewal_mode=renewal_mode,
        quote=quote_json,
        billing=billing,
        created_at=now,
        expires_at=now + timeout,
    )
    if not await add_unless_duplicate(session, order):  # a concurrent tap with the same token won
        again = await order_by_token(session, client_token)
        assert again is not None
        return again
    for position, q in enumerate(quote.lines):
        p = q.planned
        session.add(
            OrderLine(
                order_id=order.id,
                position=position,
                kind=p.kind,
                solution=p.solution,
                addon=p.addon,
                tier=p.tier,
                seats=p.seats,
                quantity=p.quantity,
                cycle=p.cycle.value,
                period_start=q.charged.start,
                period_end=q.charged.end,
                full_period_start=p.period.start,
                amount=q.amount,
                net=q.net,
                vat_rate=p.vat.code,
                quotas=dict(p.quotas),
            )
        )
    if order.coupon_code and not await reserve(session, order.coupon_code, order.id, customer_id, now):
        raise OrderRefused(
            Refusal(
                "K2", "coupon", "K2.used_up", numbers={"code": order.coupon_code}, fix=Fix("remove_coupon")
            )
        )
    await session.flush()
    return order


async def _transition(
    session: AsyncSession,
    order_id: int,
    to: str,
    now: dt.datetime,
    failure_code: str | None = None,
    from_states: tuple[str, ...] = ("pending",),
) -> bool:
    if to not in FINAL:
        raise ValueError(f"an order cannot move to {to!r}")
    result = await session.execute(
        update(Order)
        .where(Order.id == order_id, Order.status.in_(from_states))
        .values(status=to, settled_at=now, failure_code=failure_code)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# A payment VNPAY confirms is honoured even when the order had already lapsed (its link
# expired on our side first, or a second link of the same order was paid): the customer's
# money was taken at the order's fixed price, so they get what they paid for.
REVIVABLE = ("pending", "expired", "failed", "cancelled")


async def settle_paid(
    session: AsyncSession,
    order_id: int,
    now: dt.datetime,
    base_solution: str,
    from_states: tuple[str, ...] = ("pending",),
) -> bool:
    """Mark paid, redeem the coupon and activate the purchase; False if already settled."""
    if not await _transition(session, order_id, "paid", now, from_states=from_states):
        return False
    await settle_redemption(session, order_id, paid=True, now=now)
    order = await session.get(Order, order_id, populate_existing=True)
    assert order is not None
    lines = list(
        await session.scalars(
            select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.position)
        )
    )
    await activate(session, order, lines, now, base_solution)
    order.activated_at = now
    await session.flush()
    return True


async def settle_unpaid(
    session: AsyncSession, order_id: int, to: str, now: dt.datetime, failure_code: str | None = None
) -> bool:
    """Fail, expire or cancel a pending order and release its coupon; False if already settled."""
    if to == "paid":
        raise ValueError("use settle_paid")
    if not await _transition(session, order_id, to, now, failure_code):
        return False
    await settle_redemption(session, order_id, paid=False, now=now)
    return True
