"""`Messenger` over an adapter's `BotCalls`, the same for aiogram and python-telegram-bot.

A customer who blocked the bot answers every call with 403: the turn goes on without the
message, `on_blocked` is told once (until a message to that chat goes through again), and a
send returns `NOT_SHOWN` in place of a message id. A screen that can no longer be edited (too
old, deleted) is sent anew, and its new id returned so its buttons are the live ones.
"""

from __future__ import annotations

import logging

from conversations import AnswerCallback, EditMessage, SendMessage
from handlers.bot_calls import BadRequest, BotCalls, Forbidden
from handlers.outbound import OnBlocked, nobody_told

log = logging.getLogger(__name__)

NOT_SHOWN = 0
"""The "message id" of a message a blocked chat never got (Telegram's ids start at 1, so a later
edit of it fails and the screen is sent anew)."""


class ChatMessenger:
    def __init__(self, calls: BotCalls, on_blocked: OnBlocked = nobody_told) -> None:
        self._calls = calls
        self._on_blocked = on_blocked
        self._blocked: set[int] = set()

    async def send(self, chat_id: int, message: SendMessage) -> int:
        try:
            sent = await self._calls.send_message(
                chat_id, message.text, keyboard=message.keyboard, parse_mode=message.parse_mode
            )
        except Forbidden as exc:
            await self._unreachable(chat_id, exc)
            return NOT_SHOWN
        self._blocked.discard(chat_id)
        return sent

    async def edit(self, chat_id: int, message: EditMessage) -> int | None:
        try:
            await self._calls.edit_text(
                chat_id,
                message.message_id,
                message.text,
                keyboard=message.keyboard,
                parse_mode=message.parse_mode,
            )
        except Forbidden as exc:
            await self._unreachable(chat_id, exc)
        except BadRequest as exc:
            if exc.mentions("message is not modified"):
                return None
            log.info(
                "chat %s: cannot edit message %s (%s); sent anew",
                chat_id,
                message.message_id,
                exc.description,
            )
            return await self.send(chat_id, SendMessage(message.text, message.keyboard, message.parse_mode))
        return None

    async def answer(self, callback_id: str, answer: AnswerCallback) -> None:
        try:
            await self._calls.answer_callback(callback_id, answer.text, answer.alert)
        except BadRequest as exc:  # "query is too old" after a restart: the tap still counts
            log.info("callback %s not answered: %s", callback_id, exc.description)

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        try:
            await self._calls.send_document(chat_id, filename, data, caption)
        except Forbidden as exc:
            await self._unreachable(chat_id, exc)
            return
        self._blocked.discard(chat_id)

    async def _unreachable(self, chat_id: int, exc: Forbidden) -> None:
        """A private chat whose customer blocked the bot (or left Telegram); a group's 403 is raised."""
        if chat_id <= 0:
            raise exc
        if chat_id in self._blocked:
            return
        self._blocked.add(chat_id)
        log.info("chat %s: cannot write to the customer (%s); marked unreachable", chat_id, exc.description)
        await self._on_blocked(chat_id)
