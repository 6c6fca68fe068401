"""python-telegram-bot 22's Application against the local server, polling."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.local_bot_api import LocalBotApi, User

MENU = InlineKeyboardMarkup([[InlineKeyboardButton("Mua gói", callback_data="buy")]])


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet and show the menu."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("Xin chào!", reply_markup=MENU)


async def buy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button and edit the menu."""
    query = update.callback_query
    assert query is not None
    await query.answer("OK")
    await query.edit_message_text("Chọn giải pháp")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat what was said."""
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(f"Bạn nói: {update.effective_message.text}")


@pytest.fixture
async def application(server: LocalBotApi) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = (
        Application.builder()
        .token(server.token)
        .base_url(f"{server.base_url}/bot")
        .base_file_url(f"{server.base_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(buy, pattern="^buy$"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0)
        yield app
        await app.updater.stop()
        await app.stop()


@pytest.mark.usefixtures("application")
async def test_a_polling_application_answers_a_command_a_button_and_text(
    server: LocalBotApi, anna: User
) -> None:
    await server.send_command(anna, "start")
    menu = await server.next_bot_message(anna)
    assert menu.text == "Xin chào!" and menu.reply_to is None  # PTB quotes only in groups

    press = await server.press(anna, menu, menu.button_data("Mua gói"))
    assert (await server.answer_of(press)).text == "OK"
    await server.wait_for(lambda: menu.text == "Chọn giải pháp", what="the menu edited")

    await server.send_text(anna, "12 người")
    assert (await server.next_bot_message(anna)).text == "Bạn nói: 12 người"
    assert server.stats.calls["deleteWebhook"] == 1  # PTB's bootstrap before polling
