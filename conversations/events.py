"""What happened: something the customer did, or the result of I/O the machine asked for.

Customer events come from Telegram updates. Result events come back from effects the runtime
performed (see `effects`): LoadCustomer → CustomerLoaded, LoadAccount → AccountLoaded,
LookupCoupon → CouponLooked, PlaceOrder → OrderPlaced | OrderRefusedEvent | OrderBlocked,
StartTrial → TrialStarted | TrialRefused, CheckPayment → PaymentStatus, OpenSupport →
SupportOpened | SupportUnavailable, RelayToSupport → nothing or SupportClosed, and a SendMessage
with a keyboard → MessageShown (the new message's id).
SupportClosed also comes from the agents' side (/close). A customer message carries its
Telegram message id, which the relay to the agents copies, and the id of the message it replies
to, so that the copy replies to the same message in the topic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from billing_core.coupons import CouponEntry
from billing_core.holdings import Holding
from billing_core.quote import Blocked
from billing_core.refusals import Notice, Refusal
from conversations.account import Account
from conversations.billing_info import BillingProfile, VatDetails

# --- what the customer did ---


@dataclass(frozen=True, slots=True)
class Start:
    """/start, possibly from a deep link: "upgrade", "add_seats", "add_solution", "buy"."""

    payload: str = ""
    message_id: int | None = None
    reply_to: int | None = None  # the message of this chat it answers


@dataclass(frozen=True, slots=True)
class Command:
    """Any other /command, e.g. Command("cancel"), Command("language", "en")."""

    name: str
    args: str = ""
    message_id: int | None = None
    reply_to: int | None = None  # the message of this chat it answers


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    message_id: int | None = None
    reply_to: int | None = None  # the message of this chat it answers


@dataclass(frozen=True, slots=True)
class Button:
    """A tap on an inline button: its callback data and the message it was on."""

    data: str
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    file_name: str | None = None
    message_id: int | None = None
    reply_to: int | None = None  # the message of this chat it answers


@dataclass(frozen=True, slots=True)
class Sticker:
    message_id: int | None = None
    reply_to: int | None = None  # the message of this chat it answers


@dataclass(frozen=True, slots=True)
class Other:
    """Any other message (photo, voice, location, …)."""

    kind: str = ""
    message_id: int | None = None
    reply_to: int | None = None  # the message of this chat it answers


# --- results of the runtime's I/O ---


@dataclass(frozen=True, slots=True)
class MessageShown:
    """The id Telegram gave the message a SendMessage(keyboard=…) effect sent."""

    message_id: int


@dataclass(frozen=True, slots=True)
class CustomerLoaded:
    """What the customer holds; `trials` names the solutions they have had a trial of."""

    holdings: tuple[Holding, ...] = ()
    trial_activated_seats: int | None = None
    billing: BillingProfile | None = None
    vat: VatDetails | None = None
    language: str | None = None
    trials: tuple[str, ...] = ()
    renewal_mode: str | None = None  # the base subscription's (V1)
    addons: tuple[tuple[str, int], ...] = ()  # the add-on blocks held (C4)
    renewing: dt.date | None = None  # the day the plan renews, when changes are due then
    renewed: tuple[Holding, ...] = ()  # what it holds from that day (P3, Y3)


@dataclass(frozen=True, slots=True)
class AccountLoaded:
    account: Account


@dataclass(frozen=True, slots=True)
class TrialStarted:
    """StartTrial's result: the solutions now on trial, until `ends_on` (exclusive, T1)."""

    solutions: tuple[str, ...]
    ends_on: dt.date


@dataclass(frozen=True, slots=True)
class TrialRefused:
    """StartTrial's result when the customer meanwhile holds a plan or had a trial: nothing new."""


@dataclass(frozen=True, slots=True)
class CouponLooked:
    code: str
    entry: CouponEntry | None  # None: no such code


@dataclass(frozen=True, slots=True)
class OrderPlaced:
    order_id: int
    amount: int
    payment_url: str
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class OrderRefusedEvent:
    """The order could not be created, e.g. the coupon's last use went to another order (K2)."""

    refusal: Refusal


@dataclass(frozen=True, slots=True)
class OrderBlocked:
    """The order's quote, judged on what the database holds now, is blocked."""

    blocked: Blocked


@dataclass(frozen=True, slots=True)
class PaymentStatus:
    """An order's payment: "paid", "failed" (with VNPAY's response code), "expired" or "pending".

    Sent after CheckPayment, and by the IPN handler when VNPAY reports a result (step 13).
    """

    order_id: int
    status: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class SupportOpened:
    """OpenSupport's result: the customer's open ticket (a new one, or the one already open)."""

    ticket_id: int


@dataclass(frozen=True, slots=True)
class SupportUnavailable:
    """OpenSupport's result when no support group is set up or it cannot be reached."""


@dataclass(frozen=True, slots=True)
class SupportClosed:
    """The ticket ended on the agents' side (/close), or was found closed when relaying: the
    bot takes the conversation back where it was."""

    ticket_id: int | None = None


@dataclass(frozen=True, slots=True)
class ChangeScheduled:
    """ScheduleChange's result: the change is stored; it takes effect on `effective_on`, with
    the notices of what it carries along (S2, Y2) as their codes."""

    request_id: int
    effective_on: dt.date
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True, slots=True)
class ChangeRefused:
    """ScheduleChange's result when the change cannot be scheduled: the reason (S1–S3, D1),
    or None when what it changes is no longer there (it ended, or changed meanwhile)."""

    refusal: Refusal | None = None


@dataclass(frozen=True, slots=True)
class ChangeCancelled:
    """CancelChange's result: False when it was applied or cancelled already, or could not be
    (`refusal`: the next period is paid on its terms, or a later change needs it)."""

    request_id: int
    cancelled: bool
    refusal: Refusal | None = None


CustomerEvent = Start | Command | Text | Button | Document | Sticker | Other
ResultEvent = (
    MessageShown
    | CustomerLoaded
    | TrialStarted
    | TrialRefused
    | AccountLoaded
    | CouponLooked
    | OrderPlaced
    | OrderRefusedEvent
    | OrderBlocked
    | PaymentStatus
    | SupportOpened
    | SupportUnavailable
    | SupportClosed
    | ChangeScheduled
    | ChangeRefused
    | ChangeCancelled
)
Event = CustomerEvent | ResultEvent
