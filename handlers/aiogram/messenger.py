"""`Messenger` over an aiogram Bot.

A customer who blocked the bot answers every call with 403 (`TelegramForbiddenError`): the
turn goes on without the message, `on_blocked` is told once (until a message to that chat goes
through again), and a send returns `NOT_SHOWN` in place of a message id.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from conversations import AnswerCallback, EditMessage, Keyboard, SendMessage
from handlers.keyboard_json import inline_keyboard

log = logging.getLogger(__name__)

OnBlocked = Callable[[int], Awaitable[None]]

NOT_SHOWN = 0
"""The "message id" of a message a blocked chat never got (Telegram's ids start at 1, so a later
edit of it fails and the screen is sent anew)."""


async def nobody_told(chat_id: int) -> None:
    """No one to tell of a blocked chat (tests, tools)."""


def inline_markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.model_validate(inline_keyboard(keyboard)) if keyboard else None


class AiogramMessenger:
    def __init__(self, bot: Bot, on_blocked: OnBlocked = nobody_told) -> None:
        self._bot = bot
        self._on_blocked = on_blocked
        self._blocked: set[int] = set()

    async def send(self, chat_id: int, message: SendMessage) -> int:
        try:
            sent = await self._bot.send_message(
                chat_id,
                message.text,
                reply_markup=inline_markup(message.keyboard),
                parse_mode=message.parse_mode,
            )
        except TelegramForbiddenError as exc:
            await self._unreachable(chat_id, exc)
            return NOT_SHOWN
        self._blocked.discard(chat_id)
        return sent.message_id

    async def edit(self, chat_id: int, message: EditMessage) -> int | None:
        try:
            await self._bot.edit_message_text(
                text=message.text,
                chat_id=chat_id,
                message_id=message.message_id,
                reply_markup=inline_markup(message.keyboard),
                parse_mode=message.parse_mode,
            )
        except TelegramForbiddenError as exc:
            await self._unreachable(chat_id, exc)
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return None
            # Too old to edit, or deleted: show the screen as a new message instead.
            log.info(
                "chat %s: cannot edit message %s (%s); sent anew", chat_id, message.message_id, exc.message
            )
            return await self.send(chat_id, SendMessage(message.text, message.keyboard, message.parse_mode))
        return None

    async def answer(self, callback_id: str, answer: AnswerCallback) -> None:
        try:
            await self._bot.answer_callback_query(callback_id, text=answer.text, show_alert=answer.alert)
        except TelegramBadRequest as exc:  # "query is too old" after a restart: the tap still counts
            log.info("callback %s not answered: %s", callback_id, exc.message)

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        try:
            await self._bot.send_document(chat_id, BufferedInputFile(data, filename), caption=caption)
        except TelegramForbiddenError as exc:
            await self._unreachable(chat_id, exc)
            return
        self._blocked.discard(chat_id)

    async def _unreachable(self, chat_id: int, exc: TelegramForbiddenError) -> None:
        """A private chat whose customer blocked the bot (or left Telegram); a group's 403 is raised."""
        if chat_id <= 0:
            raise exc
        if chat_id in self._blocked:
            return
        self._blocked.add(chat_id)
        log.info("chat %s: cannot write to the customer (%s); marked unreachable", chat_id, exc.message)
        await self._on_blocked(chat_id)
