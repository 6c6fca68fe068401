"""From a cart to a payable order: the quote judged on what the database says the customer
holds, saved as a pending order (V5), and a VNPAY link for it.

Used by the chat's "confirm" button and by `cleeksy-bot orders create`. An order with
nothing to pay (a coupon or credit covering it all) is settled at once: VNPAY cannot take
0 ₫, and the customer should not be sent to a payment page for nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.cart import QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.holdings import Holding
from billing_core.lifecycle import due_targets
from billing_core.periods import VIETNAM_TZ, local_today
from billing_core.quote import Blocked, quote
from billing_core.quote_json import quote_to_json
from billing_core.scheduled_changes import after_boundary
from billing_core.storage.boundaries import settle_boundaries
from billing_core.storage.change_store import stored_changes
from billing_core.storage.customers import holdings_of, trial_activated_seats
from billing_core.storage.invoice_numbers import issue_invoice
from billing_core.storage.models import Customer, Order
from billing_core.storage.orders import create_order
from billing_core.storage.payments import start_attempt
from billing_core.storage.settlement import settle_paid
from billing_core.storage.units import in_session
from billing_core.vnpay.merchant import VnpayMerchant, payment_link
from locales import translator


@dataclass(frozen=True, slots=True)
class PaymentLink:
    txn_ref: str
    url: str
    expires_at: dt.datetime


async def customer_request(
    session: AsyncSession,
    customer: Customer,
    request: QuoteRequest,
    *,
    catalogue: Catalogue,
    now: dt.datetime,
    renewing: dt.date | None = None,
    tz: ZoneInfo = VIETNAM_TZ,
) -> QuoteRequest:
    """The request with what the database knows: subscriptions, and the trial's seats (S4).

    The customer's period boundaries due by the request's day are crossed first
    (billing_core/storage/boundaries.py), so no running subscription has an ended period. A
    renewal of what ends on `renewing` is judged on what the customer will hold then: after the
    changes scheduled for that day (P3, Y3)."""
    await settle_boundaries(session, catalogue, request.today, now, customer.id, tz=tz)
    holdings = await holdings_of(session, customer.id)
    if renewing is not None:
        holdings = await held_after(session, customer.id, holdings, renewing) or holdings
    return replace(
        request, holdings=holdings, trial_activated_seats=await trial_activated_seats(session, customer.id)
    )


async def held_after(
    session: AsyncSession, customer_id: int, holdings: tuple[Holding, ...], day: dt.date
) -> tuple[Holding, ...] | None:
    """What the customer will hold once the changes scheduled by `day` apply (P3, Y3); None
    when none are scheduled."""
    scheduled = [c.change for c in await stored_changes(session, customer_ids=[customer_id])]
    due = due_targets(scheduled, day)
    return tuple(after_boundary(holdings, due).values()) if due else None


async def place_order(
    session: AsyncSession,
    *,
    catalogue: Catalogue,
    customer: Customer,
    request: QuoteRequest,
    client_token: str,
    now: dt.datetime,
    timeout: dt.timedelta,
    renewal_mode: str = "manual",
    billing: dict[str, object] | None = None,
    renewing: dt.date | None = None,
    tz: ZoneInfo = VIETNAM_TZ,
) -> Order | Blocked:
    """The pending order for this cart, or why it cannot be bought (a renewal of what ends on
    `renewing`: see `customer_request`). Raises OrderRefused when the coupon's last use went
    to another order, RequestError for an unreadable request."""
    request = await customer_request(
        session,
        customer,
        replace(request, today=local_today(now)),
        catalogue=catalogue,
        now=now,
        renewing=renewing,
        tz=tz,
    )
    result = quote(catalogue, request)
    if isinstance(result, Blocked):
        return result
    order = await create_order(
        session,
        customer_id=customer.id,
        client_token=client_token,
        catalogue_id=catalogue.id,
        quote=result,
        quote_json=quote_to_json(result, catalogue, translator(customer.language)),
        now=now,
        timeout=timeout,
        renewal_mode=renewal_mode,
        billing=dict(billing) if billing else None,
    )
    if order.amount == 0 and order.status == "pending":
        await in_session(session, settle_paid, order.id, now, catalogue.base_solution)
        await in_session(session, issue_invoice, order.id, now, local_today(now))
        await session.refresh(order)
    return order


async def open_payment(
    session: AsyncSession, merchant: VnpayMerchant, order: Order, language: str, now: dt.datetime
) -> PaymentLink:
    """A new attempt and its signed link; it expires with the order (PAYMENT_TIMEOUT_MINUTES)."""
    payment = await start_attempt(session, order, now)
    url = payment_link(
        merchant,
        order_id=order.id,
        txn_ref=payment.txn_ref,
        amount=payment.amount,
        language=language,
        created_at=now,
        expires_at=order.expires_at,
    )
    return PaymentLink(payment.txn_ref, url, order.expires_at)
