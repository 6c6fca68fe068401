"""The operator's progress message in the bot, kept up to date as the outbox sender's rounds
go by (at most every `every` seconds per broadcast, and once more when it finishes). The final
report itself goes through the outbox (broadcast_store.queue_report), so it is sent once."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.clock import Clock
from billing_core.storage.broadcast_store import broadcast_report
from billing_core.storage.models import Broadcast, Customer
from conversations import EditMessage
from conversations.broadcast_text import Counts, progress
from handlers.messenger import Messenger
from locales import translator


@dataclass
class BroadcastProgress:
    sessions: async_sessionmaker[AsyncSession]
    messenger: Messenger
    clock: Clock
    default_locale: str = "vi"
    every: float = 2.0
    monotonic: Callable[[], float] = time.monotonic
    _shown: dict[int, float] = field(default_factory=dict)

    async def after_round(self, touched: set[int], finished: set[int]) -> None:
        now = self.monotonic()
        for broadcast_id in sorted(touched):
            if broadcast_id in finished or now - self._shown.get(broadcast_id, -self.every) >= self.every:
                await self.show(broadcast_id)
                self._shown[broadcast_id] = now
        for broadcast_id in finished:
            self._shown.pop(broadcast_id, None)

    async def show(self, broadcast_id: int) -> None:
        """Edit the operator's progress message of `broadcast_id`, if it was started in the bot."""
        async with self.sessions() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is None or broadcast.notify_chat_id is None or broadcast.notify_message_id is None:
                return
            chat_id, message_id = broadcast.notify_chat_id, broadcast.notify_message_id
            language = await session.scalar(
                select(Customer.language).where(Customer.telegram_user_id == chat_id)
            )
            counts = Counts.from_mapping(
                (await broadcast_report(session, broadcast_id)).to_payload(self.clock())
            )
        text, keyboard = progress(translator(language or self.default_locale), counts)
        await self.messenger.edit(chat_id, EditMessage(message_id, text, keyboard))
