"""`SupportChannel` over an aiogram Bot, and the support group's messages as `AgentPost`.

Telegram's answers the desk acts on: a topic closed or deleted by a person ("TOPIC_CLOSED",
"message thread not found", "TOPIC_ID_INVALID", "TOPIC_DELETED") is `TopicUnavailable`;
"TOPIC_NOT_MODIFIED" on reopen or close is success; a private chat that blocked the bot (403)
makes a copy or an edit return False/None and is reported to `on_blocked`, like the messenger
does; an edit Telegram refuses otherwise (message gone, text unchanged) is only logged.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import Message, ReplyParameters

from handlers.aiogram.messenger import OnBlocked, nobody_told
from handlers.support_channel import AgentPost, SupportGroupUnavailable, TopicUnavailable

log = logging.getLogger(__name__)

TOPIC_GONE = ("TOPIC_CLOSED", "message thread not found", "TOPIC_ID_INVALID", "TOPIC_DELETED")
NOT_MODIFIED = "TOPIC_NOT_MODIFIED"
AGENTS = frozenset({ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER})


def _bad_request(exc: TelegramBadRequest) -> Exception:
    if any(marker in exc.message for marker in TOPIC_GONE):
        return TopicUnavailable(exc.message)
    return exc


class AiogramSupportChannel:
    def __init__(self, bot: Bot, on_blocked: OnBlocked = nobody_told) -> None:
        self._bot = bot
        self._on_blocked = on_blocked

    async def create_topic(self, chat_id: int, name: str) -> int:
        try:
            topic = await self._bot.create_forum_topic(chat_id, name)
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            raise SupportGroupUnavailable(exc.message) from exc
        return topic.message_thread_id

    async def reopen_topic(self, chat_id: int, thread_id: int) -> None:
        try:
            await self._bot.reopen_forum_topic(chat_id, thread_id)
        except TelegramBadRequest as exc:
            if NOT_MODIFIED not in exc.message:
                raise _bad_request(exc) from exc

    async def close_topic(self, chat_id: int, thread_id: int) -> None:
        try:
            await self._bot.close_forum_topic(chat_id, thread_id)
        except TelegramBadRequest as exc:
            if NOT_MODIFIED not in exc.message and not isinstance(_bad_request(exc), TopicUnavailable):
                raise

    async def post(self, chat_id: int, thread_id: int, text: str) -> int:
        try:
            sent = await self._bot.send_message(chat_id, text, message_thread_id=thread_id)
        except TelegramBadRequest as exc:
            raise _bad_request(exc) from exc
        return sent.message_id

    async def copy(
        self, to_chat: int, from_chat: int, message_id: int, *, thread_id: int | None, reply_to: int | None
    ) -> int | None:
        reply = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        try:
            copied = await self._bot.copy_message(
                to_chat, from_chat, message_id, message_thread_id=thread_id, reply_parameters=reply
            )
        except TelegramForbiddenError:
            if to_chat <= 0:
                raise
            await self._on_blocked(to_chat)
            return None
        except TelegramBadRequest as exc:
            raise _bad_request(exc) from exc
        return copied.message_id

    async def edit(self, chat_id: int, message_id: int, text: str, *, caption: bool) -> bool:
        try:
            if caption:
                await self._bot.edit_message_caption(chat_id=chat_id, message_id=message_id, caption=text)
            else:
                await self._bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
        except TelegramForbiddenError:
            if chat_id <= 0:
                raise
            await self._on_blocked(chat_id)
            return False
        except TelegramBadRequest as exc:
            log.info("edit of message %s in chat %s refused: %s", message_id, chat_id, exc.message)
        return True

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        try:
            member = await self._bot.get_chat_member(chat_id, user_id)
        except TelegramBadRequest:
            return False
        return member.status in AGENTS


def agent_post(message: Message) -> AgentPost:
    """A group message as the desk reads it (a reply to the topic's first message is none)."""
    user = message.from_user
    name = (
        " ".join(part for part in (user.first_name, user.last_name) if part)
        if user is not None
        else (message.sender_chat.title or "")
        if message.sender_chat is not None
        else ""
    )
    reply = message.reply_to_message
    thread_id = message.message_thread_id if message.is_topic_message else None
    reply_to = reply.message_id if reply is not None and reply.message_id != thread_id else None
    return AgentPost(
        chat_id=message.chat.id,
        thread_id=thread_id,
        message_id=message.message_id,
        user_id=user.id if user is not None else None,
        name=name,
        is_bot=user is not None and user.is_bot,
        text=message.text if message.text is not None else message.caption,
        reply_to=reply_to,
        is_caption=message.text is None,
    )
