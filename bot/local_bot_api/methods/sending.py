"""Methods that put a message into a chat: sendMessage, the media sends, copyMessage,
forwardMessage; and sendChatAction."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.local_bot_api import wire
from bot.local_bot_api.backend import Backend
from bot.local_bot_api.errors import bad_request
from bot.local_bot_api.files import STICKER_SIDE, image_size
from bot.local_bot_api.methods.common import (
    Handler,
    chat_of,
    content_of,
    deliver,
    markup_of,
    message_id_of,
    target,
    thread_of,
)
from bot.local_bot_api.models import FileKind, Message, StoredFile
from bot.local_bot_api.params import Params, Upload

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


async def send_message(backend: Backend, params: Params) -> Any:
    room = target(backend, params)
    content = content_of(params, text=params.text("text") or "", markup=markup_of(params))
    return wire.message(deliver(backend, room, params, content))


def media_sender(kind: FileKind) -> Handler:
    """sendDocument, sendPhoto, …: a new upload or an existing file_id, with an optional caption."""

    async def send(backend: Backend, params: Params) -> Any:
        room = target(backend, params)
        markup = markup_of(params)
        stored = _file_of(backend, params, kind)
        content = content_of(params, caption=params.text("caption"), media=stored, markup=markup)
        return wire.message(deliver(backend, room, params, content))

    return send


def _file_of(backend: Backend, params: Params, kind: FileKind) -> StoredFile:
    value = params.upload_or_id(kind.value)
    if value is None:
        raise bad_request(f"there is no {kind.value} in the request")
    if isinstance(value, Upload):
        return _store(backend, params, kind, value)
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = backend.world.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind is not kind:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


def _store(backend: Backend, params: Params, kind: FileKind, upload: Upload) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    width = height = 0
    if kind is FileKind.PHOTO:
        size = image_size(upload.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
    elif kind is FileKind.STICKER:
        width = height = STICKER_SIDE
    mime_type = upload.content_type if upload.content_type != "application/octet-stream" else None
    return backend.world.files.add(
        kind,
        upload.data,
        file_name=upload.filename if kind is FileKind.DOCUMENT else None,
        mime_type=mime_type,
        width=width,
        height=height,
        duration=params.integer("duration") or 0,
        emoji=params.text("emoji"),
    )


def _source(backend: Backend, params: Params, missing: str) -> Message:
    room = chat_of(backend, params, "from_chat_id")
    source = backend.world.live_message(room, message_id_of(params))
    if source is None:
        raise bad_request(missing)
    if source.content.service is not None:
        raise bad_request("message can't be copied")
    return source


async def copy_message(backend: Backend, params: Params) -> Any:
    room = target(backend, params)
    source = _source(backend, params, "message to copy not found")
    markup = markup_of(params)
    if source.media is not None and "caption" in params:
        content = content_of(params, caption=params.text("caption"), media=source.media, markup=markup)
    else:
        content = dataclasses.replace(source.content, reply_markup=markup)
    return {"message_id": deliver(backend, room, params, content).message_id}


async def forward_message(backend: Backend, params: Params) -> Any:
    room = target(backend, params)
    source = _source(backend, params, "message to forward not found")
    content = dataclasses.replace(source.content, reply_markup=None)
    sent = deliver(backend, room, params, content, forward_origin=wire.forward_origin(source))
    return wire.message(sent)


async def send_chat_action(backend: Backend, params: Params) -> Any:
    room = target(backend, params)
    action = params.text("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    backend.world.act(room, action, thread_of(room, params))
    return True
