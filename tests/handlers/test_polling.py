"""Long polling into the ordered feed, on each framework: one chat's updates are handled in the
order sent, even when the handling of the first is still busy; other chats are not held back;
a failed getUpdates is tried again after a pause; a revoked token stops polling; an update the
framework cannot read is skipped, confirmed, and does not hold back the next."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from bot.local_bot_api import LocalBotApi
from handlers.bot_calls import Unauthorized
from handlers.incoming import IncomingMessage
from handlers.long_polling import poll
from handlers.retries import RetryPolicy
from tests.handlers.conftest import connected
from tests.handlers.routes_double import MessagesTo

NO_RETRIES = RetryPolicy(attempts=1)


async def _no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as server:
        yield server


async def test_one_chat_in_order_while_another_chat_goes_ahead(api: LocalBotApi, framework: str) -> None:
    an, bao = api.add_user("An"), api.add_user("Bảo")
    seen: list[tuple[int, str]] = []
    bao_seen = asyncio.Event()

    async def record(message: IncomingMessage) -> None:
        assert message.sender is not None and message.text is not None
        if message.text == "0":
            await bao_seen.wait()  # An's first message is busy until Bảo has been served
        seen.append((message.sender.id, message.text))
        if message.sender.id == bao.id:
            bao_seen.set()

    async with connected(framework, api, policy=NO_RETRIES, sleep=_no_wait) as adapter:
        feed = adapter.feed(MessagesTo(record))
        polling = asyncio.create_task(poll(adapter.calls, feed, sleep=_no_wait))
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
            with contextlib.suppress(asyncio.CancelledError):  # any other error fails the test
                await polling
            await feed.drain()
    assert seen[0] == (bao.id, "hello")  # not held back by An's busy first message
    assert [text for user, text in seen if user == an.id] == [str(i) for i in range(30)]


async def test_a_failed_get_updates_is_tried_again_after_a_pause(api: LocalBotApi, framework: str) -> None:
    an = api.add_user("An")
    pauses: list[float] = []
    got = asyncio.Event()

    async def record(message: IncomingMessage) -> None:
        got.set()

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    async with connected(framework, api, policy=NO_RETRIES, sleep=_no_wait) as adapter:
        feed = adapter.feed(MessagesTo(record))
        api.fail_next("getUpdates", 502, "Bad Gateway", times=3)
        polling = asyncio.create_task(poll(adapter.calls, feed, sleep=pause))
        try:
            await api.send_text(an, "xin chào")
            await asyncio.wait_for(got.wait(), 5)
        finally:
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):  # any other error fails the test
                await polling
            await feed.drain()
    assert pauses == [1.0, 2.0, 5.0]


async def test_a_revoked_token_ends_polling_with_the_error(api: LocalBotApi, framework: str) -> None:
    handled: list[IncomingMessage] = []

    async def keep(message: IncomingMessage) -> None:
        handled.append(message)

    async with connected(framework, api, policy=NO_RETRIES, sleep=_no_wait) as adapter:
        feed = adapter.feed(MessagesTo(keep))
        api.fail_next("getUpdates", 401, "Unauthorized")
        await api.send_text(api.add_user("An"), "xin chào")  # waiting, never fetched
        with pytest.raises(Unauthorized, match="Unauthorized"):
            await asyncio.wait_for(poll(adapter.calls, feed, sleep=_no_wait), 5)
        await feed.drain()
    assert handled == []


async def test_an_update_the_framework_cannot_read_is_skipped_and_the_next_handled(
    api: LocalBotApi, framework: str, caplog: pytest.LogCaptureFixture
) -> None:
    an = api.add_user("An")
    got = asyncio.Event()

    async def record(message: IncomingMessage) -> None:
        got.set()

    async with connected(framework, api, policy=NO_RETRIES, sleep=_no_wait) as adapter:
        feed = adapter.feed(MessagesTo(record))
        broken = api.world.updates.push("message", {"message_id": "not a message"}, an.id)
        assert broken is not None  # queued: the bot takes messages
        await api.send_text(an, "xin chào")
        polling = asyncio.create_task(poll(adapter.calls, feed, sleep=_no_wait))
        try:
            await asyncio.wait_for(got.wait(), 5)

            async def confirmed() -> None:  # by the next getUpdates' offset: it never comes back
                while len(api.world.updates):
                    await asyncio.sleep(0.01)

            await asyncio.wait_for(confirmed(), 5)
            await feed.drain()
        finally:
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):  # any other error fails the test
                await polling
    assert f"update {broken.update_id} is not one the bot can read; skipped" in caplog.text
