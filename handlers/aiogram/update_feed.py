"""Updates handed to the aiogram dispatcher in the background, each chat's in the order they
came, whether they arrive by long polling or on the webhook.

aiogram's own polling starts a task per update, and a task may be overtaken before it reaches
the conversation's per-chat lock (a synchronous filter runs in a worker thread), so two quick
messages of one chat could be handled in the wrong order. Here an update of a chat waits for
the one before it to finish; other chats are not held back. `drain` waits for every update
still being handled, for a clean stop.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from pydantic import ValidationError

log = logging.getLogger(__name__)


def _chat_of(update: Update) -> int | None:
    """The chat whose updates must keep their order (None: no order to keep)."""
    message = update.message or update.edited_message
    if message is not None:
        return message.chat.id
    if update.callback_query is not None:
        return update.callback_query.from_user.id
    return None


class UpdateFeed:
    def __init__(self, dispatcher: Dispatcher, bot: Bot) -> None:
        self._dispatcher = dispatcher
        self._bot = bot
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_of_chat: dict[int, asyncio.Task[None]] = {}

    @property
    def allowed_updates(self) -> list[str]:
        return self._dispatcher.resolve_used_update_types()

    def accept_json(self, body: object) -> bool:
        """Start handling one update's JSON; False (and nothing done) if it is not an update."""
        try:
            update = Update.model_validate(body, context={"bot": self._bot})
        except ValidationError:
            return False
        self.accept(update)
        return True

    def accept(self, update: Update) -> None:
        """Start handling `update` once the same chat's earlier updates are done."""
        chat = _chat_of(update)
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

    async def _handle(self, update: Update, before: asyncio.Task[None] | None) -> None:
        if before is not None:
            await asyncio.wait([before])
        try:
            await self._dispatcher.feed_update(self._bot, update)
        except Exception:
            log.exception("update %s failed; dropped", update.update_id)

    def _forget(self, chat: int, done: asyncio.Task[None]) -> None:
        if self._last_of_chat.get(chat) is done:
            del self._last_of_chat[chat]
