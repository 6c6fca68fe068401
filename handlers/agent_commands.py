"""/quote and /order in a customer's support topic.

/quote REQUEST: the engine's quote for the cart the agent wrote (conversations/agent_request.py),
sent to the customer in their language and kept with the ticket; a blocked cart goes back to
the agent only, with the engine's reasons. /order: an order for the ticket's last quote (or,
without one, the cart the customer built in the chat), billed to the customer's saved details
(V2), its VNPAY link sent to the customer. One order per ticket and cart, however many times
/order is sent (the client token).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.cart import QuoteRequest
from billing_core.explanations import explain
from billing_core.periods import local_today
from billing_core.quote import Blocked, Quote, quote
from billing_core.storage.checkout import customer_request, open_payment, place_order
from billing_core.storage.conversation_store import load_state
from billing_core.storage.coupon_store import coupon_entry
from billing_core.storage.database import transaction
from billing_core.storage.models import Customer
from billing_core.storage.orders import OrderRefused
from billing_core.storage.support_store import Ticket, set_ticket_quote
from billing_core.storage.units import run_unit
from conversations import Context, Keyboard, ReadClock, SendMessage, State, UrlButton
from conversations.agent_request import AgentRequest, AgentRequestError, read_agent_request
from conversations.cart_quote import request_for
from conversations.phrases import moment, money
from conversations.quote_text import quote_text
from handlers.messenger import Messenger
from handlers.store_effects import StoreEffects
from locales import N_, Translator, translator

Note = Callable[[Ticket, str], Awaitable[None]]

QUOTE_FOR_CUSTOMER = N_("A price quote from our support team:")
QUOTE_SENT = N_("Sent to the customer:")
QUOTE_BLOCKED = N_("This cart cannot be sold as it is; nothing was sent to the customer:")
NO_CART = N_("There is nothing to order yet: send /quote first, or let the customer fill the cart.")
NO_BILLING = N_(
    "The customer has not given billing details yet; ask them to finish the purchase in the chat."
)
ORDER_FOR_CUSTOMER = N_(
    "Order no. {order} is ready: {amount}. Pay with VNPAY with the button below before {time} on {date}."
)
ORDER_SENT = N_("Order no. {order} ({amount}) created; the payment link was sent to the customer.")
PAY = N_("Pay with VNPAY")


@dataclass(frozen=True)
class AgentCommands:
    store: StoreEffects
    messenger: Messenger
    agent_locale: str
    note: Note  # a note of the bot for the agents, in the ticket's topic

    async def quote(self, ticket: Ticket, args: str) -> None:
        agents = translator(self.agent_locale)
        try:
            wanted = read_agent_request(self.store.catalogue, args)
        except AgentRequestError as bad:
            await self.note(ticket, agents.gettext(bad.reason).format(word=bad.word))
            return
        customer, result = await self._quote(ticket, wanted)
        if isinstance(result, Blocked):
            await self._blocked(ticket, result, agents)
            return
        async with transaction(self.store.sessions) as session:
            await set_ticket_quote(session, ticket.id, wanted.to_json())
        told = translator(customer.language)
        text = [told.gettext(QUOTE_FOR_CUSTOMER), *quote_text(told, self.store.catalogue, result)]
        await self.messenger.send(customer.telegram_user_id, SendMessage("\n".join(text)))
        await self.note(
            ticket, "\n".join([agents.gettext(QUOTE_SENT), *quote_text(agents, self.store.catalogue, result)])
        )

    async def order(self, ticket: Ticket) -> None:
        agents = translator(self.agent_locale)
        async with self.store.sessions() as session:
            customer = await session.get(Customer, ticket.customer_id)
        assert customer is not None
        wanted = AgentRequest.from_json(ticket.quote) if ticket.quote else await self._chat_cart(customer)
        if wanted is None:
            await self.note(ticket, agents.gettext(NO_CART))
            return
        if not customer.billing_profile:
            await self.note(ticket, agents.gettext(NO_BILLING))
            return
        await self._place(ticket, customer, wanted, agents)

    async def _place(
        self, ticket: Ticket, customer: Customer, wanted: AgentRequest, agents: Translator
    ) -> None:
        now = self.store.clock()
        token = _token(ticket, wanted)
        async with transaction(self.store.sessions) as session:
            try:
                order = await place_order(
                    session,
                    catalogue=self.store.catalogue,
                    customer=customer,
                    request=await self._request(session, customer, wanted),
                    client_token=token,
                    now=now,
                    timeout=self.store.payment_timeout,
                    billing=customer.billing_profile,
                )
            except OrderRefused as refused:
                order = Blocked((refused.refusal,))
            if isinstance(order, Blocked):
                await self._blocked(ticket, order, agents)
                return
            link = await open_payment(session, self.store.merchant, order, customer.language, now)
        told = translator(customer.language)
        time, date = moment(told, link.expires_at)
        text = told.gettext(ORDER_FOR_CUSTOMER).format(
            order=order.id, amount=money(told, order.amount), time=time, date=date
        )
        keyboard = Keyboard(((UrlButton(told.gettext(PAY), link.url),),))
        await self.messenger.send(customer.telegram_user_id, SendMessage(text, keyboard))
        await self.note(
            ticket, agents.gettext(ORDER_SENT).format(order=order.id, amount=money(agents, order.amount))
        )

    async def _blocked(self, ticket: Ticket, blocked: Blocked, agents: Translator) -> None:
        """Why the cart cannot be sold, for the agent only (the engine's reasons)."""
        reasons = [explain(agents, self.store.catalogue, r) for r in blocked.refusals]
        await self.note(ticket, "\n".join([agents.gettext(QUOTE_BLOCKED), *reasons]))

    async def _quote(self, ticket: Ticket, wanted: AgentRequest) -> tuple[Customer, Quote | Blocked]:
        async with transaction(self.store.sessions) as session:
            customer = await session.get(Customer, ticket.customer_id)
            assert customer is not None
            request = await customer_request(
                session,
                customer,
                await self._request(session, customer, wanted),
                catalogue=self.store.catalogue,
                now=self.store.clock(),
                tz=self.store.tz,
            )
        return customer, quote(self.store.catalogue, request)

    async def _request(self, session: AsyncSession, customer: Customer, wanted: AgentRequest) -> QuoteRequest:
        """The agent's cart for today, with the coupon as the database knows it (K2)."""
        request = wanted.request(local_today(self.store.clock()))
        if wanted.coupon:
            request = replace(request, coupon=await coupon_entry(session, wanted.coupon, customer.id))
        return request

    async def _chat_cart(self, customer: Customer) -> AgentRequest | None:
        """The cart the customer built in the chat, if every line has its tier and cycle."""
        chat_id = customer.telegram_user_id
        loaded = await run_unit(self.store.sessions, partial(load_state, chat_id=chat_id))
        state = State.from_json(loaded[0]) if loaded else State()
        if not state.cart.chosen:
            return None
        ctx = Context(self.store.catalogue, ReadClock(self.store.clock), chat_id=chat_id)
        request = request_for(state, ctx, with_coupon=True)
        return AgentRequest(request.cart, request.coupon.code if request.coupon else None, request.months)


def _token(ticket: Ticket, wanted: AgentRequest) -> str:
    digest = hashlib.sha256(json.dumps(wanted.to_json(), sort_keys=True).encode()).hexdigest()[:16]
    return f"ticket-{ticket.id}-{digest}"
