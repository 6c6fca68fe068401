"""`GET /healthz` (also `/health`): whether this instance should be sent traffic.

200 `{"status": "ok", …}` once the instance has started and while the database (and Redis,
when several instances share it) answers; 503 with the failing part named otherwise, and from
the moment a stop begins (`Readiness.stopping`), so the load balancer sends the updates and
IPNs elsewhere while this instance finishes what it holds. The failure itself is logged here,
never put in the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[object]]
"""A dependency's probe: returns when it answers, raises when it does not."""


@dataclass
class Readiness:
    started: bool = True  # `run` sets False until everything is up
    stopping: bool = False
    checks: dict[str, Check] = field(default_factory=dict)  # besides the database


def database_check(sessions: async_sessionmaker[AsyncSession]) -> Check:
    async def check() -> None:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))

    return check


async def health_answer(readiness: Readiness, database: Check) -> web.Response:
    if readiness.stopping or not readiness.started:
        state = "stopping" if readiness.stopping else "starting"
        return web.json_response({"status": state}, status=503)
    body: dict[str, str] = {"status": "ok"}
    for name, check in {"database": database, **readiness.checks}.items():
        try:
            await check()
        except Exception:
            log.exception("health check: %s unreachable", name)
            body[name], body["status"] = "unreachable", "error"
        else:
            body[name] = "ok"
    return web.json_response(body, status=200 if body["status"] == "ok" else 503)
