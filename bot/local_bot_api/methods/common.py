"""What several methods share: finding the chat, the message and the topic a call names, the
checks Telegram makes before a message goes out, and posting it (flood control included)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.local_bot_api.backend import Backend
from bot.local_bot_api.errors import (
    BLOCKED,
    CHAT_NOT_FOUND,
    THREAD_NOT_FOUND,
    bad_request,
    forbidden,
)
from bot.local_bot_api.formatting import MarkupError, compose, utf16_length
from bot.local_bot_api.markup import parse_reply_markup
from bot.local_bot_api.models import Chat, Content, JsonObject, Message, StoredFile
from bot.local_bot_api.params import Params

Handler = Callable[[Backend, Params], Awaitable[Any]]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


def chat_of(backend: Backend, params: Params, name: str = "chat_id") -> Chat:
    ref = params.text(name)
    if ref is None:
        raise bad_request(f"{name} is empty")
    room = backend.world.find_chat(ref)
    if room is None:
        raise bad_request(CHAT_NOT_FOUND)
    return room


def target(backend: Backend, params: Params, name: str = "chat_id") -> Chat:
    """The chat a send goes to, refused as Telegram does when the bot may not write there."""
    room = chat_of(backend, params, name)
    writable(backend, room)
    return room


def writable(backend: Backend, room: Chat) -> None:
    if room.is_private:
        if room.bot_blocked:
            raise forbidden(BLOCKED)
        if not room.started:
            raise forbidden("bot can't initiate conversation with a user")
    elif not room.status_of(backend.world.bot.id).is_present:
        raise forbidden("bot is not a member of the supergroup chat")


def message_id_of(params: Params) -> int:
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    return message_id


def markup_of(params: Params) -> JsonObject | None:
    return parse_reply_markup(params.json("reply_markup", "can't parse reply keyboard markup JSON object"))


def content_of(
    params: Params,
    *,
    text: str | None = None,
    caption: str | None = None,
    media: StoredFile | None = None,
    markup: JsonObject | None = None,
) -> Content:
    """The content a send or an edit asks for, its markup parsed and its length checked."""
    entities = params.json("caption_entities" if text is None else "entities")
    try:
        content = compose(
            text=text,
            caption=caption,
            parse_mode=params.text("parse_mode"),
            entities=entities if isinstance(entities, list) else None,
            media=media,
            reply_markup=markup,
        )
    except MarkupError as error:
        raise bad_request(str(error)) from None
    visible = content.visible or ""
    if text is not None and not visible.strip():
        raise bad_request("message text is empty")
    if text is not None and utf16_length(visible) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    if caption is not None and utf16_length(visible) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return content


def thread_of(room: Chat, params: Params) -> int | None:
    """The open forum topic ``message_thread_id`` names (ignored outside forums)."""
    thread_id = params.integer("message_thread_id")
    if thread_id is None or not room.is_forum:
        return None
    topic = room.topics.get(thread_id)
    if topic is None:
        raise bad_request(THREAD_NOT_FOUND)
    if topic.closed:
        raise bad_request("TOPIC_CLOSED")
    return thread_id


def reply_target(backend: Backend, room: Chat, params: Params) -> Message | None:
    """The message replied to through ``reply_parameters`` or ``reply_to_message_id``."""
    reply = params.json("reply_parameters", "can't parse reply parameters JSON object")
    if isinstance(reply, dict):
        message_id, allow_without = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
    else:
        message_id = params.integer("reply_to_message_id")
        allow_without = params.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    target = backend.world.live_message(room, message_id if isinstance(message_id, int) else None)
    if target is None and not allow_without:
        raise bad_request("message to be replied not found")
    return target


def deliver(
    backend: Backend,
    room: Chat,
    params: Params,
    content: Content,
    *,
    forward_origin: JsonObject | None = None,
) -> Message:
    """Post the bot's message into ``target()``'s chat where the call says: topic, reply, flood
    control, then the message."""
    thread_id = thread_of(room, params)
    reply_to = reply_target(backend, room, params)
    if thread_id is None and reply_to is not None and reply_to.thread_id is not None:
        thread_id = thread_of(room, Params({"message_thread_id": reply_to.thread_id}))
    backend.flood.admit(room.id, private=room.is_private)
    return backend.world.post(
        room,
        backend.world.bot,
        content,
        thread_id=thread_id,
        reply_to=reply_to,
        forward_origin=forward_origin,
    )


def own_message(backend: Backend, params: Params, missing: str) -> Message:
    """The bot's message an edit names."""
    if params.text("inline_message_id") is not None:
        raise bad_request("MESSAGE_ID_INVALID")
    room = chat_of(backend, params)
    sent = backend.world.live_message(room, message_id_of(params))
    if sent is None:
        raise bad_request(missing)
    if sent.sender is not backend.world.bot:
        raise bad_request("message can't be edited")
    if room.is_private and room.bot_blocked:
        raise forbidden(BLOCKED)
    return sent
