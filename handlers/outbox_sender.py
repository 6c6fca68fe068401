"""The outbox sender: trial reminders and broadcast messages go out from here, at most one
instance at a time (the lease), through one `SendLimiter`, so together they never exceed
BROADCAST_RATE nor write to one chat more than about once a second.

Each round takes a batch of due messages and sends them (several in flight, each started when
the limiter allows; one to a chat written to less than a second ago waits for the others); the
answers are recorded as they come, every FLUSH_SECONDS, and all of them before the next round
reads again, so no message is picked twice. Telegram's answers:
- sent → `sent` with its message id;
- 403 → `blocked`, and the customer is marked unreachable (the adapter's `on_blocked`): their
  later messages are marked `blocked` without being sent;
- 429 → every send waits `retry_after`, then the message is tried again (a later round after
  TRIES_AFTER_429);
- a 400 → `failed` for good; a network or server error (after the adapter's own retries) →
  tried again later, `failed` after MAX_ATTEMPTS.
A message whose request was on its way, or whose answer was not yet recorded, at the instant
the process died is sent again by the next sender: Telegram cannot say whether it arrived, and
a reminder twice is better than none. That is at most the last FLUSH_SECONDS of sends; every
other message goes exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.clock import Clock
from billing_core.storage.broadcast_store import finish_if_sent, queue_report, statuses_of
from billing_core.storage.database import transaction
from billing_core.storage.outbox_store import Due, Outcome, anything_due, due_messages, record
from billing_core.storage.sender_lease import release_lease, take_lease
from billing_core.storage.units import run_unit
from conversations import SendMessage
from handlers.outbound import Blocked, Delivery, Failed, Outbound, RetryAfter, Sent
from handlers.send_limiter import SendLimiter

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = dt.timedelta(seconds=30)
FLUSH_SECONDS = 0.1
RENEW_SECONDS = 5.0
ROUND_SECONDS = 4.0
TRIES_AFTER_429 = 3
MAX_BATCH = 500

Render = Callable[[Due], SendMessage]
AfterRound = Callable[[set[int], set[int]], Awaitable[None]]  # broadcasts touched, finished


async def nothing_after(touched: set[int], finished: set[int]) -> None:
    """No one watches the rounds."""


@dataclass
class OutboxSender:
    sessions: async_sessionmaker[AsyncSession]
    outbound: Outbound
    limiter: SendLimiter
    render: Render
    clock: Clock
    holder: str  # this instance, for the lease
    only_broadcast: int | None = None  # the CLI sends its own broadcast only
    after_round: AfterRound = nothing_after
    concurrency: int = 16
    idle_seconds: float = 1.0
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _lease_lost: bool = False
    _stopped: set[int] = field(default_factory=set)  # broadcasts of this round paused or cancelled

    @property
    def batch(self) -> int:
        """About ROUND_SECONDS of sending per round."""
        return max(10, min(MAX_BATCH, int(self.limiter.rate * ROUND_SECONDS)))

    def wake(self) -> None:
        """New messages were queued: look now rather than at the next idle check."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send rounds until `stop` is set; the lease is released on the way out."""
        try:
            while not stop.is_set():
                try:
                    busy = await self.send_round()
                except Exception:  # the database went away, …: the next round tries again
                    log.exception("outbox round failed")
                    busy = False
                if not busy:
                    await _first_of(stop, self._wake, self.idle_seconds)
                    self._wake.clear()
        finally:
            async with transaction(self.sessions) as session:
                await release_lease(session, self.holder)

    async def send_round(self) -> bool:
        """One batch sent and recorded; False when there was nothing to send (or another
        instance holds the lease)."""
        looking = partial(anything_due, now=self.clock(), broadcast_id=self.only_broadcast)
        if not await run_unit(self.sessions, looking):
            return False  # idle: neither the lease nor a session taken
        async with transaction(self.sessions) as session:
            if not await take_lease(session, self.holder, self.clock(), LEASE):
                return False
        async with self.sessions() as session:
            due = await due_messages(session, self.clock(), self.batch, self.only_broadcast)
        if not due:
            return False
        self._lease_lost, self._stopped = False, set()
        touched = {d.broadcast_id for d in due if d.broadcast_id is not None}
        outcomes: list[Outcome] = []
        sent = asyncio.Event()
        flushing = asyncio.create_task(self._flush_every(outcomes, sent, touched))
        try:
            await self._send(due, outcomes)
        finally:
            sent.set()  # not cancelled: a cancelled write could leave its connection mid-transaction
            await flushing
        finished: set[int] = set()
        async with transaction(self.sessions) as session:
            await record(session, _taken(outcomes))
            statuses = await statuses_of(session, touched)
            for broadcast_id in sorted(touched):
                if await finish_if_sent(session, broadcast_id, self.clock()):
                    finished.add(broadcast_id)
                    await queue_report(session, broadcast_id, self.clock())
                elif statuses.get(broadcast_id) == "cancelled":
                    await queue_report(session, broadcast_id, self.clock())  # counts the last answers
        await self.after_round(touched, finished)
        return True

    async def _flush_every(self, outcomes: list[Outcome], sent: asyncio.Event, broadcasts: set[int]) -> None:
        """Record answers as they come (every FLUSH_SECONDS), so a crash forgets only the last
        moment's sends, not the round's; see whether a broadcast of the round was paused or
        cancelled meanwhile (its messages not yet started then wait); renew the lease (a long
        429 wait included)."""
        renewed = self.limiter.now()
        while not sent.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(sent.wait(), FLUSH_SECONDS)
            renew = self.limiter.now() - renewed >= RENEW_SECONDS
            if not (outcomes or broadcasts or renew):
                continue  # a round of reminders with nothing answered yet: no write to make
            async with transaction(self.sessions) as session:
                await record(session, _taken(outcomes))
                statuses = await statuses_of(session, broadcasts)
                self._stopped = {b for b, status in statuses.items() if status != "sending"}
                if renew:
                    renewed = self.limiter.now()
                    if not await take_lease(session, self.holder, self.clock(), LEASE):
                        log.error("outbox lease lost to another instance: this round stops")
                        self._lease_lost = True

    async def _send(self, due: list[Due], outcomes: list[Outcome]) -> None:
        slots = asyncio.Semaphore(self.concurrency)
        waiting: list[tuple[Due, SendMessage]] = []
        async with asyncio.TaskGroup() as tasks:
            for message in due:
                text = self._ready(message, outcomes)
                if text is None:
                    continue
                if self.limiter.chat_wait(message.chat_id) > 0:  # written to a moment ago: after the others
                    waiting.append((message, text))
                    continue
                if not await self._launch(tasks, slots, message, text, outcomes):
                    return
            for message, text in waiting:
                await asyncio.sleep(self.limiter.chat_wait(message.chat_id))
                if not await self._launch(tasks, slots, message, text, outcomes):
                    return

    def _ready(self, message: Due, outcomes: list[Outcome]) -> SendMessage | None:
        """The message to send, or None (its outcome noted) when it is not to be sent."""
        now = self.clock()
        if message.unreachable:
            outcomes.append(Outcome(message.id, "blocked", message.attempts, now, error="unreachable"))
            return None
        try:
            return self.render(message)
        except Exception as exc:  # a template or payload that cannot be rendered
            log.exception("outbox %s cannot be rendered", message.id)
            outcomes.append(Outcome(message.id, "failed", message.attempts, now, error=str(exc)))
            return None

    async def _launch(
        self,
        tasks: asyncio.TaskGroup,
        slots: asyncio.Semaphore,
        message: Due,
        text: SendMessage,
        outcomes: list[Outcome],
    ) -> bool:
        """Start sending once a slot and the limiter allow; False once the lease is lost. A
        message of a broadcast paused or cancelled meanwhile (looked at before and after the
        wait) is left as it is."""
        if message.broadcast_id in self._stopped:
            return True
        await slots.acquire()
        await self.limiter.acquire(message.chat_id)
        if self._lease_lost or message.broadcast_id in self._stopped:
            slots.release()
            return not self._lease_lost
        tasks.create_task(self._one(message, text, slots, outcomes))
        return True

    async def _one(
        self, message: Due, text: SendMessage, slots: asyncio.Semaphore, out: list[Outcome]
    ) -> None:
        try:
            for attempt in range(1, TRIES_AFTER_429 + 1):
                delivery = await self._deliver(message, text)
                if not isinstance(delivery, RetryAfter):
                    break
                log.warning("Telegram asked to wait %s s (429): every send waits", delivery.seconds)
                self.limiter.pause(delivery.seconds)
                if attempt == TRIES_AFTER_429:
                    break  # a later round sends it (_outcome): no slot held through the pause
                await self.limiter.acquire(message.chat_id)
        finally:
            slots.release()
        out.append(self._outcome(message, delivery))

    async def _deliver(self, message: Due, text: SendMessage) -> Delivery:
        try:
            return await self.outbound.deliver(message.chat_id, text)
        except Exception as exc:  # not a Telegram answer: try again later
            log.exception("outbox %s: sending failed", message.id)
            return Failed(repr(exc), permanent=False)

    def _outcome(self, message: Due, delivery: Delivery) -> Outcome:
        now = self.clock()
        match delivery:
            case Sent(message_id=message_id):
                return Outcome(
                    message.id, "sent", message.attempts + 1, now, sent_at=now, message_id=message_id
                )
            case Blocked(reason=reason):
                return Outcome(message.id, "blocked", message.attempts + 1, now, error=reason)
            case RetryAfter(seconds=seconds):  # still, after TRIES_AFTER_429: a later round
                return Outcome(message.id, "pending", message.attempts, now + dt.timedelta(seconds=seconds))
            case Failed(reason=reason, permanent=True):
                return Outcome(message.id, "failed", message.attempts + 1, now, error=reason)
            case Failed(reason=reason):
                attempts = message.attempts + 1
                if attempts >= MAX_ATTEMPTS:
                    return Outcome(message.id, "failed", attempts, now, error=reason)
                later = now + dt.timedelta(seconds=2**attempts)
                return Outcome(message.id, "pending", attempts, later, error=reason)
        raise AssertionError(delivery)


def _taken(outcomes: list[Outcome]) -> list[Outcome]:
    """Everything gathered so far, leaving the list empty for what comes next."""
    taken = outcomes[:]
    del outcomes[: len(taken)]
    return taken


async def _first_of(stop: asyncio.Event, wake: asyncio.Event, timeout: float) -> None:
    waits = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    for waiting in waits:
        waiting.cancel()
