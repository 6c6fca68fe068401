"""The support group: a forum supergroup, one topic per customer, messages copied both ways."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from bot.local_bot_api import Chat, LocalBotApi, MemberStatus, User
from tests.bot.local_bot_api.conftest import Raw
from tests.bot.local_bot_api.test_files import PDF, png


@pytest.fixture
def agent(server: LocalBotApi) -> User:
    return server.add_user("Agent Minh", user_id=700, language_code="vi")


@pytest.fixture
def support(server: LocalBotApi, agent: User) -> Chat:
    owner = server.add_user("Owner", user_id=701)
    return server.add_forum(
        "Cleeksy support", {agent: MemberStatus.MEMBER, owner: MemberStatus.CREATOR}, chat_id=-1001234567890
    )


async def test_a_topic_per_customer_receives_a_copied_document(
    bot: Bot, server: LocalBotApi, anna: User, support: Chat
) -> None:
    topic = await bot.create_forum_topic(support.id, "Anna · 501")
    card = await bot.send_message(support.id, "Khách: Anna", message_thread_id=topic.message_thread_id)
    scan = await server.send_document(anna, "license.pdf", PDF, "application/pdf", caption="giấy phép")

    copied = await bot.copy_message(
        support.id, anna.id, scan.message_id, message_thread_id=topic.message_thread_id
    )

    assert card.message_thread_id == topic.message_thread_id and card.is_topic_message
    in_topic = server.bot_messages(support, topic.message_thread_id)
    assert [m.message_id for m in in_topic] == [card.message_id, copied.message_id]
    assert in_topic[1].document is not None and in_topic[1].document.data == PDF
    assert in_topic[1].caption == "giấy phép" and in_topic[1].forward_origin is None
    service = server.messages(support)[0]
    assert service.message_id == topic.message_thread_id
    assert service.content.service == {"forum_topic_created": {"name": "Anna · 501", "icon_color": 0x6FB9F0}}


async def test_an_agent_reply_in_the_topic_reaches_the_bot_and_goes_back(
    bot: Bot, raw: Raw, server: LocalBotApi, anna: User, agent: User, support: Chat
) -> None:
    await server.send_text(anna, "Tôi cần hỗ trợ")
    topic = await bot.create_forum_topic(support.id, "Anna")
    await raw.take_updates()
    reply = await server.send_text(agent, "Chào chị, em là Minh", support, thread_id=topic.message_thread_id)

    (update,) = await raw.take_updates()
    assert update["message"]["message_thread_id"] == topic.message_thread_id
    assert update["message"]["is_topic_message"] is True
    copied = await bot.copy_message(anna.id, support.id, reply.message_id)
    assert server.messages(anna)[-1].message_id == copied.message_id
    assert server.messages(anna)[-1].text == "Chào chị, em là Minh"


async def test_a_closed_topic_refuses_messages_until_reopened(bot: Bot, support: Chat) -> None:
    topic = await bot.create_forum_topic(support.id, "Anna")
    thread = topic.message_thread_id
    assert await bot.close_forum_topic(support.id, thread) is True

    with pytest.raises(TelegramBadRequest, match="TOPIC_CLOSED"):
        await bot.send_message(support.id, "hello?", message_thread_id=thread)
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(support.id, thread)
    await bot.reopen_forum_topic(support.id, thread)
    assert (
        await bot.send_message(support.id, "open again", message_thread_id=thread)
    ).message_thread_id == thread


async def test_topics_are_edited_deleted_and_only_in_forums(
    bot: Bot, server: LocalBotApi, anna: User, support: Chat
) -> None:
    topic = await bot.create_forum_topic(support.id, "Anna")
    await bot.send_message(support.id, "note", message_thread_id=topic.message_thread_id)
    await bot.edit_forum_topic(support.id, topic.message_thread_id, name="Anna (paid)")
    assert support.topics[topic.message_thread_id].name == "Anna (paid)"

    await bot.delete_forum_topic(support.id, topic.message_thread_id)
    assert server.messages(support, topic.message_thread_id) == []
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(support.id, "x", message_thread_id=topic.message_thread_id)
    await server.send_text(anna, "hi")
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(anna.id, "nope")


async def test_a_bot_without_admin_rights_cannot_manage_topics(bot: Bot, server: LocalBotApi) -> None:
    group = server.add_forum("Other", bot_status=MemberStatus.MEMBER)
    with pytest.raises(TelegramBadRequest, match="not enough rights"):
        await bot.create_forum_topic(group.id, "x")


async def test_chat_members_have_telegram_statuses(
    bot: Bot, server: LocalBotApi, anna: User, agent: User, support: Chat
) -> None:
    statuses = {
        person: (await bot.get_chat_member(support.id, person)).status
        for person in (agent.id, 701, anna.id, server.bot.id)
    }
    assert statuses == {agent.id: "member", 701: "creator", anna.id: "left", server.bot.id: "administrator"}
    with pytest.raises(TelegramBadRequest, match="user not found"):
        await bot.get_chat_member(support.id, 999)
    info = await bot.get_chat(support.id)
    assert (info.type, info.title, info.is_forum) == ("supergroup", "Cleeksy support", True)


async def test_a_person_cannot_write_where_they_are_not(
    server: LocalBotApi, anna: User, support: Chat
) -> None:
    with pytest.raises(ValueError, match="not a member"):
        await server.send_text(anna, "let me in", support)


async def test_photos_and_voices_are_copied_with_a_new_caption(
    bot: Bot, server: LocalBotApi, anna: User, support: Chat
) -> None:
    topic = await bot.create_forum_topic(support.id, "Anna")
    photo = await server.send_photo(anna, png(30, 40), caption="old")
    voice = await server.send_voice(anna, b"OggS voice", duration=4)
    for original in (photo, voice):
        await bot.copy_message(
            support.id,
            anna.id,
            original.message_id,
            message_thread_id=topic.message_thread_id,
            caption="<i>from Anna</i>",
            parse_mode="HTML",
        )

    copied_photo, copied_voice = server.bot_messages(support, topic.message_thread_id)
    assert copied_photo.media is photo.media and copied_photo.visible_text == "from Anna"
    assert copied_voice.media is voice.media and copied_voice.media is not None
    assert copied_voice.media.duration == 4


async def test_a_bot_that_is_no_admin_sees_only_commands_and_replies(
    bot: Bot, raw: Raw, server: LocalBotApi, agent: User
) -> None:
    group = server.add_forum("Plain", [agent], bot_status=MemberStatus.MEMBER)
    await server.send_text(agent, "chatter", group)
    await server.send_command(agent, "claim", chat=group)
    posted = await bot.send_message(group.id, "I am here")
    await server.send_text(agent, "answer", group, reply_to=server.messages(group)[-1])
    assert [u["message"]["text"] for u in await raw.take_updates()] == ["/claim", "answer"]
    assert posted.chat.type == "supergroup"


async def test_people_edit_their_messages_and_the_bot_hears_of_it(
    bot: Bot, raw: Raw, server: LocalBotApi, anna: User, agent: User, support: Chat
) -> None:
    said = await server.send_text(anna, "Tôi cần 5 người dùng")
    topic = await bot.create_forum_topic(support.id, "Anna")
    scan = await server.send_document(
        agent, "bang-gia.pdf", PDF, "application/pdf", support, topic.message_thread_id, "Bảng giá"
    )
    await raw.take_updates()

    await server.edit_text(anna, said, "Tôi cần 7 người dùng")
    await server.edit_caption(agent, scan, "Bảng giá 2026")

    first, second = await raw.take_updates()
    assert (
        first["edited_message"]["text"] == "Tôi cần 7 người dùng" and "edit_date" in first["edited_message"]
    )
    assert second["edited_message"]["caption"] == "Bảng giá 2026"
    assert second["edited_message"]["message_thread_id"] == topic.message_thread_id
    with pytest.raises(ValueError, match="cannot edit"):
        await server.edit_text(agent, said, "không phải của mình")
    with pytest.raises(ValueError, match="must change"):
        await server.edit_text(anna, said, "Tôi cần 7 người dùng")


async def test_a_bot_member_posts_in_groups_only(server: LocalBotApi, support: Chat) -> None:
    helper = server.add_user("Helper", username="helper_bot", is_bot=True)
    support.members[helper.id] = MemberStatus.MEMBER
    posted = await server.send_text(helper, "ping", support)
    assert posted.sender is helper and helper.is_bot
    with pytest.raises(ValueError, match="bots cannot write to the bot"):
        await server.send_text(helper, "hello")
