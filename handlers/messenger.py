"""What the conversation runtime needs from a Telegram adapter: who is talking, and a way to
show messages. `ChatMessenger` (handlers/chat_messenger.py) implements `Messenger` over either
adapter's Bot API calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from conversations import AnswerCallback, EditMessage, SendMessage


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A private chat with a customer (its chat id is the user's id)."""

    chat_id: int
    user_id: int
    language: str = "vi"
    display_name: str | None = None
    username: str | None = None


class Messenger(Protocol):
    async def send(self, chat_id: int, message: SendMessage) -> int:
        """Send a message; the id Telegram gave it."""
        ...

    async def edit(self, chat_id: int, message: EditMessage) -> int | None:
        """Replace a message's text and keyboard ("message is not modified" is not an error);
        if it can no longer be edited, the screen is sent anew and the new message's id returned."""
        ...

    async def answer(self, callback_id: str, answer: AnswerCallback) -> None:
        """Answer a button tap (stops the client's spinner; an alert when asked)."""
        ...

    async def send_document(self, chat_id: int, filename: str, data: bytes, caption: str) -> None:
        """Send a file (an invoice PDF) with a caption."""
        ...
