"""The support desk: customers handed to people in a forum supergroup (`SUPPORT_CHAT_ID`).

One topic per customer, created on their first ticket, reopened for later ones and created
again if someone deleted it. A ticket opens with a context card in the topic. Messages go both
ways as copies (`copyMessage`: text, photos, documents, voice …), each copy remembered so that
a reply on either side is a reply to the matching message on the other, and an edited text or
caption is edited in the copy too (its new text only: the copy keeps no formatting of the edit). In a topic:
/claim (the customer is told who is with them), /close (the customer is told, and the bot
takes the conversation back where it was), /quote and /order (agent_commands.py).

Who can act: only a member of the support group, checked with Telegram for each message that
would reach a customer. Messages of bots, outside topics, in topics with no ticket, or from
any other group are ignored and logged; nothing of them reaches a customer. Tickets, topics
and copies are in the database, so a restart loses no mapping.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock
from billing_core.storage.customers import holdings_of
from billing_core.storage.database import transaction
from billing_core.storage.models import Customer, Order
from billing_core.storage.support_store import (
    Ticket,
    claim_ticket,
    close_ticket,
    customer_copy_of,
    keep_topic,
    note_first_response,
    open_ticket,
    open_ticket_of,
    remember_copy,
    ticket_in_topic,
    topic_copy_of,
    topic_of,
)
from conversations import (
    Context,
    Event,
    ReadClock,
    SendMessage,
    State,
    SupportClosed,
    SupportOpened,
    SupportUnavailable,
)
from conversations.support_card import COMMANDS, OpenOrder, Person, context_card
from handlers.agent_commands import AgentCommands
from handlers.incoming_events import split_command
from handlers.messenger import ChatRef, Messenger
from handlers.progress import Progress
from handlers.store_effects import StoreEffects
from handlers.support_channel import AgentPost, SupportChannel, SupportGroupUnavailable, TopicUnavailable
from locales import N_, Translator, translator

log = logging.getLogger(__name__)

Resume = Callable[[ChatRef, Event], Awaitable[None]]
MAX_TOPIC_NAME = 128

CLAIMED_CUSTOMER = N_("{agent} from our support team is with you now.")
CLAIMED_TOPIC = N_("Claimed by {agent}.")
CLOSED_CUSTOMER_SIDE = N_("The customer went back to the assistant; the ticket is closed.")
CLOSED_TOPIC = N_("Ticket closed by {agent}. The customer is back with the assistant.")
ALREADY_CLOSED = N_("This ticket is closed; the customer did not get your message.")
BLOCKED = N_("The customer has blocked the bot; your message was not delivered.")
UNKNOWN_COMMAND = N_("Commands here: {commands}")


@dataclass
class SupportDesk:
    sessions: async_sessionmaker[AsyncSession]
    catalogue: Catalogue
    clock: Clock
    channel: SupportChannel
    messenger: Messenger
    store: StoreEffects
    support_chat_id: int | None
    agent_locale: str
    resume: Resume  # feeds SupportClosed into the customer's conversation
    progress: Progress = field(default_factory=Progress)  # the group's messages handled

    def __post_init__(self) -> None:
        self._commands = AgentCommands(self.store, self.messenger, self.agent_locale, self._topic_note)

    @property
    def _agents(self) -> Translator:
        return translator(self.agent_locale)

    # --- the customer's side (effects of the conversation) ---

    async def open(self, chat: ChatRef, state: State, reason: str) -> Event:
        """OpenSupport: the customer's open ticket (a new one with its card) → SupportOpened."""
        group = self.support_chat_id
        if group is None:
            log.warning("chat %s asked for support, but SUPPORT_CHAT_ID is not set", chat.chat_id)
            return SupportUnavailable()
        try:
            async with transaction(self.sessions) as session:
                customer = await self.store.customer(session, chat)
                existing = await open_ticket_of(session, customer.id)
                thread = await topic_of(session, group, customer.id)
            if existing is not None:
                return SupportOpened(existing.id)
            thread = await self._topic_for(chat, customer.id, thread)
            async with transaction(self.sessions) as session:
                ticket, _ = await open_ticket(session, customer.id, group, thread, reason, self.clock())
                card = await self._card(session, chat, state, ticket, customer.id)
            await self._post(ticket, chat, card)
        except (SupportGroupUnavailable, TopicUnavailable) as exc:
            log.error("support group %s cannot be used: %s", group, exc)
            return SupportUnavailable()
        log.info("chat %s: ticket %s opened (%s)", chat.chat_id, ticket.id, reason)
        return SupportOpened(ticket.id)

    async def relay(self, chat: ChatRef, message_id: int, reply_to: int | None = None) -> Event | None:
        """RelayToSupport: the customer's message copied into their topic (a reply to the copy
        of the message it answers, if that is in the topic)."""
        async with transaction(self.sessions) as session:
            customer = await self.store.customer(session, chat)
            ticket = await open_ticket_of(session, customer.id)
            answered = await topic_copy_of(session, ticket.id, reply_to) if ticket and reply_to else None
        if ticket is None:
            return SupportClosed()
        copied = await self._into_topic(
            ticket, chat, lambda thread: self._copy_in(chat, message_id, thread, answered)
        )
        async with transaction(self.sessions) as session:
            await remember_copy(session, ticket.id, message_id, copied, True, self.clock())
        return None

    async def customer_edited(self, chat: ChatRef, message_id: int, text: str | None, caption: bool) -> None:
        """The customer edited a message: its copy in the open ticket's topic is edited too.
        Edits of messages the agents never got (before the ticket, or a closed one) are ignored."""
        try:
            if text is None or self.support_chat_id is None:
                return
            async with transaction(self.sessions) as session:
                customer = await self.store.customer(session, chat)
                ticket = await open_ticket_of(session, customer.id)
                copy = await topic_copy_of(session, ticket.id, message_id) if ticket else None
            if ticket is not None and copy is not None:
                await self.channel.edit(ticket.support_chat_id, copy, text, caption=caption)
        finally:
            await self.progress.one_more()

    async def left(self, chat: ChatRef, ticket_id: int) -> None:
        """LeaveSupport: the customer went back to the assistant."""
        async with transaction(self.sessions) as session:
            ticket = await close_ticket(session, ticket_id, "customer", self.clock())
        if ticket is not None:
            await self._into_topic(
                ticket, chat, lambda thread: self._post_in(thread, self._agents.gettext(CLOSED_CUSTOMER_SIDE))
            )
            await self.channel.close_topic(ticket.support_chat_id, ticket.thread_id)

    # --- the agents' side (messages in the support group) ---

    async def on_agent_post(self, post: AgentPost) -> None:
        try:
            await self._agent_post(post)
        finally:
            await self.progress.one_more()

    async def on_agent_edit(self, post: AgentPost) -> None:
        """An agent edited a message: its copy in the customer's chat is edited too (edited
        commands are not run again)."""
        try:
            await self._agent_edit(post)
        finally:
            await self.progress.one_more()

    async def _agent_post(self, post: AgentPost) -> None:
        ticket = await self._ticket_of_agent(post)
        if ticket is None:
            return
        command, args = _command(post.text)
        if not ticket.is_open:
            await self._topic_note(ticket, self._agents.gettext(ALREADY_CLOSED))
        elif command is None:
            await self._to_customer(ticket, post)
        elif command == "claim":
            await self._claim(ticket, post)
        elif command == "close":
            await self._close(ticket, post)
        elif command == "quote":
            await self._commands.quote(ticket, args)
        elif command == "order":
            await self._commands.order(ticket)
        else:
            await self._topic_note(ticket, self._agents.gettext(UNKNOWN_COMMAND).format(commands=COMMANDS))

    async def _agent_edit(self, post: AgentPost) -> None:
        ticket = await self._ticket_of_agent(post)
        if ticket is None or not ticket.is_open or post.text is None or _command(post.text)[0]:
            return
        async with self.sessions() as session:
            customer = await session.get(Customer, ticket.customer_id)
            copy = await customer_copy_of(session, ticket.id, post.message_id)
        assert customer is not None
        if copy is None:
            return
        if not await self.channel.edit(customer.telegram_user_id, copy, post.text, caption=post.is_caption):
            await self._topic_note(ticket, self._agents.gettext(BLOCKED))

    async def _ticket_of_agent(self, post: AgentPost) -> Ticket | None:
        """The ticket of the topic an agent of the support group wrote in; None (logged) for
        anything else: another group, a bot, an anonymous sender, the General topic, a topic
        without a ticket, someone who is not a member of the group."""
        if post.chat_id != self.support_chat_id:
            log.warning(
                "group %s is not the support group: message %s ignored", post.chat_id, post.message_id
            )
            return None
        if post.is_bot or post.user_id is None or post.thread_id is None:
            return None  # bots (this one included), anonymous senders and the General topic
        async with self.sessions() as session:
            ticket = await ticket_in_topic(session, post.chat_id, post.thread_id)
        if ticket is None:
            log.info("topic %s has no ticket: message %s ignored", post.thread_id, post.message_id)
            return None
        if not await self.channel.is_member(post.chat_id, post.user_id):
            log.warning("user %s is not a member of the support group: ignored", post.user_id)
            return None
        return ticket

    async def _to_customer(self, ticket: Ticket, post: AgentPost) -> None:
        async with self.sessions() as session:
            customer = await session.get(Customer, ticket.customer_id)
            reply_to = await customer_copy_of(session, ticket.id, post.reply_to) if post.reply_to else None
        assert customer is not None
        copied = await self.channel.copy(
            customer.telegram_user_id, post.chat_id, post.message_id, thread_id=None, reply_to=reply_to
        )
        if copied is None:
            await self._topic_note(ticket, self._agents.gettext(BLOCKED))
            return
        async with transaction(self.sessions) as session:
            await remember_copy(session, ticket.id, copied, post.message_id, False, self.clock())
            await note_first_response(session, ticket.id, self.clock())

    async def _claim(self, ticket: Ticket, post: AgentPost) -> None:
        assert post.user_id is not None
        async with transaction(self.sessions) as session:
            await claim_ticket(session, ticket.id, post.user_id, post.name, self.clock())
            customer = await session.get(Customer, ticket.customer_id)
        assert customer is not None
        told = translator(customer.language).gettext(CLAIMED_CUSTOMER).format(agent=post.name)
        await self.messenger.send(customer.telegram_user_id, SendMessage(told))
        await self._topic_note(ticket, self._agents.gettext(CLAIMED_TOPIC).format(agent=post.name))

    async def _close(self, ticket: Ticket, post: AgentPost) -> None:
        async with transaction(self.sessions) as session:
            closed = await close_ticket(session, ticket.id, "agent", self.clock())
            customer = await session.get(Customer, ticket.customer_id)
        if closed is None or customer is None:
            await self._topic_note(ticket, self._agents.gettext(ALREADY_CLOSED))
            return
        await self._topic_note(ticket, self._agents.gettext(CLOSED_TOPIC).format(agent=post.name))
        await self.channel.close_topic(ticket.support_chat_id, ticket.thread_id)
        chat = ChatRef(customer.telegram_user_id, customer.telegram_user_id, customer.language)
        await self.resume(chat, SupportClosed(ticket.id))

    # --- topics ---

    async def _topic_for(self, chat: ChatRef, customer_id: int, thread: int | None) -> int:
        """The customer's topic, open: reopened, or created (first ticket, or deleted)."""
        group = self.support_chat_id
        assert group is not None
        if thread is not None:
            try:
                await self.channel.reopen_topic(group, thread)
                return thread
            except TopicUnavailable:
                log.info("topic %s of chat %s was deleted; a new one is made", thread, chat.chat_id)
        thread = await self.channel.create_topic(group, _topic_name(chat))
        async with transaction(self.sessions) as session:
            await keep_topic(session, group, customer_id, thread, self.clock())
        return thread

    async def _into_topic(self, ticket: Ticket, chat: ChatRef, act: Callable[[int], Awaitable[int]]) -> int:
        """`act(thread)` in the ticket's topic, reopened or made again if a person closed or
        deleted it meanwhile."""
        try:
            return await act(ticket.thread_id)
        except TopicUnavailable:
            thread = await self._topic_for(chat, ticket.customer_id, ticket.thread_id)
            return await act(thread)

    async def _post(self, ticket: Ticket, chat: ChatRef, text: str) -> int:
        return await self._into_topic(ticket, chat, lambda thread: self._post_in(thread, text))

    async def _post_in(self, thread: int, text: str) -> int:
        assert self.support_chat_id is not None
        return await self.channel.post(self.support_chat_id, thread, text)

    async def _copy_in(self, chat: ChatRef, message_id: int, thread: int, reply_to: int | None) -> int:
        assert self.support_chat_id is not None
        copied = await self.channel.copy(
            self.support_chat_id, chat.chat_id, message_id, thread_id=thread, reply_to=reply_to
        )
        assert copied is not None  # only a private chat can block the bot
        return copied

    async def _topic_note(self, ticket: Ticket, text: str) -> None:
        """A note of the bot for the agents, in the topic (left unsent if the topic is gone)."""
        try:
            await self.channel.post(ticket.support_chat_id, ticket.thread_id, text)
        except TopicUnavailable:
            log.info("topic %s is closed or gone: note not posted", ticket.thread_id)

    async def _card(
        self, session: AsyncSession, chat: ChatRef, state: State, ticket: Ticket, customer_id: int
    ) -> str:
        holdings = await holdings_of(session, customer_id)
        order = (
            await session.scalars(
                select(Order)
                .where(Order.customer_id == customer_id, Order.status == "pending")
                .order_by(Order.id.desc())
                .limit(1)
            )
        ).first()
        opened = OpenOrder(order.id, order.amount, order.status, order.created_at) if order else None
        who = Person(chat.user_id, chat.display_name, chat.username, state.locale)
        ctx = Context(self.catalogue, ReadClock(self.clock), chat_id=chat.chat_id)
        return context_card(
            self._agents,
            ctx,
            state,
            ticket_id=ticket.id,
            reason=ticket.reason,
            who=who,
            holdings=holdings,
            order=opened,
        )


def _command(text: str | None) -> tuple[str | None, str]:
    """The command a message starts with and its arguments ("/quote@cleeksy_bot workspace …"
    → "quote", "workspace …"), or None for a message to relay."""
    if not text or not text.startswith("/") or len(text) < 2:
        return None, ""
    return split_command(text)


def _topic_name(chat: ChatRef) -> str:
    handle = f" @{chat.username}" if chat.username else ""
    return f"{chat.display_name or chat.user_id}{handle} · {chat.user_id}"[:MAX_TOPIC_NAME]
