"""Sending, editing, deleting and answering, through aiogram's Bot, as the person sees it."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from bot.local_bot_api import LocalBotApi, User
from tests.bot.local_bot_api.conftest import NOW, Raw

NOT_MODIFIED = (
    "Telegram server says - Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(text=label, callback_data=label.lower()) for label in labels]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


async def test_a_message_keeps_its_markup_and_shows_its_text(
    bot: Bot, server: LocalBotApi, chatting: User
) -> None:
    sent = await bot.send_message(
        chatting.id, "<b>Tổng</b>: 1.200.000 ₫ &amp; VAT", parse_mode="HTML", reply_markup=keyboard("Pay")
    )

    assert sent.text == "Tổng: 1.200.000 ₫ & VAT"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [("bold", 0, 4)]
    assert sent.date.timestamp() == NOW and sent.chat.id == chatting.id and sent.from_user is not None
    stored = server.last_bot_message(chatting)
    assert stored is not None
    assert (stored.text, stored.parse_mode) == ("<b>Tổng</b>: 1.200.000 ₫ &amp; VAT", "HTML")
    assert stored.button_data("Pay") == "pay"


async def test_markup_telegram_cannot_parse_is_refused(bot: Bot, chatting: User) -> None:
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "div" at byte offset 0'):
        await bot.send_message(chatting.id, "<div>hi</div>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match=r"Character '\.' is reserved"):
        await bot.send_message(chatting.id, "1.200.000 ₫", parse_mode="MarkdownV2")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(chatting.id, "hi", reply_markup=keyboard("x" * 65))


async def test_message_ids_count_per_chat(bot: Bot, server: LocalBotApi, chatting: User) -> None:
    bea = server.add_user("Bea")
    await server.send_text(bea, "hello")
    first = await bot.send_message(chatting.id, "1")
    second = await bot.send_message(chatting.id, "2")
    other = await bot.send_message(bea.id, "1")
    assert (first.message_id, second.message_id, other.message_id) == (2, 3, 2)


async def test_replies_and_reply_keyboards(bot: Bot, server: LocalBotApi, chatting: User) -> None:
    question = server.messages(chatting)[0]
    buttons = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="12"), KeyboardButton(text="20")]])
    answer = await bot.send_message(
        chatting.id, "How many?", reply_markup=buttons, reply_parameters=ReplyParameters(message_id=1)
    )

    assert answer.reply_to_message is not None and answer.reply_to_message.text == question.text
    assert answer.reply_markup is None  # a reply keyboard is not part of the Message object
    assert server.reply_keyboard(chatting) == {"keyboard": [[{"text": "12"}, {"text": "20"}]]}
    await bot.send_message(chatting.id, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert server.reply_keyboard(chatting) is None
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(chatting.id, "?", reply_parameters=ReplyParameters(message_id=99))


async def test_editing_keeps_history_and_refuses_an_edit_that_changes_nothing(
    bot: Bot, server: LocalBotApi, chatting: User
) -> None:
    sent = await bot.send_message(chatting.id, "Seats: 10", reply_markup=keyboard("More"))
    await bot.edit_message_text(
        "Seats: 11", chat_id=chatting.id, message_id=sent.message_id, reply_markup=keyboard("More")
    )

    with pytest.raises(TelegramBadRequest) as refused:
        await bot.edit_message_text(
            "Seats: 11", chat_id=chatting.id, message_id=sent.message_id, reply_markup=keyboard("More")
        )
    assert refused.value.message == NOT_MODIFIED.removeprefix("Telegram server says - ")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=chatting.id, message_id=sent.message_id, reply_markup=keyboard("More")
        )

    stored = server.last_bot_message(chatting)
    assert stored is not None and [c.text for c in stored.history] == ["Seats: 10"]
    await bot.edit_message_text("Seats: 11!", chat_id=chatting.id, message_id=sent.message_id)
    assert stored.text == "Seats: 11!" and stored.buttons == []  # an edit without markup drops the keyboard


async def test_edits_and_deletes_of_missing_or_foreign_messages_are_refused(
    bot: Bot, server: LocalBotApi, chatting: User
) -> None:
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=chatting.id, message_id=77)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=chatting.id, message_id=1)
    sent = await bot.send_message(chatting.id, "bye")

    assert await bot.delete_message(chatting.id, sent.message_id) is True
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(chatting.id, sent.message_id)
    assert server.bot_messages(chatting) == []
    assert [m.deleted for m in server.messages(chatting, include_deleted=True)] == [False, True]


async def test_a_press_is_answered_once(bot: Bot, server: LocalBotApi, chatting: User) -> None:
    sent = await bot.send_message(chatting.id, "Pay?", reply_markup=keyboard("Pay"))
    stored = server.last_bot_message(chatting)
    assert stored is not None
    press = await server.press(chatting, stored, stored.button_data("Pay"))

    assert await bot.answer_callback_query(press.id, text="Đang mở VNPAY", show_alert=True) is True
    answer = await server.answer_of(press)
    assert (answer.text, answer.show_alert) == ("Đang mở VNPAY", True)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(press.id)
    assert sent.message_id == stored.message_id


async def test_a_button_that_is_not_on_the_message_can_be_forged(
    bot: Bot, raw: Raw, server: LocalBotApi, chatting: User
) -> None:
    await bot.send_message(chatting.id, "Old menu")
    stale = server.bot_messages(chatting)[-1]
    await raw.take_updates()
    await server.press(chatting, stale, "pay:order=999")
    (update,) = await raw.take_updates()
    assert update["callback_query"]["data"] == "pay:order=999"
    assert update["callback_query"]["message"]["message_id"] == stale.message_id


async def test_a_blocked_bot_is_told_403_and_hears_my_chat_member(
    bot: Bot, raw: Raw, server: LocalBotApi, chatting: User
) -> None:
    await raw.take_updates()
    await server.block_bot(chatting)

    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(chatting.id, "Still there?")
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_chat_action(chatting.id, "typing")
    (update,) = await raw.take_updates()
    change = update["my_chat_member"]
    assert change["from"]["id"] == chatting.id and change["new_chat_member"]["user"]["id"] == server.bot.id
    assert (change["old_chat_member"]["status"], change["new_chat_member"]["status"]) == ("member", "kicked")

    await server.unblock_bot(chatting)
    assert (await bot.send_message(chatting.id, "Welcome back")).text == "Welcome back"


async def test_writing_to_a_blocked_bot_restarts_it(raw: Raw, server: LocalBotApi, chatting: User) -> None:
    await server.block_bot(chatting)
    await server.send_command(chatting, "start")
    kinds = [next(k for k in u if k != "update_id") for u in await raw.take_updates()]
    assert kinds == ["message", "my_chat_member", "my_chat_member", "message"]


async def test_chat_actions_are_recorded(bot: Bot, server: LocalBotApi, chatting: User) -> None:
    await bot.send_chat_action(chatting.id, "upload_document")
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(chatting.id, "dancing")
    assert [a.action for a in server.chat_actions(chatting)] == ["upload_document"]


async def test_commands_are_kept_per_scope_and_language(
    bot: Bot, server: LocalBotApi, chatting: User
) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Bắt đầu")], language_code="vi")
    await bot.set_my_commands(
        [BotCommand(command="claim", description="Claim")], scope=BotCommandScopeChat(chat_id=chatting.id)
    )
    assert [c.command for c in await bot.get_my_commands(language_code="vi")] == ["start"]
    assert await bot.get_my_commands() == []
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == []
    assert server.commands({"type": "chat", "chat_id": chatting.id}) == [
        {"command": "claim", "description": "Claim"}
    ]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start Now", description="x")])
    await bot.delete_my_commands(language_code="vi")
    assert server.commands(language_code="vi") == []


async def test_the_menu_button_and_chat_info(bot: Bot, chatting: User) -> None:
    assert await bot.set_chat_menu_button(chat_id=chatting.id, menu_button=MenuButtonCommands()) is True
    assert (await bot.get_chat_menu_button(chat_id=chatting.id)).type == "commands"
    info = await bot.get_chat(chatting.id)
    assert (info.type, info.first_name, info.username) == ("private", "Anna", "anna")
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (1234567890, True, "cleeksy_local_bot")
