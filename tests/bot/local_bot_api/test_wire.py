"""Every object the server sends parses with aiogram 3's and python-telegram-bot 22's models."""

from __future__ import annotations

from typing import Any

import aiogram.types as ag
import telegram as tg

from bot.local_bot_api import LocalBotApi, MemberStatus, User
from tests.bot.local_bot_api.conftest import Raw
from tests.bot.local_bot_api.test_files import PDF, png

NEWER_THAN_PTB = {"can_send_welcome_messages"}
"""Fields aiogram 3.31 requires that python-telegram-bot 22.8 does not know yet."""


def parses(kind: str, data: Any, ptb_kind: str | None = None) -> None:
    """Both libraries read ``data`` as ``kind``, and PTB meets no field it does not know."""
    getattr(ag, kind).model_validate(data)
    parsed = getattr(tg, ptb_kind or kind).de_json(data, None)
    unknown = set(parsed.api_kwargs) - NEWER_THAN_PTB
    assert not unknown, f"{kind}: PTB did not know {unknown}"


async def test_updates_of_every_kind_parse(raw: Raw, server: LocalBotApi, anna: User) -> None:
    agent = server.add_user("Agent")
    forum = server.add_forum("Support", [agent])
    await server.send_command(anna, "start", "upgrade")
    question = await server.send_text(anna, "xin chào")
    await server.send_document(anna, "a.pdf", PDF, "application/pdf", caption="scan")
    await server.send_photo(anna, png(10, 20), caption="qr")
    await server.send_voice(anna, b"OggS", duration=3)
    await server.send_sticker(anna)
    await server.send_text(anna, "reply", reply_to=question)
    topic = await server.create_topic(agent, forum, "Anna")
    await server.send_text(agent, "in topic", forum, thread_id=topic.thread_id)
    menu = await raw.ok(
        "sendMessage",
        chat_id=anna.id,
        text="<b>Menu</b>",
        parse_mode="HTML",
        reply_markup={"inline_keyboard": [[{"text": "Buy", "callback_data": "buy"}]]},
    )
    await server.press(anna, server.messages(anna)[-1], "buy")
    await server.block_bot(anna)

    updates = await raw.ok("getUpdates", allowed_updates=[])
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["message"] * 9 + ["callback_query", "my_chat_member"]
    inner = {"message": "Message", "callback_query": "CallbackQuery", "my_chat_member": "ChatMemberUpdated"}
    for update, kind in zip(updates, kinds, strict=True):
        parses("Update", update)
        parses(inner[kind], update[kind])
    assert updates[9]["callback_query"]["message"]["message_id"] == menu["message_id"]


async def test_method_results_parse(raw: Raw, server: LocalBotApi, anna: User) -> None:
    forum = server.add_forum("Support", {anna: MemberStatus.ADMINISTRATOR}, username="cleeksy_support")
    await server.send_text(anna, "hi")
    parses("User", await raw.ok("getMe"))
    parses("ChatFullInfo", await raw.ok("getChat", chat_id=anna.id))
    parses("ChatFullInfo", await raw.ok("getChat", chat_id="@cleeksy_support"))
    for person in (anna.id, server.bot.id):
        member = await raw.ok("getChatMember", chat_id=forum.id, user_id=person)
        parses("ChatMemberAdministrator", member, "ChatMember")
    stranger = server.add_user("X").id
    parses("ChatMemberLeft", await raw.ok("getChatMember", chat_id=forum.id, user_id=stranger), "ChatMember")
    owner = server.add_user("Owner")
    forum.members[owner.id] = MemberStatus.CREATOR
    parses("ChatMemberOwner", await raw.ok("getChatMember", chat_id=forum.id, user_id=owner.id), "ChatMember")
    topic = await raw.ok("createForumTopic", chat_id=forum.id, name="Anna")
    parses("ForumTopic", topic)
    await raw.ok("closeForumTopic", chat_id=forum.id, message_thread_id=topic["message_thread_id"])
    (created, closed) = server.messages(forum)
    assert created.content.service is not None and closed.content.service == {"forum_topic_closed": {}}
    sent = await raw.ok("sendMessage", chat_id=anna.id, text="x")
    edited = await raw.ok("editMessageText", chat_id=anna.id, message_id=sent["message_id"], text="y")
    parses("Message", edited)
    assert edited["edit_date"] > 0
    forwarded = await raw.ok("forwardMessage", chat_id=anna.id, from_chat_id=anna.id, message_id=1)
    parses("Message", forwarded)
    assert forwarded["forward_origin"]["sender_user"]["id"] == anna.id
    parses("MessageId", await raw.ok("copyMessage", chat_id=anna.id, from_chat_id=anna.id, message_id=1))
    parses("WebhookInfo", await raw.ok("getWebhookInfo"))
    parses("MenuButtonCommands", await raw.ok("getChatMenuButton", chat_id=anna.id), "MenuButton")
