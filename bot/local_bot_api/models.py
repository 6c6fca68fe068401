"""The records of the local Telegram: people, chats, topics, files, messages, button presses.

They are plain mutable dataclasses owned by :class:`~bot.local_bot_api.state.World`; a
message's visible part is a frozen :class:`Content`, replaced by an edit and kept in
``Message.history``. How they look on the wire is :mod:`bot.local_bot_api.wire`'s business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

JsonObject = dict[str, Any]


@dataclass(eq=False)
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False


class ChatType(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"


class MemberStatus(StrEnum):
    CREATOR = "creator"
    ADMINISTRATOR = "administrator"
    MEMBER = "member"
    LEFT = "left"
    KICKED = "kicked"

    @property
    def is_admin(self) -> bool:
        return self in (MemberStatus.CREATOR, MemberStatus.ADMINISTRATOR)

    @property
    def is_present(self) -> bool:
        return self not in (MemberStatus.LEFT, MemberStatus.KICKED)


class FileKind(StrEnum):
    DOCUMENT = "document"
    PHOTO = "photo"
    VOICE = "voice"
    STICKER = "sticker"


@dataclass(eq=False)
class StoredFile:
    """An uploaded file: its bytes, name and what Telegram tells about it."""

    file_id: str
    file_unique_id: str
    kind: FileKind
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    duration: int = 0
    emoji: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Content:
    """What a message shows. ``text`` and ``caption`` are as sent (markup included when
    ``parse_mode`` is set); ``visible`` and ``entities`` are what Telegram makes of them."""

    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    visible: str | None = None
    entities: tuple[JsonObject, ...] = ()
    media: StoredFile | None = None
    reply_markup: JsonObject | None = None
    service: JsonObject | None = None

    def looks_like(self, other: Content) -> bool:
        """Whether a reader would see no difference (Telegram's "message is not modified")."""
        return (
            self.visible == other.visible
            and self.entities == other.entities
            and self.media is other.media
            and self.inline_keyboard == other.inline_keyboard
        )

    @property
    def inline_keyboard(self) -> list[list[JsonObject]] | None:
        keyboard = (self.reply_markup or {}).get("inline_keyboard")
        return keyboard or None


@dataclass(eq=False)
class Topic:
    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False


@dataclass(eq=False)
class Chat:
    id: int
    type: ChatType
    title: str | None = None
    person: User | None = None
    is_forum: bool = False
    username: str | None = None
    members: dict[int, MemberStatus] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    last_message_id: int = 0
    started: bool = False
    bot_blocked: bool = False
    reply_keyboard: JsonObject | None = None
    menu_button: JsonObject | None = None

    @property
    def is_private(self) -> bool:
        return self.type is ChatType.PRIVATE

    def status_of(self, user_id: int) -> MemberStatus:
        return self.members.get(user_id, MemberStatus.LEFT)


@dataclass(eq=False)
class Message:
    chat: Chat
    message_id: int
    sender: User
    date: int
    content: Content
    thread_id: int | None = None
    reply_to: Message | None = None
    forward_origin: JsonObject | None = None
    edit_date: int | None = None
    history: list[Content] = field(default_factory=list)
    deleted: bool = False
    version: int = 0

    @property
    def text(self) -> str | None:
        return self.content.text

    @property
    def caption(self) -> str | None:
        return self.content.caption

    @property
    def parse_mode(self) -> str | None:
        return self.content.parse_mode

    @property
    def visible_text(self) -> str | None:
        """The text or caption as a reader sees it, markup removed."""
        return self.content.visible

    @property
    def reply_markup(self) -> JsonObject | None:
        return self.content.reply_markup

    @property
    def media(self) -> StoredFile | None:
        return self.content.media

    @property
    def document(self) -> StoredFile | None:
        media = self.content.media
        return media if media is not None and media.kind is FileKind.DOCUMENT else None

    @property
    def buttons(self) -> list[JsonObject]:
        """The inline buttons, row by row."""
        return [button for row in self.content.inline_keyboard or [] for button in row]

    def button_data(self, text: str) -> str:
        """The callback data of the inline button labelled ``text``."""
        for button in self.buttons:
            if button.get("text") == text and "callback_data" in button:
                return str(button["callback_data"])
        labels = [button.get("text") for button in self.buttons]
        raise LookupError(f"no callback button {text!r} on message {self.message_id}; buttons: {labels}")


@dataclass(frozen=True)
class CallbackAnswer:
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int = 0


@dataclass(eq=False)
class CallbackQuery:
    """A button press and, once the bot calls answerCallbackQuery, its answer."""

    id: str
    user: User
    message: Message
    data: str
    answer: CallbackAnswer | None = None


@dataclass(frozen=True)
class ChatAction:
    chat_id: int
    action: str
    thread_id: int | None
    date: int
