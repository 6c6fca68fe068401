"""`Outbound` straight over the Bot API's HTTP (`sendMessage` as JSON, handlers/bot_api_json.py):
the outbox sender's one call, in the bot and in `cleeksy-bot broadcast` alike. It needs no bot
framework, so the broadcast command does not load aiogram's types (about 120 MB of the ~165 MB
a process importing aiogram holds), and both adapters (aiogram, python-telegram-bot) share it.

Telegram's answers as data: 200 → Sent; 403 → Blocked (and `on_blocked`); 429 → RetryAfter;
400, 401, 404 → Failed for good; 5xx, a network error, a timeout or an answer that is not the
Bot API's JSON → Failed, to try again later. The token never appears in what is returned.
Each refusal's code (0: no answer) is told to `report` (the Bot API errors metric).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conversations import SendMessage
from handlers.bot_api_json import BotApiFailure, JsonBotApi
from handlers.json_calls import message_body
from handlers.outbound import Blocked, Delivery, Failed, OnBlocked, RetryAfter, Sent, nobody_told
from handlers.retries import nobody_counts

FINAL = (400, 401, 404)


class HttpOutbound:
    def __init__(
        self,
        token: str,
        api_base: str,
        on_blocked: OnBlocked = nobody_told,
        report: Callable[[int], None] = nobody_counts,
    ) -> None:
        self._api = JsonBotApi(token, api_base)
        self._on_blocked = on_blocked
        self._report = report

    async def deliver(self, chat_id: int, message: SendMessage) -> Delivery:
        body = message_body(message.text, message.keyboard, message.parse_mode) | {"chat_id": chat_id}
        try:
            answer = await self._api.answer("sendMessage", body)
        except BotApiFailure as failure:
            self._report(failure.code)
            return Failed(failure.description, permanent=False)
        if answer["ok"]:
            return Sent(int(answer["result"]["message_id"]))
        return await self._refused(chat_id, answer)

    async def _refused(self, chat_id: int, answer: dict[str, Any]) -> Delivery:
        refused = self._api.failure_of(answer)
        self._report(refused.code)
        if refused.code == 429:
            return RetryAfter(refused.retry_after if refused.retry_after is not None else 1.0)
        if refused.code == 403:
            await self._on_blocked(chat_id)
            return Blocked(refused.description)
        return Failed(refused.description, permanent=refused.code in FINAL)

    async def close(self) -> None:
        await self._api.close()
