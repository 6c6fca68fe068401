"""The command menu: published at start with setMyCommands for everyone (in DEFAULT_LOCALE) and
for Vietnamese and English users in their language; every command in it is one the
conversation understands."""

from __future__ import annotations

import re

from bot.local_bot_api import LocalBotApi
from bot.local_bot_api.state import commands_key
from conversations.machine import COMMANDS
from handlers.command_menu import publish_command_menu
from handlers.commands import MENU, command_menu
from locales import SUPPORTED, Translator, translator
from tests.handlers.conftest import Product, connected

NAMES = ["start", "buy", "plan", "invoices", "language", "support", "help", "cancel"]
DEFAULT_SCOPE = {"type": "default"}


def _expected(locale: str) -> list[dict[str, str]]:
    t = Translator(locale)
    return [{"command": name, "description": t.gettext(msgid)} for name, msgid in MENU]


async def test_the_menu_is_set_for_everyone_and_for_each_language_at_start(product: Product) -> None:
    api = product.api
    assert set(api.world.commands) == {
        commands_key(DEFAULT_SCOPE, ""),
        commands_key(DEFAULT_SCOPE, "vi"),
        commands_key(DEFAULT_SCOPE, "en"),
    }
    assert api.commands(None, "") == _expected("vi")  # DEFAULT_LOCALE
    assert api.commands(None, "vi") == _expected("vi")
    assert api.commands(None, "en") == _expected("en")
    assert [c["command"] for c in api.commands(None, "en")] == NAMES


async def test_with_english_as_the_default_locale_everyone_else_sees_english(framework: str) -> None:
    async with LocalBotApi() as api:
        async with connected(framework, api) as adapter:
            await publish_command_menu(adapter.calls, "en")
        assert api.commands(None, "") == _expected("en")
        assert api.commands(None, "vi") == _expected("vi")


def test_every_command_in_the_menu_is_one_the_conversation_understands() -> None:
    assert [name for name, _ in MENU] == NAMES
    assert {name for name, _ in MENU} - {"start"} <= set(COMMANDS)


def test_the_menu_fits_telegram_s_limits_in_every_language() -> None:
    for locale in SUPPORTED:
        for command in command_menu(translator(locale)):
            assert re.fullmatch(r"[a-z0-9_]{1,32}", command.name), command
            assert 1 <= len(command.description) <= 256, command
