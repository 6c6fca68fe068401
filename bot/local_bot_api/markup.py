"""``reply_markup`` checked and normalised as Telegram does: inline keyboard, reply keyboard,
keyboard removal, force reply.

An inline button needs exactly one action; callback data is 1–64 bytes (BUTTON_DATA_INVALID
otherwise), URLs are http(s) or tg:// links. Reply-keyboard buttons given as plain strings
become ``{"text": ...}``; ``null`` fields are dropped; an empty inline keyboard is no markup.
"""

from __future__ import annotations

from typing import Any

from bot.local_bot_api.errors import BotApiError, bad_request
from bot.local_bot_api.models import JsonObject

INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
CALLBACK_DATA_MAX_BYTES = 64
_UNPARSABLE = "can't parse reply keyboard markup JSON object"


def parse_reply_markup(raw: object) -> JsonObject | None:
    """The markup to store, or None for an empty inline keyboard; raises 400 when Telegram would."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request(_UNPARSABLE)
    markup: JsonObject = _without_nulls(raw)
    if "inline_keyboard" in markup:
        rows = _rows(markup["inline_keyboard"])
        for button in (b for row in rows for b in row):
            _check_inline_button(button)
        return {"inline_keyboard": rows} if any(rows) else None
    if "keyboard" in markup:
        rows = [[_reply_button(b) for b in row] for row in _rows(markup["keyboard"], allow_text=True)]
        return {**markup, "keyboard": rows}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request(_UNPARSABLE)


def inline_only(markup: JsonObject | None) -> JsonObject | None:
    """The markup of an edit, which may only be an inline keyboard."""
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _rows(value: object, *, allow_text: bool = False) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(_UNPARSABLE)
    allowed: tuple[type, ...] = (dict, str) if allow_text else (dict,)
    if not all(isinstance(button, allowed) for row in value for button in row):
        raise bad_request(_UNPARSABLE)
    return [list(row) for row in value]


def _check_inline_button(button: JsonObject) -> None:
    if not isinstance(button.get("text"), str):
        raise _button_error('Field "text" must be of type String')
    actions = INLINE_ACTIONS & button.keys()
    if not actions:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _button_error("can't have more than one action")
    data = button.get("callback_data")
    if data is not None and not (
        isinstance(data, str) and 1 <= len(data.encode()) <= CALLBACK_DATA_MAX_BYTES
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://", "tg://"))):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _button_error(reason: str) -> BotApiError:
    return bad_request(f"can't parse inline keyboard button: {reason}")


def _reply_button(button: str | JsonObject) -> JsonObject:
    normal = {"text": button} if isinstance(button, str) else button
    if not isinstance(normal.get("text"), str) or not normal["text"]:
        raise bad_request("keyboard button text is empty")
    return normal
