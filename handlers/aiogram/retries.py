"""Every Bot API call the bot makes, retried when Telegram says "later" or the network hiccups.

One aiogram request middleware on the bot's session (`bot.session.middleware(...)`), so no
call site needs its own try/except:

- 429 Too Many Requests (`TelegramRetryAfter`): wait the `retry_after` Telegram gives, then
  try again; a wait longer than `max_retry_after` is not waited out (the chat's lock would be
  held that long) and the error goes to the caller;
- a network error, a 5xx, or an answer that is not the Bot API's JSON (a proxy's HTML error
  page) (`TelegramNetworkError`, `TelegramServerError`, `ClientDecodeError`): try again after a
  short backoff that doubles each time, up to `max_backoff`;
- anything else (400, 403, 404, 409, 413 too large) is the caller's to handle, at once.

At most `attempts` tries in all. The sleep is injected, so tests wait on a clock they hold.
A call whose answer was lost on the way back (a timeout) may be done twice by its retry:
Telegram has no idempotency key for sendMessage, and a message shown twice is better than a
turn lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    """Tries in all, the first included."""
    backoff: float = 0.5
    """Seconds before the first retry after a network or server error; doubled each time."""
    max_backoff: float = 4.0
    max_retry_after: float = 30.0
    """The longest flood wait (429) waited out; a longer one fails the call."""


class RetryRequests(BaseRequestMiddleware):
    def __init__(self, policy: RetryPolicy | None = None, sleep: Sleep = asyncio.sleep) -> None:
        self.policy = policy or RetryPolicy()
        self._sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except (TelegramAPIError, ClientDecodeError) as error:
                wait = self._wait(error, attempt)
                if wait is None:
                    raise
                log.info(
                    "%s: %s; retry %d of %d in %.1f s",
                    type(method).__name__,
                    _without_token(error, bot.token),
                    attempt,
                    self.policy.attempts - 1,
                    wait,
                )
            await self._sleep(wait)
            attempt += 1

    def _wait(self, error: TelegramAPIError | ClientDecodeError, attempt: int) -> float | None:
        """Seconds to wait before trying again after `error`, or None to give up."""
        policy = self.policy
        if attempt >= policy.attempts:
            return None
        if isinstance(error, TelegramRetryAfter):
            return float(error.retry_after) if error.retry_after <= policy.max_retry_after else None
        if isinstance(error, TelegramEntityTooLarge):  # a network error by class, but final
            return None
        if isinstance(error, TelegramNetworkError | TelegramServerError | ClientDecodeError):
            return min(policy.backoff * 2.0 ** (attempt - 1), policy.max_backoff)
        return None


def _without_token(error: TelegramAPIError | ClientDecodeError, token: str) -> str:
    """The error's message on one line, safe to log (a network error may quote the URL, token
    included; an undecodable answer's body is left out)."""
    return error.message.replace(token, "<token>").replace("\n", " ")
