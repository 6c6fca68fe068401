"""Reads "My plan" and "Invoices" (LoadAccount) and writes V1's renewal switch
(SetRenewalMode) and the changes scheduled from "My plan" (ScheduleChange), for one customer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.catalogue import Catalogue
from billing_core.periods import VIETNAM_TZ
from billing_core.scheduled_changes import ChangeRequest, PlannedChange, cancel_refused, plan_change
from billing_core.storage.change_store import cancel_change, pending_changes, schedule, scheduled_targets
from billing_core.storage.customers import holding_of, holdings_of
from billing_core.storage.models import Invoice, Order, Subscription, Trial
from conversations import (
    Account,
    ChangeCancelled,
    ChangeRefused,
    ChangeScheduled,
    InvoiceSummary,
    ScheduleChange,
    ScheduledItem,
    Subscribed,
    TrialHeld,
)
from conversations.account import MAX_INVOICES
from conversations.change_text import REASONS


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
    changes = await pending_changes(session, customer_id)
    return Account(
        subscriptions,
        tuple(TrialHeld(t.solution, t.ends_on) for t in trials),
        tuple(
            InvoiceSummary(order_id, symbol, number, issued_at.astimezone(VIETNAM_TZ).date(), amount, form)
            for order_id, symbol, number, issued_at, amount, form in invoices
        ),
        tuple(ScheduledItem(c.request_id, c.kind, c.solution, c.value, c.effective_on) for c in changes),
        tuple(await scheduled_targets(session, customer_id)),
    )


async def set_renewal_mode(session: AsyncSession, customer_id: int, solution: str, mode: str) -> None:
    await session.execute(
        update(Subscription)
        .where(Subscription.customer_id == customer_id, Subscription.solution == solution)
        .values(renewal_mode=mode)
    )


async def schedule_change(
    session: AsyncSession, catalogue: Catalogue, customer_id: int, effect: ScheduleChange, now: dt.datetime
) -> ChangeScheduled | ChangeRefused:
    """ScheduleChange judged on the subscriptions and changes stored now, and stored if allowed."""
    request = ChangeRequest.parse(effect.kind, effect.solution, effect.value)
    if request is None:
        return ChangeRefused()
    held = await holdings_of(session, customer_id)
    verdict = plan_change(catalogue, held, await scheduled_targets(session, customer_id), request)
    if not isinstance(verdict, PlannedChange):
        return ChangeRefused(verdict)
    reason = effect.reason if effect.reason in REASONS else None
    request_id = await schedule(
        session, customer_id, request, verdict, reason=reason, comment=effect.comment, now=now
    )
    return ChangeScheduled(request_id, verdict.effective_on, verdict.notices)


async def cancel_scheduled_change(
    session: AsyncSession, catalogue: Catalogue, customer_id: int, request_id: int, now: dt.datetime
) -> ChangeCancelled:
    """CancelChange, unless the next period is paid on its terms already or a later change
    needs it (billing_core.scheduled_changes.cancel_refused)."""
    pending = [
        (c.request_id, request, c.effective_on)
        for c in await pending_changes(session, customer_id)
        if (request := ChangeRequest.parse(c.kind, c.solution, c.value)) is not None
    ]
    refusal = cancel_refused(catalogue, await holdings_of(session, customer_id), pending, request_id)
    if refusal is not None:
        return ChangeCancelled(request_id, False, refusal)
    return ChangeCancelled(request_id, await cancel_change(session, customer_id, request_id, now))
