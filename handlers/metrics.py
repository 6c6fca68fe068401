"""Prometheus metrics: what the process counts as it goes, and what the database holds.

Counters and a histogram are bumped where things happen (`update_handled`, `bot_api_error`,
`ipn`). The gauges are read from the database at scrape time: `refresh` runs a few GROUP BY
queries, then sets every gauge at once (no await in between, so a concurrent scrape never sees
half of them) after clearing it, so a label set that is gone leaves no stale value. Known
statuses with no row read 0. Broadcasts are shown for the last BROADCASTS_SHOWN started, to
bound the series.

Each `Metrics` owns its registry (never the process-wide one), so tests can make several.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from billing_core.storage.database import transaction
from billing_core.storage.models import ORDER_STATES, OUTBOX_STATES, Broadcast, Order, OutboxMessage, Payment

__all__ = ["BROADCASTS_SHOWN", "CONTENT_TYPE", "UPDATE_BUCKETS", "Metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # the text format every Prometheus reads
UPDATE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
PAYMENT_STATES = ("pending", "paid", "failed")
BROADCASTS_SHOWN = 20


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self._updates = Counter("cleeksy_updates_handled", "Updates handled", ["kind"], registry=r)
        self._update_seconds = Histogram(
            "cleeksy_update_seconds", "Time to handle an update", ["kind"], buckets=UPDATE_BUCKETS, registry=r
        )
        self._api_errors = Counter(
            "cleeksy_bot_api_errors", "Failed Bot API calls by error code (0: network)", ["code"], registry=r
        )
        self._ipn = Counter("cleeksy_ipn", "VNPAY IPNs answered, by RspCode", ["reply"], registry=r)
        self._orders = Gauge("cleeksy_orders", "Orders by status", ["status"], registry=r)
        self._payments = Gauge("cleeksy_payments", "Payment attempts by status", ["status"], registry=r)
        self._broadcast_messages = Gauge(
            "cleeksy_broadcast_messages",
            f"Outbox messages of the last {BROADCASTS_SHOWN} broadcasts started, by status",
            ["broadcast_id", "status"],
            registry=r,
        )
        self._outbox_pending = Gauge("cleeksy_outbox_pending", "Outbox messages not sent yet", registry=r)

    def update_handled(self, kind: str, seconds: float) -> None:
        """One update of this kind (message, callback_query, command…) handled in `seconds`."""
        self._updates.labels(kind).inc()
        self._update_seconds.labels(kind).observe(seconds)

    def bot_api_error(self, code: int) -> None:
        """A Bot API call failed with this error code; 0 for a network failure."""
        self._api_errors.labels(str(code)).inc()

    def ipn(self, reply_code: str) -> None:
        """An IPN was answered with this RspCode ("00", "97"…)."""
        self._ipn.labels(reply_code).inc()

    async def refresh(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Read the gauges from the database; raises (leaving them as they were) if it cannot."""
        async with transaction(sessions) as s:
            orders = await _by_status(s, Order.status)
            payments = await _by_status(s, Payment.status)
            pending = await s.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
            )
            shown = list(
                await s.scalars(
                    select(Broadcast.id)
                    .where(Broadcast.started_at.is_not(None))
                    .order_by(Broadcast.id.desc())
                    .limit(BROADCASTS_SHOWN)
                )
            )
            messages = (
                await s.execute(
                    select(OutboxMessage.broadcast_id, OutboxMessage.status, func.count())
                    .where(OutboxMessage.broadcast_id.in_(shown))
                    .group_by(OutboxMessage.broadcast_id, OutboxMessage.status)
                )
            ).all()
            per_broadcast = {(str(b), status): n for b, status, n in messages}
        _set(self._orders, _filled(orders, ORDER_STATES))
        _set(self._payments, _filled(payments, PAYMENT_STATES))
        zeros = {(str(b), status): 0 for b in shown for status in OUTBOX_STATES}
        _set(self._broadcast_messages, (zeros | per_broadcast).items())
        self._outbox_pending.set(pending or 0)

    def exposition(self) -> tuple[bytes, str]:
        """The registry in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE


async def _by_status(session: AsyncSession, status: InstrumentedAttribute[str]) -> dict[str, int]:
    rows = await session.execute(select(status, func.count()).group_by(status))
    return {value: n for value, n in rows}


def _filled(counts: Mapping[str, int], known: Iterable[str]) -> Iterable[tuple[tuple[str], int]]:
    """The counts by status, with 0 for a known status that has no row."""
    return [((status,), n) for status, n in ({s: 0 for s in known} | dict(counts)).items()]


def _set(gauge: Gauge, values: Iterable[tuple[tuple[str, ...], int]]) -> None:
    """Clear the gauge, then set each label set's value."""
    gauge.clear()
    for labels, value in values:
        gauge.labels(*labels).set(value)
