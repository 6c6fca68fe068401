"""The command menu published with setMyCommands: for every user in the default locale, and
for users whose Telegram is in Vietnamese or English in their own language."""

from __future__ import annotations

from handlers.bot_calls import BotCalls
from handlers.commands import command_menu
from locales import SUPPORTED, translator


async def publish_command_menu(calls: BotCalls, default_locale: str) -> None:
    await calls.set_commands(command_menu(translator(default_locale)))
    for locale in SUPPORTED:
        await calls.set_commands(command_menu(translator(locale)), language_code=locale)
