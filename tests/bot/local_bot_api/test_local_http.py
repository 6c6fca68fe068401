"""``/_local``: the JSON layer the web chat page uses to play a person."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.local_bot_api import LocalBotApi
from tests.bot.local_bot_api.conftest import Raw
from tests.bot.local_bot_api.test_files import PDF


async def local(raw: Raw, verb: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    async with raw.http.request(verb, f"{raw.server.base_url}/_local{path}", **kwargs) as response:
        return response.status, await response.json()


async def test_a_person_is_made_and_writes_and_the_bot_hears_it(raw: Raw) -> None:
    status, made = await local(
        raw, "POST", "/users", json={"first_name": "Chi", "id": 42, "language_code": "en"}
    )
    assert status == 200 and made["user"]["id"] == 42 and made["chat"]["type"] == "private"

    status, sent = await local(raw, "POST", "/chats/42/messages", json={"user_id": 42, "text": "/start"})
    assert status == 200 and (sent["id"], sent["visible_text"], sent["from"]["first_name"]) == (
        1,
        "/start",
        "Chi",
    )
    (update,) = await raw.take_updates()
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    _, listed = await local(raw, "GET", "/chats")
    assert [c["id"] for c in listed["chats"]] == [42]


async def test_the_feed_long_polls_for_changes_and_shows_edits(bot: Bot, raw: Raw) -> None:
    person = raw.server.add_user("Chi", user_id=42)
    await raw.server.send_text(person, "hi")
    _, feed = await local(raw, "GET", "/chats/42/messages", params={"since": "0"})
    version = feed["version"]
    assert [m["text"] for m in feed["messages"]] == ["hi"]

    waiting = asyncio.create_task(
        local(raw, "GET", "/chats/42/messages", params={"since": str(version), "timeout": "30"})
    )
    menu = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Mua", callback_data="buy")]])
    sent = await bot.send_message(42, "<i>Chào</i>", parse_mode="HTML", reply_markup=menu)
    _, feed = await asyncio.wait_for(waiting, 5)
    (shown,) = feed["messages"]
    assert (shown["text"], shown["visible_text"], shown["parse_mode"]) == ("<i>Chào</i>", "Chào", "HTML")
    assert shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "buy"

    await bot.edit_message_text("Đã chọn", chat_id=42, message_id=sent.message_id)
    _, feed = await local(raw, "GET", "/chats/42/messages", params={"since": str(feed["version"])})
    assert [(m["id"], m["text"], m["edit_count"]) for m in feed["messages"]] == [
        (sent.message_id, "Đã chọn", 1)
    ]


async def test_a_press_and_its_answer(bot: Bot, raw: Raw) -> None:
    person = raw.server.add_user("Chi", user_id=42)
    await raw.server.send_text(person, "hi")
    menu = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Mua", callback_data="buy")]])
    sent = await bot.send_message(42, "Menu", reply_markup=menu)
    status, pressed = await local(
        raw,
        "POST",
        "/chats/42/press",
        json={"user_id": 42, "message_id": sent.message_id, "callback_data": "buy"},
    )
    assert status == 200
    query_id = pressed["callback_query_id"]
    assert await local(raw, "GET", f"/callbacks/{query_id}") == (200, {"answered": False})

    waiting = asyncio.create_task(local(raw, "GET", f"/callbacks/{query_id}", params={"timeout": "30"}))
    await bot.answer_callback_query(query_id, text="OK")
    assert await asyncio.wait_for(waiting, 5) == (
        200,
        {"answered": True, "text": "OK", "show_alert": False, "url": None},
    )


async def test_documents_go_up_and_come_down(bot: Bot, raw: Raw, server: LocalBotApi) -> None:
    server.add_user("Chi", user_id=42)
    form = aiohttp.FormData()
    form.add_field("user_id", "42")
    form.add_field("caption", "giấy phép")
    form.add_field("file", PDF, filename="license.pdf", content_type="application/pdf")
    status, sent = await local(raw, "POST", "/chats/42/documents", data=form)
    assert status == 200 and sent["media"]["file_name"] == "license.pdf" and sent["caption"] == "giấy phép"

    invoice = await bot.send_document(42, BufferedInputFile(b"%PDF invoice", filename="HD-1.pdf"))
    assert invoice.document is not None
    async with raw.http.get(f"{server.base_url}/_local/files/{invoice.document.file_id}") as response:
        assert await response.read() == b"%PDF invoice"
        assert response.headers["Content-Disposition"] == 'attachment; filename="HD-1.pdf"'


async def test_mistakes_are_answered_with_a_reason(raw: Raw) -> None:
    raw.server.add_user("Chi", user_id=42)
    assert await local(raw, "POST", "/chats/7/messages", json={"user_id": 42, "text": "x"}) == (
        404,
        {"error": "no such chat"},
    )
    assert await local(raw, "POST", "/chats/42/messages", json={"user_id": 9, "text": "x"}) == (
        404,
        {"error": "no such user"},
    )
    assert await local(raw, "POST", "/chats/42/messages", data="[1]") == (
        400,
        {"error": "the body must be a JSON object"},
    )
    assert (await local(raw, "GET", "/files/nope"))[0] == 404
