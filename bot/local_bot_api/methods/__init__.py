"""The Bot API methods the local server answers, in one table, and the dispatch of a call.

Method names are case-insensitive, as in Telegram; an unknown one is 404 "Not Found". Every
call is counted and logged in :class:`~bot.local_bot_api.stats.ApiStats` and, answered or
refused, wakes whoever waits on the server's changes.
"""

from __future__ import annotations

from typing import Any

from bot.local_bot_api.backend import Backend
from bot.local_bot_api.errors import BotApiError, not_found
from bot.local_bot_api.methods import chats, editing, forum, polling, sending
from bot.local_bot_api.methods.common import Handler
from bot.local_bot_api.models import FileKind
from bot.local_bot_api.params import Params
from bot.local_bot_api.stats import ApiCall

METHODS: dict[str, Handler] = {
    "getMe": chats.get_me,
    "getUpdates": polling.get_updates,
    "setWebhook": polling.set_webhook,
    "deleteWebhook": polling.delete_webhook,
    "getWebhookInfo": polling.get_webhook_info,
    "sendMessage": sending.send_message,
    "sendDocument": sending.media_sender(FileKind.DOCUMENT),
    "sendPhoto": sending.media_sender(FileKind.PHOTO),
    "sendVoice": sending.media_sender(FileKind.VOICE),
    "sendSticker": sending.media_sender(FileKind.STICKER),
    "copyMessage": sending.copy_message,
    "forwardMessage": sending.forward_message,
    "sendChatAction": sending.send_chat_action,
    "editMessageText": editing.edit_message_text,
    "editMessageCaption": editing.edit_message_caption,
    "editMessageReplyMarkup": editing.edit_message_reply_markup,
    "deleteMessage": editing.delete_message,
    "answerCallbackQuery": editing.answer_callback_query,
    "getFile": chats.get_file,
    "getChat": chats.get_chat,
    "getChatMember": chats.get_chat_member,
    "setMyCommands": chats.set_my_commands,
    "getMyCommands": chats.get_my_commands,
    "deleteMyCommands": chats.delete_my_commands,
    "setChatMenuButton": chats.set_chat_menu_button,
    "getChatMenuButton": chats.get_chat_menu_button,
    "createForumTopic": forum.create_forum_topic,
    "editForumTopic": forum.edit_forum_topic,
    "closeForumTopic": forum.close_forum_topic,
    "reopenForumTopic": forum.reopen_forum_topic,
    "deleteForumTopic": forum.delete_forum_topic,
}
_BY_LOWER_NAME = {name.lower(): name for name in METHODS}


async def call(backend: Backend, method: str, params: Params) -> Any:
    """The result of ``method``; raises :class:`BotApiError` with Telegram's refusal."""
    name = _BY_LOWER_NAME.get(method.lower(), method)
    status, description = 500, None
    try:
        handler = METHODS.get(name)
        if handler is None:
            raise not_found()
        planned = backend.faults.take(name)
        if planned is not None:
            raise planned
        await backend.faults.gate(name)
        result = await handler(backend, params)
        status = 200
        return result
    except BotApiError as error:
        status, description = error.status, error.description
        raise
    finally:
        backend.stats.record(ApiCall(name, params.summary(), status, description))
        await backend.changes.notify()
