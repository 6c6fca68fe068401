"""/broadcast in the bot, for the operators named in ADMIN_USER_IDS only (anyone else's
/broadcast is an ordinary message to the assistant, and logged).

`/broadcast SEGMENT TEXT` or `/broadcast SEGMENT #TEMPLATE` shows the message as customers will
get it, then asks to confirm, with the number of customers it goes to (and how many of the
segment blocked the bot). **Send** queues it (the outbox sender does the sending, at
BROADCAST_RATE), and the confirmation becomes a progress message with **Pause**/**Resume** and
**Cancel**; the report (sent, blocked, failed, how long) arrives when it is done. A button of a
broadcast that moved on meanwhile (finished, cancelled from the command line) says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.clock import Clock
from billing_core.periods import local_today
from billing_core.segments import KINDS, Segment, SegmentError, parse_segment
from billing_core.storage.broadcast_store import (
    BroadcastStateError,
    audience,
    cancel_broadcast,
    draft_broadcast,
    pause_broadcast,
    queue_report,
    resume_broadcast,
    start_broadcast,
)
from billing_core.storage.customers import get_or_create_customer
from billing_core.storage.database import transaction
from billing_core.storage.models import Broadcast
from conversations import AnswerCallback, EditMessage, SendMessage
from conversations.broadcast_templates import TEMPLATES, UnknownTemplate, broadcast_message
from conversations.broadcast_text import (
    CANCEL,
    DROP,
    PAUSE,
    RESUME,
    SEND,
    confirmation,
    nobody,
    parse_button,
    status_name,
    usage,
)
from handlers.broadcast_progress import BroadcastProgress
from handlers.messenger import ChatRef, Messenger
from locales import N_, Translator, translator

log = logging.getLogger(__name__)

COMMAND = re.compile(r"^/broadcast(?:@\w+)?(?:\s+(?P<segment>\S+)(?:\s+(?P<body>.+))?)?\s*$", re.DOTALL)
MOVED_ON = N_("This broadcast cannot do that any more: it is {status}.")
UNKNOWN_SEGMENT = N_("There is no segment “{name}”.")
UNKNOWN_TEMPLATE = N_("There is no template “{name}”.")
DROPPED = N_("Not sent.")


@dataclass
class AdminBroadcasts:
    sessions: async_sessionmaker[AsyncSession]
    catalogue: Catalogue
    clock: Clock
    messenger: Messenger
    admins: frozenset[int]
    tz: ZoneInfo
    progress: BroadcastProgress
    wake: Callable[[], None]  # the outbox sender: there is something to send

    def is_command(self, user_id: int, text: str | None) -> bool:
        """Whether a private message is an operator's /broadcast (for this handler, not the assistant)."""
        if text is None or COMMAND.match(text) is None:
            return False
        if user_id not in self.admins:
            log.warning(
                "user %s sent /broadcast but is not in ADMIN_USER_IDS: left to the assistant", user_id
            )
            return False
        return True

    def is_button(self, user_id: int, data: str | None) -> bool:
        return data is not None and parse_button(data) is not None and user_id in self.admins

    async def on_command(self, chat: ChatRef, text: str) -> None:
        t = translator(chat.language)
        found = COMMAND.match(text)
        assert found is not None
        segment_name, body = found.group("segment"), (found.group("body") or "").strip()
        if segment_name is None or not body:
            await self._say(chat, self._usage(t))
            return
        template = body[1:] if body.startswith("#") else None
        words = None if template is not None else body
        try:
            segment = parse_segment(segment_name, self.catalogue)
            preview = broadcast_message(t, self.catalogue, words, template)
        except SegmentError:
            await self._say(
                chat, t.gettext(UNKNOWN_SEGMENT).format(name=segment_name) + "\n\n" + self._usage(t)
            )
            return
        except UnknownTemplate:
            await self._say(chat, t.gettext(UNKNOWN_TEMPLATE).format(name=body) + "\n\n" + self._usage(t))
            return
        today = local_today(self.clock(), self.tz)
        async with transaction(self.sessions) as session:
            await get_or_create_customer(session, chat.user_id, now=self.clock(), language=chat.language)
            counted = await audience(session, segment, today)
            broadcast = await draft_broadcast(
                session,
                segment,
                text=words,
                template=template,
                created_by=f"admin:{chat.user_id}",
                now=self.clock(),
                notify_chat_id=chat.chat_id,
            )
        if not counted.reachable:
            await self._say(chat, nobody(t, str(segment)))
            return
        await self.messenger.send(chat.chat_id, preview)
        question, keyboard = confirmation(
            t, broadcast.id, str(segment), counted.reachable, counted.unreachable
        )
        await self.messenger.send(chat.chat_id, SendMessage(question, keyboard))

    async def on_button(self, chat: ChatRef, callback_id: str, data: str, message_id: int | None) -> None:
        parsed = parse_button(data)
        assert parsed is not None
        action, broadcast_id = parsed
        t = translator(chat.language)
        try:
            async with transaction(self.sessions) as session:
                note = await self._act(session, action, broadcast_id, message_id)
        except BroadcastStateError as exc:
            log.info("operator %s: %s", chat.user_id, exc)
            status = status_name(t, await self._status(broadcast_id))
            await self.messenger.answer(
                callback_id, AnswerCallback(t.gettext(MOVED_ON).format(status=status), True)
            )
            return
        await self.messenger.answer(callback_id, AnswerCallback())
        if note is not None and message_id is not None:
            await self.messenger.edit(chat.chat_id, EditMessage(message_id, t.gettext(note)))
        else:
            await self.progress.show(broadcast_id)
        if action in (SEND, RESUME, CANCEL):  # after the commit: the sender finds the rows
            self.wake()

    async def _act(
        self, session: AsyncSession, action: str, broadcast_id: int, message_id: int | None
    ) -> str | None:
        """Do what the button says; the note to show instead of the progress, if any."""
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None:
            raise BroadcastStateError(f"there is no broadcast {broadcast_id}")
        if action == SEND:
            segment = parse_segment(broadcast.segment, self.catalogue)
            await start_broadcast(
                session, broadcast_id, segment, local_today(self.clock(), self.tz), self.clock()
            )
            broadcast.notify_message_id = message_id  # the confirmation becomes the progress
        elif action == PAUSE:
            await pause_broadcast(session, broadcast_id)
        elif action == RESUME:
            await resume_broadcast(session, broadcast_id)
        elif action in (CANCEL, DROP):
            was_draft = broadcast.status == "draft"
            await cancel_broadcast(session, broadcast_id, self.clock())
            if was_draft:
                return DROPPED
            await queue_report(session, broadcast_id, self.clock())
        else:
            raise BroadcastStateError(f"unknown action {action!r}")
        return None

    async def _status(self, broadcast_id: int) -> str:
        async with self.sessions() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
        return broadcast.status if broadcast is not None else "gone"

    def _usage(self, t: Translator) -> str:
        segments = [*KINDS, *(str(Segment("solution", s)) for s in self.catalogue.solutions)]
        return usage(t, segments, list(TEMPLATES))

    async def _say(self, chat: ChatRef, text: str) -> None:
        await self.messenger.send(chat.chat_id, SendMessage(text))
