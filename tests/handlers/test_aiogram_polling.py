"""Long polling into the ordered feed: one chat's updates are handled in the order sent, even
when a handler of the first is still busy and a synchronous filter (run by aiogram in a worker
thread) could let a later one overtake; other chats are not held back; a failed getUpdates is
tried again after a pause."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.types import Message

from bot.local_bot_api import LocalBotApi
from handlers.aiogram.dispatcher import make_bot
from handlers.aiogram.polling import poll
from handlers.aiogram.retries import RetryPolicy, RetryRequests
from handlers.aiogram.update_feed import UpdateFeed


async def _no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as server:
        yield server


def _bot(api: LocalBotApi) -> Bot:
    return make_bot(api.token, api.base_url, RetryRequests(RetryPolicy(attempts=1), sleep=_no_wait))


async def test_one_chat_in_order_while_another_chat_goes_ahead(api: LocalBotApi) -> None:
    an, bao = api.add_user("An"), api.add_user("Bảo")
    seen: list[tuple[int, str]] = []
    bao_seen = asyncio.Event()
    router = Router()

    @router.message(F.text)  # a magic filter: aiogram runs it in a worker thread
    async def record(message: Message) -> None:
        assert message.from_user is not None and message.text is not None
        if message.text == "0":
            await bao_seen.wait()  # An's first message is busy until Bảo has been served
        seen.append((message.from_user.id, message.text))
        if message.from_user.id == bao.id:
            bao_seen.set()

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = _bot(api)
    feed = UpdateFeed(dispatcher, bot)
    polling = asyncio.create_task(poll(bot, feed, sleep=_no_wait))
    try:
        for i in range(30):
            await api.send_text(an, str(i))
        await api.send_text(bao, "hello")
        await asyncio.wait_for(bao_seen.wait(), 5)

        async def all_seen() -> None:
            while len(seen) < 31:
                await asyncio.sleep(0.01)
                await feed.drain()

        await asyncio.wait_for(all_seen(), 5)  # fails rather than hangs
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await feed.drain()
        await bot.session.close()
    assert seen[0] == (bao.id, "hello")  # not held back by An's busy first message
    assert [text for user, text in seen if user == an.id] == [str(i) for i in range(30)]


async def test_a_failed_get_updates_is_tried_again_after_a_pause(api: LocalBotApi) -> None:
    an = api.add_user("An")
    pauses: list[float] = []
    got = asyncio.Event()
    router = Router()

    @router.message()
    async def record(message: Message) -> None:
        got.set()

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = _bot(api)
    feed = UpdateFeed(dispatcher, bot)
    api.fail_next("getUpdates", 502, "Bad Gateway", times=3)
    polling = asyncio.create_task(poll(bot, feed, sleep=pause))
    try:
        await api.send_text(an, "xin chào")
        await asyncio.wait_for(got.wait(), 5)
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await feed.drain()
        await bot.session.close()
    assert pauses == [1.0, 2.0, 5.0]
