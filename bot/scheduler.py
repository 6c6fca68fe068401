"""Periodic jobs inside `cleeksy-bot run` (payment reconciliation, reminders, the lifecycle).

Each job runs once at start, then every `every` seconds until the scheduler stops; a run
that fails is logged and the job goes on. Stopping wakes the waits at once: no sleeps.
A job marked `once` runs on one instance at a time: each run first takes the job's lease
(`Leases`, bot/job_leases.py), and renews it every RENEW_SECONDS while it runs (a run may be
slow: VNPAY not answering); an instance without it skips that run. Leases are released on stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

log = logging.getLogger(__name__)

RENEW_SECONDS = 10.0


@dataclass(frozen=True)
class Job:
    name: str
    every: float  # seconds between the end of one run and the start of the next
    run: Callable[[], Awaitable[object]]
    once: bool = False  # one instance at a time (a lease); False: every instance runs it


class Leases(Protocol):
    async def take(self, job: str, every: float) -> bool: ...

    async def release(self, job: str) -> None: ...


class Scheduler:
    def __init__(self, jobs: list[Job], leases: Leases | None = None) -> None:
        self._jobs = jobs
        self._leases = leases
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._runs = {job.name: 0 for job in jobs}
        self._ran = asyncio.Condition()

    async def __aenter__(self) -> Scheduler:
        self._tasks = [asyncio.create_task(self._loop(job), name=f"job:{job.name}") for job in self._jobs]
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        if self._leases is not None:
            for job in self._jobs:
                if job.once:
                    with contextlib.suppress(Exception):  # it expires anyway
                        await self._leases.release(job.name)

    async def _loop(self, job: Job) -> None:
        while not self._stop.is_set():
            if await self._may_run(job):
                renewing = asyncio.create_task(self._renew_while_running(job))
                try:
                    await job.run()
                except Exception:
                    log.exception("job %s failed; it runs again in %s s", job.name, job.every)
                finally:
                    renewing.cancel()
                    await asyncio.gather(renewing, return_exceptions=True)
                async with self._ran:
                    self._runs[job.name] += 1
                    self._ran.notify_all()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), job.every)

    async def _renew_while_running(self, job: Job) -> None:
        while job.once and self._leases is not None:
            await asyncio.sleep(RENEW_SECONDS)
            try:
                if not await self._leases.take(job.name, job.every):
                    log.error("job %s: its lease went to another instance mid-run", job.name)
                    return
            except Exception:
                log.warning("job %s: its lease could not be renewed; trying again", job.name)

    async def _may_run(self, job: Job) -> bool:
        """Whether this instance runs `job` now (a job `once` needs its lease)."""
        if not job.once or self._leases is None:
            return True
        try:
            return await self._leases.take(job.name, job.every)
        except Exception:  # the database is away: no run this time
            log.exception("job %s: its lease could not be taken; it tries again in %s s", job.name, job.every)
            return False

    async def ran(self, name: str, times: int = 1) -> None:
        """Wait until job `name` has finished `times` runs (for tests and health checks)."""
        async with self._ran:
            await self._ran.wait_for(lambda: self._runs[name] >= times)
