"""The command menu Telegram shows beside the input field: the commands a customer is offered,
all understood by the conversation (/start, and conversations/machine.py COMMANDS), each with
its description in the reader's language. Descriptions are English msgids, translated through
`locales.Translator`."""

from __future__ import annotations

from dataclasses import dataclass

from locales import N_, Translator

MENU: tuple[tuple[str, str], ...] = (
    ("start", N_("Start over")),
    ("buy", N_("Buy a plan")),
    ("plan", N_("My plan")),
    ("invoices", N_("Invoices")),
    ("language", N_("Change the language")),
    ("support", N_("Talk to a person")),
    ("help", N_("How to use this bot")),
    ("cancel", N_("Cancel")),
)


@dataclass(frozen=True, slots=True)
class MenuCommand:
    name: str
    description: str


def command_menu(t: Translator) -> tuple[MenuCommand, ...]:
    """The menu in `t`'s language, in the order shown."""
    return tuple(MenuCommand(name, t.gettext(description)) for name, description in MENU)
