"""Reconciliation as the bot runs it: querydr over aiohttp, then `billing_core` settles.

Used by `cleeksy-bot reconcile` and by the scheduler inside `cleeksy-bot run`; a paid order
found this way is reported to the chat like one paid by the IPN.
"""

from __future__ import annotations

import datetime as dt
import logging

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.clock import Clock
from billing_core.storage.reconciliation import RECONCILE_MARGIN, Reconciled, reconcile
from billing_core.vnpay.api_client import (
    TransactionResult,
    VnpayApiClient,
    VnpayApiConfig,
    VnpayApiUnreachable,
)
from bot.payment_news import OnSettled, nobody, tell_chat

log = logging.getLogger(__name__)


async def reconcile_now(
    sessions: async_sessionmaker[AsyncSession],
    api: VnpayApiConfig,
    clock: Clock,
    base_solution: str,
    on_settled: OnSettled = nobody,
    margin: dt.timedelta = RECONCILE_MARGIN,
) -> list[Reconciled]:
    """One reconciliation run; each order's result is logged."""
    timeout = aiohttp.ClientTimeout(total=api.timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        client = VnpayApiClient(http, api, clock=clock)

        async def query(txn_ref: str, created_at: dt.datetime) -> TransactionResult:
            try:
                return await client.querydr(txn_ref=txn_ref, transaction_date=created_at)
            except aiohttp.ClientError as exc:  # a dropped connection, a broken answer
                raise VnpayApiUnreachable(f"VNPAY querydr: {exc!r}") from None

        results = await reconcile(sessions, query, clock(), base_solution, margin)
    for result in results:
        log.info("reconcile: order %s %s %s", result.order_id, result.result, result.detail)
        if result.outcome is not None:
            await tell_chat(on_settled, result.outcome)
    return results
