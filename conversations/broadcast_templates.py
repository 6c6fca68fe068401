"""Broadcast templates (`cleeksy-bot broadcast --template KEY`, `/broadcast SEG #KEY`): a text
in every language the bot speaks, each customer getting their own, with a button that opens
the purchase at the right entry."""

from __future__ import annotations

from dataclasses import dataclass

from billing_core.catalogue import Catalogue
from conversations.effects import SendMessage
from conversations.entry import BUY, UPGRADE
from conversations.entry_link import entry_callback
from conversations.keyboards import CallbackButton, Keyboard
from locales import N_, Translator


@dataclass(frozen=True, slots=True)
class Template:
    text: str  # msgid; {name} is the catalogue's name
    button: str  # msgid
    entry: str


TEMPLATES = {
    "upgrade": Template(
        N_(
            "Your team can do more with {name}: more users, more storage, more solutions. "
            "Upgrade in a few taps right here in the chat and pay with VNPAY."
        ),
        N_("Upgrade"),
        UPGRADE,
    ),
    "buy": Template(
        N_(
            "{name} is ready for your team. Choose a plan right here in the chat, pay with VNPAY, "
            "and your invoice arrives in the chat."
        ),
        N_("Buy a plan"),
        BUY,
    ),
}


class UnknownTemplate(KeyError):
    def __str__(self) -> str:
        return f"unknown template {self.args[0]!r}; use one of: {', '.join(TEMPLATES)}"


def template_message(t: Translator, catalogue: Catalogue, key: str) -> SendMessage:
    template = TEMPLATES.get(key)
    if template is None:
        raise UnknownTemplate(key)
    text = t.gettext(template.text).format(name=t.gettext(catalogue.name))
    button = CallbackButton(t.gettext(template.button), entry_callback(template.entry))
    return SendMessage(text, Keyboard(((button,),)))


def broadcast_message(
    t: Translator, catalogue: Catalogue, text: str | None, template: str | None
) -> SendMessage:
    """A broadcast as one customer gets it: the operator's own words as they are, or the
    template in the customer's language."""
    if text is not None:
        return SendMessage(text)
    if template is None:
        raise ValueError("a broadcast has its own text or a template")
    return template_message(t, catalogue, template)
