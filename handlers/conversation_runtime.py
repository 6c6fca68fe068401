"""Drives the conversation core for one update at a time per chat, for every adapter.

Per update, under the chat's lock: one read of the state, `handle`, the effects performed in
order (those that need a result are answered at once by handling the result event, as
conversations/__init__.py prescribes), one write of the state with the version read. Two
updates of one chat never interleave in this process; across processes the version check
refuses a stale write, which is logged and dropped rather than handled again (its messages
were sent and its order placed: a replay would repeat them). If an effect fails midway (a
Bot API error), the state reached so far is still saved, so what was done is not redone.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock
from billing_core.storage.conversation_store import StaleState, load_state, save_state
from billing_core.storage.models import Customer
from billing_core.storage.payments import IpnOutcome
from billing_core.storage.units import run_unit
from conversations import (
    AnswerCallback,
    CancelChange,
    CheckPayment,
    Context,
    EditMessage,
    Effect,
    Event,
    LeaveSupport,
    LoadAccount,
    LoadCustomer,
    LookupCoupon,
    MessageShown,
    OpenSupport,
    PaymentStatus,
    PlaceOrder,
    ReadClock,
    RelayToSupport,
    SaveBillingProfile,
    SaveLanguage,
    ScheduleChange,
    SendInvoice,
    SendMessage,
    SetRenewalMode,
    StartTrial,
    State,
    SupportUnavailable,
    handle,
)
from handlers.invoice_delivery import InvoiceDelivery
from handlers.messenger import ChatRef, Messenger
from handlers.progress import Progress
from handlers.store_effects import StoreEffects
from handlers.support_desk import SupportDesk
from locales import N_, translator

log = logging.getLogger(__name__)

INVOICE_CAPTION = N_("VAT invoice {label}")
NO_INVOICE = N_("That invoice is not available. Open Invoices to see yours.")


class _Turn:
    """One update being handled: the state as it evolves and the tap to answer."""

    def __init__(self, chat: ChatRef, state: State, callback_id: str | None) -> None:
        self.chat = chat
        self.state = state
        self.callback_id = callback_id


class ConversationRuntime:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalogue: Catalogue,
        store: StoreEffects,
        messenger: Messenger,
        clock: Clock,
        invoices: InvoiceDelivery,
        desk: SupportDesk | None = None,
    ) -> None:
        self._sessions = sessions
        self._desk = desk
        self._invoices = invoices
        self._catalogue = catalogue
        self._store = store
        self._messenger = messenger
        self._clock = clock
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self.progress = Progress()  # updates handled to the end (saved or given up)

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
        return lock

    async def on_event(self, chat: ChatRef, event: Event, callback_id: str | None = None) -> None:
        """Handle one update of `chat` (a button tap carries its callback query id)."""
        try:
            await self._handle(chat, event, callback_id)
        finally:
            await self.progress.one_more()

    @property
    def handled(self) -> int:
        return self.progress.count

    async def wait_handled(self, count: int) -> None:
        """Wait until `count` updates have been handled since start."""
        await self.progress.wait_for(count)

    async def _handle(self, chat: ChatRef, event: Event, callback_id: str | None) -> None:
        lock = self._lock(chat.chat_id)
        async with lock:
            loaded = await run_unit(self._sessions, partial(load_state, chat_id=chat.chat_id))
            turn = _Turn(chat, State.from_json(loaded[0]) if loaded else State(), callback_id)
            try:
                await self._feed(turn, event)
            except Exception:
                log.exception("chat %s: an effect failed; the state reached so far is kept", chat.chat_id)
            try:
                await run_unit(
                    self._sessions,
                    partial(
                        save_state,
                        chat_id=chat.chat_id,
                        state=turn.state.to_json(),
                        read_version=loaded[1] if loaded else None,
                        now=self._clock(),
                    ),
                )
            except StaleState:
                log.warning("chat %s: the state changed meanwhile (another instance); dropped", chat.chat_id)

    async def _feed(self, turn: _Turn, event: Event) -> None:
        ctx = Context(self._catalogue, ReadClock(self._clock), chat_id=turn.chat.chat_id)
        turn.state, effects = handle(turn.state, event, ctx)
        for effect in effects:
            result = await self._perform(turn, effect)
            if result is not None:
                await self._feed(turn, result)

    async def _perform(self, turn: _Turn, effect: Effect) -> Event | None:
        chat, store = turn.chat, self._store
        match effect:
            case SendMessage():
                message_id = await self._messenger.send(chat.chat_id, effect)
                return MessageShown(message_id) if effect.keyboard is not None else None
            case EditMessage():
                sent_anew = await self._messenger.edit(chat.chat_id, effect)
                if sent_anew is not None and effect.keyboard is not None:
                    return MessageShown(sent_anew)  # its buttons are the live ones now
            case AnswerCallback():
                if turn.callback_id is not None:
                    await self._messenger.answer(turn.callback_id, effect)
                    turn.callback_id = None
            case LoadCustomer():
                return await store.load_customer(chat)
            case StartTrial():
                return await store.start_trial(chat, effect)
            case LoadAccount():
                return await store.load_account(chat)
            case LookupCoupon():
                return await store.lookup_coupon(chat, effect)
            case PlaceOrder():
                return await store.place_order(chat, effect)
            case CheckPayment():
                return await store.check_payment(chat, effect)
            case SaveBillingProfile():
                await store.save_profile(chat, effect)
            case SaveLanguage():
                await store.save_language(chat, effect)
            case SetRenewalMode():
                await store.set_renewal(chat, effect)
            case ScheduleChange():
                return await store.schedule_change(chat, effect)
            case CancelChange():
                return await store.cancel_change(chat, effect)
            case SendInvoice(order_id=order_id):
                await self._send_invoice(turn, order_id)
            case OpenSupport(reason=reason):
                return await self._desk.open(chat, turn.state, reason) if self._desk else SupportUnavailable()
            case RelayToSupport(message_id=message_id, reply_to=reply_to) if self._desk is not None:
                return await self._desk.relay(chat, message_id, reply_to)
            case LeaveSupport(ticket_id=ticket_id) if self._desk is not None:
                await self._desk.left(chat, ticket_id)
            case _:
                log.info("chat %s: %s is not available yet", chat.chat_id, type(effect).__name__)
        return None

    async def _send_invoice(self, turn: _Turn, order_id: int) -> None:
        t = translator(turn.state.locale)
        pdf = await self._invoices.for_customer(turn.chat.user_id, order_id)
        if pdf is None:  # not this customer's paid order (a forged or stale button)
            await self._messenger.send(turn.chat.chat_id, SendMessage(t.gettext(NO_INVOICE)))
            return
        caption = t.gettext(INVOICE_CAPTION).format(label=pdf.label)
        await self._messenger.send_document(turn.chat.chat_id, pdf.filename, pdf.data, caption)

    async def payment_settled(self, outcome: IpnOutcome) -> None:
        """VNPAY's result reaches the customer's chat (step 13), after the payment's commit."""
        if outcome.order_id is None or outcome.customer_id is None:
            return
        async with self._sessions() as session:
            customer = await session.get(Customer, outcome.customer_id)
        if customer is None:
            return
        if outcome.paid:
            self._invoices.email_after_payment(customer.telegram_user_id, outcome.order_id)
        status = "paid" if outcome.paid else "failed"
        chat = ChatRef(customer.telegram_user_id, customer.telegram_user_id, customer.language)
        await self.on_event(chat, PaymentStatus(outcome.order_id, status, outcome.failed_code))
