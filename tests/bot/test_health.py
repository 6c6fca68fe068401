"""/healthz as the load balancer reads it (bot/health.py): 503 while starting or stopping, and
when a dependency does not answer, naming it; 200 with each dependency's "ok" otherwise."""

from __future__ import annotations

import json

from aiohttp import web

from bot.health import Readiness, health_answer


async def answers() -> None:
    """A dependency that answers."""


async def refuses() -> None:
    raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def _read(response: web.Response) -> tuple[int, dict[str, str]]:
    assert isinstance(response.body, bytes)
    return response.status, json.loads(response.body)


async def test_ready_when_started_and_every_dependency_answers() -> None:
    ready = Readiness(checks={"redis": answers})
    expected = {"status": "ok", "database": "ok", "redis": "ok"}
    assert _read(await health_answer(ready, answers)) == (200, expected)


async def test_a_dependency_that_does_not_answer_is_named_and_its_error_kept_out() -> None:
    status, body = _read(await health_answer(Readiness(checks={"redis": refuses}), answers))
    assert (status, body) == (503, {"status": "error", "database": "ok", "redis": "unreachable"})


async def test_not_ready_while_starting_or_once_stopping() -> None:
    assert _read(await health_answer(Readiness(started=False), answers)) == (503, {"status": "starting"})
    assert _read(await health_answer(Readiness(stopping=True), answers)) == (503, {"status": "stopping"})
