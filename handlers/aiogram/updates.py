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


def command_of(text: str) -> Event:
    """`/start payload`, `/help`, `/language@cleeksy_bot en` …"""
    head, _, args = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return Start(args.strip()) if name == "start" else Command(name, args.strip())


def event_of_message(message: Message) -> Event:
    if message.text is not None:
        return command_of(message.text) if message.text.startswith("/") else Text(message.text)
    if message.sticker is not None:
        return Sticker()
    if message.document is not None:
        return Document(message.document.file_name)
    return Other(message.content_type)


def event_of_callback(query: CallbackQuery) -> Button:
    message_id = query.message.message_id if query.message is not None else None
    return Button(query.data or "", message_id)
