"""One instance at a time sends the outbox: it holds the lease and renews it while it sends;
an instance that stops (or crashes) loses it when it expires, and another takes over. So the
outbox's rate limit holds over all instances together, without a lock server."""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.storage.models import SenderLease

OUTBOX = "outbox"


def this_instance() -> str:
    """A name for this process as a lease holder: host, process id and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def take_lease(
    session: AsyncSession, holder: str, now: dt.datetime, ttl: dt.timedelta, name: str = OUTBOX
) -> bool:
    """Take or renew the lease for `holder`; False while another holder's lease runs."""
    result = await session.execute(
        update(SenderLease)
        .where(
            SenderLease.name == name,
            or_(SenderLease.holder == holder, SenderLease.holder.is_(None), SenderLease.expires_at <= now),
        )
        .values(holder=holder, expires_at=now + ttl)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_lease(session: AsyncSession, holder: str, name: str = OUTBOX) -> None:
    await session.execute(
        update(SenderLease)
        .where(SenderLease.name == name, SenderLease.holder == holder)
        .values(holder=None, expires_at=None)
    )


async def lease_holder(session: AsyncSession, now: dt.datetime, name: str = OUTBOX) -> str | None:
    """Who sends now (None when nobody does)."""
    lease = await session.scalar(select(SenderLease).where(SenderLease.name == name))
    if lease is None or lease.holder is None or lease.expires_at is None or lease.expires_at <= now:
        return None
    return lease.holder
