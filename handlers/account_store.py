"""Reads "My plan" and "Invoices" (LoadAccount) and writes V1's renewal switch
(SetRenewalMode), for one customer."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.periods import VIETNAM_TZ
from billing_core.storage.customers import holding_of
from billing_core.storage.models import Invoice, Order, Subscription, Trial
from conversations import Account, InvoiceSummary, Subscribed, TrialHeld
from conversations.account import MAX_INVOICES


async def read_account(session: AsyncSession, customer_id: int) -> Account:
    rows = await session.scalars(select(Subscription).where(Subscription.customer_id == customer_id))
    subscriptions = tuple(
        Subscribed(
            holding_of(s),
            s.renewal_mode,
            tuple(sorted((str(k), int(v)) for k, v in (s.quotas or {}).items())),
            tuple(sorted((str(k), int(v)) for k, v in (s.addons or {}).items())),
        )
        for s in rows
    )
    trials = await session.scalars(select(Trial).where(Trial.customer_id == customer_id))
    invoices = await session.execute(
        select(
            Invoice.order_id, Invoice.symbol, Invoice.number, Invoice.issued_at, Order.amount, Invoice.form
        )
        .join(Order, Order.id == Invoice.order_id)
        .where(Order.customer_id == customer_id)
        .order_by(Invoice.issued_at.desc(), Invoice.id.desc())
        .limit(MAX_INVOICES)
    )
    return Account(
        subscriptions,
        tuple(TrialHeld(t.solution, t.ends_on) for t in trials),
        tuple(
            InvoiceSummary(order_id, symbol, number, issued_at.astimezone(VIETNAM_TZ).date(), amount, form)
            for order_id, symbol, number, issued_at, amount, form in invoices
        ),
    )


async def set_renewal_mode(session: AsyncSession, customer_id: int, solution: str, mode: str) -> None:
    await session.execute(
        update(Subscription)
        .where(Subscription.customer_id == customer_id, Subscription.solution == solution)
        .values(renewal_mode=mode)
    )
