"""Apply a paid order to the customer's subscriptions, in the payment's transaction.

- new / cycle_switch: the subscription takes the line's tier, seats, cycle and period;
- upgrade: tier and seats change now, the period stays (P3);
- renewal / next_period: the paid-until date moves to the line's end (Y5 anchor kept);
- an expired workspace bought again within 7 days (D2) is simply a new period from today;
- add-on blocks join the base solution; quotas (C5) are credited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.periods import Period, anchor_of
from billing_core.storage.models import Order, OrderLine, Subscription


async def activate(
    session: AsyncSession, order: Order, lines: list[OrderLine], now: dt.datetime, base_solution: str
) -> None:
    subs = {
        s.solution: s
        for s in await session.scalars(
            select(Subscription).where(Subscription.customer_id == order.customer_id)
        )
    }
    for line in lines:
        if line.solution is None:
            continue
        sub = subs.get(line.solution)
        if sub is None:
            sub = Subscription(
                customer_id=order.customer_id,
                catalogue=order.catalogue,
                solution=line.solution,
                addons={},
                quotas={},
            )
            session.add(sub)
            subs[line.solution] = sub
        if line.kind in ("new", "cycle_switch") or sub.period_start is None:
            sub.period_start, sub.period_end = line.full_period_start, line.period_end
            sub.anchor_day = anchor_of(Period(line.full_period_start, line.period_end))
            sub.paid_until = line.period_end
        elif line.kind in ("renewal", "next_period"):
            sub.paid_until = max(sub.paid_until, line.period_end)
        if line.kind != "credit":
            sub.tier, sub.seats, sub.cycle = line.tier or sub.tier, line.seats, line.cycle
        sub.status, sub.renewal_mode, sub.updated_at = "active", order.renewal_mode, now
        if line.quotas:
            credited = dict(sub.quotas)
            for key, amount in line.quotas.items():
                credited[key] = int(credited.get(key, 0)) + int(amount)
            sub.quotas = credited
    base = subs.get(base_solution)
    seen: set[str] = set()
    for line in lines:
        if line.addon and base is not None and line.addon not in seen:  # P2 (b) bills 2 periods
            seen.add(line.addon)
            base.addons = {
                **base.addons,
                line.addon: int(base.addons.get(line.addon, 0)) + int(line.quantity or 0),
            }
    await session.flush()
