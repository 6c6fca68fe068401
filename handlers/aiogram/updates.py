"""An aiogram Message or CallbackQuery as a conversation event and the chat it belongs to."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message, User

from conversations import Button, Command, Document, Event, Other, Start, Sticker, Text
from handlers.messenger import ChatRef
from locales import pick_locale


def chat_of(user: User) -> ChatRef:
    """The private chat with `user` (its id is the user's id)."""
    name = " ".join(part for part in (user.first_name, user.last_name) if part) or None
    return ChatRef(user.id, user.id, pick_locale(user.language_code), name, user.username)


def command_of(text: str, message_id: int | None = None, reply_to: int | None = None) -> Event:
    """`/start payload`, `/help`, `/language@cleeksy_bot en` …"""
    head, _, args = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    if name == "start":
        return Start(args.strip(), message_id, reply_to)
    return Command(name, args.strip(), message_id, reply_to)


def event_of_message(message: Message) -> Event:
    """The customer's message as an event, with its id and the id of the message it replies to
    (both used when it is copied to the agents during a ticket)."""
    message_id = message.message_id
    replied = message.reply_to_message
    reply_to = replied.message_id if replied is not None else None
    if message.text is not None:
        if message.text.startswith("/"):
            return command_of(message.text, message_id, reply_to)
        return Text(message.text, message_id, reply_to)
    if message.sticker is not None:
        return Sticker(message_id, reply_to)
    if message.document is not None:
        return Document(message.document.file_name, message_id, reply_to)
    return Other(message.content_type, message_id, reply_to)


def event_of_callback(query: CallbackQuery) -> Button:
    message_id = query.message.message_id if query.message is not None else None
    return Button(query.data or "", message_id)
