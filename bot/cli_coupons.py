"""`cleeksy-bot migrate` and `cleeksy-bot coupons add|list|disable`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys

from billing_core.coupons import Coupon
from billing_core.storage.coupon_store import CouponExists, add_coupon, disable_coupon, list_coupons
from billing_core.storage.database import transaction
from billing_core.storage.migrate import upgrade_blocking
from bot.cli_db import migrated_sessions
from bot.errors import UsageError
from bot.settings import Settings


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    upgrade_blocking(settings.DATABASE_URL)
    print("database is up to date")
    return 0


def _date(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag}: not a date (YYYY-MM-DD): {text!r}") from None


def _set(text: str | None) -> frozenset[str]:
    return frozenset(x.strip() for x in (text or "").split(",") if x.strip())


def coupon_from_args(args: argparse.Namespace) -> Coupon:
    try:
        return Coupon(
            code=args.code,
            percent_off=args.percent,
            amount_off=args.amount,
            valid_from=_date(args.valid_from, "--from"),
            valid_until=_date(args.valid_until, "--until"),
            max_redemptions=args.max_uses,
            max_per_customer=args.max_per_customer,
            solutions=_set(args.solutions),
            tiers=_set(args.tiers),
            cycles=_set(args.cycles),
            min_order=args.min_order or 0,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


async def _coupons(args: argparse.Namespace, settings: Settings) -> int:
    async with migrated_sessions(settings) as sessions, transaction(sessions) as session:
        now = dt.datetime.now(dt.UTC)
        if args.action == "add":
            try:
                await add_coupon(session, coupon_from_args(args), now)
            except CouponExists as exc:
                raise UsageError(str(exc)) from None
            print(f"added {args.code.upper()}")
        elif args.action == "disable":
            if not await disable_coupon(session, args.code):
                raise UsageError(f"no coupon {args.code.upper()}")
            print(f"disabled {args.code.upper()}")
        else:
            for c in await list_coupons(session):
                off = f"{c.percent_off}%" if c.percent_off else f"{c.amount_off} VND"
                limit = "∞" if c.max_redemptions is None else c.max_redemptions
                state = "active" if c.active else "disabled"
                sys.stdout.write(
                    f"{c.code}\t{off}\tused {c.taken}/{limit}\t"
                    f"{c.valid_from or ''}..{c.valid_until or ''}\t{state}\n"
                )
    return 0


def cmd_coupons(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_coupons(args, settings))


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    m = sub.add_parser("migrate", help="apply database migrations and exit")
    m.set_defaults(handler=cmd_migrate)
    c = sub.add_parser("coupons", help="coupon administration")
    actions = c.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a coupon")
    add.add_argument("code")
    off = add.add_mutually_exclusive_group(required=True)
    off.add_argument("--percent", type=int, help="percent off (1-100)")
    off.add_argument("--amount", type=int, help="VND off")
    add.add_argument("--from", dest="valid_from", metavar="YYYY-MM-DD")
    add.add_argument("--until", dest="valid_until", metavar="YYYY-MM-DD", help="last valid day")
    add.add_argument("--max-uses", type=int)
    add.add_argument("--max-per-customer", type=int)
    add.add_argument("--solutions", help="comma-separated solution ids")
    add.add_argument("--tiers", help="comma-separated tier ids")
    add.add_argument("--cycles", help="monthly,yearly")
    add.add_argument("--min-order", type=int, help="minimum order before tax, VND")
    actions.add_parser("list", help="list coupons")
    disable = actions.add_parser("disable", help="disable a coupon")
    disable.add_argument("code")
    c.set_defaults(handler=cmd_coupons)
