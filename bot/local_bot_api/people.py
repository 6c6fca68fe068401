"""What people do in the local Telegram: write, edit what they wrote, send files, press buttons,
open topics, block and unblock the bot. Each action changes the world, queues the update
Telegram would send the bot, and wakes whoever waits.

As in Telegram: a command gets its ``bot_command`` entity; writing to a bot one has blocked
restarts it first (with the ``my_chat_member`` update); in a group where the bot is not an
administrator it only sees commands and replies to its own messages. Pressing a button is not
checked against the message's keyboard, so a test can forge stale or foreign callback data.
"""

from __future__ import annotations

from bot.local_bot_api import wire
from bot.local_bot_api.backend import Backend
from bot.local_bot_api.files import STICKER_SIDE, image_size
from bot.local_bot_api.formatting import compose, utf16_length
from bot.local_bot_api.models import (
    CallbackQuery,
    Chat,
    Content,
    FileKind,
    MemberStatus,
    Message,
    StoredFile,
    Topic,
    User,
)
from bot.local_bot_api.state import World


def text_content(text: str) -> Content:
    """What a person's typed text becomes, a leading command marked as Telegram marks it."""
    if not text.startswith("/") or len(text) < 2:
        return compose(text=text)
    command = text.split(maxsplit=1)[0]
    return compose(
        text=text, entities=[{"type": "bot_command", "offset": 0, "length": utf16_length(command)}]
    )


def media_content(stored: StoredFile, caption: str | None = None) -> Content:
    return compose(caption=caption, media=stored)


async def say(
    backend: Backend,
    person: User,
    content: Content,
    room: Chat | None = None,
    *,
    thread_id: int | None = None,
    reply_to: Message | None = None,
) -> Message:
    """Post ``content`` as ``person`` (into their chat with the bot unless ``room`` is given)."""
    world = backend.world
    room = _where(world, person, room, thread_id)
    sent = world.post(room, person, content, thread_id=thread_id, reply_to=reply_to)
    if _bot_sees(world, room, sent):
        world.updates.push("message", wire.message(sent), room.id)
    await backend.changes.notify()
    return sent


def upload(
    world: World,
    kind: FileKind,
    data: bytes,
    *,
    file_name: str | None = None,
    mime_type: str | None = None,
    duration: int = 0,
    emoji: str | None = None,
) -> StoredFile:
    """A file as a person's Telegram app uploads it (pictures get their real size when readable)."""
    width = height = 0
    if kind in (FileKind.PHOTO, FileKind.STICKER):
        width, height = image_size(data) or (STICKER_SIDE, STICKER_SIDE)
    return world.files.add(
        kind,
        data,
        file_name=file_name,
        mime_type=mime_type,
        width=width,
        height=height,
        duration=duration,
        emoji=emoji,
    )


async def edit(backend: Backend, person: User, sent: Message, content: Content) -> Message:
    """``person`` edits their own message ``sent``; the bot gets ``edited_message`` if it saw it."""
    world = backend.world
    if sent.sender is not person or sent.deleted:
        raise ValueError(f"user {person.id} cannot edit message {sent.message_id}")
    if sent.content.looks_like(content):
        raise ValueError("an edit must change what the message shows")
    world.edit(sent, content)
    if _bot_sees(world, sent.chat, sent):
        world.updates.push("edited_message", wire.message(sent), sent.chat.id)
    await backend.changes.notify()
    return sent


async def press(backend: Backend, person: User, sent: Message, data: str) -> CallbackQuery:
    """``person`` taps a button carrying ``data`` under ``sent``."""
    world = backend.world
    if sent.chat.is_private and sent.chat.bot_blocked:
        raise ValueError(f"user {person.id} blocked the bot; unblock it before pressing buttons")
    query = world.press(person, sent, data)
    world.updates.push("callback_query", wire.callback_query(query), sent.chat.id)
    await backend.changes.notify()
    return query


async def set_blocked(backend: Backend, person: User, blocked: bool) -> None:
    """``person`` blocks (or unblocks) the bot; the bot hears of it through ``my_chat_member``."""
    _set_blocked(backend.world, person, blocked)
    await backend.changes.notify()


async def open_topic(backend: Backend, person: User, room: Chat, name: str, icon_color: int) -> Topic:
    world = backend.world
    if not room.is_forum:
        raise ValueError(f"chat {room.id} is not a forum")
    _where(world, person, room, None)
    topic, created = world.open_topic(room, person, name, icon_color)
    if _bot_sees(world, room, created):
        world.updates.push("message", wire.message(created), room.id)
    await backend.changes.notify()
    return topic


def _set_blocked(world: World, person: User, blocked: bool) -> None:
    room = world.private_chat(person)
    if room.bot_blocked == blocked:
        return
    room.bot_blocked = blocked
    old, new = (
        (MemberStatus.MEMBER, MemberStatus.KICKED) if blocked else (MemberStatus.KICKED, MemberStatus.MEMBER)
    )
    update = wire.chat_member_updated(room, person, world.now(), world.bot, old, new)
    world.updates.push("my_chat_member", update, room.id)


def _where(world: World, person: User, room: Chat | None, thread_id: int | None) -> Chat:
    """The chat ``person`` writes into, checked as their Telegram app would."""
    if room is None and person.is_bot:
        raise ValueError(f"user {person.id} is a bot: bots cannot write to the bot")
    room = room or world.private_chat(person)
    if room.is_private:
        if room.person is not person:
            raise ValueError(f"user {person.id} cannot write in the private chat {room.id}")
        if room.bot_blocked:
            _set_blocked(world, person, False)
        room.started = True
    elif not room.status_of(person.id).is_present:
        raise ValueError(f"user {person.id} is not a member of chat {room.id}")
    if thread_id is not None:
        topic = room.topics.get(thread_id)
        if topic is None:
            raise ValueError(f"chat {room.id} has no topic {thread_id}")
        if topic.closed and not room.status_of(person.id).is_admin:
            raise ValueError(f"topic {thread_id} is closed")
    return room


def _bot_sees(world: World, room: Chat, sent: Message) -> bool:
    """Whether the bot gets an update for ``sent`` (privacy mode in groups)."""
    if room.is_private or room.status_of(world.bot.id).is_admin:
        return True
    if not room.status_of(world.bot.id).is_present:
        return False
    replied_to_bot = sent.reply_to is not None and sent.reply_to.sender is world.bot
    return replied_to_bot or (sent.content.text or "").startswith("/")
