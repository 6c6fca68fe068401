"""Updates handed to the framework's dispatch in the background, each chat's in the order they
came, whether they arrive by long polling or on the webhook; one feed per running bot, the same
for every adapter.

A framework's own polling either starts a task per update (aiogram), and a task may be
overtaken before it reaches the conversation's per-chat lock, or handles one update at a time
for every chat (python-telegram-bot's default), so one slow turn holds everyone back. Here an
update of a chat waits for the one before it to finish; other chats are not held back. `drain`
waits for every update still being handled, for a clean stop. An update whose handling fails
is logged and dropped (`dropped`): it is never handled twice. While an update is handled, its
id and chat are bound to the logs (handlers/log_context.py); once handled, its kind and time
are told to `observe` (the metrics).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

from handlers.log_context import bound

log = logging.getLogger(__name__)


class HasUpdateId(Protocol):
    @property
    def update_id(self) -> int: ...


U = TypeVar("U", bound=HasUpdateId)


def kind_of(update: object) -> str:
    """ "callback_query", "edited_message", "message" or "other", whatever the framework."""
    for kind in ("callback_query", "edited_message", "message"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def chat_key(update: Any) -> int | None:
    """The chat whose updates must keep their order (None: no order to keep), in either
    framework's Update (both name these fields as the Bot API does)."""
    message = update.message or update.edited_message
    if message is not None:
        return int(message.chat.id)
    if update.callback_query is not None:
        return int(update.callback_query.from_user.id)
    return None


def unobserved(kind: str, seconds: float) -> None:
    """No metrics kept."""


def dropped(update_id: int, error: BaseException | None) -> None:
    """Log an update whose handling failed."""
    log.error("update %s failed; dropped", update_id, exc_info=error)


class OrderedFeed(Generic[U]):
    def __init__(
        self,
        handle: Callable[[U], Awaitable[object]],
        chat_of: Callable[[U], int | None],
        parse: Callable[[object], U | None],
    ) -> None:
        """`handle` dispatches one update; `chat_of` names the chat whose order it keeps (None:
        no order to keep); `parse` reads a webhook's JSON (None: not an update)."""
        self._handle_update = handle
        self._chat_of = chat_of
        self._parse = parse
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_of_chat: dict[int, asyncio.Task[None]] = {}
        self.observe: Callable[[str, float], None] = unobserved

    def parse(self, body: object) -> U | None:
        """A webhook's JSON as an update; None if it is not one."""
        return self._parse(body)

    def chat_of(self, update: U) -> int | None:
        """The chat whose order `update` keeps (None: no order to keep)."""
        return self._chat_of(update)

    async def handle_now(self, update: U) -> None:
        """Handle `update` at once, its chat's order kept by the caller (handlers/shared_feed.py);
        a failure is logged and the update dropped."""
        started = time.perf_counter()
        with bound(update_id=update.update_id, chat_id=self._chat_of(update)):
            try:
                await self._handle_update(update)
            except Exception as error:
                dropped(update.update_id, error)
        self.observe(kind_of(update), time.perf_counter() - started)

    def accept_json(self, body: object) -> bool:
        """Start handling one update's JSON; False (and nothing done) if it is not an update."""
        update = self._parse(body)
        if update is None:
            return False
        self.accept(update)
        return True

    def accept(self, update: U) -> None:
        """Start handling `update` once the same chat's earlier updates are done."""
        chat = self._chat_of(update)
        before = self._last_of_chat.get(chat) if chat is not None else None
        task = asyncio.create_task(self._handle(update, before), name=f"update-{update.update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if chat is not None:
            self._last_of_chat[chat] = task
            task.add_done_callback(lambda done: self._forget(chat, done))

    async def drain(self) -> None:
        """Wait until every accepted update has been handled."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def _handle(self, update: U, before: asyncio.Task[None] | None) -> None:
        if before is not None:
            await asyncio.wait([before])
        await self.handle_now(update)

    def _forget(self, chat: int, done: asyncio.Task[None]) -> None:
        if self._last_of_chat.get(chat) is done:
            del self._last_of_chat[chat]
