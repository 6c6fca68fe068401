"""`Outbound` over an aiogram Bot whose session retries network errors but hands every 429 back
at once (RetryPolicy(max_retry_after=0)), so the sender pauses all its sends, not one."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)

from conversations import SendMessage
from handlers.aiogram.messenger import OnBlocked, inline_markup, nobody_told
from handlers.aiogram.retries import RetryPolicy, RetryRequests
from handlers.outbound import Blocked, Delivery, Failed, RetryAfter, Sent

OUTBOX_RETRIES = RetryPolicy(max_retry_after=0)


def outbox_retries() -> RetryRequests:
    return RetryRequests(OUTBOX_RETRIES)


class AiogramOutbound:
    def __init__(self, bot: Bot, on_blocked: OnBlocked = nobody_told) -> None:
        self._bot = bot
        self._on_blocked = on_blocked

    async def deliver(self, chat_id: int, message: SendMessage) -> Delivery:
        try:
            sent = await self._bot.send_message(
                chat_id,
                message.text,
                reply_markup=inline_markup(message.keyboard),
                parse_mode=message.parse_mode,
            )
        except TelegramForbiddenError as exc:
            await self._on_blocked(chat_id)
            return Blocked(exc.message)
        except TelegramRetryAfter as exc:
            return RetryAfter(float(exc.retry_after))
        except TelegramBadRequest as exc:
            return Failed(exc.message, permanent=True)
        except (TelegramAPIError, ClientDecodeError) as exc:
            return Failed(str(exc.message)[:200], permanent=False)
        return Sent(sent.message_id)
