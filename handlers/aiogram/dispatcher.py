"""The aiogram Bot and Dispatcher of `cleeksy-bot run`: private chats go to the conversation,
the support group's messages to the support desk, and edits on either side to the desk; an
operator's /broadcast and its buttons to the admin handler.

`TELEGRAM_API_BASE` is honoured, so a self-hosted or local Bot API server works the same as
api.telegram.org. Every call the bot makes goes through `RetryRequests` (429s and transient
errors retried). Updates reach the dispatcher through `UpdateFeed`, each chat's in order, and
the conversation runtime keeps one update per chat at a time.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery, Message

from handlers.admin_broadcast import AdminBroadcasts
from handlers.aiogram.response_types import keep_response_types
from handlers.aiogram.retries import RetryRequests
from handlers.aiogram.support_channel import agent_post
from handlers.aiogram.updates import chat_of, event_of_callback, event_of_message
from handlers.conversation_runtime import ConversationRuntime
from handlers.support_desk import SupportDesk

log = logging.getLogger(__name__)


def make_bot(token: str, api_base: str, retries: RetryRequests | None = None) -> Bot:
    """A bot calling `api_base`, its calls retried by `retries` (the default policy if None)."""
    keep_response_types()
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
    session.middleware(retries or RetryRequests())
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=None))


def make_dispatcher(
    runtime: ConversationRuntime, desk: SupportDesk | None = None, admin: AdminBroadcasts | None = None
) -> Dispatcher:
    router = Router(name="conversation")

    @router.message()
    async def on_message(message: Message) -> None:
        # Checked here rather than by a magic filter, which aiogram runs in a worker thread.
        if message.chat.type == ChatType.SUPERGROUP and desk is not None:
            await desk.on_agent_post(agent_post(message))
            return
        user = message.from_user
        if message.chat.type != ChatType.PRIVATE or user is None or user.is_bot:
            return
        if admin is not None and admin.is_command(user.id, message.text):
            assert message.text is not None
            await admin.on_command(chat_of(user), message.text)
            return
        await runtime.on_event(chat_of(user), event_of_message(message))

    @router.edited_message()
    async def on_edit(message: Message) -> None:
        """Edits matter only to the support desk: a copy on the other side is edited too."""
        if desk is None:
            return
        if message.chat.type == ChatType.SUPERGROUP:
            await desk.on_agent_edit(agent_post(message))
        elif message.chat.type == ChatType.PRIVATE and message.from_user and not message.from_user.is_bot:
            text = message.text if message.text is not None else message.caption
            await desk.customer_edited(
                chat_of(message.from_user), message.message_id, text, caption=message.text is None
            )

    @router.callback_query()
    async def on_button(query: CallbackQuery) -> None:
        if query.message is None or query.message.chat.type != ChatType.PRIVATE:
            await query.answer()
            return
        if admin is not None and admin.is_button(query.from_user.id, query.data):
            assert query.data is not None
            await admin.on_button(chat_of(query.from_user), query.id, query.data, query.message.message_id)
            return
        await runtime.on_event(chat_of(query.from_user), event_of_callback(query), callback_id=query.id)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher
