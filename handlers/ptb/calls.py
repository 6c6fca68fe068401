"""`BotCalls` over python-telegram-bot's bot: the shared keyboard mapping
(handlers/keyboard_json.py) read into PTB's markup, and PTB's refusals (400, 401, 403) raised as
handlers/bot_calls.py's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from telegram import BotCommand, BotCommandScopeDefault, InlineKeyboardMarkup, ReplyParameters
from telegram import error as tg
from telegram.ext import ExtBot

from conversations import Keyboard
from handlers.bot_calls import BadRequest, Forbidden, Unauthorized
from handlers.commands import MenuCommand
from handlers.keyboard_json import inline_keyboard


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json(inline_keyboard(keyboard), None) if keyboard else None


@contextmanager
def refusals() -> Iterator[None]:
    """PTB's refusals inside the block, raised as handlers/bot_calls.py's."""
    try:
        yield
    except tg.BadRequest as exc:
        raise BadRequest(exc.message) from exc
    except tg.Forbidden as exc:
        raise Forbidden(exc.message) from exc
    except tg.InvalidToken as exc:
        raise Unauthorized(exc.message) from exc


class PtbCalls:
    def __init__(self, bot: ExtBot[None]) -> None:
        self.bot = bot

    async def send_message(
        self,
        chat_id: int,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        parse_mode: str | None = None,
        thread_id: int | None = None,
    ) -> int:
        with refusals():
            sent = await self.bot.send_message(
                chat_id,
                text,
                reply_markup=markup(keyboard),
                parse_mode=parse_mode,
                message_thread_id=thread_id,
            )
        return sent.message_id

    async def edit_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        parse_mode: str | None = None,
    ) -> None:
        with refusals():
            await self.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=markup(keyboard),
                parse_mode=parse_mode,
            )

    async def edit_caption(self, chat_id: int, message_id: int, caption: str) -> None:
        with refusals():
            await self.bot.edit_message_caption(chat_id=chat_id, message_id=message_id, caption=caption)

    async def answer_callback(self, callback_id: str, text: str | None = None, alert: bool = False) -> None:
        with refusals():
            await self.bot.answer_callback_query(callback_id, text=text, show_alert=alert)

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> int:
        with refusals():
            sent = await self.bot.send_document(chat_id, data, filename=filename, caption=caption)
        return sent.message_id

    async def copy_message(
        self, to_chat: int, from_chat: int, message_id: int, *, thread_id: int | None, reply_to: int | None
    ) -> int:
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        with refusals():
            copied = await self.bot.copy_message(
                to_chat, from_chat, message_id, message_thread_id=thread_id, reply_parameters=reply
            )
        return copied.message_id

    async def create_topic(self, chat_id: int, name: str) -> int:
        with refusals():
            topic = await self.bot.create_forum_topic(chat_id, name)
        return topic.message_thread_id

    async def reopen_topic(self, chat_id: int, thread_id: int) -> None:
        with refusals():
            await self.bot.reopen_forum_topic(chat_id, thread_id)

    async def close_topic(self, chat_id: int, thread_id: int) -> None:
        with refusals():
            await self.bot.close_forum_topic(chat_id, thread_id)

    async def member_status(self, chat_id: int, user_id: int) -> str:
        with refusals():
            member = await self.bot.get_chat_member(chat_id, user_id)
        return member.status

    async def set_commands(self, commands: Sequence[MenuCommand], language_code: str | None = None) -> None:
        menu = [BotCommand(c.name, c.description) for c in commands]
        with refusals():
            await self.bot.set_my_commands(menu, scope=BotCommandScopeDefault(), language_code=language_code)

    async def set_webhook(self, url: str, secret: str, allowed_updates: Sequence[str]) -> None:
        with refusals():
            await self.bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates)

    async def delete_webhook(self) -> None:
        with refusals():
            await self.bot.delete_webhook()
