"""Updates handed to the framework's dispatch in the background, each chat's in the order they
came, whether they arrive by long polling or on the webhook; one feed per running bot, the same
for every adapter.

A framework's own polling either starts a task per update (aiogram), and a task may be
overtaken before it reaches the conversation's per-chat lock, or handles one update at a time
for every chat (python-telegram-bot's default), so one slow turn holds everyone back. Here an
update of a chat waits for the one before it to finish; other chats are not held back. `drain`
waits for every update still being handled, for a clean stop. An update whose handling fails
is logged and dropped (`dropped`): it is never handled twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

log = logging.getLogger(__name__)


class HasUpdateId(Protocol):
    @property
    def update_id(self) -> int: ...


U = TypeVar("U", bound=HasUpdateId)


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
        try:
            await self._handle_update(update)
        except Exception as error:
            dropped(update.update_id, error)

    def _forget(self, chat: int, done: asyncio.Task[None]) -> None:
        if self._last_of_chat.get(chat) is done:
            del self._last_of_chat[chat]
