"""What the outbox sender needs from a Telegram adapter: one message sent, and what Telegram
answered, as data (no exceptions to sort out in the sender)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from conversations import SendMessage


@dataclass(frozen=True, slots=True)
class Sent:
    message_id: int


@dataclass(frozen=True, slots=True)
class Blocked:
    """403: the customer blocked the bot (or left Telegram)."""

    reason: str


@dataclass(frozen=True, slots=True)
class RetryAfter:
    """429: nobody may send before `seconds` have passed."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Failed:
    """Refused for good (`permanent`: a 400 such as "chat not found"), or a network or server
    error that outlasted the adapter's own retries (try again later)."""

    reason: str
    permanent: bool


Delivery = Sent | Blocked | RetryAfter | Failed


class Outbound(Protocol):
    async def deliver(self, chat_id: int, message: SendMessage) -> Delivery: ...


OnBlocked = Callable[[int], Awaitable[None]]  # told the chat id of a customer who blocked the bot


async def nobody_told(chat_id: int) -> None:
    """No one to tell of a blocked chat (tests, tools)."""
