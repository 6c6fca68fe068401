"""python-telegram-bot's side of handlers/retries.py: the bot's rate limiter (PTB's one seam
around every call but getUpdates) runs each call through `retrying`, and PTB's errors are read
as its policy needs them: `RetryAfter` is a flood wait; `NetworkError` (`TimedOut` too, and
any 5xx) or an answer that is not the Bot API's JSON (a bare `TelegramError`) a passing
trouble; anything else is final, `BadRequest` (a `NetworkError` by class) and a 413 too large
(a `NetworkError` by PTB's mapping, told by its message) included.

PTB advises a rate limiter to retry only `RetryAfter`; this one retries network errors too, so
the bot behaves as it does on aiogram. It sends nothing ahead of time: pacing is the outbox
sender's (handlers/send_limiter.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import BaseRateLimiter

from handlers.retries import RetryPolicy, Sleep, Trouble, retrying

Answer = bool | dict[str, Any] | list[dict[str, Any]]


def trouble_of(error: Exception) -> Trouble | None:
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return Trouble(error.message, wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait))
    if isinstance(error, BadRequest):
        return None
    if isinstance(error, NetworkError):
        return None if code_of(error) == 413 else Trouble(error.message)
    if type(error) is TelegramError:  # "Invalid server response": not JSON (a proxy's error page)
        return Trouble(error.message)
    return None


_CODES: tuple[tuple[type[Exception], int], ...] = (
    (RetryAfter, 429),
    (InvalidToken, 401),
    (Forbidden, 403),
    (EndPointNotFound, 404),
    (Conflict, 409),
    (BadRequest, 400),  # after its subclasses; a NetworkError by class, so before that
)


def code_of(error: Exception) -> int:
    """The HTTP code of a PTB error (413 told by its message; 0: a network error, no answer)."""
    if isinstance(error, NetworkError) and "entity too large" in error.message.casefold():
        return 413
    return next((code for kind, code in _CODES if isinstance(error, kind)), 0)


class RetryRequests(BaseRateLimiter[None]):
    def __init__(self, token: str, policy: RetryPolicy | None = None, sleep: Sleep = asyncio.sleep) -> None:
        self.policy = policy or RetryPolicy()
        self._token = token
        self._sleep = sleep

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Answer:
        return await retrying(
            partial(callback, *args, **kwargs),
            trouble_of,
            policy=self.policy,
            sleep=self._sleep,
            method=endpoint,
            token=self._token,
            code=code_of,
        )
