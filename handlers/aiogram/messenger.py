"""`Messenger` over an aiogram Bot."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

from conversations import AnswerCallback, EditMessage, Keyboard, SendMessage
from handlers.keyboard_json import inline_keyboard

log = logging.getLogger(__name__)


def _markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.model_validate(inline_keyboard(keyboard)) if keyboard else None


class AiogramMessenger:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, chat_id: int, message: SendMessage) -> int:
        sent = await self._bot.send_message(
            chat_id, message.text, reply_markup=_markup(message.keyboard), parse_mode=message.parse_mode
        )
        return sent.message_id

    async def edit(self, chat_id: int, message: EditMessage) -> None:
        try:
            await self._bot.edit_message_text(
                text=message.text,
                chat_id=chat_id,
                message_id=message.message_id,
                reply_markup=_markup(message.keyboard),
                parse_mode=message.parse_mode,
            )
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return
            # Too old to edit, or deleted: show the screen as a new message instead.
            log.info(
                "chat %s: cannot edit message %s (%s); sent anew", chat_id, message.message_id, exc.message
            )
            await self.send(chat_id, SendMessage(message.text, message.keyboard, message.parse_mode))

    async def answer(self, callback_id: str, answer: AnswerCallback) -> None:
        try:
            await self._bot.answer_callback_query(callback_id, text=answer.text, show_alert=answer.alert)
        except TelegramBadRequest as exc:  # "query is too old" after a restart: the tap still counts
            log.info("callback %s not answered: %s", callback_id, exc.message)
