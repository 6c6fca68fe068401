"""/language: Vietnamese or English, then back to where the customer was."""

from __future__ import annotations

from dataclasses import replace

from babel import Locale

from conversations.context import Context
from conversations.effects import SaveLanguage
from conversations.outcomes import Back, Outcome
from conversations.screens import BACK, Choice, Screen
from conversations.state import State
from conversations.steps.base import Handler
from locales import SUPPORTED


class LanguageStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t = ctx.translator(state.locale)
        names = (Choice(_autonym(code), "pick", code) for code in SUPPORTED)
        return Screen(t.gettext("Choose your language:"), (tuple(names),), nav=(BACK,))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        if action != "pick" or arg not in SUPPORTED:
            return None
        return Back(replace(state, locale=arg), (SaveLanguage(arg),))


def _autonym(code: str) -> str:
    """The language's name in itself ("Tiếng Việt", "English"), from Babel's locale data."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]
