"""The HTTP surface as api.telegram.org shows it: statuses, descriptions, encodings, getUpdates."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.local_bot_api import LocalBotApi, User
from tests.bot.local_bot_api.conftest import Raw


async def test_an_unknown_method_is_404_not_found(raw: Raw) -> None:
    assert await raw.refused("sendTelepathy", chat_id=1) == (404, "Not Found")


async def test_a_wrong_token_is_401_unauthorized(raw: Raw) -> None:
    status, body = await raw.call("getMe", token="1234567890:wrong")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_method_names_are_case_insensitive_and_get_with_a_query_works(raw: Raw) -> None:
    status, body = await raw.call("GETME", verb="GET")
    assert status == 200 and body["result"]["is_bot"] is True
    status, body = await raw.call("getChat", verb="GET", query={"chat_id": "404"})
    assert (status, body["description"]) == (400, "Bad Request: chat not found")


async def test_missing_and_invalid_parameters_are_400_bad_request(raw: Raw, anna: User) -> None:
    await raw.server.send_text(anna, "hi")
    assert await raw.refused("sendMessage", text="hi") == (400, "Bad Request: chat_id is empty")
    assert await raw.refused("sendMessage", chat_id=anna.id) == (400, "Bad Request: message text is empty")
    assert await raw.refused("sendMessage", chat_id=anna.id, text="   ") == (
        400,
        "Bad Request: message text is empty",
    )
    assert await raw.refused("sendMessage", chat_id=999, text="hi") == (400, "Bad Request: chat not found")
    assert await raw.refused("sendMessage", chat_id=anna.id, text="x" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    assert await raw.refused("sendMessage", chat_id=anna.id, text="hi", parse_mode="BBCode") == (
        400,
        "Bad Request: unsupported parse_mode",
    )
    assert await raw.refused("getUpdates", offset="soon") == (
        400,
        'Bad Request: field "offset" must be of type Integer',
    )


async def test_a_bot_cannot_write_first_to_a_person(raw: Raw, anna: User) -> None:
    assert await raw.refused("sendMessage", chat_id=anna.id, text="hi") == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


async def test_json_urlencoded_and_multipart_bodies_are_read_alike(raw: Raw, anna: User) -> None:
    await raw.server.send_text(anna, "hi")
    keyboard = '{"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}'
    form = aiohttp.FormData({"chat_id": str(anna.id), "text": "form", "reply_markup": keyboard})
    multipart = aiohttp.FormData(
        {"chat_id": str(anna.id), "text": "multipart", "reply_markup": keyboard}, default_to_multipart=True
    )
    for body in (form, multipart):
        status, answer = await raw.call("sendMessage", form=body)
        assert status == 200, answer
    await raw.ok("sendMessage", chat_id=anna.id, text="json", reply_markup={"inline_keyboard": []})

    sent = raw.server.bot_messages(anna)
    assert [m.text for m in sent] == ["form", "multipart", "json"]
    assert [m.button_data("Yes") for m in sent[:2]] == ["yes", "yes"]
    assert sent[2].reply_markup is None  # an empty inline keyboard is no keyboard


async def test_get_updates_confirms_with_offset_and_limits_its_answer(raw: Raw, anna: User) -> None:
    for text in ("one", "two", "three"):
        await raw.server.send_text(anna, text)

    first = await raw.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in first] == ["one", "two"]
    assert first[1]["update_id"] == first[0]["update_id"] + 1
    again = await raw.ok("getUpdates")
    assert [u["update_id"] for u in again][:2] == [u["update_id"] for u in first]  # not confirmed yet

    rest = await raw.ok("getUpdates", offset=first[1]["update_id"] + 1)
    assert [u["message"]["text"] for u in rest] == ["three"]
    assert await raw.ok("getUpdates", offset=rest[0]["update_id"] + 1) == []
    assert raw.server.pending_updates == 0


async def test_a_negative_offset_keeps_only_the_last_updates(raw: Raw, anna: User) -> None:
    for text in ("one", "two", "three"):
        await raw.server.send_text(anna, text)
    assert [u["message"]["text"] for u in await raw.ok("getUpdates", offset=-1)] == ["three"]
    assert [u["message"]["text"] for u in await raw.ok("getUpdates")] == ["three"]


async def test_a_long_poll_returns_as_soon_as_a_person_writes(raw: Raw, anna: User) -> None:
    poll = asyncio.create_task(raw.ok("getUpdates", timeout=30))
    await raw.server.wait_for(lambda: raw.server.backend.poll_ticket == 1)
    await raw.server.send_text(anna, "hello")
    updates = await asyncio.wait_for(poll, 5)
    assert [u["message"]["text"] for u in updates] == ["hello"]


async def test_a_newer_get_updates_ends_a_waiting_one_with_409(raw: Raw, anna: User) -> None:
    old = asyncio.create_task(raw.call("getUpdates", json_body={"timeout": 30}))
    await raw.server.wait_for(lambda: raw.server.backend.poll_ticket == 1)
    assert await raw.ok("getUpdates") == []
    status, body = await asyncio.wait_for(old, 5)
    assert (status, body["description"]) == (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    )


async def test_allowed_updates_drops_kinds_the_bot_did_not_ask_for(raw: Raw, anna: User) -> None:
    assert await raw.ok("getUpdates", allowed_updates=["callback_query"]) == []
    await raw.server.send_text(anna, "ignored")
    await raw.server.block_bot(anna)
    assert await raw.ok("getUpdates") == []
    assert await raw.ok("getUpdates", allowed_updates=[]) == []  # back to the default kinds
    await raw.server.unblock_bot(anna)
    assert [list(u)[1] for u in await raw.ok("getUpdates")] == ["my_chat_member"]


async def test_stopping_the_server_ends_a_waiting_long_poll() -> None:
    server = LocalBotApi()
    await server.start()
    async with aiohttp.ClientSession() as http:
        raw = Raw(server, http)
        poll = asyncio.create_task(raw.call("getUpdates", json_body={"timeout": 50}))
        await server.wait_for(lambda: server.backend.poll_ticket == 1)
        await server.stop()
        assert await asyncio.wait_for(poll, 5) == (200, {"ok": True, "result": []})
