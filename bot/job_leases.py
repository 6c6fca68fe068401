"""Scheduled jobs run on one instance at a time: before each run the job takes (or renews) its
lease in the database (`job:<name>`, billing_core/storage/sender_lease.py). The lease lasts
two periods and a margin, so a holder that dies hands the job over within that time; one that
stops cleanly releases its leases at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.clock import Clock
from billing_core.storage.database import transaction
from billing_core.storage.sender_lease import release_lease, take_lease

MARGIN_SECONDS = 30.0


def lease_name(job: str) -> str:
    return f"job:{job}"


@dataclass(frozen=True)
class JobLeases:
    sessions: async_sessionmaker[AsyncSession]
    holder: str  # this instance
    clock: Clock

    async def take(self, job: str, every: float) -> bool:
        """May this instance run `job` now (it holds or took the lease)?"""
        ttl = dt.timedelta(seconds=2 * every + MARGIN_SECONDS)
        async with transaction(self.sessions) as session:
            return await take_lease(session, self.holder, self.clock(), ttl, lease_name(job))

    async def release(self, job: str) -> None:
        async with transaction(self.sessions) as session:
            await release_lease(session, self.holder, lease_name(job))
