"""The playground as `cleeksy-bot playground` starts it, on a temporary database, at a fixed
instant before the day's reminders (08:00 in Hà Nội), with an HTTP client for its JSON API."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from billing_core.catalogue_loader import load_bundled
from bot.playground import Playground, playground
from bot.settings import Settings

NOW = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)


@dataclass
class Page:
    """What the web page does, as JSON calls to the playground."""

    play: Playground
    http: aiohttp.ClientSession

    async def get(self, path: str, **params: str) -> tuple[int, Any]:
        async with self.http.get(self.play.url + path, params=params) as response:
            return response.status, await response.json()

    async def post(self, path: str, body: object) -> tuple[int, Any]:
        async with self.http.post(self.play.url + path, json=body) as response:
            return response.status, await response.json()

    async def say(self, user_id: int, text: str, chat_id: int | None = None, **extra: object) -> Any:
        """``user_id`` writes ``text``; returns once the bot has handled it."""
        conversation = self.play.live.bot.conversation
        desk = self.play.live.bot.desk
        assert desk is not None
        before = (conversation.handled, desk.progress.count)
        status, sent = await self.post(
            f"/_local/chats/{chat_id or user_id}/messages", {"user_id": user_id, "text": text, **extra}
        )
        assert status == 200, sent
        if chat_id is None:
            await conversation.wait_handled(before[0] + 1)
        else:
            await desk.progress.wait_for(before[1] + 1)
        return sent


@pytest.fixture
async def play(tmp_path: Path) -> AsyncIterator[Playground]:
    database = f"sqlite+aiosqlite:///{tmp_path / 'playground.db'}"
    async with playground(Settings(), load_bundled("cleeksy"), database, clock=lambda: NOW) as running:
        yield running


@pytest.fixture
async def page(play: Playground) -> AsyncIterator[Page]:
    async with aiohttp.ClientSession() as http:
        yield Page(play, http)
