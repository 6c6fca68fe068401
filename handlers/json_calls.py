"""The Bot API calls made on every update, the same for every adapter: getUpdates, the screen
sent (sendMessage) or edited (editMessageText) and the tap answered (answerCallbackQuery),
straight as JSON (handlers/bot_api_json.py) rather than through the framework's typed models,
which cost more than the rest of a conversation's turn (README, bench/updates.py). The updates
come as JSON and the framework reads them as it reads a webhook's (the feed's `accept_json`).
Each adapter's `BotCalls` inherits these and makes the others (files, topics, the menu, the
webhook) through its framework.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conversations import Keyboard
from handlers.bot_api_json import JsonBotApi
from handlers.keyboard_json import inline_keyboard


def message_body(text: str, keyboard: Keyboard | None, parse_mode: str | None) -> dict[str, Any]:
    """A message's text, buttons and parse mode as sendMessage and editMessageText take them."""
    body: dict[str, Any] = {"text": text}
    if keyboard is not None:
        body["reply_markup"] = inline_keyboard(keyboard)
    if parse_mode is not None:
        body["parse_mode"] = parse_mode
    return body


class JsonCalls:
    def __init__(self, api: JsonBotApi) -> None:
        self.api = api

    async def get_updates(
        self, offset: int | None, timeout: int, allowed: Sequence[str], margin: float
    ) -> list[Any]:
        """The pending updates from `offset` on, as JSON, waiting up to `timeout` seconds for
        one (the request may take `margin` seconds more); `Unauthorized` for a revoked token."""
        params: dict[str, Any] = {"timeout": timeout, "allowed_updates": list(allowed)}
        if offset is not None:
            params["offset"] = offset
        updates = await self.api.call("getUpdates", params, timeout=timeout + margin)
        return updates if isinstance(updates, list) else []

    async def send_message(
        self,
        chat_id: int,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        parse_mode: str | None = None,
        thread_id: int | None = None,
    ) -> int:
        body = message_body(text, keyboard, parse_mode) | {"chat_id": chat_id}
        if thread_id is not None:
            body["message_thread_id"] = thread_id
        sent = await self.api.call("sendMessage", body)
        return int(sent["message_id"])

    async def edit_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        parse_mode: str | None = None,
    ) -> None:
        body = message_body(text, keyboard, parse_mode) | {"chat_id": chat_id, "message_id": message_id}
        await self.api.call("editMessageText", body)

    async def answer_callback(self, callback_id: str, text: str | None = None, alert: bool = False) -> None:
        body: dict[str, Any] = {"callback_query_id": callback_id}
        if text is not None:
            body["text"] = text
        if alert:
            body["show_alert"] = True
        await self.api.call("answerCallbackQuery", body)
