"""What `handle` may read besides the state and the event: catalogue, translations, the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from billing_core.catalogue import Catalogue
from billing_core.periods import local_today
from locales import Translator, translator


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware."""
        ...


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock that always says the same instant (tests, the playground's replay)."""

    instant: dt.datetime

    def now(self) -> dt.datetime:
        return self.instant


@dataclass(frozen=True, slots=True)
class ReadClock:
    """A clock over a function returning the current instant (billing_core's `Clock`)."""

    read: Callable[[], dt.datetime]

    def now(self) -> dt.datetime:
        return self.read()


@dataclass(frozen=True, slots=True)
class Context:
    """Read-only inputs of one `handle` call.

    `chat_id` makes the conversation nonce and the order's client token unique per chat;
    `strict` re-raises an unexpected error instead of apologising (tests use it).
    """

    catalogue: Catalogue
    clock: Clock
    translators: Callable[[str], Translator] = translator
    chat_id: int = 0
    strict: bool = False

    def translator(self, locale: str) -> Translator:
        return self.translators(locale)

    def today(self) -> dt.date:
        return local_today(self.clock.now())
