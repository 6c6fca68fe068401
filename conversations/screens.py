"""A step's screen before it becomes a message: text, rows of choices, fixes it offers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from billing_core.refusals import Fix

BACK, CANCEL = "back", "cancel"


@dataclass(frozen=True, slots=True)
class Choice:
    """A button that answers the step: `action` and `arg` go into the callback data."""

    label: str
    action: str
    arg: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


Row = tuple[Choice | Link, ...]


@dataclass(frozen=True, slots=True)
class Screen:
    text: str
    rows: tuple[Row, ...] = ()
    fixes: tuple[Fix, ...] = ()  # shown first, one button each (e.g. a blocked review's fixes)
    nav: tuple[str, ...] = (BACK, CANCEL)


def in_rows(choices: Iterable[Choice], per_row: int) -> tuple[Row, ...]:
    items = list(choices)
    return tuple(tuple(items[i : i + per_row]) for i in range(0, len(items), per_row))
