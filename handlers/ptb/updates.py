"""python-telegram-bot's updates as the shared views (handlers/incoming.py): a Message or
CallbackQuery copied, a webhook's JSON parsed, and the chat whose order an update keeps."""

from __future__ import annotations

from telegram import Bot, CallbackQuery, Message, Update, User
from telegram.helpers import effective_message_type

from handlers.incoming import IncomingMessage, IncomingTap, Sender
from handlers.ordered_feed import chat_key as chat_key  # the feed's, for either framework


def sender_of(user: User) -> Sender:
    return Sender(user.id, user.first_name, user.last_name, user.username, user.language_code, user.is_bot)


def message_view(message: Message) -> IncomingMessage:
    user, replied = message.from_user, message.reply_to_message
    return IncomingMessage(
        chat_id=message.chat.id,
        chat_type=message.chat.type,
        message_id=message.message_id,
        sender=sender_of(user) if user is not None else None,
        text=message.text,
        caption=message.caption,
        content_type=effective_message_type(message) or "unknown",
        has_sticker=message.sticker is not None,
        has_document=message.document is not None,
        document_name=message.document.file_name if message.document is not None else None,
        reply_to=replied.message_id if replied is not None else None,
        topic_thread=message.message_thread_id if message.is_topic_message else None,
        sender_chat_title=message.sender_chat.title if message.sender_chat is not None else None,
    )


def tap_view(query: CallbackQuery) -> IncomingTap:
    message = query.message
    return IncomingTap(
        query.id,
        sender_of(query.from_user),
        query.data,
        message.chat.type if message is not None else None,
        message.message_id if message is not None else None,
    )


def parse_update(bot: Bot, body: object) -> Update | None:
    """A webhook's JSON as an Update; None if it is not one. PTB checks no types while it reads,
    so the update id is checked here and anything it raises on a malformed body means "not an
    update"."""
    if not isinstance(body, dict) or type(body.get("update_id")) is not int:
        return None
    try:
        return Update.de_json(body, bot)
    except Exception:
        return None
