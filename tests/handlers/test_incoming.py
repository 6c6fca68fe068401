"""The same update, as Telegram sends it, read by each framework: both adapters copy it into the
same view, so the shared translation gives the same event, the same chat and the same agent
post whichever framework runs; a body that is not an update is refused by both."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot as AiogramBot
from aiogram.types import Update as AiogramUpdate
from telegram import Bot as PtbBot
from telegram import Update as PtbUpdate

from conversations import Button, Command, Document, Event, Other, Start, Sticker, Text
from handlers.aiogram import updates as aiogram_updates
from handlers.aiogram.adapter import AiogramAdapter
from handlers.incoming import IncomingMessage, IncomingTap, Sender
from handlers.incoming_events import agent_post, chat_of, event_of_message, event_of_tap
from handlers.messenger import ChatRef
from handlers.ptb import updates as ptb_updates
from handlers.ptb.adapter import PtbAdapter
from handlers.retries import RetryPolicy
from handlers.support_channel import AgentPost

DATE = 1_795_000_000
AN = {"id": 42, "is_bot": False, "first_name": "An", "last_name": "Trần", "username": "an_tran"}
PRIVATE = {"id": 42, "type": "private", "first_name": "An"}
FORUM = {"id": -1001234567890, "type": "supergroup", "title": "Cleeksy hỗ trợ", "is_forum": True}
FILE = {"file_id": "f-1", "file_unique_id": "u-1"}
AN_TAPS = Sender(42, "An", "Trần", "an_tran")
NOWHERE = "http://127.0.0.1:9"


def _message(**fields: Any) -> dict[str, Any]:
    return {"message_id": 5, "date": DATE, "chat": PRIVATE, "from": {**AN, "language_code": "vi"}, **fields}


MESSAGES: dict[str, tuple[dict[str, Any], Event]] = {
    "a command with its payload": (_message(text="/start trial"), Start("trial", 5, None)),
    "a command to this bot, in a reply": (
        _message(text="/language@cleeksy_bot en", reply_to_message=_message(message_id=3, text="?")),
        Command("language", "en", 5, 3),
    ),
    "a text": (_message(text="5 người"), Text("5 người", 5, None)),
    "a sticker": (
        _message(
            sticker={
                **FILE,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        ),
        Sticker(5, None),
    ),
    "a document with a caption": (
        _message(document={**FILE, "file_name": "hop-dong.pdf"}, caption="Hợp đồng"),
        Document("hop-dong.pdf", 5, None),
    ),
    "a photo": (_message(photo=[{**FILE, "width": 90, "height": 90}]), Other("photo", 5, None)),
    "a voice message": (_message(voice={**FILE, "duration": 2}), Other("voice", 5, None)),
}


@pytest.fixture
async def bots() -> AsyncIterator[tuple[AiogramBot, PtbBot]]:
    """Each framework's bot, only to bind the parsed updates to (nothing is called)."""
    on_aiogram = AiogramAdapter("1:never-called", NOWHERE, RetryPolicy(), asyncio.sleep)
    on_ptb = PtbAdapter("1:never-called", NOWHERE, RetryPolicy(), asyncio.sleep)
    try:
        yield on_aiogram.bot, on_ptb.bot
    finally:
        await on_aiogram.close()
        await on_ptb.close()


def _parsed(bots: tuple[AiogramBot, PtbBot], body: object) -> tuple[AiogramUpdate, PtbUpdate]:
    aiogram_update = aiogram_updates.parse_update(bots[0], body)
    ptb_update = ptb_updates.parse_update(bots[1], body)
    assert aiogram_update is not None and ptb_update is not None
    return aiogram_update, ptb_update


def _views(
    bots: tuple[AiogramBot, PtbBot], message: dict[str, Any]
) -> tuple[IncomingMessage, IncomingMessage]:
    on_aiogram, on_ptb = _parsed(bots, {"update_id": 1, "message": message})
    assert on_aiogram.message is not None and on_ptb.message is not None
    return aiogram_updates.message_view(on_aiogram.message), ptb_updates.message_view(on_ptb.message)


@pytest.mark.parametrize("case", list(MESSAGES))
async def test_a_customer_s_message_is_the_same_event_on_both_frameworks(
    bots: tuple[AiogramBot, PtbBot], case: str
) -> None:
    message, event = MESSAGES[case]
    on_aiogram, on_ptb = _views(bots, message)
    assert on_aiogram == on_ptb
    assert event_of_message(on_aiogram) == event_of_message(on_ptb) == event
    assert on_aiogram.sender is not None
    assert chat_of(on_aiogram.sender) == ChatRef(42, 42, "vi", "An Trần", "an_tran")


async def test_an_agent_s_reply_in_a_topic_is_the_same_post_on_both_frameworks(
    bots: tuple[AiogramBot, PtbBot],
) -> None:
    topic_start = {"message_id": 7, "date": DATE, "chat": FORUM, "message_thread_id": 7}
    answered = {**topic_start, "message_id": 9, "text": "?", "is_topic_message": True}
    in_topic = {"chat": FORUM, "message_thread_id": 7, "is_topic_message": True}
    reply = _message(**in_topic, document={**FILE, "file_name": "bang-gia.pdf"}, caption="Bảng giá")
    first = _message(**in_topic, text="Chào bạn", reply_to_message=topic_start)
    for message, reply_to in ((reply | {"reply_to_message": answered}, 9), (first, None)):
        on_aiogram, on_ptb = _views(bots, message)
        assert on_aiogram == on_ptb
        assert agent_post(on_aiogram).reply_to == reply_to  # the topic's own first message is no reply
    assert agent_post(_views(bots, reply | {"reply_to_message": answered})[1]) == AgentPost(
        chat_id=FORUM["id"],
        thread_id=7,
        message_id=5,
        user_id=42,
        name="An Trần",
        is_bot=False,
        text="Bảng giá",
        reply_to=9,
        is_caption=True,
    )


async def test_an_anonymous_admin_s_post_is_named_after_the_group(bots: tuple[AiogramBot, PtbBot]) -> None:
    message = {"message_id": 5, "date": DATE, "chat": FORUM, "sender_chat": FORUM, "text": "Xin chào"}
    on_aiogram, on_ptb = _views(bots, message)
    assert on_aiogram == on_ptb
    post = agent_post(on_ptb)
    assert (post.user_id, post.name, post.thread_id) == (None, "Cleeksy hỗ trợ", None)


@pytest.mark.parametrize(
    ("query", "tap"),
    [
        (
            {"message": _message(text="Bạn muốn mua gì?")},
            IncomingTap("q-1", AN_TAPS, "n|menu|buy", "private", 5),
        ),
        ({"inline_message_id": "i-1"}, IncomingTap("q-1", AN_TAPS, "n|menu|buy", None, None)),
    ],
    ids=["on a message", "on an inline message"],
)
async def test_a_tap_is_the_same_on_both_frameworks(
    bots: tuple[AiogramBot, PtbBot], query: dict[str, Any], tap: IncomingTap
) -> None:
    body = {
        "update_id": 3,
        "callback_query": {"id": "q-1", "from": AN, "chat_instance": "c", "data": "n|menu|buy", **query},
    }
    on_aiogram, on_ptb = _parsed(bots, body)
    assert on_aiogram.callback_query is not None and on_ptb.callback_query is not None
    views = aiogram_updates.tap_view(on_aiogram.callback_query), ptb_updates.tap_view(on_ptb.callback_query)
    assert views[0] == views[1] == tap
    assert event_of_tap(views[1]) == Button("n|menu|buy", tap.message_id)
    assert aiogram_updates.chat_key(on_aiogram) == ptb_updates.chat_key(on_ptb) == 42


@pytest.mark.parametrize(
    "body",
    [None, "not json", [1, 2], {"update_id": "x"}, {"update_id": 1, "message": 5}],
)
async def test_a_body_that_is_not_an_update_is_refused_by_both(
    bots: tuple[AiogramBot, PtbBot], body: object
) -> None:
    assert aiogram_updates.parse_update(bots[0], body) is None
    assert ptb_updates.parse_update(bots[1], body) is None
