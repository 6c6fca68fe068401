"""Records → Bot API JSON objects, field for field as https://core.telegram.org/bots/api
describes them, so aiogram 3 and python-telegram-bot 22 parse them like Telegram's. Optional
fields are left out rather than sent as null.
"""

from __future__ import annotations

from typing import Any

from bot.local_bot_api.models import (
    CallbackQuery,
    Chat,
    FileKind,
    JsonObject,
    MemberStatus,
    Message,
    StoredFile,
    Topic,
    User,
)

ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_send_welcome_messages": False,
    "can_pin_messages": True,
    "can_manage_topics": True,
}


def _present(**fields: Any) -> JsonObject:
    return {k: v for k, v in fields.items() if v is not None}


def user(person: User) -> JsonObject:
    return _present(
        id=person.id,
        is_bot=person.is_bot,
        first_name=person.first_name,
        last_name=person.last_name,
        username=person.username,
        language_code=None if person.is_bot else person.language_code,
    )


def bot_user(bot: User) -> JsonObject:
    """getMe: the bot with its capabilities."""
    return {
        **user(bot),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat(room: Chat) -> JsonObject:
    person = room.person
    return _present(
        id=room.id,
        type=room.type.value,
        title=room.title,
        username=room.username if person is None else person.username,
        first_name=person.first_name if person else None,
        last_name=person.last_name if person else None,
        is_forum=True if room.is_forum else None,
    )


def chat_full_info(room: Chat) -> JsonObject:
    """getChat's ChatFullInfo."""
    return {
        **chat(room),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def chat_member(person: User, status: MemberStatus) -> JsonObject:
    """The ChatMember variant of ``status``."""
    body: JsonObject = {"status": status.value, "user": user(person)}
    if status is MemberStatus.ADMINISTRATOR:
        body.update(ADMIN_RIGHTS)
    elif status is MemberStatus.CREATOR:
        body["is_anonymous"] = False
    elif status is MemberStatus.KICKED:
        body["until_date"] = 0
    return body


def chat_member_updated(
    room: Chat, actor: User, date: int, subject: User, old: MemberStatus, new: MemberStatus
) -> JsonObject:
    return {
        "chat": chat(room),
        "from": user(actor),
        "date": date,
        "old_chat_member": chat_member(subject, old),
        "new_chat_member": chat_member(subject, new),
    }


def file(stored: StoredFile) -> JsonObject:
    """getFile's File."""
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


def media(stored: StoredFile) -> tuple[str, Any]:
    """The Message field carrying ``stored`` and its value."""
    ids = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.kind is FileKind.PHOTO:
        return "photo", [{**ids, "width": stored.width, "height": stored.height, "file_size": stored.size}]
    if stored.kind is FileKind.VOICE:
        return "voice", _present(
            **ids, duration=stored.duration, mime_type=stored.mime_type, file_size=stored.size
        )
    if stored.kind is FileKind.STICKER:
        return "sticker", _present(
            **ids,
            type="regular",
            width=stored.width,
            height=stored.height,
            is_animated=False,
            is_video=False,
            emoji=stored.emoji,
            file_size=stored.size,
        )
    return "document", _present(
        **ids, file_name=stored.file_name, mime_type=stored.mime_type, file_size=stored.size
    )


def message(sent: Message, *, with_reply: bool = True) -> JsonObject:
    content = sent.content
    body: JsonObject = {
        "message_id": sent.message_id,
        "from": user(sent.sender),
        "date": sent.date,
        "chat": chat(sent.chat),
    }
    if sent.thread_id is not None:
        body["message_thread_id"] = sent.thread_id
        body["is_topic_message"] = True
    if with_reply and sent.reply_to is not None and not sent.reply_to.deleted:
        body["reply_to_message"] = message(sent.reply_to, with_reply=False)
    if sent.forward_origin is not None:
        body["forward_origin"] = sent.forward_origin
    if sent.edit_date is not None:
        body["edit_date"] = sent.edit_date
    entities = list(content.entities) or None
    if content.media is not None:
        key, value = media(content.media)
        body[key] = value
        body.update(_present(caption=content.visible, caption_entities=entities))
    elif content.visible is not None:
        body.update(_present(text=content.visible, entities=entities))
    if content.inline_keyboard:
        body["reply_markup"] = {"inline_keyboard": content.inline_keyboard}
    body.update(content.service or {})
    return body


def forward_origin(original: Message) -> JsonObject:
    """Where a forwarded message comes from (the first origin of a forward of a forward)."""
    if original.forward_origin is not None:
        return original.forward_origin
    return {"type": "user", "sender_user": user(original.sender), "date": original.date}


def callback_query(press: CallbackQuery) -> JsonObject:
    return {
        "id": press.id,
        "from": user(press.user),
        "message": message(press.message),
        "chat_instance": str(abs(press.message.chat.id) * 7919 % 10**12),
        "data": press.data,
    }


def topic(forum_topic: Topic) -> JsonObject:
    return _present(
        message_thread_id=forum_topic.thread_id,
        name=forum_topic.name,
        icon_color=forum_topic.icon_color,
        icon_custom_emoji_id=forum_topic.icon_custom_emoji_id,
    )
