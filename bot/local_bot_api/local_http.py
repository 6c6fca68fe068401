"""``/_local``: a small JSON layer over the user side, for the web chat page of the playground.

- ``GET /_local/chats``: every chat, with its person or title and its topics;
- ``POST /_local/users`` ``{"first_name", "id"?, "username"?, "language_code"?}``: a person and
  their chat with the bot;
- ``POST /_local/users/{id}`` ``{"language_code"}``: the language their Telegram app reports
  from now on (``null`` for none);
- ``GET /_local/chats/{id}/messages?since=V&timeout=S``: the messages changed after version
  ``V``, waiting up to ``S`` seconds for one;
- ``POST /_local/chats/{id}/messages`` ``{"user_id", "text", "thread_id"?, "reply_to_message_id"?}``;
- ``POST /_local/chats/{id}/documents``, multipart ``user_id``, ``file``, ``caption``?, ``thread_id``?;
- ``POST /_local/chats/{id}/press`` ``{"user_id", "message_id", "callback_data"}`` →
  ``{"callback_query_id"}``;
- ``GET /_local/callbacks/{id}?timeout=S``: the bot's answer to that press, once given;
- ``GET /_local/files/{file_id}``: a file's bytes, with its name.

A feed answer's ``version`` is the ``since`` of the next request; edits and deletions come back
as the changed message (``deleted`` true). Mistakes are answered 400/404 with ``{"error": …}``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.helpers import content_disposition_header

from bot.local_bot_api import people, wire
from bot.local_bot_api.backend import BACKEND, Backend
from bot.local_bot_api.models import Chat, FileKind, JsonObject, Message, StoredFile, User
from bot.local_bot_api.params import read_multipart

MAX_WAIT_SECONDS = 60.0
LocalHandler = Callable[[web.Request, Backend], Awaitable[Any]]


class _Refusal(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def add_local_routes(app: web.Application) -> None:
    routes: list[tuple[str, str, LocalHandler]] = [
        ("GET", "/_local/chats", _list_chats),
        ("POST", "/_local/users", _create_user),
        ("POST", "/_local/users/{user_id}", _update_user),
        ("GET", "/_local/chats/{chat_id}/messages", _messages),
        ("POST", "/_local/chats/{chat_id}/messages", _send_text),
        ("POST", "/_local/chats/{chat_id}/documents", _send_document),
        ("POST", "/_local/chats/{chat_id}/press", _press),
        ("GET", "/_local/callbacks/{query_id}", _callback_answer),
    ]
    for verb, path, handler in routes:
        app.router.add_route(verb, path, _json_route(handler))
    app.router.add_get("/_local/files/{file_id}", _download)


def _json_route(handler: LocalHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def route(request: web.Request) -> web.Response:
        try:
            body = await handler(request, request.app[BACKEND])
        except _Refusal as refusal:
            return web.json_response({"error": str(refusal)}, status=refusal.status)
        except ValueError as error:
            return web.json_response({"error": str(error)}, status=400)
        return web.json_response(body, dumps=lambda v: json.dumps(v, ensure_ascii=False))

    return route


def message_view(sent: Message) -> JsonObject:
    """A message as the web page draws it."""
    content = sent.content
    return {
        "id": sent.message_id,
        "version": sent.version,
        "from": wire.user(sent.sender),
        "date": sent.date,
        "thread_id": sent.thread_id,
        "reply_to_message_id": sent.reply_to.message_id if sent.reply_to else None,
        "text": content.text,
        "caption": content.caption,
        "parse_mode": content.parse_mode,
        "visible_text": content.visible,
        "entities": list(content.entities),
        "media": _media_view(content.media) if content.media else None,
        "reply_markup": content.reply_markup,
        "service": content.service,
        "forward_origin": sent.forward_origin,
        "edit_count": len(sent.history),
        "deleted": sent.deleted,
    }


def _media_view(stored: StoredFile) -> JsonObject:
    return {
        "kind": stored.kind.value,
        "file_id": stored.file_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "size": stored.size,
        "url": f"/_local/files/{stored.file_id}",
    }


def _chat_view(room: Chat) -> JsonObject:
    return {
        **wire.chat(room),
        "person": wire.user(room.person) if room.person else None,
        "topics": [{**wire.topic(t), "closed": t.closed} for t in room.topics.values()],
        "reply_keyboard": room.reply_keyboard,
    }


async def _list_chats(request: web.Request, backend: Backend) -> Any:
    return {"chats": [_chat_view(room) for room in backend.world.chats.values()]}


async def _create_user(request: web.Request, backend: Backend) -> Any:
    body = await _body(request)
    person = backend.world.add_user(
        str(body.get("first_name") or "Guest"),
        user_id=_optional_int(body.get("id")),
        username=body.get("username"),
        language_code=body.get("language_code"),
    )
    return {"user": wire.user(person), "chat": _chat_view(backend.world.private_chat(person))}


async def _update_user(request: web.Request, backend: Backend) -> Any:
    body = await _body(request)
    person = _user(backend, request.match_info["user_id"])
    if "language_code" in body:
        code = body["language_code"]
        if code is not None and not isinstance(code, str):
            raise ValueError("language_code must be a string or null")
        person.language_code = code or None
    return {"user": wire.user(person)}


async def _messages(request: web.Request, backend: Backend) -> Any:
    room = _chat(request, backend)
    since = _optional_int(request.query.get("since")) or 0
    timeout = min(float(request.query.get("timeout") or 0), MAX_WAIT_SECONDS)
    world = backend.world
    if timeout > 0:
        with contextlib.suppress(TimeoutError):
            await backend.changes.wait_until(
                lambda: any(m.version > since for m in room.messages.values()) or backend.changes.closing,
                timeout,
            )
    return {
        "version": world.version,
        "messages": [message_view(m) for m in world.changed_since(room, since)],
        "chat": _chat_view(room),
    }


async def _send_text(request: web.Request, backend: Backend) -> Any:
    room = _chat(request, backend)
    body = await _body(request)
    reply_to = backend.world.live_message(room, _optional_int(body.get("reply_to_message_id")))
    sent = await people.say(
        backend,
        _user(backend, body.get("user_id")),
        people.text_content(str(body.get("text") or "")),
        room,
        thread_id=_optional_int(body.get("thread_id")),
        reply_to=reply_to,
    )
    return message_view(sent)


async def _send_document(request: web.Request, backend: Backend) -> Any:
    room = _chat(request, backend)
    values, uploads = await read_multipart(await request.multipart())
    upload = uploads.get("file")
    if upload is None:
        raise ValueError("a multipart field named 'file' is required")
    stored = people.upload(
        backend.world,
        FileKind.DOCUMENT,
        upload.data,
        file_name=upload.filename,
        mime_type=upload.content_type,
    )
    content = people.media_content(stored, values.get("caption"))
    person = _user(backend, values.get("user_id"))
    sent = await people.say(backend, person, content, room, thread_id=_optional_int(values.get("thread_id")))
    return message_view(sent)


async def _press(request: web.Request, backend: Backend) -> Any:
    room = _chat(request, backend)
    body = await _body(request)
    sent = room.messages.get(_optional_int(body.get("message_id")) or 0)
    if sent is None:
        raise _Refusal(404, "no such message")
    query = await people.press(
        backend, _user(backend, body.get("user_id")), sent, str(body.get("callback_data"))
    )
    return {"callback_query_id": query.id}


async def _callback_answer(request: web.Request, backend: Backend) -> Any:
    query = backend.world.queries.get(request.match_info["query_id"])
    if query is None:
        raise _Refusal(404, "no such callback query")
    timeout = min(float(request.query.get("timeout") or 0), MAX_WAIT_SECONDS)
    if timeout > 0 and query.answer is None:
        with contextlib.suppress(TimeoutError):
            await backend.changes.wait_until(lambda: query.answer or backend.changes.closing, timeout)
    answer = query.answer
    if answer is None:
        return {"answered": False}
    return {"answered": True, "text": answer.text, "show_alert": answer.show_alert, "url": answer.url}


async def _download(request: web.Request) -> web.StreamResponse:
    stored = request.app[BACKEND].world.files.get(request.match_info["file_id"])
    if stored is None:
        return web.json_response({"error": "no such file"}, status=404)
    name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
    return web.Response(
        body=stored.data,
        content_type=stored.mime_type or "application/octet-stream",
        headers={"Content-Disposition": content_disposition_header("attachment", filename=name)},
    )


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ValueError("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _optional_int(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | str):
        return int(value)
    raise ValueError(f"{value!r} is not a number")


def _chat(request: web.Request, backend: Backend) -> Chat:
    room = backend.world.find_chat(request.match_info["chat_id"])
    if room is None:
        raise _Refusal(404, "no such chat")
    return room


def _user(backend: Backend, user_id: object) -> User:
    person = backend.world.users.get(_optional_int(user_id) or 0)
    if person is None or person.is_bot:
        raise _Refusal(404, "no such user")
    return person
