"""An outbox row as the message it sends, in the recipient's language: a trial reminder, a
renewal reminder, automatic renewal's heads-up and payment link, a notice about a plan's end,
a broadcast (the operator's own words, or a template), or a broadcast's report to its operator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from billing_core.catalogue import Catalogue
from billing_core.storage.auto_renewal import AUTO_RENEWAL_LINK, AUTO_RENEWAL_NOTICE
from billing_core.storage.boundaries import PLAN_NOTICE
from billing_core.storage.broadcast_store import REPORT
from billing_core.storage.outbox_store import Due
from billing_core.storage.reminder_queue import REMINDER
from billing_core.storage.renewal_queue import RENEWAL_REMINDER
from conversations import SendMessage
from conversations.broadcast_templates import broadcast_message
from conversations.broadcast_text import Counts, report
from conversations.reminder_text import Reminder, reminder_message
from conversations.renewal_text import auto_renewal_link, auto_renewal_notice, plan_notice, renewal_reminder
from handlers.outbox_sender import Render
from locales import Translator, translator

Facts = Callable[[Translator, Catalogue, Mapping[str, Any]], SendMessage]

FACTS: Mapping[str, Facts] = {  # payload kinds rendered from their facts
    REMINDER: lambda t, catalogue, payload: reminder_message(t, catalogue, Reminder.from_payload(payload)),
    REPORT: lambda t, _, payload: SendMessage(report(t, Counts.from_mapping(payload))),
    RENEWAL_REMINDER: renewal_reminder,
    AUTO_RENEWAL_NOTICE: auto_renewal_notice,
    AUTO_RENEWAL_LINK: auto_renewal_link,
    PLAN_NOTICE: plan_notice,
}


def outbox_render(catalogue: Catalogue) -> Render:
    def render(due: Due) -> SendMessage:
        t = translator(due.language)
        payload = due.payload or {}
        facts = FACTS.get(str(payload.get("kind")))
        if facts is not None:
            return facts(t, catalogue, payload)
        return broadcast_message(t, catalogue, due.text, due.template)

    return render
