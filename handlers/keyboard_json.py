"""A conversation keyboard as the Bot API's `reply_markup` JSON, for every adapter."""

from __future__ import annotations

from typing import Any

from conversations import CallbackButton, Keyboard


def inline_keyboard(keyboard: Keyboard) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [
                {"text": b.text, "callback_data": b.data}
                if isinstance(b, CallbackButton)
                else {"text": b.text, "url": b.url}
                for b in row
            ]
            for row in keyboard.rows
        ]
    }
