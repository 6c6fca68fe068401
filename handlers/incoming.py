"""What the bot reads of an update, whatever the framework that parsed it: each adapter copies
its Message or CallbackQuery into these, and everything after (events, routing, the support
desk's view) is shared."""

from __future__ import annotations

from dataclasses import dataclass

PRIVATE = "private"
SUPERGROUP = "supergroup"


@dataclass(frozen=True, slots=True)
class Sender:
    """The person (or bot) who sent a message or tapped a button."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A message, new or edited."""

    chat_id: int
    chat_type: str  # "private", "group", "supergroup", "channel"
    message_id: int
    sender: Sender | None  # None: sent on behalf of a chat (an anonymous admin, a channel)
    text: str | None = None
    caption: str | None = None
    content_type: str = "text"  # "text", "photo", "document", "sticker", "voice" …
    has_sticker: bool = False
    has_document: bool = False
    document_name: str | None = None
    reply_to: int | None = None  # the message it answers
    topic_thread: int | None = None  # the forum topic it is in; None outside topics
    sender_chat_title: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingTap:
    """A tap on an inline button."""

    callback_id: str
    sender: Sender
    data: str | None
    chat_type: str | None  # of the message with the button; None when Telegram does not say
    message_id: int | None
