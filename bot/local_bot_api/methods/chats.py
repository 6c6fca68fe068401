"""Methods about the bot, chats and files: getMe, getChat, getChatMember, getFile, the bot's
commands per scope and language, and the chat menu button."""

from __future__ import annotations

import re
from typing import Any

from bot.local_bot_api import wire
from bot.local_bot_api.backend import Backend
from bot.local_bot_api.errors import CHAT_NOT_FOUND, bad_request
from bot.local_bot_api.methods.common import chat_of
from bot.local_bot_api.params import Params
from bot.local_bot_api.state import CommandsKey, commands_key

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
MENU_BUTTON_TYPES = frozenset({"commands", "web_app", "default"})
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")


async def get_me(backend: Backend, params: Params) -> Any:
    return wire.bot_user(backend.world.bot)


async def get_chat(backend: Backend, params: Params) -> Any:
    return wire.chat_full_info(chat_of(backend, params))


async def get_chat_member(backend: Backend, params: Params) -> Any:
    room = chat_of(backend, params)
    person = backend.world.users.get(params.integer("user_id") or 0)
    if person is None:
        raise bad_request("user not found")
    return wire.chat_member(person, room.status_of(person.id))


async def get_file(backend: Backend, params: Params) -> Any:
    stored = backend.world.files.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return wire.file(stored)


def _commands_key(backend: Backend, params: Params) -> CommandsKey:
    scope = params.json("scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    if "chat_id" in scope:
        room = backend.world.find_chat(scope["chat_id"])
        if room is None:
            raise bad_request(CHAT_NOT_FOUND)
        scope = {**scope, "chat_id": room.id}
    language = params.text("language_code") or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    return commands_key(scope, language)


async def set_my_commands(backend: Backend, params: Params) -> Any:
    key = _commands_key(backend, params)
    commands = params.json("commands", "can't parse commands JSON object")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not (
            isinstance(command, dict)
            and _COMMAND.fullmatch(str(command.get("command", "")))
            and 1 <= len(str(command.get("description", "")).strip()) <= 256
        ):
            raise bad_request("BOT_COMMAND_INVALID")
    stored = [{"command": c["command"], "description": c["description"]} for c in commands]
    if stored:
        backend.world.commands[key] = stored
    else:
        backend.world.commands.pop(key, None)
    return True


async def get_my_commands(backend: Backend, params: Params) -> Any:
    return list(backend.world.commands.get(_commands_key(backend, params), []))


async def delete_my_commands(backend: Backend, params: Params) -> Any:
    backend.world.commands.pop(_commands_key(backend, params), None)
    return True


async def set_chat_menu_button(backend: Backend, params: Params) -> Any:
    button = params.json("menu_button", "can't parse menu button JSON object") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in MENU_BUTTON_TYPES:
        raise bad_request("can't parse menu button JSON object")
    if "chat_id" in params:
        chat_of(backend, params).menu_button = button
    else:
        backend.world.default_menu_button = button
    return True


async def get_chat_menu_button(backend: Backend, params: Params) -> Any:
    button = chat_of(backend, params).menu_button if "chat_id" in params else None
    return button or backend.world.default_menu_button or {"type": "commands"}
