"""A local Telegram-compatible Bot API server for end-to-end tests and the playground.

The bot talks to it over HTTP as to api.telegram.org (:mod:`.app`, :mod:`.methods`); tests
and the web chat page play the people on the other side (:class:`LocalBotApi`, :mod:`.people`,
``/_local`` in :mod:`.local_http`). See :mod:`.server` for an example.
"""

from bot.local_bot_api.errors import BotApiError
from bot.local_bot_api.limits import FloodLimits, Rate
from bot.local_bot_api.models import (
    CallbackAnswer,
    CallbackQuery,
    Chat,
    ChatAction,
    ChatType,
    Content,
    FileKind,
    MemberStatus,
    Message,
    StoredFile,
    Topic,
    User,
)
from bot.local_bot_api.server import DEFAULT_TOKEN, LocalBotApi
from bot.local_bot_api.stats import ApiCall, ApiStats
from bot.local_bot_api.webhook import SECRET_HEADER, WebhookSettings

__all__ = [
    "DEFAULT_TOKEN",
    "SECRET_HEADER",
    "ApiCall",
    "ApiStats",
    "BotApiError",
    "CallbackAnswer",
    "CallbackQuery",
    "Chat",
    "ChatAction",
    "ChatType",
    "Content",
    "FileKind",
    "FloodLimits",
    "LocalBotApi",
    "MemberStatus",
    "Message",
    "Rate",
    "StoredFile",
    "Topic",
    "User",
    "WebhookSettings",
]
