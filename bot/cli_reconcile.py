"""`cleeksy-bot reconcile`: ask VNPAY (querydr) about orders still pending past their expiry
and settle them; prints one JSON object per order checked."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import Any

from billing_core.catalogue import Catalogue
from billing_core.clock import utc_now
from billing_core.storage.reconciliation import RECONCILE_MARGIN
from bot.cli_db import migrated_sessions
from bot.cli_json import print_json, whole_number
from bot.reconcile_job import reconcile_now
from bot.settings import Settings


async def _reconcile(
    args: argparse.Namespace, settings: Settings, catalogue: Catalogue
) -> list[dict[str, Any]]:
    api = settings.vnpay_api()
    margin = dt.timedelta(minutes=args.margin_minutes)
    async with migrated_sessions(settings) as sessions:
        results = await reconcile_now(sessions, api, utc_now, catalogue.base_solution, margin=margin)
    return [r.to_json() for r in results]


def cmd_reconcile(args: argparse.Namespace, settings: Settings, catalogue: Catalogue) -> int:
    answer = asyncio.run(_reconcile(args, settings, catalogue))
    print_json(answer)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    r: argparse.ArgumentParser = sub.add_parser(
        "reconcile", help="ask VNPAY (querydr) about orders still pending and settle them"
    )
    r.add_argument(
        "--margin-minutes",
        type=whole_number(0),
        default=int(RECONCILE_MARGIN.total_seconds() // 60),
        help="only orders whose link expired at least this long ago (default %(default)s)",
    )
    r.add_argument("--catalogue", help="a catalogue file, or a bundled one: cleeksy, docai")
    return r
