"""aiogram's side of handlers/retries.py: one request middleware on the bot's session
(`bot.session.middleware(...)`) runs every call through `retrying`, and aiogram's errors are
read as its policy needs them: `TelegramRetryAfter` is a flood wait; a network error, a 5xx or
an answer that is not the Bot API's JSON (`TelegramNetworkError`, `TelegramServerError`,
`ClientDecodeError`) a passing trouble; anything else, `TelegramEntityTooLarge` included (a
network error by class, but final), is final.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from handlers.retries import RetryPolicy, Sleep, Trouble, retrying

if TYPE_CHECKING:
    from aiogram import Bot


def trouble_of(error: Exception) -> Trouble | None:
    if isinstance(error, TelegramRetryAfter):
        return Trouble(error.message, float(error.retry_after))
    if isinstance(error, TelegramEntityTooLarge):
        return None
    if isinstance(error, TelegramNetworkError | TelegramServerError | ClientDecodeError):
        return Trouble(error.message)
    return None


_CODES: tuple[tuple[type[Exception], int], ...] = (
    (TelegramBadRequest, 400),
    (TelegramUnauthorizedError, 401),
    (TelegramForbiddenError, 403),
    (TelegramNotFound, 404),
    (TelegramConflictError, 409),
    (TelegramEntityTooLarge, 413),
    (TelegramRetryAfter, 429),
    (TelegramServerError, 500),
    (ClientDecodeError, 502),
)


def code_of(error: Exception) -> int:
    """The HTTP code of an aiogram error (0: a network error, no answer)."""
    return next((code for kind, code in _CODES if isinstance(error, kind)), 0)


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
        return await retrying(
            partial(make_request, bot, method),
            trouble_of,
            policy=self.policy,
            sleep=self._sleep,
            method=method.__api_method__,
            token=bot.token,
            code=code_of,
        )
