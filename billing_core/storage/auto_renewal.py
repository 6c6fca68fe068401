"""Automatic renewal (V1, *Gia hạn tự động*) of a renewal group (renewal_queue.py): the renewal
order made before the period ends and its VNPAY link sent, in the caller's transaction.

- 7 days before E, a heads-up: it renews automatically, what the next period costs, the day
  the payment link comes (`renewal:<customer>:<E>:7`, the manual reminders' key, so one
  message that day whatever the mode).
- 3 days before (2 or 1 if the bot missed that day), the renewal order: the next period of
  every line ending on E, after the changes scheduled for E, with the workspace's add-on blocks
  (billing_core/renewal_quote.py). It is made once per period and cart: its client token is
  `renewal:<customer>:<E>:<digest of the cart>`. When the cart changed since (a change was
  scheduled or cancelled), the pending order of the old cart is cancelled and one is made for
  the new; a cart's order that failed (a declined card) or was cancelled is made again with
  `.2`, `.3`, … after the token. The billing details are the customer's saved ones (V2, V3);
  the order expires when day E begins in Vietnam; its VNPAY link goes out once per order
  (`<token>:link`), with the amount, the period and the deadline.
- 1 day before, the same link again if the order is still unpaid (`renewal:<customer>:<E>:1`).
- When the engine refuses the cart, the manual reminder goes instead, and it is logged.
Paying the order extends every line (activation.py: paid_until moves); at E the periods roll
on (boundaries.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.cart import QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.lifecycle import (
    AUTO_HEADS_UP_DAYS,
    AUTO_LINK_AGAIN_DAYS,
    RENEWAL_ORDER_DAYS,
    RENEWAL_REMINDER_DAYS,
    ends_with_renewal_due,
    renewal_order_due,
)
from billing_core.periods import VIETNAM_TZ, local_today
from billing_core.quote import Blocked, quote
from billing_core.renewal_quote import renewal_facts
from billing_core.storage.checkout import open_payment, place_order
from billing_core.storage.models import Customer, Order, OutboxMessage
from billing_core.storage.outbox_store import queue, queued_already
from billing_core.storage.renewal_queue import (
    AUTOMATIC,
    RenewalGroup,
    guarded,
    queue_reminder,
    renewal_groups,
)
from billing_core.storage.settlement import settle_unpaid
from billing_core.storage.units import in_session
from billing_core.vnpay.merchant import VnpayMerchant

log = logging.getLogger(__name__)

AUTO_RENEWAL_NOTICE = "auto_renewal_notice"
AUTO_RENEWAL_LINK = "auto_renewal_link"
LIVE = ("pending", "paid")


def cart_digest(request: QuoteRequest) -> str:
    """A short digest of what a renewal order buys: its lines and add-on blocks."""
    cart = {
        "lines": [[x.solution, x.tier, x.cycle.value, x.seats] for x in request.cart],
        "addons": sorted(request.addons.items()),
    }
    return hashlib.sha256(json.dumps(cart, sort_keys=True).encode()).hexdigest()[:12]


def renewal_token(customer_id: int, ends_on: dt.date, digest: str) -> str:
    return f"renewal:{customer_id}:{ends_on.isoformat()}:{digest}"


def deadline(ends_on: dt.date) -> dt.datetime:
    """When a renewal order for a period ending on `ends_on` expires: as that day begins in Vietnam."""
    return dt.datetime.combine(ends_on, dt.time(0), VIETNAM_TZ)


async def make_renewal_orders(
    session: AsyncSession, catalogue: Catalogue, merchant: VnpayMerchant, today: dt.date, now: dt.datetime
) -> int:
    """Everything automatic renewal does `today`; how many messages were queued."""
    ends = ends_with_renewal_due(today)  # the heads-up's day and the order's days
    groups = [g for g in await renewal_groups(session, catalogue, ends) if g.renewal_mode == AUTOMATIC]
    known = await queued_already(session, [g.key(today) for g in groups])
    queued = 0
    for group in groups:
        if group.key(today) in known:  # today's heads-up, link again or manual stand-in is out
            continue
        queued += await guarded(
            session, group, partial(_renew, session, catalogue, merchant, group, today, now)
        )
    return queued


async def _renew(
    session: AsyncSession,
    catalogue: Catalogue,
    merchant: VnpayMerchant,
    group: RenewalGroup,
    today: dt.date,
    now: dt.datetime,
) -> bool:
    """What automatic renewal does for one group today: the heads-up, or the order and its link."""
    request = group.request(catalogue, today)
    if request is None:  # everything ends as asked
        return False
    result = quote(catalogue, request)
    if isinstance(result, Blocked):
        return await _instead(session, catalogue, group, today, now, result)
    if group.days_left(today) == AUTO_HEADS_UP_DAYS:
        return await _heads_up(session, group, today, now, renewal_facts(request, result))
    if not renewal_order_due(group.ends_on, today):
        return False
    order = await _renewal_order(session, catalogue, group, request, today, now)
    if order is None:
        return False
    return await _link(session, merchant, group, order, today, now, renewal_facts(request, result))


async def _instead(
    session: AsyncSession,
    catalogue: Catalogue,
    group: RenewalGroup,
    today: dt.date,
    now: dt.datetime,
    blocked: Blocked,
) -> bool:
    """The manual reminder, when the engine will not make the renewal order."""
    log.warning(
        "automatic renewal of customer %s on %s refused by the engine (%s): manual reminder instead",
        group.customer_id,
        group.ends_on.isoformat(),
        ", ".join(r.code for r in blocked.refusals),
    )
    if group.days_left(today) not in RENEWAL_REMINDER_DAYS:
        return False
    return await queue_reminder(session, catalogue, group, today, now)


async def _heads_up(
    session: AsyncSession, group: RenewalGroup, today: dt.date, now: dt.datetime, facts: dict[str, Any]
) -> bool:
    link_on = group.ends_on - dt.timedelta(days=max(RENEWAL_ORDER_DAYS))
    payload = {
        "kind": AUTO_RENEWAL_NOTICE,
        "ends_on": group.ends_on.isoformat(),
        "link_on": link_on.isoformat(),
    }
    return await queue(
        session, group.key(today), group.customer_id, group.chat_id, now, payload=payload | facts
    )


async def _link(
    session: AsyncSession,
    merchant: VnpayMerchant,
    group: RenewalGroup,
    order: Order,
    today: dt.date,
    now: dt.datetime,
    facts: dict[str, Any],
) -> bool:
    """The order's VNPAY link, sent once, and again on day 1 while unpaid."""
    if order.status != "pending" or now >= order.expires_at:
        return False
    key = order.client_token + ":link"
    sent = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if sent is None:
        link = await open_payment(session, merchant, order, group.language, now)
        payload = {
            "kind": AUTO_RENEWAL_LINK,
            "ends_on": group.ends_on.isoformat(),
            "url": link.url,
            "amount": order.amount,
            "deadline": order.expires_at.astimezone(dt.UTC).isoformat(),
            "again": False,
            **facts,
        }
        return await queue(session, key, group.customer_id, group.chat_id, now, payload=payload)
    if group.days_left(today) != AUTO_LINK_AGAIN_DAYS or local_today(sent.created_at) >= today:
        return False
    again = {**(sent.payload or {}), "again": True}
    return await queue(session, group.key(today), group.customer_id, group.chat_id, now, payload=again)


async def _renewal_order(
    session: AsyncSession,
    catalogue: Catalogue,
    group: RenewalGroup,
    request: QuoteRequest,
    today: dt.date,
    now: dt.datetime,
) -> Order | None:
    """The live renewal order for this cart: found, or made (an old cart's pending one cancelled)."""
    token = renewal_token(group.customer_id, group.ends_on, cart_digest(request))
    prefix = renewal_token(group.customer_id, group.ends_on, "")
    orders = list(
        await session.scalars(
            select(Order)
            .where(Order.customer_id == group.customer_id, Order.client_token.like(prefix + "%"))
            .order_by(Order.id)
        )
    )
    mine = [o for o in orders if o.client_token == token or o.client_token.startswith(token + ".")]
    live = next((o for o in mine if o.status in LIVE), None)
    if live is not None:
        return live
    for stale in (o for o in orders if o.status == "pending"):
        await in_session(session, settle_unpaid, stale.id, "cancelled", now)
        log.info("renewal order %s cancelled: customer %s changed what renews", stale.id, group.customer_id)
    customer = await session.get(Customer, group.customer_id)
    assert customer is not None
    placed = await place_order(
        session,
        catalogue=catalogue,
        customer=customer,
        request=request,
        client_token=token if not mine else f"{token}.{len(mine) + 1}",
        now=now,
        timeout=deadline(group.ends_on) - now,
        renewal_mode=AUTOMATIC,
        billing=_billing(customer),
        renewing=group.ends_on,
    )
    if isinstance(placed, Blocked):
        await _instead(session, catalogue, group, today, now, placed)
        return None
    return placed


def _billing(customer: Customer) -> dict[str, object] | None:
    """The saved billing details (V2) and VAT invoice details (V3), as an order keeps them."""
    if not customer.billing_profile:
        return None
    return {**customer.billing_profile, "vat_invoice": customer.vat_invoice}
