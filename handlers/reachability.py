"""Whether a customer can be written to: a private chat that answered 403 (the customer blocked
the bot) marks its customer unreachable, so broadcasts and reminders skip them. The flag is
cleared when the customer writes again (handlers/store_effects.py)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.storage.database import transaction
from billing_core.storage.models import Customer


async def mark_unreachable(sessions: async_sessionmaker[AsyncSession], chat_id: int) -> None:
    """Mark the customer of private chat `chat_id` (their Telegram user id) unreachable; a chat
    with no customer row changes nothing."""
    async with transaction(sessions) as session:
        await session.execute(
            update(Customer).where(Customer.telegram_user_id == chat_id).values(unreachable=True)
        )
