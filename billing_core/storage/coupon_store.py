"""Coupons and their redemptions (K2): reserved with an order, redeemed on payment, released
on failure or expiry. `coupons.taken` counts reserved + redeemed; a reservation is one
conditional UPDATE, so the last use of a limited coupon goes to exactly one order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.cart import QuoteRequest
from billing_core.coupons import Coupon, CouponEntry, CouponUsage, normalise_code
from billing_core.quote_json import parse_request
from billing_core.storage.database import add_unless_duplicate
from billing_core.storage.models import Coupon as CouponRow
from billing_core.storage.models import CouponRedemption

HOLDING = ("reserved", "redeemed")


class CouponExists(ValueError):
    """A coupon with that code already exists."""


def to_domain(row: CouponRow) -> Coupon:
    return Coupon(
        code=row.code,
        percent_off=row.percent_off,
        amount_off=row.amount_off,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        max_redemptions=row.max_redemptions,
        max_per_customer=row.max_per_customer,
        solutions=frozenset(row.solutions or ()),
        tiers=frozenset(row.tiers or ()),
        cycles=frozenset(row.cycles or ()),
        min_order=row.min_order,
        active=row.active,
    )


async def add_coupon(session: AsyncSession, coupon: Coupon, now: dt.datetime) -> None:
    row = CouponRow(
        code=normalise_code(coupon.code),
        percent_off=coupon.percent_off,
        amount_off=coupon.amount_off,
        valid_from=coupon.valid_from,
        valid_until=coupon.valid_until,
        max_redemptions=coupon.max_redemptions,
        max_per_customer=coupon.max_per_customer,
        solutions=sorted(coupon.solutions),
        tiers=sorted(coupon.tiers),
        cycles=sorted(coupon.cycles),
        min_order=coupon.min_order,
        active=coupon.active,
        taken=0,
        created_at=now,
    )
    if not await add_unless_duplicate(session, row):
        raise CouponExists(f"a coupon {row.code} already exists")


async def list_coupons(session: AsyncSession) -> list[CouponRow]:
    return list(await session.scalars(select(CouponRow).order_by(CouponRow.code)))


async def disable_coupon(session: AsyncSession, code: str) -> bool:
    result = await session.execute(
        update(CouponRow).where(CouponRow.code == normalise_code(code)).values(active=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def coupon_entry(session: AsyncSession, code: str, customer_id: int | None) -> CouponEntry:
    """What the engine needs to judge a typed code: the coupon, if any, and its usage."""
    code = normalise_code(code)
    row = await session.scalar(select(CouponRow).where(CouponRow.code == code))
    if row is None:
        return CouponEntry(code, None)
    mine = 0
    if customer_id is not None:
        mine = (
            await session.scalar(
                select(func.count())
                .select_from(CouponRedemption)
                .where(
                    CouponRedemption.coupon_id == row.id,
                    CouponRedemption.customer_id == customer_id,
                    CouponRedemption.status.in_(HOLDING),
                )
            )
            or 0
        )
    return CouponEntry(code, to_domain(row), CouponUsage(row.taken, mine))


def typed_code(data: Any) -> str | None:
    """The coupon code typed in a quote request document, if it is a code (not inline terms)."""
    code = data.get("coupon") if isinstance(data, dict) else None
    return code if isinstance(code, str) and code.strip() else None


async def parse_request_with_coupon(
    session: AsyncSession, data: Any, customer_id: int | None
) -> QuoteRequest:
    """`parse_request`, with a typed code judged against the coupons table (K2)."""
    code = typed_code(data)
    entry = await coupon_entry(session, code, customer_id) if code else None
    return parse_request(data, (lambda _code: entry) if entry else None)


async def reserve(
    session: AsyncSession, code: str, order_id: int, customer_id: int, now: dt.datetime
) -> bool:
    """Take one use of the coupon for this order; False when none is left."""
    row = await session.scalar(select(CouponRow).where(CouponRow.code == normalise_code(code)))
    if row is None:
        return False
    taken = await session.execute(
        update(CouponRow)
        .where(
            CouponRow.id == row.id,
            (CouponRow.max_redemptions.is_(None)) | (CouponRow.taken < CouponRow.max_redemptions),
        )
        .values(taken=CouponRow.taken + 1)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        return False
    session.add(
        CouponRedemption(
            coupon_id=row.id, order_id=order_id, customer_id=customer_id, status="reserved", updated_at=now
        )
    )
    await session.flush()
    return True
