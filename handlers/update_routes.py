"""Where each update goes, for every adapter: a customer's private messages and taps to the
conversation, an operator's /broadcast and its buttons to the admin handler, the support
group's messages to the support desk, and edits on either side to the desk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from conversations import AnswerCallback
from handlers.admin_broadcast import AdminBroadcasts
from handlers.conversation_runtime import ConversationRuntime
from handlers.incoming import PRIVATE, SUPERGROUP, IncomingMessage, IncomingTap
from handlers.incoming_events import agent_post, chat_of, event_of_message, event_of_tap
from handlers.messenger import Messenger
from handlers.support_desk import SupportDesk

ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
"""The kinds of update the bot asks Telegram for: the ones routed here."""


class Routes(Protocol):
    async def on_message(self, message: IncomingMessage) -> None: ...

    async def on_edit(self, message: IncomingMessage) -> None: ...

    async def on_tap(self, tap: IncomingTap) -> None: ...


@dataclass(frozen=True)
class UpdateRoutes:
    conversation: ConversationRuntime
    messenger: Messenger
    desk: SupportDesk | None = None
    admin: AdminBroadcasts | None = None

    async def on_message(self, message: IncomingMessage) -> None:
        if message.chat_type == SUPERGROUP and self.desk is not None:
            await self.desk.on_agent_post(agent_post(message))
            return
        sender = message.sender
        if message.chat_type != PRIVATE or sender is None or sender.is_bot:
            return
        text = message.text
        if self.admin is not None and text is not None and self.admin.is_command(sender.id, text):
            await self.admin.on_command(chat_of(sender), text)
            return
        await self.conversation.on_event(chat_of(sender), event_of_message(message))

    async def on_edit(self, message: IncomingMessage) -> None:
        """Edits matter only to the support desk: a copy on the other side is edited too."""
        if self.desk is None:
            return
        sender = message.sender
        if message.chat_type == SUPERGROUP:
            await self.desk.on_agent_edit(agent_post(message))
        elif message.chat_type == PRIVATE and sender is not None and not sender.is_bot:
            text = message.text if message.text is not None else message.caption
            await self.desk.customer_edited(
                chat_of(sender), message.message_id, text, caption=message.text is None
            )

    async def on_tap(self, tap: IncomingTap) -> None:
        if tap.chat_type != PRIVATE:
            await self.messenger.answer(tap.callback_id, AnswerCallback())
            return
        if self.admin is not None and tap.data is not None and self.admin.is_button(tap.sender.id, tap.data):
            await self.admin.on_button(chat_of(tap.sender), tap.callback_id, tap.data, tap.message_id)
            return
        await self.conversation.on_event(chat_of(tap.sender), event_of_tap(tap), callback_id=tap.callback_id)
