"""Per-chat queues of updates in Redis, shared by every instance behind the load balancer.

An instance that receives an update pushes it into its chat's queue (ordered by update id) and
tries to take the chat's lock in the same step. Whoever holds the lock drains the queue, one
update at a time, oldest first; the others only push. So a chat's updates are handled one at
a time and in order, whichever instance each reached.

Every step is one Lua script, so it is atomic in Redis:
- `push`: add the update, note the chat as waiting, take the lock if free (a new drain).
- `take`: while the lock is the caller's, pop the oldest update and renew the lock; when the
  queue is empty, release the lock and forget the chat, in the same step, so an update pushed
  meanwhile either finds the lock free or is popped by this drain: none is stranded.
- `renew`: keep the lock through a long update (every TTL/3);
- `release`: a stopping instance gives the lock up between two updates, the chat left waiting.
A drain whose holder dies leaves its lock to expire (TTL); `waiting` lists the chats with
updates left, and every instance's sweep (`try_lock`) starts a drain for any whose lock is
free. An update is popped before it is handled: handled at most once (a replay would repeat
messages and orders). If the lock expires under a stalled holder and a second drain starts,
the conversation's version check refuses the stale write (handlers/conversation_runtime.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import Redis

LOCK_TTL_MS = 15_000
TIMEOUT_SECONDS = 5.0
PREFIX = "cleeksy:chat:"
WAITING = "cleeksy:chats:waiting"

_PUSH = """
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[5])
if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then return 1 end
return 0
"""

_TAKE = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {-1} end
local item = redis.call('ZPOPMIN', KEYS[1])
if item[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return {1, item[1]}
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[3])
return {0}
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class LockLost(Exception):
    """The chat's lock is no longer this drain's (it expired and another took it)."""


@dataclass(frozen=True)
class Drain:
    """The right to handle one chat's queue, until it is empty or the lock is lost."""

    chat_id: int
    token: str


def _keys(chat_id: int) -> tuple[str, str]:
    return f"{PREFIX}{chat_id}:updates", f"{PREFIX}{chat_id}:lock"


class ChatQueues:
    def __init__(self, redis: Redis, lock_ttl_ms: int = LOCK_TTL_MS) -> None:
        self.redis = redis
        self.lock_ttl_ms = lock_ttl_ms
        self._push: Any = redis.register_script(_PUSH)
        self._take: Any = redis.register_script(_TAKE)
        self._renew: Any = redis.register_script(_RENEW)
        self._release: Any = redis.register_script(_RELEASE)

    @classmethod
    def from_url(cls, url: str) -> ChatQueues:
        """Over `url`; a Redis that hangs fails a call after TIMEOUT_SECONDS rather than never."""
        return cls(
            Redis.from_url(
                url,
                decode_responses=True,
                socket_timeout=TIMEOUT_SECONDS,
                socket_connect_timeout=TIMEOUT_SECONDS,
                health_check_interval=30,
            )
        )

    async def push(self, chat_id: int, update_id: int, body: str) -> Drain | None:
        """Queue an update; a Drain if this caller took the lock (it must drain the queue)."""
        queue, lock = _keys(chat_id)
        token = uuid.uuid4().hex
        took = await self._push(
            keys=[queue, lock, WAITING], args=[update_id, body, token, self.lock_ttl_ms, chat_id]
        )
        return Drain(chat_id, token) if took else None

    async def take(self, drain: Drain) -> str | None:
        """The chat's oldest update, or None once the queue is empty (the lock is released
        then). LockLost if another drain holds the chat now."""
        queue, lock = _keys(drain.chat_id)
        answer = await self._take(
            keys=[queue, lock, WAITING], args=[drain.token, self.lock_ttl_ms, drain.chat_id]
        )
        if int(answer[0]) == -1:
            raise LockLost(drain.chat_id)
        if int(answer[0]) != 1:
            return None
        item = answer[1]
        return item.decode() if isinstance(item, bytes) else str(item)

    async def renew(self, drain: Drain) -> bool:
        """Extend the lock; False if it is no longer this drain's."""
        return bool(await self._renew(keys=[_keys(drain.chat_id)[1]], args=[drain.token, self.lock_ttl_ms]))

    async def release(self, drain: Drain) -> None:
        """Give the chat's lock up with updates still queued (a stopping instance): the chat
        stays waiting, and another instance's sweep takes it over."""
        await self._release(keys=[_keys(drain.chat_id)[1]], args=[drain.token])

    async def waiting(self) -> list[int]:
        """Chats with updates queued (being drained, or left by a holder that died)."""
        members = await cast("Awaitable[set[str]]", self.redis.smembers(WAITING))
        return sorted(int(chat) for chat in members)

    async def try_lock(self, chat_id: int) -> Drain | None:
        """The lock of a waiting chat, if free: a drain for its queue."""
        token = uuid.uuid4().hex
        took = await self.redis.set(_keys(chat_id)[1], token, nx=True, px=self.lock_ttl_ms)
        return Drain(chat_id, token) if took else None

    async def ping(self) -> bool:
        return bool(await cast("Awaitable[bool]", self.redis.ping()))

    async def close(self) -> None:
        await self.redis.aclose()
