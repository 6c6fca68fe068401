"""aiogram 3's Dispatcher against the local server: long polling, then a webhook with its secret."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.types import Message as AiogramMessage
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.local_bot_api import LocalBotApi, User
from tests.bot.local_bot_api.conftest import Raw
from tests.http_serving import serve

SECRET = "s3cret-Token_1"
MENU = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Mua gói", callback_data="buy")]])


def purchase_router() -> Router:
    """/start shows a menu; its button edits the menu; any other text is echoed."""
    router = Router(name="purchase")

    @router.message(CommandStart())
    async def start(message: AiogramMessage) -> None:
        await message.answer("Xin chào! Chọn:", reply_markup=MENU)

    @router.callback_query(F.data == "buy")
    async def buy(query: CallbackQuery) -> None:
        await query.answer("OK")
        assert isinstance(query.message, AiogramMessage)
        await query.message.edit_text("Chọn giải pháp")

    @router.message(F.text)
    async def echo(message: AiogramMessage) -> None:
        await message.answer(f"Bạn nói: {message.text}")

    return router


def dispatcher() -> Dispatcher:
    dp = Dispatcher()
    dp.include_router(purchase_router())
    return dp


@pytest.fixture
async def polling(bot: Bot) -> AsyncIterator[None]:
    dp = dispatcher()
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, close_bot_session=False))
    yield
    await dp.stop_polling()
    await task


@pytest.mark.usefixtures("polling")
async def test_a_polling_bot_answers_a_command_a_button_and_text(server: LocalBotApi, anna: User) -> None:
    await server.send_command(anna, "start")
    menu = await server.next_bot_message(anna)
    assert menu.text == "Xin chào! Chọn:" and menu.button_data("Mua gói") == "buy"

    press = await server.press(anna, menu, "buy")
    assert (await server.answer_of(press)).text == "OK"
    await server.wait_for(lambda: menu.text == "Chọn giải pháp", what="the menu edited")
    assert menu.buttons == []

    await server.send_text(anna, "12 người")
    assert (await server.next_bot_message(anna)).text == "Bạn nói: 12 người"


async def test_a_timeout_names_what_was_awaited(server: LocalBotApi, anna: User) -> None:
    await server.send_text(anna, "anyone?")
    with pytest.raises(
        TimeoutError, match=r"a bot message in chat 501 after #1; the bot's latest calls: none"
    ):
        await server.next_bot_message(anna, timeout=0.05)


class Webhook:
    """aiogram's webhook handler served on a free port, like the bot's own HTTP server."""

    def __init__(self, bot: Bot, *, secret: str, in_background: bool = True) -> None:
        self.handler = SimpleRequestHandler(
            dispatcher(), bot, handle_in_background=in_background, secret_token=secret
        )
        self.app = web.Application()
        self.handler.register(self.app, path="/telegram/webhook")

    async def settle(self) -> None:
        await asyncio.gather(*self.handler._background_feed_update_tasks)


@pytest.fixture
async def webhook(bot: Bot) -> AsyncIterator[tuple[Webhook, str]]:
    hook = Webhook(bot, secret=SECRET)
    async with serve(hook.app) as base:
        yield hook, f"{base}/telegram/webhook"
        await hook.settle()


async def test_updates_are_posted_to_the_webhook_with_the_secret(
    bot: Bot, raw: Raw, server: LocalBotApi, anna: User, webhook: tuple[Webhook, str]
) -> None:
    _, url = webhook
    assert await bot.set_webhook(url, secret_token=SECRET) is True
    await server.send_command(anna, "start")
    menu = await server.next_bot_message(anna)

    await server.send_text(anna, "một")
    await server.send_text(anna, "hai")
    await server.wait_for(lambda: len(server.bot_messages(anna)) == 3)
    assert [m.text for m in server.bot_messages(anna)[1:]] == ["Bạn nói: một", "Bạn nói: hai"]
    assert menu.text == "Xin chào! Chọn:"
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_message) == (url, 0, None)
    with pytest.raises(TelegramConflictError, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()


async def test_a_refused_delivery_is_retried_and_reported(
    bot: Bot, server: LocalBotApi, anna: User, webhook: tuple[Webhook, str]
) -> None:
    _, url = webhook
    await bot.set_webhook(url, secret_token="wrong-secret")
    await server.send_text(anna, "hello")
    await server.wait_for(lambda: server.backend.webhook.last_error_message, what="a failed delivery")
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"
    assert info.pending_update_count == 1

    await bot.set_webhook(url, secret_token=SECRET)
    assert (await server.next_bot_message(anna)).text == "Bạn nói: hello"
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert (await bot.get_webhook_info()).url == ""


async def test_a_method_in_the_webhook_answer_is_executed(bot: Bot, server: LocalBotApi, anna: User) -> None:
    hook = Webhook(bot, secret=SECRET, in_background=False)
    async with serve(hook.app) as base:
        await bot.set_webhook(f"{base}/telegram/webhook", secret_token=SECRET)
        await server.send_text(anna, "xin chào")
        reply = await server.next_bot_message(anna)
    assert reply.text == "Bạn nói: xin chào"
    assert server.calls[-1].method == SendMessage.__api_method__
