"""`cleeksy-bot orders create|show`: a sales-assisted order, and an order's whole story."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.catalogue import Catalogue
from billing_core.clock import utc_now as clock  # tests replace bot.cli_orders.clock
from billing_core.explanations import explain
from billing_core.periods import local_today
from billing_core.quote import Blocked
from billing_core.storage.checkout import open_payment, place_order
from billing_core.storage.coupon_store import parse_request_with_coupon
from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import transaction
from billing_core.storage.models import Customer, Invoice, Order, OrderLine, Payment
from billing_core.storage.orders import OrderRefused
from bot.cli_db import migrated_sessions
from bot.cli_json import print_json, read_json_arg, whole_number
from bot.errors import UsageError
from bot.settings import Settings
from locales import translator


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _order_request(data: Any, today: dt.date) -> dict[str, Any]:
    """The quote request for a real order: today's date, holdings from the database."""
    if not isinstance(data, dict):
        raise UsageError("request: must be a JSON object")
    if "customer" in data:
        raise UsageError("customer: comes from the database for a real order; leave it out")
    if data.get("today") not in (None, today.isoformat()):
        raise UsageError(f"today: an order is for today ({today.isoformat()}); leave it out")
    if isinstance(data.get("coupon"), dict):
        raise UsageError("coupon: give the code of a coupon added with `coupons add`")
    return {**data, "today": today.isoformat()}


async def _create(args: argparse.Namespace, settings: Settings, catalogue: Catalogue) -> dict[str, Any]:
    merchant = settings.vnpay_merchant()
    now = clock()
    data = _order_request(read_json_arg(args.json), local_today(now))
    async with migrated_sessions(settings) as sessions, transaction(sessions) as session:
        customer = await get_or_create_customer(session, args.telegram_user_id, now=now)
        request = await parse_request_with_coupon(session, data, customer.id)
        try:
            placed = await place_order(
                session,
                catalogue=catalogue,
                customer=customer,
                request=request,
                client_token=args.client_token or f"cli-{uuid.uuid4().hex}",
                now=now,
                timeout=dt.timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES),
            )
        except OrderRefused as exc:
            raise UsageError(explain(translator(args.locale), catalogue, exc.refusal)) from None
        if isinstance(placed, Blocked):
            t = translator(args.locale)
            raise UsageError(" ".join(f"[{r.rule}] {explain(t, catalogue, r)}" for r in placed.refusals))
        link = (
            await open_payment(session, merchant, placed, customer.language, now)
            if placed.status == "pending"
            else None
        )
        return {
            "order_id": placed.id,
            "status": placed.status,
            "txn_ref": link.txn_ref if link else None,
            "amount": placed.amount,
            "payment_url": link.url if link else None,
            "expires_at": _iso(placed.expires_at) if link else None,
        }


async def order_story(session: AsyncSession, order_id: int) -> dict[str, Any] | None:
    order = await session.get(Order, order_id)
    if order is None:
        return None
    customer = await session.get(Customer, order.customer_id)
    lines = await session.scalars(
        select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.position)
    )
    payments = await session.scalars(select(Payment).where(Payment.order_id == order_id).order_by(Payment.id))
    invoice = await session.scalar(select(Invoice).where(Invoice.order_id == order_id))
    return {
        "order_id": order.id,
        "telegram_user_id": customer.telegram_user_id if customer else None,
        "status": order.status,
        "amount": order.amount,
        "before_tax": order.before_tax,
        "vat_amount": order.vat_amount,
        "coupon": order.coupon_code,
        "created_at": _iso(order.created_at),
        "expires_at": _iso(order.expires_at),
        "settled_at": _iso(order.settled_at),
        "activated_at": _iso(order.activated_at),
        "failure_code": order.failure_code,
        "lines": [
            {
                "kind": x.kind,
                "solution": x.solution,
                "addon": x.addon,
                "tier": x.tier,
                "seats": x.seats,
                "quantity": x.quantity,
                "cycle": x.cycle,
                "period": {"start": _iso(x.period_start), "end": _iso(x.period_end)},
                "amount": x.amount,
                "net": x.net,
                "vat_rate": x.vat_rate,
            }
            for x in lines
        ],
        "payments": [
            {
                "txn_ref": p.txn_ref,
                "status": p.status,
                "amount": p.amount,
                "response_code": p.response_code,
                "transaction_no": p.transaction_no,
                "created_at": _iso(p.created_at),
                "updated_at": _iso(p.updated_at),
                "raw_callback": p.raw_callback,
            }
            for p in payments
        ],
        "invoice": (
            {
                "form": invoice.form,
                "symbol": invoice.symbol,
                "number": invoice.number,
                "issued_at": _iso(invoice.issued_at),
            }
            if invoice
            else None
        ),
    }


async def _show(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    async with migrated_sessions(settings) as sessions, sessions() as session:
        story = await order_story(session, args.order_id)
    if story is None:
        raise UsageError(f"no order {args.order_id}")
    return story


def cmd_orders(args: argparse.Namespace, settings: Settings, catalogue: Catalogue) -> int:
    answer = asyncio.run(
        _create(args, settings, catalogue) if args.action == "create" else _show(args, settings)
    )
    print_json(answer)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    o: argparse.ArgumentParser = sub.add_parser("orders", help="sales-assisted orders")
    actions = o.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="save a quote as a pending order and print its VNPAY link")
    create.add_argument("--telegram-user-id", type=whole_number(1), required=True)
    create.add_argument("--json", required=True, metavar="REQUEST", help="a JSON string or @file.json")
    create.add_argument("--client-token", help="the same token again returns the same order")
    create.add_argument("--catalogue", help="a catalogue file, or a bundled one: cleeksy, docai")
    create.add_argument("--locale", choices=("vi", "en"), default="en", help="language of refusals")
    show = actions.add_parser("show", help="an order, its payments and its invoice, as JSON")
    show.add_argument("order_id", type=whole_number(1))
    show.add_argument("--catalogue", help=argparse.SUPPRESS)
    return o
