"""The Bot API calls the product makes, as each adapter (aiogram, python-telegram-bot) makes them:
what the shared messenger, support channel, command menu and webhook need, with Telegram's
refusals as this module's exceptions rather than the framework's.

Only the refusals someone acts on are translated: 400 (`BadRequest`), 401 (`Unauthorized`, a
revoked token) and 403 (`Forbidden`, a customer who blocked the bot). Anything else (a flood
wait longer than the retry policy waits out, a network error that outlasted the retries) stays
the framework's exception: a failure to log, not a case to handle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from conversations import Keyboard
from handlers.commands import MenuCommand


class CallRefused(Exception):
    """Telegram refused the call; `description` is its reason, as the framework gave it."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description

    def mentions(self, *phrases: str) -> bool:
        """Whether the reason contains one of `phrases`, in any case (the frameworks differ:
        python-telegram-bot capitalises "Bad Request: TOPIC_CLOSED" as "Topic_closed")."""
        reason = self.description.casefold()
        return any(phrase.casefold() in reason for phrase in phrases)


class BadRequest(CallRefused):
    """400: the call cannot be done as asked (message gone or not modified, topic closed …)."""


class Forbidden(CallRefused):
    """403: the bot may not write there (a customer blocked it; it left a group)."""


class Unauthorized(CallRefused):
    """401: the token was revoked."""


class BotCalls(Protocol):
    async def get_updates(
        self, offset: int | None, timeout: int, allowed: Sequence[str], margin: float
    ) -> list[Any]:
        """The pending updates from `offset` on, as JSON (long polling)."""
        ...

    async def send_message(
        self,
        chat_id: int,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        parse_mode: str | None = None,
        thread_id: int | None = None,
    ) -> int:
        """The new message's id."""
        ...

    async def edit_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        parse_mode: str | None = None,
    ) -> None: ...

    async def edit_caption(self, chat_id: int, message_id: int, caption: str) -> None: ...

    async def answer_callback(
        self, callback_id: str, text: str | None = None, alert: bool = False
    ) -> None: ...

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> int:
        """The new message's id."""
        ...

    async def copy_message(
        self, to_chat: int, from_chat: int, message_id: int, *, thread_id: int | None, reply_to: int | None
    ) -> int:
        """The copy's id (a reply to `reply_to` if that message is still there)."""
        ...

    async def create_topic(self, chat_id: int, name: str) -> int:
        """The new forum topic's message_thread_id."""
        ...

    async def reopen_topic(self, chat_id: int, thread_id: int) -> None: ...

    async def close_topic(self, chat_id: int, thread_id: int) -> None: ...

    async def member_status(self, chat_id: int, user_id: int) -> str:
        """The status: "creator", "administrator", "member", "restricted", "left" or "kicked"."""
        ...

    async def set_commands(self, commands: Sequence[MenuCommand], language_code: str | None = None) -> None:
        """The command menu for every chat (the default scope), or for users of one language."""
        ...

    async def set_webhook(self, url: str, secret: str, allowed_updates: Sequence[str]) -> None: ...

    async def delete_webhook(self) -> None: ...
