"""One instance at a time sends the outbox: it holds the lease and renews it while it sends;
an instance that stops (or crashes) loses it when it expires, and another takes over. So the
outbox's rate limit holds over all instances together, without a lock server. The scheduled
jobs take leases of their own the same way (name `job:<name>`, bot/job_leases.py), so each runs
on one instance at a time; a lease's row is created the first time it is asked for."""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
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
    taken = update(SenderLease).where(
        SenderLease.name == name,
        or_(SenderLease.holder == holder, SenderLease.holder.is_(None), SenderLease.expires_at <= now),
    )
    result = await session.execute(taken.values(holder=holder, expires_at=now + ttl))
    if result.rowcount or await session.get(SenderLease, name) is not None:  # type: ignore[attr-defined]
        return bool(result.rowcount)  # type: ignore[attr-defined]
    await _create(session, name)
    result = await session.execute(taken.values(holder=holder, expires_at=now + ttl))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def _create(session: AsyncSession, name: str) -> None:
    """The lease's row, free; nothing if another instance has just created it."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    await session.execute(dialect.insert(SenderLease).values(name=name).on_conflict_do_nothing())


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
