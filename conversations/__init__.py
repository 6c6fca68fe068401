"""The purchase dialogue as a pure state machine: `handle(state, event, ctx) -> (state, effects)`.

No Telegram, no database, no I/O. How a runtime drives it, per Telegram update (under the
chat's lock):
1. `state = State.from_json(row)` (or `State()` for a new chat); `ctx = Context(catalogue,
   clock, chat_id=chat_id)`.
2. Turn the update into an event: /start [payload] → Start(payload); other /commands →
   Command(name, args); text → Text; a callback query → Button(data, message_id) (an entry
   button, `entry_callback(entry)` on a message sent outside the conversation, opens its entry
   like `/start <entry>`); stickers, files and the rest → Sticker / Document / Other. VNPAY's
   result (IPN) → PaymentStatus.
3. `state, effects = handle(state, event, ctx)`; perform the effects in order. Those that
   need a result are answered by calling `handle` again with it, before saving:
   LoadCustomer → CustomerLoaded; LoadAccount → AccountLoaded; LookupCoupon → CouponLooked;
   ScheduleChange → ChangeScheduled or ChangeRefused; CancelChange → ChangeCancelled;
   StartTrial → TrialStarted, or TrialRefused (nothing created: the customer holds a plan or
   had a trial); PlaceOrder → OrderPlaced, or OrderRefusedEvent / OrderBlocked (an order
   settled at once, 0 ₫: PaymentStatus "paid"); CheckPayment → PaymentStatus; OpenSupport → SupportOpened /
   SupportUnavailable; RelayToSupport (copy the customer's message to the agents) → nothing, or
   SupportClosed when the ticket is closed already; SendMessage with a keyboard →
   MessageShown(message_id).
   The others need nothing back: EditMessage (ignore "message is not modified"),
   AnswerCallback, SaveBillingProfile, SaveLanguage, SetRenewalMode, SendInvoice, LeaveSupport.
   An agent's /close reaches the chat as SupportClosed(ticket_id).
4. Save `state.to_json()` with the version read (optimistic locking). A conflict means another
   instance handled an update of this chat meanwhile: the write is dropped and logged, not
   replayed (its messages were sent and its order placed; handlers/conversation_runtime.py).
`tests/conversations/chat.py` is a complete fake runtime that does exactly this.
"""

from conversations.account import Account, InvoiceSummary, ScheduledItem, Subscribed, TrialHeld
from conversations.billing_info import BillingProfile, VatDetails
from conversations.callback_data import Callback
from conversations.context import Clock, Context, FixedClock, ReadClock
from conversations.effects import (
    AnswerCallback,
    CancelChange,
    CheckPayment,
    EditMessage,
    Effect,
    LeaveSupport,
    LoadAccount,
    LoadCustomer,
    LookupCoupon,
    OpenSupport,
    PlaceOrder,
    RelayToSupport,
    SaveBillingProfile,
    SaveLanguage,
    ScheduleChange,
    SendInvoice,
    SendMessage,
    SetRenewalMode,
    StartTrial,
)
from conversations.entry_link import entry_callback
from conversations.events import (
    AccountLoaded,
    Button,
    ChangeCancelled,
    ChangeRefused,
    ChangeScheduled,
    Command,
    CouponLooked,
    CustomerLoaded,
    Document,
    Event,
    MessageShown,
    OrderBlocked,
    OrderPlaced,
    OrderRefusedEvent,
    Other,
    PaymentStatus,
    Start,
    Sticker,
    SupportClosed,
    SupportOpened,
    SupportUnavailable,
    Text,
    TrialRefused,
    TrialStarted,
)
from conversations.keyboards import CallbackButton, Keyboard, UrlButton
from conversations.machine import handle
from conversations.positions import At, Step
from conversations.state import SCHEMA_VERSION, State

__all__ = [
    "SCHEMA_VERSION",
    "Account",
    "AccountLoaded",
    "AnswerCallback",
    "At",
    "BillingProfile",
    "Button",
    "Callback",
    "CallbackButton",
    "CancelChange",
    "ChangeCancelled",
    "ChangeRefused",
    "ChangeScheduled",
    "CheckPayment",
    "Clock",
    "Command",
    "Context",
    "CouponLooked",
    "CustomerLoaded",
    "Document",
    "EditMessage",
    "Effect",
    "Event",
    "FixedClock",
    "InvoiceSummary",
    "Keyboard",
    "LeaveSupport",
    "LoadAccount",
    "LoadCustomer",
    "LookupCoupon",
    "MessageShown",
    "OpenSupport",
    "OrderBlocked",
    "OrderPlaced",
    "OrderRefusedEvent",
    "Other",
    "PaymentStatus",
    "PlaceOrder",
    "ReadClock",
    "RelayToSupport",
    "SaveBillingProfile",
    "SaveLanguage",
    "ScheduleChange",
    "ScheduledItem",
    "SendInvoice",
    "SendMessage",
    "SetRenewalMode",
    "Start",
    "StartTrial",
    "State",
    "Step",
    "Sticker",
    "Subscribed",
    "SupportClosed",
    "SupportOpened",
    "SupportUnavailable",
    "Text",
    "TrialHeld",
    "TrialRefused",
    "TrialStarted",
    "UrlButton",
    "VatDetails",
    "entry_callback",
    "handle",
]
