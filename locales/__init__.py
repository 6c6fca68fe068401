"""The gettext catalogues (vi, en) and the one translation helper every layer uses.

Message ids are English; `vi` holds the natural Vietnamese. Money and dates are formatted
here with Babel for the reader's locale ("1.200.000 ₫", "15/01/2024").
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal

LOCALES_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
SUPPORTED = ("vi", "en")
DEFAULT = "vi"


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet."""
    return message


def pick_locale(language_code: str | None, default: str = DEFAULT) -> str:
    """A supported locale from a Telegram language_code such as "en-US" (else the default)."""
    lang = (language_code or "").replace("-", "_").split("_")[0].lower()
    return lang if lang in SUPPORTED else default


class Translator:
    """gettext plus Babel formatting for one locale."""

    def __init__(self, locale: str) -> None:
        if locale not in SUPPORTED:
            raise ValueError(f"unsupported locale {locale!r} (supported: {', '.join(SUPPORTED)})")
        self.locale = locale
        self._t = gettext.translation(DOMAIN, LOCALES_DIR, languages=[locale], fallback=locale == "en")

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def money(self, amount: int) -> str:
        return format_currency(amount, "VND", locale="vi_VN" if self.locale == "vi" else "en_US")

    def number(self, value: int) -> str:
        return format_decimal(value, locale="vi_VN" if self.locale == "vi" else "en_US")

    def date(self, day: dt.date) -> str:
        return format_date(day, "dd/MM/yyyy" if self.locale == "vi" else "d MMM yyyy", locale=self.locale)

    def join(self, items: Sequence[str]) -> str:
        """Items as a sentence lists them: "A, B và C", "A, B, and C"."""
        return format_list(list(items), locale=self.locale)


@cache
def translator(locale: str) -> Translator:
    return Translator(locale)
