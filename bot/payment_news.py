"""Telling the customer's chat that a payment was settled (by the IPN or by reconciliation),
after the payment's commit: a failure to tell is logged and never undoes the payment."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from billing_core.storage.payments import IpnOutcome

log = logging.getLogger(__name__)

OnSettled = Callable[[IpnOutcome], Awaitable[None]]


async def nobody(outcome: IpnOutcome) -> None:
    """No chat to tell (the HTTP server on its own, tests)."""


async def tell_chat(on_settled: OnSettled, outcome: IpnOutcome) -> None:
    """Pass a paid or failed outcome on; anything else is not news for the customer."""
    if not (outcome.paid or outcome.failed_code):
        return
    try:
        await on_settled(outcome)
    except Exception:
        log.exception("could not report order %s to the chat", outcome.order_id)
