"""Inline keyboards as data: rows of callback buttons and URL buttons."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CallbackButton:
    text: str
    data: str  # at most 64 bytes (callback_data)


@dataclass(frozen=True, slots=True)
class UrlButton:
    text: str
    url: str


KeyboardButton = CallbackButton | UrlButton


@dataclass(frozen=True, slots=True)
class Keyboard:
    rows: tuple[tuple[KeyboardButton, ...], ...]

    def buttons(self) -> tuple[KeyboardButton, ...]:
        return tuple(b for row in self.rows for b in row)
