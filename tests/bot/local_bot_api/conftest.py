"""A running local Bot API server, an HTTP client for raw calls, and the real clients pointed at it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.local_bot_api import LocalBotApi, User

NOW = 1_704_880_800  # 2024-01-10 10:00 UTC


class LocalSession(AiohttpSession):
    """aiogram's session, closed without the 250 ms pause its close() keeps for TLS connections."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def aiogram_bot(server: LocalBotApi) -> Bot:
    return Bot(server.token, session=LocalSession(api=TelegramAPIServer.from_base(server.base_url)))


def ptb_bot(server: LocalBotApi) -> telegram.Bot:
    return telegram.Bot(
        server.token, base_url=f"{server.base_url}/bot", base_file_url=f"{server.base_url}/file/bot"
    )


@pytest.fixture
async def server() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(wall_clock=lambda: NOW, webhook_retry_delay=30.0) as running:
        yield running


@pytest.fixture
async def bot(server: LocalBotApi) -> AsyncIterator[Bot]:
    async with aiogram_bot(server) as client:
        yield client


@pytest.fixture
def anna(server: LocalBotApi) -> User:
    return server.add_user("Anna", user_id=501, username="anna", language_code="vi")


@pytest.fixture
async def chatting(server: LocalBotApi, anna: User) -> User:
    """Anna has written to the bot, so it may answer her."""
    await server.send_command(anna, "start")
    return anna


@dataclass
class Raw:
    """Bot API calls made by hand, to see status codes and bodies exactly."""

    server: LocalBotApi
    http: aiohttp.ClientSession

    async def call(
        self,
        method: str,
        *,
        token: str | None = None,
        verb: str = "POST",
        json_body: dict[str, Any] | None = None,
        form: dict[str, str] | aiohttp.FormData | None = None,
        query: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.server.base_url}/bot{token or self.server.token}/{method}"
        async with self.http.request(verb, url, json=json_body, data=form, params=query) as response:
            return response.status, json.loads(await response.text())

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, json_body=params)
        assert (status, body["ok"]) == (200, True), body
        return body["result"]

    async def take_updates(self) -> list[dict[str, Any]]:
        """The pending updates, confirmed."""
        updates: list[dict[str, Any]] = await self.ok("getUpdates")
        if updates:
            await self.ok("getUpdates", offset=updates[-1]["update_id"] + 1, limit=1)
        return updates

    async def refused(self, method: str, **params: Any) -> tuple[int, str]:
        status, body = await self.call(method, json_body=params)
        assert body["ok"] is False and body["error_code"] == status, body
        return status, body["description"]


@pytest.fixture
async def raw(server: LocalBotApi) -> AsyncIterator[Raw]:
    async with aiohttp.ClientSession() as http:
        yield Raw(server, http)
