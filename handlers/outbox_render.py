"""An outbox row as the message it sends, in the recipient's language: a trial reminder, a
broadcast (the operator's own words, or a template), or a broadcast's report to its operator."""

from __future__ import annotations

from billing_core.catalogue import Catalogue
from billing_core.storage.broadcast_store import REPORT
from billing_core.storage.outbox_store import Due
from billing_core.storage.reminder_queue import REMINDER
from conversations import SendMessage
from conversations.broadcast_templates import broadcast_message
from conversations.broadcast_text import Counts, report
from conversations.reminder_text import Reminder, reminder_message
from handlers.outbox_sender import Render
from locales import translator


def outbox_render(catalogue: Catalogue) -> Render:
    def render(due: Due) -> SendMessage:
        t = translator(due.language)
        kind = (due.payload or {}).get("kind")
        if kind == REMINDER:
            assert due.payload is not None
            return reminder_message(t, catalogue, Reminder.from_payload(due.payload))
        if kind == REPORT:
            assert due.payload is not None
            return SendMessage(report(t, Counts.from_mapping(due.payload)))
        return broadcast_message(t, catalogue, due.text, due.template)

    return render
