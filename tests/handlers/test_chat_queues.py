"""Per-chat queues in Redis (handlers/chat_queues.py) and the feed over them
(handlers/shared_feed.py), on a real Redis (TEST_REDIS_URL; skipped without it). Two feeds on
two connections stand for two instances behind a load balancer."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from handlers.chat_queues import ChatQueues, LockLost
from handlers.ordered_feed import OrderedFeed
from handlers.shared_feed import SharedChatFeed


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    queues = ChatQueues.from_url(url)
    await queues.redis.flushdb()
    yield url
    await queues.redis.flushdb()
    await queues.close()


@pytest.fixture
async def queues(redis_url: str) -> AsyncIterator[ChatQueues]:
    q = ChatQueues.from_url(redis_url)
    yield q
    await q.close()


async def test_the_first_push_takes_the_lock_and_the_drain_takes_updates_oldest_first(
    queues: ChatQueues,
) -> None:
    drain = await queues.push(7, 12, "twelve")
    assert drain is not None
    assert await queues.push(7, 11, "eleven") is None  # the lock is held: only queued
    assert await queues.waiting() == [7]
    assert [await queues.take(drain), await queues.take(drain)] == ["eleven", "twelve"]
    assert await queues.take(drain) is None  # empty: the lock is released, the chat forgotten
    assert await queues.waiting() == []
    assert await queues.push(7, 13, "thirteen") is not None  # free again: a new drain


async def test_a_drain_whose_lock_was_taken_over_stops(queues: ChatQueues) -> None:
    drain = await queues.push(8, 1, "one")
    assert drain is not None
    await queues.redis.delete("cleeksy:chat:8:lock")  # as if it expired
    assert await queues.renew(drain) is False
    other = await queues.try_lock(8)
    assert other is not None
    with pytest.raises(LockLost):
        await queues.take(drain)
    assert await queues.take(other) == "one"


async def test_other_chats_are_not_held_back(queues: ChatQueues) -> None:
    assert await queues.push(1, 1, "a") is not None
    assert await queues.push(2, 2, "b") is not None  # another chat's lock


@dataclass
class Update:
    update_id: int
    chat: int


class Recorder:
    """A dispatch that records what it handles and can be held at a given update."""

    def __init__(self) -> None:
        self.handled: list[tuple[str, int]] = []
        self.running = 0
        self.most_at_once = 0
        self.hold: dict[int, asyncio.Event] = {}
        self.started: dict[int, asyncio.Event] = {}

    def feed(self, name: str) -> OrderedFeed[Update]:
        async def handle(update: Update) -> None:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.started.setdefault(update.update_id, asyncio.Event()).set()
            if update.update_id in self.hold:
                await self.hold[update.update_id].wait()
            self.handled.append((name, update.update_id))
            self.running -= 1

        def parse(body: object) -> Update | None:
            if not isinstance(body, dict) or "update_id" not in body:
                return None
            return Update(body["update_id"], body["chat"])

        return OrderedFeed(handle, lambda u: u.chat, parse)


@dataclass
class Two:
    """Two instances' feeds over Redis, one recorder; update 1 of chat 5 held once started."""

    recorder: Recorder
    a: SharedChatFeed
    b: SharedChatFeed
    queues: ChatQueues


@pytest.fixture
async def two(redis_url: str) -> AsyncIterator[Two]:
    recorder = Recorder()
    recorder.hold[1] = asyncio.Event()
    a_queues, b_queues = ChatQueues.from_url(redis_url), ChatQueues.from_url(redis_url)
    yield Two(
        recorder,
        SharedChatFeed(recorder.feed("a"), a_queues),
        SharedChatFeed(recorder.feed("b"), b_queues),
        b_queues,
    )
    await a_queues.close()
    await b_queues.close()


async def test_two_instances_handle_one_chat_one_at_a_time_in_order(two: Two) -> None:
    recorder, a, b = two.recorder, two.a, two.b
    assert await a.accept_json({"update_id": 1, "chat": 5}) is True
    await asyncio.wait_for(recorder.started.setdefault(1, asyncio.Event()).wait(), 5)  # a handles update 1
    for update_id, instance in ((2, b), (3, a), (4, b)):  # alternately, as a balancer does
        assert await instance.accept_json({"update_id": update_id, "chat": 5})
    assert recorder.handled == []  # b started nothing: a holds the chat
    recorder.hold[1].set()
    await asyncio.wait_for(a.settled(), 5)
    await asyncio.wait_for(b.settled(), 5)
    assert recorder.handled == [("a", 1), ("a", 2), ("a", 3), ("a", 4)]
    assert recorder.most_at_once == 1
    assert await two.queues.waiting() == []


async def test_a_chat_left_by_a_stopped_instance_is_drained_by_the_sweep(
    redis_url: str, queues: ChatQueues
) -> None:
    assert await queues.push(9, 1, '{"update_id": 1, "chat": 9}') is not None  # its holder died
    assert await queues.push(9, 2, '{"update_id": 2, "chat": 9}') is None
    recorder = Recorder()
    other = ChatQueues.from_url(redis_url)
    feed = SharedChatFeed(recorder.feed("b"), other)
    assert await feed.sweep() == 0  # the dead holder's lock has not expired yet
    await queues.redis.delete("cleeksy:chat:9:lock")  # now it has
    assert await feed.sweep() == 1
    await asyncio.wait_for(feed.settled(), 5)
    await other.close()
    assert recorder.handled == [("b", 1), ("b", 2)]
    assert await queues.waiting() == []


async def test_a_stopping_instance_lets_a_busy_chat_go_after_the_update_in_hand(two: Two) -> None:
    recorder, a, b = two.recorder, two.a, two.b
    await a.accept_json({"update_id": 1, "chat": 5})
    await asyncio.wait_for(recorder.started.setdefault(1, asyncio.Event()).wait(), 5)
    await b.accept_json({"update_id": 2, "chat": 5})  # queued: a holds the chat
    stopping = asyncio.create_task(a.drain())  # SIGTERM to a
    recorder.hold[1].set()
    await asyncio.wait_for(stopping, 5)
    assert recorder.handled == [("a", 1)]  # a let go after the update in hand
    assert await two.queues.waiting() == [5]  # update 2 waits, none lost
    assert await b.sweep() == 1  # b takes the chat over at once: a gave the lock up
    await asyncio.wait_for(b.settled(), 5)
    assert recorder.handled == [("a", 1), ("b", 2)]


async def test_what_is_not_an_update_is_refused_and_nothing_is_queued(queues: ChatQueues) -> None:
    feed = SharedChatFeed(Recorder().feed("a"), queues)
    assert await feed.accept_json({"no": "update"}) is False
    assert await feed.accept_json("garbage") is False
    assert await queues.waiting() == []


async def test_without_redis_the_update_is_not_taken(unused_tcp_port: int) -> None:
    """The webhook then answers 500 and Telegram sends it again (tests/bot: test_scale_out)."""
    queues = ChatQueues.from_url(f"redis://127.0.0.1:{unused_tcp_port}/0")
    feed = SharedChatFeed(Recorder().feed("a"), queues)
    with pytest.raises(RedisConnectionError):
        await feed.accept_json({"update_id": 1, "chat": 5})
    with pytest.raises(RedisConnectionError):
        await feed.ping()
    await queues.close()
