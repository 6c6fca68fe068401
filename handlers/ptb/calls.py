"""`BotCalls` over python-telegram-bot's bot: the calls made on every update straight as JSON
(handlers/json_calls.py), the others through PTB, its refusals (400, 401, 403) raised as
handlers/bot_calls.py's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from telegram import BotCommand, BotCommandScopeDefault, ReplyParameters
from telegram import error as tg
from telegram.ext import ExtBot

from handlers.bot_api_json import JsonBotApi
from handlers.bot_calls import BadRequest, Forbidden, Unauthorized
from handlers.commands import MenuCommand
from handlers.json_calls import JsonCalls


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


class PtbCalls(JsonCalls):
    def __init__(self, bot: ExtBot[None], api: JsonBotApi) -> None:
        super().__init__(api)
        self.bot = bot

    async def edit_caption(self, chat_id: int, message_id: int, caption: str) -> None:
        with refusals():
            await self.bot.edit_message_caption(chat_id=chat_id, message_id=message_id, caption=caption)

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
