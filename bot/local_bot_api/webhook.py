"""Webhook delivery, as Telegram does it once setWebhook is called.

Each pending update is POSTed as JSON to the webhook URL with the
``X-Telegram-Bot-Api-Secret-Token`` header. Updates of one chat (a lane) go one at a time, in
order; up to ``max_connections`` chats are served at once. A delivery that fails (no connection,
a status other than 2xx) is retried after ``retry_delay`` seconds, doubling, or at once when
the webhook is set again; it is given up after ``max_attempts``. The last error shows in
getWebhookInfo. A webhook may answer with a method call in its body (JSON or multipart,
``method`` naming it), which is then executed. Delivery sleeps on
:class:`~bot.local_bot_api.changes.Changes`; only the wait before a retry is bounded by time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

from bot.local_bot_api.changes import Changes
from bot.local_bot_api.errors import BotApiError
from bot.local_bot_api.params import Params, read_multipart
from bot.local_bot_api.updates import PendingUpdate, UpdateQueue

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_RETRY_DELAY = 60.0

Execute = Callable[[str, Params], Awaitable[object]]


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None


class WebhookDelivery:
    def __init__(
        self,
        queue: UpdateQueue,
        changes: Changes,
        now: Callable[[], int],
        *,
        retry_delay: float = 1.0,
        max_attempts: int = 10,
        request_timeout: float = 30.0,
    ) -> None:
        self.settings: WebhookSettings | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.execute: Execute | None = None
        self._queue = queue
        self._changes = changes
        self._now = now
        self._retry_delay = retry_delay
        self._max_attempts = max_attempts
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._busy_lanes: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None

    def configure(self, settings: WebhookSettings | None) -> None:
        if settings != self.settings:
            self.last_error_date = self.last_error_message = None
        self.settings = settings

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        self._spawn(self._pump())

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _spawn(self, job: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pump(self) -> None:
        while True:
            for lane in await self._changes.wait_until(self._idle_lanes, None):
                self._busy_lanes.add(lane)
                self._spawn(self._serve_lane(lane))

    def _idle_lanes(self) -> list[int]:
        """Chats with updates to deliver and no delivery under way, as many as connections allow."""
        if self.settings is None:
            return []
        free = self.settings.max_connections - len(self._busy_lanes)
        return [lane for lane in self._queue.lanes() if lane not in self._busy_lanes][: max(free, 0)]

    async def _serve_lane(self, lane: int) -> None:
        try:
            while (settings := self.settings) is not None and (update := self._queue.next_in(lane)):
                await self._deliver(settings, update)
        finally:
            self._busy_lanes.discard(lane)
        await self._changes.notify()

    async def _deliver(self, settings: WebhookSettings, update: PendingUpdate) -> None:
        for attempt in range(self._max_attempts):
            error = await self._post(settings, update)
            if error is None:
                break
            self.last_error_date, self.last_error_message = self._now(), error
            await self._changes.notify()
            delay = min(self._retry_delay * 2**attempt, MAX_RETRY_DELAY)
            with contextlib.suppress(TimeoutError):
                await self._changes.wait_until(lambda: self.settings != settings, delay)
            if self.settings != settings:
                return  # the webhook changed: the update stays pending for whoever takes it next
        else:
            log.warning("webhook: gave up update %s after %s attempts", update.update_id, self._max_attempts)
        self._queue.remove(update)
        await self._changes.notify()

    async def _post(self, settings: WebhookSettings, update: PendingUpdate) -> str | None:
        """None when delivered, else the error getWebhookInfo reports."""
        assert self._session is not None, "start() the delivery first"
        headers = {SECRET_HEADER: settings.secret_token} if settings.secret_token else {}
        try:
            async with self._session.post(settings.url, json=update.to_json(), headers=headers) as response:
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                await self._run_reply(response)
        except TimeoutError:
            return "Timeout expired"
        except aiohttp.ClientError as error:
            return f"Connection failed: {error}"
        return None

    async def _run_reply(self, response: aiohttp.ClientResponse) -> None:
        """Execute the method call a webhook may put in its answer."""
        if response.content_type == "application/json":
            body = await response.json()
            if not isinstance(body, dict):
                return
            params, method = Params(body), body.get("method")
        elif response.content_type.startswith("multipart/"):
            values, uploads = await read_multipart(
                aiohttp.MultipartReader(response.headers, response.content)
            )
            params, method = Params(values, uploads), values.get("method")
        else:
            return
        if isinstance(method, str) and self.execute is not None:
            try:
                await self.execute(method, params)
            except BotApiError as error:
                log.info("webhook reply %s refused: %s", method, error.description)
