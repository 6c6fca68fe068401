"""Forum topics of a supergroup with topics on: create, edit, close, reopen, delete. Only an
administrator bot may manage them; each change is also a service message in the topic."""

from __future__ import annotations

from typing import Any

from bot.local_bot_api import wire
from bot.local_bot_api.backend import Backend
from bot.local_bot_api.errors import bad_request
from bot.local_bot_api.methods.common import chat_of
from bot.local_bot_api.models import Chat, JsonObject, Topic
from bot.local_bot_api.params import Params

ICON_COLORS = frozenset({0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F})
DEFAULT_ICON_COLOR = 0x6FB9F0
MAX_NAME_LENGTH = 128
_NOT_MODIFIED = "TOPIC_NOT_MODIFIED"


def _forum(backend: Backend, params: Params) -> Chat:
    room = chat_of(backend, params)
    if not room.is_forum:
        raise bad_request("the chat is not a forum")
    if not room.status_of(backend.world.bot.id).is_admin:
        raise bad_request("not enough rights to manage topics")
    return room


def _topic(room: Chat, params: Params) -> Topic:
    topic = room.topics.get(params.integer("message_thread_id") or 0)
    if topic is None:
        raise bad_request("TOPIC_ID_INVALID")
    return topic


def _name(params: Params) -> str | None:
    name = params.text("name")
    if name is not None and len(name) > MAX_NAME_LENGTH:
        raise bad_request("TOPIC_TITLE_INVALID")
    return name


async def create_forum_topic(backend: Backend, params: Params) -> Any:
    room = _forum(backend, params)
    name = _name(params)
    if not name:
        raise bad_request("TOPIC_TITLE_EMPTY")
    color = params.integer("icon_color") or DEFAULT_ICON_COLOR
    if color not in ICON_COLORS:
        raise bad_request("invalid icon color specified")
    world = backend.world
    topic, _ = world.open_topic(room, world.bot, name, color, params.text("icon_custom_emoji_id"))
    return wire.topic(topic)


async def edit_forum_topic(backend: Backend, params: Params) -> Any:
    room = _forum(backend, params)
    topic = _topic(room, params)
    changes: JsonObject = {}
    name = _name(params)
    if name and name != topic.name:
        topic.name = changes["name"] = name
    emoji = params.text("icon_custom_emoji_id")
    if "icon_custom_emoji_id" in params and emoji != topic.icon_custom_emoji_id:
        topic.icon_custom_emoji_id = changes["icon_custom_emoji_id"] = emoji
    if not changes:
        raise bad_request(_NOT_MODIFIED)
    backend.world.topic_event(room, backend.world.bot, topic, {"forum_topic_edited": changes})
    return True


def _closer(closed: bool, event: str) -> Any:
    async def set_closed(backend: Backend, params: Params) -> Any:
        room = _forum(backend, params)
        topic = _topic(room, params)
        if topic.closed == closed:
            raise bad_request(_NOT_MODIFIED)
        topic.closed = closed
        backend.world.topic_event(room, backend.world.bot, topic, {event: {}})
        return True

    return set_closed


close_forum_topic = _closer(True, "forum_topic_closed")
reopen_forum_topic = _closer(False, "forum_topic_reopened")


async def delete_forum_topic(backend: Backend, params: Params) -> Any:
    room = _forum(backend, params)
    backend.world.remove_topic(room, _topic(room, params))
    return True
