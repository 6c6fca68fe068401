"""Broadcasts: drafted (the preview counts the audience), started (every recipient queued in
the outbox by one INSERT … SELECT, in the same transaction as the change of state, so a crash
leaves either no recipient or all of them), paused, resumed, cancelled, and finished once
nothing of theirs is pending. The report counts the outbox rows by status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, cast, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.segments import Segment
from billing_core.storage.models import Broadcast, Customer, OutboxMessage
from billing_core.storage.outbox_store import queue
from billing_core.storage.segment_query import in_segment, segment_customers

REPORT = "broadcast_report"
PAUSABLE, RESUMABLE, CANCELLABLE = ("sending",), ("paused",), ("draft", "sending", "paused")


class BroadcastStateError(ValueError):
    """The broadcast does not exist, or cannot go to the state asked from the one it is in."""


@dataclass(frozen=True, slots=True)
class Audience:
    reachable: int
    unreachable: int  # in the segment, but blocked the bot: skipped


@dataclass(frozen=True, slots=True)
class Report:
    broadcast_id: int
    segment: str
    status: str
    recipients: int
    sent: int
    blocked: int
    failed: int
    cancelled: int
    pending: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @property
    def handled(self) -> int:
        return self.sent + self.blocked + self.failed + self.cancelled

    def seconds(self, now: dt.datetime) -> float:
        """How long the sending took (so far)."""
        if self.started_at is None:
            return 0.0
        return ((self.finished_at or now) - self.started_at).total_seconds()

    def to_payload(self, now: dt.datetime) -> dict[str, object]:
        return {
            "kind": REPORT,
            "broadcast_id": self.broadcast_id,
            "segment": self.segment,
            "status": self.status,
            "recipients": self.recipients,
            "sent": self.sent,
            "blocked": self.blocked,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds(now)),
        }


async def audience(session: AsyncSession, segment: Segment, today: dt.date) -> Audience:
    rows = await session.execute(
        select(Customer.unreachable, func.count())
        .where(in_segment(segment, today))
        .group_by(Customer.unreachable)
    )
    counts: dict[bool, int] = {bool(unreachable): count for unreachable, count in rows}
    return Audience(counts.get(False, 0), counts.get(True, 0))


async def draft_broadcast(
    session: AsyncSession,
    segment: Segment,
    *,
    text: str | None,
    template: str | None,
    created_by: str,
    now: dt.datetime,
    notify_chat_id: int | None = None,
) -> Broadcast:
    assert (text is None) != (template is None), "a broadcast has its own text or a template"
    broadcast = Broadcast(
        segment=str(segment),
        text=text,
        template=template,
        created_by=created_by,
        status="draft",
        recipients=0,
        notify_chat_id=notify_chat_id,
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def start_broadcast(
    session: AsyncSession, broadcast_id: int, segment: Segment, today: dt.date, now: dt.datetime
) -> int:
    """Queue a draft's recipients and start sending; how many were queued."""
    broadcast = await _locked(session, broadcast_id)
    if broadcast.status != "draft":
        raise BroadcastStateError(f"broadcast {broadcast_id} is {broadcast.status}, not a draft")
    recipients = segment_customers(segment, today).order_by(None).subquery()  # no sort: rowid order
    key = literal(f"broadcast:{broadcast_id}:", String) + cast(recipients.c.id, String)
    rows = select(
        key,
        recipients.c.id,
        recipients.c.telegram_user_id,
        literal(broadcast_id),
        literal("pending"),
        literal(now, OutboxMessage.not_before.type),
        literal(0),
        literal(now, OutboxMessage.created_at.type),
    )
    columns = (
        "key",
        "customer_id",
        "chat_id",
        "broadcast_id",
        "status",
        "not_before",
        "attempts",
        "created_at",
    )
    await session.execute(OutboxMessage.__table__.insert().from_select(columns, rows))  # type: ignore[attr-defined]
    count = await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id)
    )
    broadcast.recipients, broadcast.status, broadcast.started_at = count or 0, "sending", now
    return broadcast.recipients


async def pause_broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast:
    return await _move(session, broadcast_id, PAUSABLE, "paused")


async def resume_broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast:
    return await _move(session, broadcast_id, RESUMABLE, "sending")


async def cancel_broadcast(session: AsyncSession, broadcast_id: int, now: dt.datetime) -> Broadcast:
    """Stop for good: what is still pending is cancelled; what was sent stays sent."""
    broadcast = await _move(session, broadcast_id, CANCELLABLE, "cancelled")
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status == "pending")
        .values(status="cancelled")
    )
    broadcast.finished_at = now
    return broadcast


async def finish_if_sent(session: AsyncSession, broadcast_id: int, now: dt.datetime) -> bool:
    """Mark a sending broadcast done once none of its messages is pending; whether it did now."""
    pending = await session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status == "pending")
        .limit(1)
    )
    if pending is not None:
        return False
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == "sending")
        .values(status="done", finished_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def statuses_of(session: AsyncSession, broadcast_ids: set[int]) -> dict[int, str]:
    """The state each of these broadcasts is in now (paused or cancelled meanwhile, or done)."""
    if not broadcast_ids:
        return {}
    rows = await session.execute(
        select(Broadcast.id, Broadcast.status).where(Broadcast.id.in_(broadcast_ids))
    )
    return {broadcast_id: status for broadcast_id, status in rows}


async def broadcast_report(session: AsyncSession, broadcast_id: int) -> Report:
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise BroadcastStateError(f"there is no broadcast {broadcast_id}")
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .group_by(OutboxMessage.status)
    )
    counts: dict[str, int] = {status: count for status, count in rows}
    return Report(
        broadcast.id,
        broadcast.segment,
        broadcast.status,
        broadcast.recipients,
        counts.get("sent", 0),
        counts.get("blocked", 0),
        counts.get("failed", 0),
        counts.get("cancelled", 0),
        counts.get("pending", 0),
        broadcast.started_at,
        broadcast.finished_at,
    )


async def _move(session: AsyncSession, broadcast_id: int, allowed: tuple[str, ...], to: str) -> Broadcast:
    broadcast = await _locked(session, broadcast_id)
    if broadcast.status not in allowed:
        raise BroadcastStateError(f"broadcast {broadcast_id} is {broadcast.status}; it cannot be {to}")
    broadcast.status = to
    return broadcast


async def _locked(session: AsyncSession, broadcast_id: int) -> Broadcast:
    broadcast = await session.scalar(select(Broadcast).where(Broadcast.id == broadcast_id).with_for_update())
    if broadcast is None:
        raise BroadcastStateError(f"there is no broadcast {broadcast_id}")
    return broadcast


async def queue_report(session: AsyncSession, broadcast_id: int, now: dt.datetime) -> bool:
    """Queue the final report for the admin who started the broadcast in the bot (once: the
    outbox key), or bring its counts up to date while it waits to be sent (a message that was on
    its way when the broadcast was cancelled is counted once answered); False when it was
    started elsewhere or the admin's chat is unknown."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.notify_chat_id is None:
        return False
    admin = await session.scalar(
        select(Customer).where(Customer.telegram_user_id == broadcast.notify_chat_id)
    )
    if admin is None:
        return False
    report = await broadcast_report(session, broadcast_id)
    payload = report.to_payload(now)
    key = f"broadcast-report:{broadcast_id}"
    waiting = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key == key, OutboxMessage.status == "pending")
        .values(payload=payload)
    )
    if waiting.rowcount:  # type: ignore[attr-defined]
        return True
    return await queue(session, key, admin.id, admin.telegram_user_id, now, payload=payload)
