"""An incoming message or tap as the conversation's event, the customer's chat, or the support
desk's `AgentPost`."""

from __future__ import annotations

from conversations import Button, Command, Document, Event, Other, Start, Sticker, Text
from handlers.incoming import IncomingMessage, IncomingTap, Sender
from handlers.messenger import ChatRef
from handlers.support_channel import AgentPost
from locales import pick_locale


def chat_of(sender: Sender) -> ChatRef:
    """The private chat with `sender` (its id is the user's id)."""
    return ChatRef(
        sender.id, sender.id, pick_locale(sender.language_code), sender.full_name or None, sender.username
    )


def split_command(text: str) -> tuple[str, str]:
    """A command's name and arguments ("/quote@cleeksy_bot workspace …" → "quote", "workspace …")."""
    head, _, args = text[1:].partition(" ")
    return head.split("@", 1)[0].lower(), args.strip()


def command_of(text: str, message_id: int | None = None, reply_to: int | None = None) -> Event:
    """`/start payload`, `/help`, `/language@cleeksy_bot en` …"""
    name, args = split_command(text)
    if name == "start":
        return Start(args, message_id, reply_to)
    return Command(name, args, message_id, reply_to)


def event_of_message(message: IncomingMessage) -> Event:
    """The customer's message as an event, with its id and the id of the message it replies to
    (both used when it is copied to the agents during a ticket)."""
    message_id, reply_to = message.message_id, message.reply_to
    if message.text is not None:
        if message.text.startswith("/"):
            return command_of(message.text, message_id, reply_to)
        return Text(message.text, message_id, reply_to)
    if message.has_sticker:
        return Sticker(message_id, reply_to)
    if message.has_document:
        return Document(message.document_name, message_id, reply_to)
    return Other(message.content_type, message_id, reply_to)


def event_of_tap(tap: IncomingTap) -> Button:
    return Button(tap.data or "", tap.message_id)


def agent_post(message: IncomingMessage) -> AgentPost:
    """A group message as the desk reads it (a reply to the topic's first message is none)."""
    sender = message.sender
    name = sender.full_name if sender is not None else message.sender_chat_title or ""
    thread_id = message.topic_thread
    reply_to = message.reply_to if message.reply_to != thread_id else None
    return AgentPost(
        chat_id=message.chat_id,
        thread_id=thread_id,
        message_id=message.message_id,
        user_id=sender.id if sender is not None else None,
        name=name,
        is_bot=sender is not None and sender.is_bot,
        text=message.text if message.text is not None else message.caption,
        reply_to=reply_to,
        is_caption=message.text is None,
    )
