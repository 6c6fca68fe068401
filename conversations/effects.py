"""What the bot should do, as data; the adapters turn each into Bot API calls or I/O.

Effects marked "→ X" need the runtime to call `handle` again with the result event X, in the
same update, before it saves the state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from billing_core.cart import QuoteRequest
from conversations.billing_info import BillingProfile, VatDetails
from conversations.keyboards import Keyboard


@dataclass(frozen=True, slots=True)
class SendMessage:
    """Send a message. With a keyboard → MessageShown(message_id)."""

    text: str
    keyboard: Keyboard | None = None
    parse_mode: str | None = None


@dataclass(frozen=True, slots=True)
class EditMessage:
    """Replace a message's text and keyboard (None removes it). "Message is not modified"
    from Telegram is not an error here."""

    message_id: int
    text: str
    keyboard: Keyboard | None = None
    parse_mode: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerCallback:
    """Answer the button tap being handled (every tap gets exactly one)."""

    text: str | None = None
    alert: bool = False


@dataclass(frozen=True, slots=True)
class LoadCustomer:
    """Read the customer's holdings, trial seats, saved billing and VAT details → CustomerLoaded."""


@dataclass(frozen=True, slots=True)
class StartTrial:
    """Start the free trial (T1) of these solutions, today, unless the customer holds a plan or
    had a trial; a second request creates nothing → TrialStarted | TrialRefused."""

    solutions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LookupCoupon:
    """Find a code and its usage (K2) → CouponLooked."""

    code: str


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """Create the order once per client token (`billing_core.storage.checkout.place_order`)
    and open its payment → OrderPlaced | OrderRefusedEvent | OrderBlocked."""

    request: QuoteRequest
    client_token: str
    billing: BillingProfile
    vat_invoice: VatDetails | None
    renewal_mode: str
    renewing: dt.date | None = None  # a renewal judged on the plan as it will be that day (P3, Y3)

    def billing_json(self) -> dict[str, Any]:
        """The V2/V3 snapshot kept with the order."""
        return {
            **self.billing.to_json(),
            "vat_invoice": self.vat_invoice.to_json() if self.vat_invoice else None,
        }


@dataclass(frozen=True, slots=True)
class CheckPayment:
    """Ask how the order's payment stands (querydr if needed) → PaymentStatus."""

    order_id: int


@dataclass(frozen=True, slots=True)
class SaveBillingProfile:
    """Keep the customer's billing details (V2) and VAT details (V3) for next time."""

    profile: BillingProfile
    vat: VatDetails | None


@dataclass(frozen=True, slots=True)
class SaveLanguage:
    locale: str


@dataclass(frozen=True, slots=True)
class LoadAccount:
    """Read what "My plan" and "Invoices" show → AccountLoaded."""


@dataclass(frozen=True, slots=True)
class SetRenewalMode:
    """Switch a held solution between manual and automatic renewal (V1)."""

    solution: str
    mode: str


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """Schedule a change for the end of the paid period (P3, Y3) with the survey's answers
    → ChangeScheduled, or ChangeRefused (judged again on what the database holds)."""

    kind: str
    solution: str
    value: str | None
    reason: str | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class CancelChange:
    """Cancel a scheduled change not yet applied → ChangeCancelled."""

    request_id: int


@dataclass(frozen=True, slots=True)
class SendInvoice:
    """Send the paid order's invoice PDF as a document in the chat (V4)."""

    order_id: int


@dataclass(frozen=True, slots=True)
class OpenSupport:
    """Hand the customer to a person: open (or find) their ticket and its forum topic, with a
    context card for the agents → SupportOpened | SupportUnavailable."""

    reason: str  # asked (button or /support) | words (wrote for a person) | misunderstood


@dataclass(frozen=True, slots=True)
class RelayToSupport:
    """Copy the customer's message into their ticket's topic → nothing, or SupportClosed when
    the ticket turns out to be closed already."""

    message_id: int
    reply_to: int | None = None  # the customer's message it answers, in their chat


@dataclass(frozen=True, slots=True)
class LeaveSupport:
    """The customer went back to the assistant: close the ticket and tell the agents."""

    ticket_id: int


Effect = (
    SendMessage
    | EditMessage
    | AnswerCallback
    | LoadCustomer
    | StartTrial
    | LookupCoupon
    | PlaceOrder
    | CheckPayment
    | SaveBillingProfile
    | SaveLanguage
    | LoadAccount
    | SetRenewalMode
    | ScheduleChange
    | CancelChange
    | SendInvoice
    | OpenSupport
    | RelayToSupport
    | LeaveSupport
)
