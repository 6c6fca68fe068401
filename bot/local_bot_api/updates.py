"""The bot's queue of updates: ids increasing globally, ``allowed_updates`` applied when an update
is made (as Telegram does), confirmation by getUpdates' ``offset``, removal by webhook delivery.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from itertools import count

from bot.local_bot_api.models import JsonObject

ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {"chat_member", "message_reaction", "message_reaction_count"}


@dataclass(frozen=True)
class PendingUpdate:
    update_id: int
    kind: str
    payload: JsonObject
    lane: int
    """The chat it concerns: a webhook delivers one lane's updates in order."""

    def to_json(self) -> JsonObject:
        return {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    def __init__(self, first_update_id: int = 1) -> None:
        self._ids = count(first_update_id)
        self._pending: list[PendingUpdate] = []
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES

    def __len__(self) -> int:
        return len(self._pending)

    def push(self, kind: str, payload: JsonObject, lane: int) -> PendingUpdate | None:
        """Queue an update, or drop it when the bot does not take its kind."""
        if kind not in self.allowed:
            return None
        update = PendingUpdate(next(self._ids), kind, payload, lane)
        self._pending.append(update)
        return update

    def allow(self, kinds: list[str]) -> None:
        """Set ``allowed_updates``; an empty list means the default kinds."""
        self.allowed = frozenset(kinds) & ALL_UPDATE_TYPES if kinds else DEFAULT_UPDATE_TYPES

    def confirm(self, offset: int) -> None:
        """getUpdates' offset: forget updates below it; a negative one keeps only the last -offset."""
        if offset >= 0:
            self._pending = [u for u in self._pending if u.update_id >= offset]
        else:
            self._pending = self._pending[offset:]

    def first(self, limit: int) -> list[PendingUpdate]:
        return self._pending[:limit]

    def lanes(self) -> list[int]:
        """The lanes with something pending, in the order of their oldest update."""
        return list(dict.fromkeys(u.lane for u in self._pending))

    def next_in(self, lane: int) -> PendingUpdate | None:
        return next((u for u in self._pending if u.lane == lane), None)

    def remove(self, update: PendingUpdate) -> None:
        with contextlib.suppress(ValueError):
            self._pending.remove(update)

    def clear(self) -> None:
        self._pending.clear()
