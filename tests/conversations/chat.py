"""A customer and a fake runtime around `handle`: what the customer does goes in as events,
what the bot shows comes out as messages, and the effects that need I/O are answered the way
the real runtime must answer them (LoadCustomer → CustomerLoaded, StartTrial → TrialStarted
once per customer (then TrialRefused), LookupCoupon → CouponLooked,
PlaceOrder → OrderPlaced once per client token, CheckPayment → PaymentStatus, ScheduleChange →
ChangeScheduled (judged as the store judges it, and added to the account) or ChangeRefused,
CancelChange → ChangeCancelled (and taken out of the account), OpenSupport →
SupportOpened (or SupportUnavailable), a keyboard message → MessageShown). Between two events
the state goes through JSON, as it does through the conversation table."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field, replace

from billing_core.coupons import Coupon, CouponEntry, CouponUsage
from billing_core.holdings import Holding
from billing_core.periods import VIETNAM_TZ
from billing_core.quote import Quote, quote
from billing_core.refusals import Refusal
from billing_core.scheduled_changes import ChangeRequest, PlannedChange, Target, cancel_refused, plan_change
from billing_core.trials import trial_period
from conversations import (
    Account,
    AccountLoaded,
    AnswerCallback,
    BillingProfile,
    Button,
    CallbackButton,
    CancelChange,
    ChangeCancelled,
    ChangeRefused,
    ChangeScheduled,
    CheckPayment,
    Command,
    Context,
    CouponLooked,
    CustomerLoaded,
    EditMessage,
    Event,
    FixedClock,
    Keyboard,
    LoadAccount,
    LoadCustomer,
    LookupCoupon,
    MessageShown,
    OpenSupport,
    OrderPlaced,
    OrderRefusedEvent,
    PaymentStatus,
    PlaceOrder,
    ScheduleChange,
    ScheduledItem,
    SendMessage,
    Start,
    StartTrial,
    State,
    Sticker,
    SupportOpened,
    SupportUnavailable,
    Text,
    TrialRefused,
    TrialStarted,
    UrlButton,
    VatDetails,
    handle,
)
from tests.billing_core.conftest import CLEEKSY, M, Y, held  # noqa: F401  (re-exported)

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=VIETNAM_TZ)
PROFILE = BillingProfile(
    "Công ty TNHH Mây Xanh", "Nguyễn Văn An", "0912345678", "an@mayxanh.vn", "12 Lý Thường Kiệt, Hà Nội"
)
SAVED_VAT = VatDetails(
    "Công ty TNHH Mây Xanh", "0101234567-001", "12 Lý Thường Kiệt, Hà Nội", "ketoan@mayxanh.vn"
)


def coupon(code: str, **terms: object) -> CouponEntry:
    usage = terms.pop("usage", (0, 0))
    assert isinstance(usage, tuple)
    return CouponEntry(code, Coupon(code, **terms), CouponUsage(*usage))  # type: ignore[arg-type]


def fold(label: str) -> str:
    kept = "".join(c for c in unicodedata.normalize("NFC", label.casefold()) if c.isalnum() or c.isspace())
    return " ".join(kept.split())


@dataclass
class Message:
    id: int
    text: str
    keyboard: Keyboard | None

    @property
    def labels(self) -> list[str]:
        return [b.text for b in self.keyboard.buttons()] if self.keyboard else []


@dataclass
class Chat:
    holdings: tuple[Holding, ...] = ()
    trial_seats: int | None = None
    trials: tuple[str, ...] = ()  # solutions the customer has had a trial of (T1)
    billing: BillingProfile | None = None
    vat: VatDetails | None = None
    language: str = "vi"
    coupons: dict[str, CouponEntry] = field(default_factory=dict)
    chat_id: int = 42
    now: dt.datetime = NOW
    refuse_order: Refusal | None = None
    payment: tuple[str, str | None] = ("pending", None)
    account: Account = field(default_factory=Account)
    support_available: bool = True
    renewal_mode: str | None = None  # the base subscription's (V1)
    held_addons: tuple[tuple[str, int], ...] = ()  # add-on blocks held (C4)
    renewing: dt.date | None = None  # the day the plan renews with changes due then
    renewed: tuple[Holding, ...] = ()  # what it holds from that day (P3, Y3)

    def __post_init__(self) -> None:
        self.ctx = Context(CLEEKSY, FixedClock(self.now), chat_id=self.chat_id, strict=True)
        self.state = State()
        self.messages: dict[int, Message] = {}
        self.shown: list[Message] = []  # every message sent or edited, in order
        self.answers: list[AnswerCallback] = []
        self.placed: list[PlaceOrder] = []
        self.orders: dict[str, OrderPlaced] = {}
        self.others: list[object] = []  # effects with nothing to answer (SendInvoice, …)
        self.tickets: list[OpenSupport] = []
        self.trials_started: list[StartTrial] = []
        self.scheduled: list[ScheduleChange] = []
        self.change_targets: dict[int, tuple[Target, ...]] = {}
        self._next_id = 100
        self._customer_message_id = 0

    # --- what the customer does ---

    def start(self, payload: str = "") -> Chat:
        return self.feed(Start(payload, self._next_customer_message()))

    def send(self, text: str) -> Chat:
        return self.feed(Text(text, self._next_customer_message()))

    def command(self, name: str, args: str = "") -> Chat:
        return self.feed(Command(name, args, self._next_customer_message()))

    def sticker(self) -> Chat:
        return self.feed(Sticker(self._next_customer_message()))

    def _next_customer_message(self) -> int:
        self._customer_message_id += 1
        return self._customer_message_id

    @property
    def last_customer_message(self) -> int:
        return self._customer_message_id

    def tap(self, label: str, message: Message | None = None) -> Chat:
        """Tap the button with this label on the latest message with buttons (or `message`)."""
        message = message or self.keyboard_message
        return self.feed(Button(self.button(label, message).data, message.id))

    def button(self, label: str, message: Message | None = None) -> CallbackButton:
        message = message or self.keyboard_message
        assert message.keyboard is not None, message.text
        buttons = [b for b in message.keyboard.buttons() if isinstance(b, CallbackButton)]
        found = [b for b in buttons if b.text == label] or [b for b in buttons if fold(b.text) == fold(label)]
        assert found, f"no button {label!r} in {message.labels}"
        return found[0]

    # --- what the customer sees ---

    @property
    def screen(self) -> Message:
        return self.shown[-1]

    @property
    def text(self) -> str:
        return self.screen.text

    @property
    def labels(self) -> list[str]:
        return self.screen.labels

    @property
    def keyboard_message(self) -> Message:
        return next(m for m in reversed(self.shown) if m.keyboard is not None)

    def saw(self, words: str) -> bool:
        return any(words in m.text for m in self.shown)

    def url_buttons(self) -> list[UrlButton]:
        keyboard = self.keyboard_message.keyboard
        assert keyboard is not None
        return [b for b in keyboard.buttons() if isinstance(b, UrlButton)]

    # --- the fake runtime ---

    def feed(self, event: Event) -> Chat:
        answers = len(self.answers)
        state, effects = handle(self.state, event, self.ctx)
        stored = json.loads(json.dumps(state.to_json()))
        assert State.from_json(stored) == state, "the state must survive the conversation table"
        self.state = State.from_json(stored)
        for effect in effects:
            self._perform(effect)
        if isinstance(event, Button):
            assert len(self.answers) == answers + 1, "every tap is answered exactly once"
        return self

    def _perform(self, effect: object) -> None:
        match effect:
            case SendMessage(text=text, keyboard=keyboard):
                assert text.strip()
                self._next_id += 1
                self._show(Message(self._next_id, text, keyboard))
                if keyboard is not None:
                    self.feed(MessageShown(self._next_id))
            case EditMessage(message_id=message_id, text=text, keyboard=keyboard):
                assert message_id in self.messages and text.strip()
                self._show(Message(message_id, text, keyboard))
            case AnswerCallback():
                self.answers.append(effect)
            case LoadCustomer():
                self.feed(
                    CustomerLoaded(
                        self.holdings,
                        self.trial_seats,
                        self.billing,
                        self.vat,
                        self.language,
                        self.trials,
                        self.renewal_mode,
                        self.held_addons,
                        self.renewing,
                        self.renewed,
                    )
                )
            case StartTrial():
                self._start_trial(effect)
            case LoadAccount():
                self.feed(AccountLoaded(self.account))
            case LookupCoupon(code=code):
                self.feed(CouponLooked(code, self.coupons.get(code)))
            case PlaceOrder():
                self._place(effect)
            case CheckPayment(order_id=order_id):
                status, code = self.payment
                self.feed(PaymentStatus(order_id, status, code))
            case ScheduleChange():
                self._schedule(effect)
            case CancelChange(request_id=request_id):
                self._cancel_change(request_id)
            case OpenSupport():
                self.tickets.append(effect)
                self.feed(
                    SupportOpened(len(self.tickets)) if self.support_available else SupportUnavailable()
                )
            case _:
                self.others.append(effect)

    def _show(self, message: Message) -> None:
        if message.keyboard:
            for b in message.keyboard.buttons():
                assert b.text.strip()
                if isinstance(b, CallbackButton):
                    assert len(b.data.encode()) <= 64
        self.messages[message.id] = message
        self.shown.append(message)

    def _start_trial(self, effect: StartTrial) -> None:
        """As the store does: once per customer, never for one who holds a plan (T1)."""
        self.trials_started.append(effect)
        if self.holdings or self.trials:
            self.feed(TrialRefused())
            return
        self.trials = effect.solutions
        self.feed(TrialStarted(effect.solutions, trial_period(CLEEKSY, self.ctx.today()).end))

    def _cancel_change(self, request_id: int) -> None:
        """As the store does: refused when the next period is paid or a later change needs it."""
        pending = [
            (c.request_id, request, c.effective_on)
            for c in self.account.changes
            if (request := ChangeRequest.parse(c.kind, c.solution, c.value)) is not None
        ]
        refusal = cancel_refused(CLEEKSY, self.account.holdings, pending, request_id)
        found = refusal is None and self.change_targets.pop(request_id, None) is not None
        kept = tuple(c for c in self.account.changes if c.request_id != request_id or not found)
        targets = tuple(x for c in kept for x in self.change_targets[c.request_id])
        self.account = replace(self.account, changes=kept, targets=targets)
        self.feed(ChangeCancelled(request_id, found, refusal))

    def _schedule(self, effect: ScheduleChange) -> None:
        self.scheduled.append(effect)
        request = ChangeRequest.parse(effect.kind, effect.solution, effect.value)
        verdict = (
            plan_change(CLEEKSY, self.account.holdings, self.account.targets, request) if request else None
        )
        if not isinstance(verdict, PlannedChange):
            self.feed(ChangeRefused(verdict))
            return
        request_id = 500 + len(self.scheduled)
        item = ScheduledItem(request_id, effect.kind, effect.solution, effect.value, verdict.effective_on)
        self.change_targets[request_id] = verdict.targets
        self.account = replace(
            self.account,
            changes=(*self.account.changes, item),
            targets=(*self.account.targets, *verdict.targets),
        )
        self.feed(ChangeScheduled(request_id, verdict.effective_on, verdict.notices))

    def _place(self, effect: PlaceOrder) -> None:
        self.placed.append(effect)
        if self.refuse_order is not None:
            refusal, self.refuse_order = self.refuse_order, None
            self.feed(OrderRefusedEvent(refusal))
            return
        if effect.client_token not in self.orders:
            result = quote(CLEEKSY, effect.request)
            assert isinstance(result, Quote)
            self.orders[effect.client_token] = OrderPlaced(
                1000 + len(self.orders),
                result.total,
                f"https://sandbox.vnpayment.vn/pay?order={1000 + len(self.orders)}",
                self.now + dt.timedelta(minutes=15),
            )
        self.feed(self.orders[effect.client_token])

    def pay(self, status: str = "paid", code: str | None = None) -> Chat:
        """VNPAY's result for the latest order reaches the chat (step 13)."""
        order = list(self.orders.values())[-1]
        return self.feed(PaymentStatus(order.order_id, status, code))
