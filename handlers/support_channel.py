"""What the support desk needs from a Telegram adapter: forum topics in the support group,
copies of messages both ways, and who belongs to the group. Each adapter implements
`SupportChannel`; the messages of the support group reach the desk as `AgentPost`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class TopicUnavailable(Exception):
    """The topic was closed or deleted in Telegram (by a person, not by the bot)."""


class SupportGroupUnavailable(Exception):
    """The support group cannot be written to (not found, not a forum, the bot not an admin)."""


@dataclass(frozen=True, slots=True)
class AgentPost:
    """A message in a group, as the desk reads it."""

    chat_id: int
    thread_id: int | None  # the forum topic; None outside topics
    message_id: int
    user_id: int | None  # None: posted on behalf of a chat (an anonymous admin, a channel)
    name: str
    is_bot: bool
    text: str | None  # the text or the caption
    reply_to: int | None = None  # the message it answers (not the topic's own first message)
    is_caption: bool = False  # `text` is the caption of a photo, document …


class SupportChannel(Protocol):
    async def create_topic(self, chat_id: int, name: str) -> int:
        """A new forum topic; its message_thread_id."""
        ...

    async def reopen_topic(self, chat_id: int, thread_id: int) -> None:
        """Reopen a topic (one already open is fine); TopicUnavailable if it was deleted."""
        ...

    async def close_topic(self, chat_id: int, thread_id: int) -> None:
        """Close a topic (one already closed, or deleted, is fine)."""
        ...

    async def post(self, chat_id: int, thread_id: int, text: str) -> int:
        """A message of the bot in a topic; TopicUnavailable if it is closed or deleted."""
        ...

    async def copy(
        self, to_chat: int, from_chat: int, message_id: int, *, thread_id: int | None, reply_to: int | None
    ) -> int | None:
        """Copy a message (text, photo, document, voice …); the copy's id, or None when the
        receiving private chat blocked the bot. TopicUnavailable for a closed or deleted topic."""
        ...

    async def edit(self, chat_id: int, message_id: int, text: str, *, caption: bool) -> bool:
        """Replace the text (or the caption) of one of the bot's messages; False when the private
        chat blocked the bot. An edit Telegram refuses (gone, unchanged) is logged and dropped."""
        ...

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        """Whether the user is a member (or admin, or owner) of the group now."""
        ...
