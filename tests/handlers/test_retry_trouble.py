"""How each adapter reads its framework's errors, and the JSON calls read Telegram's answer, for
the shared retry policy: a flood wait with Telegram's seconds, a passing network or server
trouble, or final (never tried again)."""

from __future__ import annotations

import datetime as dt

import pytest
from aiogram import exceptions as aiogram_errors
from aiogram.methods import SendMessage
from telegram import error as ptb_errors

from handlers import bot_api_json
from handlers.aiogram.retries import trouble_of as aiogram_trouble
from handlers.bot_calls import BadRequest, Forbidden
from handlers.ptb.retries import trouble_of as ptb_trouble
from handlers.retries import RetryPolicy, Trouble

METHOD = SendMessage(chat_id=1, text="Xin chào")
PASSING = object()  # a Trouble without a flood wait


@pytest.mark.parametrize(
    ("error", "read_as"),
    [
        (aiogram_errors.TelegramRetryAfter(METHOD, "Too Many Requests: retry after 3", 3), 3.0),
        (aiogram_errors.TelegramNetworkError(METHOD, "Cannot connect"), PASSING),
        (aiogram_errors.TelegramServerError(METHOD, "Bad Gateway"), PASSING),
        (aiogram_errors.ClientDecodeError("not JSON", ValueError("<html>"), "<html>"), PASSING),
        (aiogram_errors.TelegramEntityTooLarge(METHOD, "Request Entity Too Large"), None),
        (aiogram_errors.TelegramBadRequest(METHOD, "Bad Request: chat not found"), None),
        (aiogram_errors.TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user"), None),
        (ValueError("not Telegram's"), None),
    ],
    ids=lambda value: type(value).__name__,
)
def test_aiogram_s_errors(error: Exception, read_as: object) -> None:
    _check(aiogram_trouble(error), read_as)


@pytest.mark.parametrize(
    ("error", "read_as"),
    [
        (ptb_errors.RetryAfter(dt.timedelta(seconds=3)), 3.0),
        (ptb_errors.NetworkError("httpx.ConnectError: All connection attempts failed"), PASSING),
        (ptb_errors.NetworkError("Bad Gateway"), PASSING),
        (ptb_errors.TimedOut(), PASSING),
        (ptb_errors.TelegramError("Invalid server response"), PASSING),
        (ptb_errors.NetworkError("Request Entity Too Large (413)"), None),
        (ptb_errors.BadRequest("Chat not found"), None),
        (ptb_errors.Forbidden("Forbidden: bot was blocked by the user"), None),
        (ptb_errors.Conflict("terminated by other getUpdates request"), None),
        (ValueError("not Telegram's"), None),
    ],
    ids=lambda value: type(value).__name__,
)
def test_python_telegram_bot_s_errors(error: Exception, read_as: object) -> None:
    _check(ptb_trouble(error), read_as)


@pytest.mark.parametrize(
    ("error", "read_as", "code"),
    [
        (bot_api_json.BotApiFailure(429, "Too Many Requests: retry after 3", 3.0), 3.0, 429),
        (bot_api_json.BotApiFailure(0, "ClientConnectorError: refused", answered=False), PASSING, 0),
        (bot_api_json.BotApiFailure(502, "not a Bot API answer (HTTP 502)", answered=False), PASSING, 502),
        (bot_api_json.BotApiFailure(200, "not a Bot API answer (HTTP 200)", answered=False), PASSING, 200),
        (bot_api_json.BotApiFailure(500, "Internal Server Error"), PASSING, 500),
        (bot_api_json.BotApiFailure(413, "Request Entity Too Large"), None, 413),
        (bot_api_json.BotApiFailure(409, "Conflict"), None, 409),
        (BadRequest("Bad Request: chat not found"), None, 400),
        (Forbidden("Forbidden: bot was blocked by the user"), None, 403),
        (ValueError("not Telegram's"), None, 0),
    ],
    ids=lambda value: str(getattr(value, "code", type(value).__name__)),
)
def test_the_json_calls_reading(error: Exception, read_as: object, code: int) -> None:
    _check(bot_api_json.trouble_of(error), read_as)
    assert bot_api_json.code_of(error) == code  # the Bot API errors metric


def _check(trouble: Trouble | None, read_as: object) -> None:
    if read_as is None:
        assert trouble is None
    elif read_as is PASSING:
        assert trouble is not None and trouble.retry_after is None
    else:
        assert trouble is not None and trouble.retry_after == read_as


def test_the_policy_waits_out_short_flood_waits_and_backs_off_on_the_rest() -> None:
    policy = RetryPolicy(attempts=4, backoff=0.5, max_backoff=1.5, max_retry_after=30.0)
    passing = Trouble("Bad Gateway")
    assert [policy.wait(passing, attempt) for attempt in (1, 2, 3, 4)] == [0.5, 1.0, 1.5, None]
    assert policy.wait(Trouble("flood", retry_after=30.0), 1) == 30.0
    assert policy.wait(Trouble("flood", retry_after=31.0), 1) is None
