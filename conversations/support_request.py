"""Asking for a person: the reasons a support ticket opens, and the words that ask for one
(conversations/support.py handles the ticket once open)."""

from __future__ import annotations

from functools import lru_cache

from conversations.context import Context
from conversations.effects import OpenSupport
from conversations.inputs import without_accents
from conversations.outcomes import Wait
from conversations.state import State
from locales import N_, SUPPORTED

MISUNDERSTOOD_LIMIT = 3

PERSON_PHRASES = N_(
    "talk to a human|talk to a person|speak to a human|speak to a person|real person|"
    "human agent|live agent|customer service|customer support|support agent"
)
"""What a customer writes to ask for a person, separated by "|"; each language's translation
has its own list, and every language's list is understood whatever the customer's language."""


def open_support(state: State, reason: str, note: str = "") -> Wait:
    """Open (or find) the customer's ticket; `reason`: asked, words or misunderstood."""
    return Wait(state, (OpenSupport(reason),), note)


def asks_for_person(ctx: Context, text: str) -> bool:
    """Whether `text` asks for a person, in any supported language, accents or not."""
    folded = f" {_folded(text)} "
    return any(f" {phrase} " in folded for phrase in _phrases(ctx))


def _phrases(ctx: Context) -> tuple[str, ...]:
    return _phrases_of(tuple(ctx.translator(locale).gettext(PERSON_PHRASES) for locale in SUPPORTED))


@lru_cache(maxsize=8)
def _phrases_of(lists: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({f for phrases in lists for p in phrases.split("|") if (f := _folded(p))}))


def _folded(text: str) -> str:
    """No accents, words separated by single spaces."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in without_accents(text)).split())
