"""Orders: created once per client token, with the amount fixed at creation (V5).

How an order is settled (paid, failed, expired, cancelled) is in `settlement`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.quote import Quote
from billing_core.refusals import Fix, Refusal
from billing_core.storage.coupon_store import reserve
from billing_core.storage.database import add_unless_duplicate
from billing_core.storage.models import Order, OrderLine


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
