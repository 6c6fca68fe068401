"""The local Telegram's world: people, chats and their messages, files, button presses, the
bot's settings and its update queue, each changed in one place.

Message ids count per chat from 1; every change (a message posted, edited or deleted) takes the
next value of ``World.version``, so a reader can ask for what changed since a version.
Nothing here waits or talks HTTP; whoever changes the world notifies
:class:`~bot.local_bot_api.changes.Changes`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from itertools import count

from bot.local_bot_api import wire
from bot.local_bot_api.files import FileStore
from bot.local_bot_api.models import (
    CallbackQuery,
    Chat,
    ChatAction,
    ChatType,
    Content,
    JsonObject,
    MemberStatus,
    Message,
    Topic,
    User,
)
from bot.local_bot_api.updates import UpdateQueue

_NUMBER = re.compile(r"-?\d+")
FIRST_USER_ID = 100_000_001
FIRST_SUPERGROUP_ID = -1_001_000_000_001

CommandsKey = tuple[str, str]
"""(scope as canonical JSON, language code or "")."""


def commands_key(scope: JsonObject, language_code: str) -> CommandsKey:
    return json.dumps(scope, sort_keys=True), language_code


class World:
    def __init__(self, bot: User, wall_clock: Callable[[], float] = time.time) -> None:
        self.bot = bot
        self.users: dict[int, User] = {bot.id: bot}
        self.chats: dict[int, Chat] = {}
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.queries: dict[str, CallbackQuery] = {}
        self.actions: list[ChatAction] = []
        self.commands: dict[CommandsKey, list[JsonObject]] = {}
        self.default_menu_button: JsonObject | None = None
        self.version = 0
        self._wall_clock = wall_clock
        self._user_ids = count(FIRST_USER_ID)
        self._group_ids = count(-FIRST_SUPERGROUP_ID)
        self._query_ids = count(1)

    def now(self) -> int:
        """Unix time for message dates."""
        return int(self._wall_clock())

    def _bump(self) -> int:
        self.version += 1
        return self.version

    # people and chats

    def add_user(
        self,
        first_name: str,
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        is_bot: bool = False,
    ) -> User:
        new_id = user_id if user_id is not None else next(self._user_ids)
        if new_id in self.users:
            raise ValueError(f"user {new_id} exists already")
        person = User(new_id, first_name, last_name, username, language_code, is_bot)
        self.users[new_id] = person
        if not is_bot:  # bots cannot talk to bots
            self.private_chat(person)
        return person

    def private_chat(self, person: User) -> Chat:
        """The chat between ``person`` and the bot (made on first use)."""
        room = self.chats.get(person.id)
        if room is None:
            members = {person.id: MemberStatus.MEMBER, self.bot.id: MemberStatus.MEMBER}
            room = Chat(person.id, ChatType.PRIVATE, person=person, members=members)
            self.chats[person.id] = room
        return room

    def add_supergroup(
        self, title: str, *, forum: bool, chat_id: int | None = None, username: str | None = None
    ) -> Chat:
        new_id = chat_id if chat_id is not None else -next(self._group_ids)
        if new_id in self.chats or new_id >= 0:
            raise ValueError(f"chat id {new_id} is taken or not a group's")
        room = Chat(new_id, ChatType.SUPERGROUP, title=title, is_forum=forum, username=username)
        self.chats[new_id] = room
        return room

    def find_chat(self, ref: object) -> Chat | None:
        """A chat by id (a number or its text) or by "@username"."""
        if isinstance(ref, str) and _NUMBER.fullmatch(ref.strip()):
            ref = int(ref)
        if isinstance(ref, int) and not isinstance(ref, bool):
            return self.chats.get(ref)
        if not isinstance(ref, str) or not ref.startswith("@"):
            return None
        name = ref[1:].lower()
        return next((c for c in self.chats.values() if (c.username or "").lower() == name), None)

    # messages

    def post(
        self,
        room: Chat,
        sender: User,
        content: Content,
        *,
        thread_id: int | None = None,
        reply_to: Message | None = None,
        forward_origin: JsonObject | None = None,
        message_id: int | None = None,
    ) -> Message:
        """A new message; in a topic, one that replies to nothing replies to the topic's first."""
        if message_id is None:
            message_id = self.next_message_id(room)
        if thread_id is not None and reply_to is None and thread_id != message_id:
            reply_to = room.messages.get(thread_id)
        sent = Message(
            room,
            message_id,
            sender,
            self.now(),
            content,
            thread_id=thread_id,
            reply_to=reply_to,
            forward_origin=forward_origin,
            version=self._bump(),
        )
        room.messages[message_id] = sent
        if sender is self.bot:
            self._track_reply_keyboard(room, content.reply_markup)
        return sent

    def next_message_id(self, room: Chat) -> int:
        room.last_message_id += 1
        return room.last_message_id

    def _track_reply_keyboard(self, room: Chat, markup: JsonObject | None) -> None:
        if markup is None:
            return
        if "keyboard" in markup:
            room.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            room.reply_keyboard = None

    def edit(self, sent: Message, content: Content) -> None:
        sent.history.append(sent.content)
        sent.content = content
        sent.edit_date = self.now()
        sent.version = self._bump()

    def delete(self, sent: Message) -> None:
        sent.deleted = True
        sent.version = self._bump()

    def live_message(self, room: Chat, message_id: int | None) -> Message | None:
        found = room.messages.get(message_id) if message_id is not None else None
        return None if found is None or found.deleted else found

    def changed_since(self, room: Chat, version: int) -> list[Message]:
        """In message-id order: `post` is the only writer and ids only grow."""
        return [m for m in room.messages.values() if m.version > version]

    # forum topics

    def open_topic(
        self, room: Chat, creator: User, name: str, icon_color: int, emoji_id: str | None = None
    ) -> tuple[Topic, Message]:
        """A topic and its first, service message, whose id is the topic's thread id."""
        thread_id = self.next_message_id(room)
        topic = Topic(thread_id, name, icon_color, emoji_id)
        room.topics[thread_id] = topic
        created = wire.topic(topic)
        del created["message_thread_id"]
        service = Content(service={"forum_topic_created": created})
        return topic, self.post(room, creator, service, thread_id=thread_id, message_id=thread_id)

    def topic_event(self, room: Chat, actor: User, topic: Topic, event: JsonObject) -> Message:
        return self.post(room, actor, Content(service=event), thread_id=topic.thread_id)

    def remove_topic(self, room: Chat, topic: Topic) -> None:
        del room.topics[topic.thread_id]
        for sent in room.messages.values():
            if sent.thread_id == topic.thread_id and not sent.deleted:
                self.delete(sent)

    # button presses, chat actions, updates

    def press(self, person: User, sent: Message, data: str) -> CallbackQuery:
        query = CallbackQuery(f"{next(self._query_ids)}{abs(sent.chat.id) % 10**6:06d}", person, sent, data)
        self.queries[query.id] = query
        return query

    def act(self, room: Chat, action: str, thread_id: int | None) -> None:
        self.actions.append(ChatAction(room.id, action, thread_id, self.now()))
