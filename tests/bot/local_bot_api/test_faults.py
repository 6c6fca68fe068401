"""``fail_next``: a test plans a refusal (a 502, a 500) for the next calls of a method; the method
does not run, the refusal is counted, and the call after is served as usual."""

from __future__ import annotations

from bot.local_bot_api import LocalBotApi, User
from tests.bot.local_bot_api.conftest import Raw


async def test_the_next_calls_of_a_method_are_refused_as_planned_then_served(
    server: LocalBotApi, raw: Raw, chatting: User
) -> None:
    server.fail_next("SENDMESSAGE", 502, "Bad Gateway", times=2)  # method names are case-insensitive
    assert await raw.refused("sendMessage", chat_id=chatting.id, text="Một") == (502, "Bad Gateway")
    assert await raw.refused("sendmessage", chat_id=chatting.id, text="Một") == (502, "Bad Gateway")
    assert server.bot_messages(chatting) == []  # the refused calls did nothing
    await raw.ok("getMe")  # another method is not touched
    sent = await raw.ok("sendMessage", chat_id=chatting.id, text="Một")
    assert [m.message_id for m in server.bot_messages(chatting)] == [sent["message_id"]]
    assert [(c.method, c.status) for c in server.calls[-4:]] == [
        ("sendMessage", 502),
        ("sendMessage", 502),
        ("getMe", 200),
        ("sendMessage", 200),
    ]
