"""Keep aiogram's parsed-response classes alive.

aiogram checks every Bot API answer with `Response[method.__returning__]`, a pydantic generic
class built on first use. Pydantic keeps such classes only through weak references, so once a
call's answer is parsed the class may be collected and is built again (about 3 ms each) on a
later call: a fifth of the bot's CPU under load, and a stall each time. Holding one reference
per method the bot calls keeps them built once.
"""

from __future__ import annotations

from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    CloseForumTopic,
    CopyMessage,
    CreateForumTopic,
    DeleteWebhook,
    EditMessageText,
    GetChatMember,
    GetMe,
    GetUpdates,
    ReopenForumTopic,
    SendDocument,
    SendMessage,
    SetMyCommands,
    SetWebhook,
)
from aiogram.methods.base import Response, TelegramMethod

USED: tuple[type[TelegramMethod[Any]], ...] = (
    AnswerCallbackQuery,
    CloseForumTopic,
    CopyMessage,
    CreateForumTopic,
    DeleteWebhook,
    EditMessageText,
    GetChatMember,
    GetMe,
    GetUpdates,
    ReopenForumTopic,
    SendDocument,
    SendMessage,
    SetMyCommands,
    SetWebhook,
)

_KEPT: list[Any] = []


def keep_response_types(methods: tuple[type[TelegramMethod[Any]], ...] = USED) -> None:
    """Build `Response[T]` for each method's answer once, and keep it (idempotent)."""
    if _KEPT:
        return
    _KEPT.extend(Response[method.__returning__] for method in methods)  # type: ignore[name-defined]
