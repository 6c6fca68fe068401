"""The conversation's effects that read or write the database, answered with result events
(conversations/__init__.py): LoadCustomer, StartTrial, LoadAccount, LookupCoupon, PlaceOrder,
CheckPayment, SaveBillingProfile, SaveLanguage, SetRenewalMode, ScheduleChange, CancelChange.
Shared by every Telegram adapter."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock
from billing_core.periods import VIETNAM_TZ, local_today
from billing_core.quote import Blocked
from billing_core.storage.boundaries import settle_boundaries
from billing_core.storage.checkout import held_after, open_payment, place_order
from billing_core.storage.coupon_store import coupon_entry
from billing_core.storage.customers import get_or_create_customer, renewal_terms, trials_of
from billing_core.storage.database import transaction
from billing_core.storage.first_look import first_look
from billing_core.storage.models import Customer, Order
from billing_core.storage.orders import OrderRefused
from billing_core.storage.trial_start import start_trial
from billing_core.storage.units import run_unit
from billing_core.vnpay.merchant import VnpayMerchant
from conversations import (
    AccountLoaded,
    BillingProfile,
    CancelChange,
    ChangeCancelled,
    ChangeRefused,
    ChangeScheduled,
    CheckPayment,
    CouponLooked,
    CustomerLoaded,
    Event,
    LookupCoupon,
    OrderBlocked,
    OrderPlaced,
    OrderRefusedEvent,
    PaymentStatus,
    PlaceOrder,
    SaveBillingProfile,
    SaveLanguage,
    ScheduleChange,
    SetRenewalMode,
    StartTrial,
    TrialRefused,
    TrialStarted,
    VatDetails,
)
from handlers.account_store import cancel_scheduled_change, read_account, schedule_change, set_renewal_mode
from handlers.log_context import bound
from handlers.messenger import ChatRef

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreEffects:
    sessions: async_sessionmaker[AsyncSession]
    catalogue: Catalogue
    merchant: VnpayMerchant
    clock: Clock
    payment_timeout: dt.timedelta
    tz: ZoneInfo = VIETNAM_TZ  # TIMEZONE: when the notices of a boundary crossed here go out

    async def customer(self, session: AsyncSession, chat: ChatRef) -> Customer:
        customer = await get_or_create_customer(
            session,
            chat.user_id,
            now=self.clock(),
            language=chat.language,
            display_name=chat.display_name,
            username=chat.username,
        )
        if customer.unreachable:  # they write again, so they unblocked the bot
            customer.unreachable = False
        return customer

    async def settled(self, session: AsyncSession, chat: ChatRef) -> Customer:
        """The customer, their period boundaries due by today crossed first (renewed, expired,
        scheduled changes applied), so what they see is what they hold today."""
        customer = await self.customer(session, chat)
        await self._settle(session, customer.id)
        return customer

    async def _settle(self, session: AsyncSession, customer_id: int) -> None:
        now = self.clock()
        await settle_boundaries(session, self.catalogue, local_today(now), now, customer_id, tz=self.tz)

    async def load_customer(self, chat: ChatRef) -> CustomerLoaded:
        look = await run_unit(
            self.sessions,
            partial(
                first_look,
                telegram_user_id=chat.user_id,
                now=self.clock(),
                language=chat.language,
                display_name=chat.display_name,
                username=chat.username,
            ),
        )
        if not look.holds_anything:  # a prospect: no boundary to cross, nothing more to read
            return CustomerLoaded(
                billing=BillingProfile.from_mapping(look.billing_profile),
                vat=VatDetails.from_mapping(look.vat_invoice),
                language=look.language,
            )
        async with transaction(self.sessions) as session:  # made and reachable: first_look saw to it
            customer = await session.get_one(Customer, look.customer_id)
            await self._settle(session, customer.id)
            held = await renewal_terms(session, customer.id, self.catalogue.base_solution)
            trials = await trials_of(session, customer.id)
            renewing = min((h.paid_period.end for h in held.holdings if h.is_paid_and_running), default=None)
            renewed = await held_after(session, customer.id, held.holdings, renewing) if renewing else None
        return CustomerLoaded(
            held.holdings,
            trials.activated_seats,
            BillingProfile.from_mapping(customer.billing_profile),
            VatDetails.from_mapping(customer.vat_invoice),
            customer.language,
            trials.solutions,
            held.renewal_mode,
            held.addons,
            renewing if renewed is not None else None,
            tuple(h for h in renewed or () if h.is_paid_and_running),
        )

    async def start_trial(self, chat: ChatRef, effect: StartTrial) -> TrialStarted | TrialRefused:
        today = local_today(self.clock())  # T1: the trial's first day, in Vietnam
        async with transaction(self.sessions) as session:
            customer = await self.customer(session, chat)
            period = await start_trial(session, customer.id, self.catalogue, effect.solutions, today)
        return TrialRefused() if period is None else TrialStarted(effect.solutions, period.end)

    async def load_account(self, chat: ChatRef) -> AccountLoaded:
        async with transaction(self.sessions) as session:
            customer = await self.settled(session, chat)
            return AccountLoaded(await read_account(session, customer.id))

    async def set_renewal(self, chat: ChatRef, effect: SetRenewalMode) -> None:
        async with transaction(self.sessions) as session:
            customer = await self.customer(session, chat)
            await set_renewal_mode(session, customer.id, effect.solution, effect.mode)

    async def schedule_change(self, chat: ChatRef, effect: ScheduleChange) -> ChangeScheduled | ChangeRefused:
        """Judge the change again on what the database holds now (P3, Y3), then store it."""
        now = self.clock()
        async with transaction(self.sessions) as session:
            customer = await self.customer(session, chat)
            return await schedule_change(session, self.catalogue, customer.id, effect, now)

    async def cancel_change(self, chat: ChatRef, effect: CancelChange) -> ChangeCancelled:
        async with transaction(self.sessions) as session:
            customer = await self.customer(session, chat)
            return await cancel_scheduled_change(
                session, self.catalogue, customer.id, effect.request_id, self.clock()
            )

    async def lookup_coupon(self, chat: ChatRef, effect: LookupCoupon) -> CouponLooked:
        async with transaction(self.sessions) as session:
            customer = await self.customer(session, chat)
            entry = await coupon_entry(session, effect.code, customer.id)
        return CouponLooked(effect.code, entry if entry.coupon is not None else None)

    async def place_order(self, chat: ChatRef, effect: PlaceOrder) -> Event:
        now = self.clock()
        async with transaction(self.sessions) as session:
            customer = await self.customer(session, chat)
            try:
                order = await place_order(
                    session,
                    catalogue=self.catalogue,
                    customer=customer,
                    request=effect.request,
                    client_token=effect.client_token,
                    now=now,
                    timeout=self.payment_timeout,
                    renewal_mode=effect.renewal_mode,
                    billing=effect.billing_json(),
                    renewing=effect.renewing,
                    tz=self.tz,
                )
            except OrderRefused as refused:
                return OrderRefusedEvent(refused.refusal)
            if isinstance(order, Blocked):
                return OrderBlocked(order)
            if order.status != "pending" or now >= order.expires_at:
                return PaymentStatus(order.id, order.status, order.failure_code)
            link = await open_payment(session, self.merchant, order, customer.language, now)
        with bound(order_id=order.id):
            log.info("order placed: %s VND, payment link until %s", order.amount, link.expires_at.isoformat())
        return OrderPlaced(order.id, order.amount, link.url, link.expires_at)

    async def check_payment(self, chat: ChatRef, effect: CheckPayment) -> PaymentStatus:
        async with self.sessions() as session:
            order = await session.scalar(
                select(Order)
                .join(Customer, Customer.id == Order.customer_id)
                .where(Order.id == effect.order_id, Customer.telegram_user_id == chat.user_id)
            )
        if order is None:  # not this customer's order: say nothing about it
            return PaymentStatus(effect.order_id, "pending")
        return PaymentStatus(order.id, order.status, order.failure_code)

    async def save_profile(self, chat: ChatRef, effect: SaveBillingProfile) -> None:
        async with transaction(self.sessions) as session:
            customer = await self.customer(session, chat)
            customer.billing_profile = effect.profile.to_json()
            if effect.vat is not None:
                customer.vat_invoice = effect.vat.to_json()

    async def save_language(self, chat: ChatRef, effect: SaveLanguage) -> None:
        async with transaction(self.sessions) as session:
            customer = await self.customer(session, chat)
            customer.language = effect.locale
