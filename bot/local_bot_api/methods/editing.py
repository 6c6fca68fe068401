"""Methods that change or remove what is already in a chat: the edits, deleteMessage, and
answerCallbackQuery. An edit that changes nothing a reader sees is refused ("message is not
modified"); an edit without ``reply_markup`` removes the inline keyboard, as in Telegram."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.local_bot_api import wire
from bot.local_bot_api.backend import Backend
from bot.local_bot_api.errors import NOT_MODIFIED, QUERY_INVALID, bad_request
from bot.local_bot_api.markup import inline_only
from bot.local_bot_api.methods.common import chat_of, content_of, markup_of, message_id_of, own_message
from bot.local_bot_api.models import CallbackAnswer, Content, Message
from bot.local_bot_api.params import Params

_TO_EDIT_NOT_FOUND = "message to edit not found"


def _apply(backend: Backend, sent: Message, content: Content) -> Any:
    if sent.content.looks_like(content):
        raise bad_request(NOT_MODIFIED)
    backend.world.edit(sent, content)
    return wire.message(sent)


async def edit_message_text(backend: Backend, params: Params) -> Any:
    sent = own_message(backend, params, _TO_EDIT_NOT_FOUND)
    if sent.content.text is None:
        raise bad_request("there is no text in the message to edit")
    markup = inline_only(markup_of(params))
    return _apply(backend, sent, content_of(params, text=params.text("text") or "", markup=markup))


async def edit_message_caption(backend: Backend, params: Params) -> Any:
    sent = own_message(backend, params, _TO_EDIT_NOT_FOUND)
    if sent.content.media is None:
        raise bad_request("there is no caption in the message to edit")
    markup = inline_only(markup_of(params))
    content = content_of(params, caption=params.text("caption"), media=sent.content.media, markup=markup)
    return _apply(backend, sent, content)


async def edit_message_reply_markup(backend: Backend, params: Params) -> Any:
    sent = own_message(backend, params, _TO_EDIT_NOT_FOUND)
    markup = inline_only(markup_of(params))
    return _apply(backend, sent, dataclasses.replace(sent.content, reply_markup=markup))


async def delete_message(backend: Backend, params: Params) -> Any:
    room = chat_of(backend, params)
    world = backend.world
    sent = world.live_message(room, message_id_of(params))
    if sent is None:
        raise bad_request("message to delete not found")
    if not (sent.sender is world.bot or room.is_private or room.status_of(world.bot.id).is_admin):
        raise bad_request("message can't be deleted")
    world.delete(sent)
    return True


async def answer_callback_query(backend: Backend, params: Params) -> Any:
    query = backend.world.queries.get(params.text("callback_query_id") or "")
    if query is None or query.answer is not None:
        raise bad_request(QUERY_INVALID)
    query.answer = CallbackAnswer(
        text=params.text("text"),
        show_alert=params.flag("show_alert"),
        url=params.text("url"),
        cache_time=params.integer("cache_time") or 0,
    )
    return True
