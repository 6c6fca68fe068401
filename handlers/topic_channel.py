"""`SupportChannel` over an adapter's `BotCalls`: forum topics of the support group, copies of
messages both ways, and who belongs to the group, the same for every framework.

Telegram's answers the desk acts on: a topic closed or deleted by a person ("TOPIC_CLOSED",
"message thread not found", "TOPIC_ID_INVALID", "TOPIC_DELETED") is `TopicUnavailable`;
"TOPIC_NOT_MODIFIED" on reopen or close is success; a private chat that blocked the bot (403)
makes a copy or an edit return None/False and is reported to `on_blocked`, like the messenger
does; an edit Telegram refuses otherwise (message gone, text unchanged) is only logged.
"""

from __future__ import annotations

import logging

from handlers.bot_calls import BadRequest, BotCalls, Forbidden
from handlers.outbound import OnBlocked, nobody_told
from handlers.support_channel import SupportGroupUnavailable, TopicUnavailable

log = logging.getLogger(__name__)

TOPIC_GONE = ("TOPIC_CLOSED", "message thread not found", "TOPIC_ID_INVALID", "TOPIC_DELETED")
NOT_MODIFIED = "TOPIC_NOT_MODIFIED"
AGENTS = frozenset({"creator", "administrator", "member"})


def _topic_error(exc: BadRequest) -> Exception:
    return TopicUnavailable(exc.description) if exc.mentions(*TOPIC_GONE) else exc


class TopicChannel:
    def __init__(self, calls: BotCalls, on_blocked: OnBlocked = nobody_told) -> None:
        self._calls = calls
        self._on_blocked = on_blocked

    async def create_topic(self, chat_id: int, name: str) -> int:
        try:
            return await self._calls.create_topic(chat_id, name)
        except (BadRequest, Forbidden) as exc:
            raise SupportGroupUnavailable(exc.description) from exc

    async def reopen_topic(self, chat_id: int, thread_id: int) -> None:
        try:
            await self._calls.reopen_topic(chat_id, thread_id)
        except BadRequest as exc:
            if not exc.mentions(NOT_MODIFIED):
                raise _topic_error(exc) from exc

    async def close_topic(self, chat_id: int, thread_id: int) -> None:
        try:
            await self._calls.close_topic(chat_id, thread_id)
        except BadRequest as exc:
            if not exc.mentions(NOT_MODIFIED, *TOPIC_GONE):
                raise

    async def post(self, chat_id: int, thread_id: int, text: str) -> int:
        try:
            return await self._calls.send_message(chat_id, text, thread_id=thread_id)
        except BadRequest as exc:
            raise _topic_error(exc) from exc

    async def copy(
        self, to_chat: int, from_chat: int, message_id: int, *, thread_id: int | None, reply_to: int | None
    ) -> int | None:
        try:
            return await self._calls.copy_message(
                to_chat, from_chat, message_id, thread_id=thread_id, reply_to=reply_to
            )
        except Forbidden as exc:
            await self._blocked(to_chat, exc)
            return None
        except BadRequest as exc:
            raise _topic_error(exc) from exc

    async def _blocked(self, chat_id: int, refusal: Forbidden) -> None:
        """A 403: a customer who blocked the bot is told to `on_blocked`; the support group's
        refusal (the bot removed from it) is raised."""
        if chat_id <= 0:
            raise refusal
        await self._on_blocked(chat_id)

    async def edit(self, chat_id: int, message_id: int, text: str, *, caption: bool) -> bool:
        try:
            if caption:
                await self._calls.edit_caption(chat_id, message_id, text)
            else:
                await self._calls.edit_text(chat_id, message_id, text)
        except Forbidden as exc:
            await self._blocked(chat_id, exc)
            return False
        except BadRequest as exc:
            log.info("edit of message %s in chat %s refused: %s", message_id, chat_id, exc.description)
        return True

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        try:
            status = await self._calls.member_status(chat_id, user_id)
        except BadRequest:
            return False
        return status in AGENTS
