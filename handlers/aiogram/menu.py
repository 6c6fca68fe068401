"""The command menu published with setMyCommands: for every user in the default locale, and
for users whose Telegram is in Vietnamese or English in their own language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeDefault

from handlers.commands import command_menu
from locales import SUPPORTED, translator


def _commands(locale: str) -> list[BotCommand]:
    return [BotCommand(command=c.name, description=c.description) for c in command_menu(translator(locale))]


async def publish_command_menu(bot: Bot, default_locale: str) -> None:
    scope = BotCommandScopeDefault()
    await bot.set_my_commands(_commands(default_locale), scope=scope)
    for locale in SUPPORTED:
        await bot.set_my_commands(_commands(locale), scope=scope, language_code=locale)
