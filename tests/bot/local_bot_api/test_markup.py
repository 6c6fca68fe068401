"""reply_markup validated and normalised as Telegram does."""

from __future__ import annotations

import pytest

from bot.local_bot_api.errors import BotApiError
from bot.local_bot_api.markup import parse_reply_markup


def description(raw: object) -> str:
    with pytest.raises(BotApiError) as refused:
        parse_reply_markup(raw)
    assert refused.value.status == 400
    return refused.value.description


def test_keyboards_are_normalised() -> None:
    inline = {"inline_keyboard": [[{"text": "A", "callback_data": "a", "url": None}]]}
    assert parse_reply_markup(inline) == {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    assert parse_reply_markup({"inline_keyboard": [[]]}) is None
    reply = {"keyboard": [["12", {"text": "20"}]], "resize_keyboard": True}
    assert parse_reply_markup(reply) == {
        "keyboard": [[{"text": "12"}, {"text": "20"}]],
        "resize_keyboard": True,
    }
    assert parse_reply_markup({"remove_keyboard": True}) == {"remove_keyboard": True}
    assert parse_reply_markup({"force_reply": True}) == {"force_reply": True}


def test_buttons_telegram_refuses() -> None:
    assert description({"inline_keyboard": [[{"text": "A"}]]}) == (
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
    )
    too_long = {"inline_keyboard": [[{"text": "A", "callback_data": "đ" * 33}]]}  # 66 bytes
    assert description(too_long) == "Bad Request: BUTTON_DATA_INVALID"
    bad_url = {"inline_keyboard": [[{"text": "A", "url": "vnpay.vn"}]]}
    assert (
        description(bad_url)
        == "Bad Request: inline keyboard button URL 'vnpay.vn' is invalid: Wrong HTTP URL"
    )
    assert (
        description({"inline_keyboard": "A"}) == "Bad Request: can't parse reply keyboard markup JSON object"
    )
    assert description({"colour": "blue"}) == "Bad Request: can't parse reply keyboard markup JSON object"
