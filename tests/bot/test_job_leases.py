"""Scheduled jobs run on one instance at a time (bot/job_leases.py, bot/scheduler.py): a job's
lease in the database, taken before each run, renewed by its holder, handed over when the
holder stops or stops renewing. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.job_leases import MARGIN_SECONDS, JobLeases
from bot.scheduler import Job, Scheduler
from tests.billing_core.storage.conftest import NOW, Sessions


def _leases(sessions: Sessions, holder: str, clock: list[dt.datetime]) -> JobLeases:
    return JobLeases(sessions, holder, lambda: clock[0])


async def test_one_holder_at_a_time_until_its_lease_runs_out(sessions: Sessions) -> None:
    clock = [NOW]
    a, b = _leases(sessions, "a", clock), _leases(sessions, "b", clock)
    assert await a.take("reconcile", 60) is True  # the row is created on first use
    assert await b.take("reconcile", 60) is False
    assert await b.take("reminders", 60) is True  # another job, another lease
    clock[0] = NOW + dt.timedelta(seconds=100)
    assert await a.take("reconcile", 60) is True  # renewed by its holder
    clock[0] = NOW + dt.timedelta(seconds=100 + 120 + MARGIN_SECONDS - 1)
    assert await b.take("reconcile", 60) is False  # a's renewed lease still runs
    clock[0] += dt.timedelta(seconds=2)
    assert await b.take("reconcile", 60) is True  # a stopped renewing: b takes over
    assert await a.take("reconcile", 60) is False


async def test_a_released_lease_is_taken_at_once(sessions: Sessions) -> None:
    clock = [NOW]
    a, b = _leases(sessions, "a", clock), _leases(sessions, "b", clock)
    assert await a.take("lifecycle", 60)
    await a.release("lifecycle")
    assert await b.take("lifecycle", 60)


class Watched:
    """Leases that tell when each attempt to take one has been answered."""

    def __init__(self, leases: JobLeases) -> None:
        self.leases = leases
        self.answers: list[bool] = []
        self.answered = asyncio.Event()

    async def take(self, job: str, every: float) -> bool:
        answer = await self.leases.take(job, every)
        self.answers.append(answer)
        self.answered.set()
        return answer

    async def release(self, job: str) -> None:
        await self.leases.release(job)


async def test_two_schedulers_run_a_once_job_on_one_instance_and_others_on_both(sessions: Sessions) -> None:
    clock = [NOW]
    runs: list[str] = []

    def jobs(instance: str) -> list[Job]:
        async def run(name: str) -> None:
            runs.append(f"{instance}:{name}")

        return [
            Job("reminders", 3600, lambda: run("reminders"), once=True),
            Job("chat-sweep", 3600, lambda: run("chat-sweep")),
        ]

    a_leases, b_leases = Watched(_leases(sessions, "a", clock)), Watched(_leases(sessions, "b", clock))
    async with Scheduler(jobs("a"), a_leases) as a:
        await asyncio.wait_for(a.ran("reminders"), 5)
        async with Scheduler(jobs("b"), b_leases) as b:
            await asyncio.wait_for(b.ran("chat-sweep"), 5)
            await asyncio.wait_for(b_leases.answered.wait(), 5)
    assert b_leases.answers == [False]
    assert sorted(runs) == ["a:chat-sweep", "a:reminders", "b:chat-sweep"]
    assert await _leases(sessions, "c", clock).take("reminders", 3600)  # released at stop


async def test_a_long_run_keeps_renewing_its_lease(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VNPAY slow to answer: the run outlasts the lease it took; it renews it as it goes."""
    monkeypatch.setattr("bot.scheduler.RENEW_SECONDS", 0.01)
    clock = [NOW]
    leases = Watched(_leases(sessions, "a", clock))
    renewed = asyncio.Event()

    async def slow() -> None:
        while len(leases.answers) < 3:  # the take before the run, then two renewals
            leases.answered.clear()
            await leases.answered.wait()
        renewed.set()

    async with Scheduler([Job("reconcile", 3600, slow, once=True)], leases) as jobs:
        await asyncio.wait_for(jobs.ran("reconcile"), 5)
    assert renewed.is_set() and leases.answers[:3] == [True, True, True]
