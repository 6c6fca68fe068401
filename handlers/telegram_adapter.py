"""A Telegram framework as the rest of the bot sees it, and the choice of one (`BOT_FRAMEWORK`).

An adapter is the framework's bot on `TELEGRAM_API_BASE` with every call retried
(handlers/retries.py): its Bot API calls (`calls`, getUpdates among them), and its parsing and
dispatch of updates into the shared routes (`feed`). Everything else — the messenger,
the support channel, the command menu, polling, the webhook, the order of updates — is shared
and works on any adapter. Only the chosen framework is imported.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from handlers.bot_calls import BotCalls
from handlers.frameworks import FRAMEWORKS
from handlers.ordered_feed import OrderedFeed
from handlers.retries import RetryPolicy, Sleep
from handlers.update_routes import Routes


class TelegramAdapter(Protocol):
    @property
    def calls(self) -> BotCalls:
        """The framework's Bot API calls."""
        ...

    async def connect(self) -> str:
        """Check the token with Telegram (getMe); the bot's username."""
        ...

    def feed(self, routes: Routes) -> OrderedFeed[Any]:
        """The bot's one feed of updates, dispatched by the framework into `routes`."""
        ...

    async def close(self) -> None: ...


def open_adapter(
    framework: str,
    token: str,
    api_base: str,
    *,
    policy: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
) -> TelegramAdapter:
    """The adapter of `framework` ("aiogram" or "ptb"), calling `api_base` as the bot `token`."""
    policy = policy or RetryPolicy()
    if framework == "aiogram":
        from handlers.aiogram.adapter import AiogramAdapter

        return AiogramAdapter(token, api_base, policy, sleep)
    if framework == "ptb":
        from handlers.ptb.adapter import PtbAdapter

        return PtbAdapter(token, api_base, policy, sleep)
    raise ValueError(f"unknown framework {framework!r}; one of {', '.join(FRAMEWORKS)}")
