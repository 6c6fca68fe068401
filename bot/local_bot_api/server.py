"""``LocalBotApi``: a Telegram Bot API server on this machine, and the people who use the bot.

Point aiogram or python-telegram-bot at :attr:`LocalBotApi.base_url` and they work as with
api.telegram.org. A test plays the people (``add_user``, ``send_text``, ``press``,
``block_bot``…; ``fail_next`` plans a refusal), reads what the bot did (``messages``,
``callback answers``, ``chat_actions``, ``stats``) and waits for it with ``wait_for`` /
``next_bot_message``, which sleep on the server's change signal, never on a timer::

    async with LocalBotApi() as server:
        bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url)))
        anna = server.add_user("Anna")
        await server.send_command(anna, "start")
        reply = await server.next_bot_message(anna)

It runs in the caller's event loop; ``start()``/``stop()`` (or ``async with``) serve it on a
free port, or mount :meth:`LocalBotApi.app` in another aiohttp application.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Self, TypeVar

from aiohttp import web

from bot.local_bot_api import people
from bot.local_bot_api.app import make_app
from bot.local_bot_api.backend import Backend
from bot.local_bot_api.changes import Changes
from bot.local_bot_api.errors import BotApiError, too_many_requests
from bot.local_bot_api.files import image_size
from bot.local_bot_api.limits import Clock, FloodControl, FloodLimits
from bot.local_bot_api.methods import call
from bot.local_bot_api.methods.forum import DEFAULT_ICON_COLOR
from bot.local_bot_api.models import (
    CallbackAnswer,
    CallbackQuery,
    Chat,
    ChatAction,
    FileKind,
    JsonObject,
    MemberStatus,
    Message,
    StoredFile,
    Topic,
    User,
)
from bot.local_bot_api.state import World, commands_key
from bot.local_bot_api.stats import ApiCall, ApiStats
from bot.local_bot_api.webhook import WebhookDelivery, WebhookSettings

T = TypeVar("T")

DEFAULT_TOKEN = "1234567890:LOCAL-bot-api-test-token"
DEFAULT_TIMEOUT = 5.0


class LocalBotApi:
    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "cleeksy_local_bot",
        bot_name: str = "Cleeksy",
        limits: FloodLimits | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        webhook_retry_delay: float = 0.5,
        webhook_max_attempts: int = 10,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("a bot token looks like '<digits>:<secret>'")
        world = World(User(int(bot_id), bot_name, username=bot_username, is_bot=True), wall_clock)
        changes = Changes()
        webhook = WebhookDelivery(
            world.updates,
            changes,
            world.now,
            retry_delay=webhook_retry_delay,
            max_attempts=webhook_max_attempts,
        )
        self.backend = Backend(
            token, world, changes, FloodControl(limits or FloodLimits(), clock), webhook, ApiStats()
        )
        webhook.execute = lambda method, params: call(self.backend, method, params)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # serving

    @property
    def token(self) -> str:
        return self.backend.token

    @property
    def bot(self) -> User:
        return self.backend.world.bot

    @property
    def world(self) -> World:
        return self.backend.world

    @property
    def base_url(self) -> str:
        """``http://host:port``: the Bot API is at ``{base_url}/bot<token>/<method>``."""
        if self._base_url is None:
            raise RuntimeError("the server is not started")
        return self._base_url

    def app(self) -> web.Application:
        """The aiohttp app (for mounting elsewhere instead of ``start()``)."""
        return make_app(self.backend)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (a free port for 0); the base URL."""
        if self._runner is not None:
            raise RuntimeError("the server is running already")
        runner = web.AppRunner(self.app(), shutdown_timeout=1.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self._base_url = f"http://{bound_host}:{bound_port}"
        return self._base_url

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    # people, chats and topics

    def add_user(
        self,
        first_name: str = "Test",
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        is_bot: bool = False,
    ) -> User:
        """A person (or, with ``is_bot``, another bot, which can post in groups only)."""
        return self.world.add_user(
            first_name,
            user_id=user_id,
            last_name=last_name,
            username=username,
            language_code=language_code,
            is_bot=is_bot,
        )

    def private_chat(self, user: User) -> Chat:
        return self.world.private_chat(user)

    def add_forum(
        self,
        title: str,
        members: Mapping[User, MemberStatus] | Iterable[User] = (),
        *,
        bot_status: MemberStatus = MemberStatus.ADMINISTRATOR,
        chat_id: int | None = None,
        username: str | None = None,
    ) -> Chat:
        """A supergroup with topics; ``members`` as plain users are ordinary members."""
        room = self.world.add_supergroup(title, forum=True, chat_id=chat_id, username=username)
        room.members[self.bot.id] = bot_status
        statuses = members if isinstance(members, Mapping) else dict.fromkeys(members, MemberStatus.MEMBER)
        for person, status in statuses.items():
            room.members[person.id] = status
        return room

    def set_member(self, chat: Chat, user: User, status: MemberStatus = MemberStatus.MEMBER) -> None:
        chat.members[user.id] = status

    async def create_topic(
        self, user: User, chat: Chat, name: str, icon_color: int = DEFAULT_ICON_COLOR
    ) -> Topic:
        return await people.open_topic(self.backend, user, chat, name, icon_color)

    # what people do

    async def send_text(
        self,
        user: User,
        text: str,
        chat: Chat | None = None,
        thread_id: int | None = None,
        reply_to: Message | None = None,
    ) -> Message:
        content = people.text_content(text)
        return await people.say(self.backend, user, content, chat, thread_id=thread_id, reply_to=reply_to)

    async def send_command(
        self, user: User, command: str, args: str = "", chat: Chat | None = None, thread_id: int | None = None
    ) -> Message:
        """``/command args`` (``command`` without the slash)."""
        text = f"/{command.removeprefix('/')}" + (f" {args}" if args else "")
        return await self.send_text(user, text, chat, thread_id)

    async def send_document(
        self,
        user: User,
        name: str,
        data: bytes,
        mime: str = "application/octet-stream",
        chat: Chat | None = None,
        thread_id: int | None = None,
        caption: str | None = None,
    ) -> Message:
        stored = people.upload(self.world, FileKind.DOCUMENT, data, file_name=name, mime_type=mime)
        return await self._send_media(user, stored, chat, thread_id, caption)

    async def send_photo(
        self,
        user: User,
        data: bytes,
        chat: Chat | None = None,
        thread_id: int | None = None,
        caption: str | None = None,
    ) -> Message:
        if image_size(data) is None:
            raise ValueError("send_photo needs PNG, GIF or JPEG bytes")
        stored = people.upload(self.world, FileKind.PHOTO, data, mime_type="image/jpeg")
        return await self._send_media(user, stored, chat, thread_id, caption)

    async def send_voice(
        self,
        user: User,
        data: bytes,
        duration: int = 1,
        chat: Chat | None = None,
        thread_id: int | None = None,
    ) -> Message:
        stored = people.upload(self.world, FileKind.VOICE, data, mime_type="audio/ogg", duration=duration)
        return await self._send_media(user, stored, chat, thread_id, None)

    async def send_sticker(
        self, user: User, emoji: str = "👍", chat: Chat | None = None, thread_id: int | None = None
    ) -> Message:
        stored = people.upload(self.world, FileKind.STICKER, b"RIFF\0\0\0\0WEBP", emoji=emoji)
        return await self._send_media(user, stored, chat, thread_id, None)

    async def _send_media(
        self, user: User, stored: StoredFile, chat: Chat | None, thread_id: int | None, caption: str | None
    ) -> Message:
        content = people.media_content(stored, caption)
        return await people.say(self.backend, user, content, chat, thread_id=thread_id)

    async def edit_text(self, user: User, message: Message, text: str) -> Message:
        """``user`` edits the text of their ``message`` (the bot gets ``edited_message``)."""
        return await people.edit(self.backend, user, message, people.text_content(text))

    async def edit_caption(self, user: User, message: Message, caption: str) -> Message:
        """``user`` edits the caption of their photo, document … ``message``."""
        if message.media is None:
            raise ValueError("only a message with a file has a caption")
        return await people.edit(self.backend, user, message, people.media_content(message.media, caption))

    async def press(self, user: User, message: Message, callback_data: str) -> CallbackQuery:
        """Tap a button of ``message`` carrying ``callback_data`` (see ``Message.button_data``)."""
        return await people.press(self.backend, user, message, callback_data)

    def fail_next(
        self,
        method: str,
        status: int = 502,
        description: str = "Bad Gateway",
        *,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """Refuse the next ``times`` calls of ``method`` with ``status`` before the method runs
        (with ``retry_after``: 429 Too Many Requests asking to wait that many seconds)."""
        refusal = BotApiError(status, description) if retry_after is None else too_many_requests(retry_after)
        self.backend.faults.add(method, refusal, times)

    def hold_after(self, method: str, calls: int) -> None:
        """Let ``calls`` more calls of ``method`` be done, then hold the next ones undone."""
        self.backend.faults.hold_after(method, calls)

    @property
    def held(self) -> int:
        """Calls waiting at the hold."""
        return self.backend.faults.held

    def refuse_held(self) -> None:
        """Stop holding: the held calls are refused (502, never done); later calls go through."""
        self.backend.faults.let_go(BotApiError(502, "Bad Gateway"))

    async def block_bot(self, user: User) -> None:
        await people.set_blocked(self.backend, user, True)

    async def unblock_bot(self, user: User) -> None:
        await people.set_blocked(self.backend, user, False)

    # what the bot did

    def chat(self, ref: Chat | User | int) -> Chat:
        """A chat; a user stands for their private chat with the bot."""
        if isinstance(ref, Chat):
            return ref
        if isinstance(ref, User):
            return self.world.private_chat(ref)
        room = self.world.find_chat(ref)
        if room is None:
            raise LookupError(f"no chat {ref}")
        return room

    def messages(
        self, chat: Chat | User | int, thread_id: int | None = None, *, include_deleted: bool = False
    ) -> list[Message]:
        """The chat's messages in order (of one topic when ``thread_id`` is given)."""
        return [
            m
            for m in self.chat(chat).messages.values()
            if (include_deleted or not m.deleted) and (thread_id is None or m.thread_id == thread_id)
        ]

    def bot_messages(self, chat: Chat | User | int, thread_id: int | None = None) -> list[Message]:
        return [
            m for m in self.messages(chat, thread_id) if m.sender is self.bot and m.content.service is None
        ]

    def last_bot_message(self, chat: Chat | User | int) -> Message | None:
        sent = self.bot_messages(chat)
        return sent[-1] if sent else None

    def reply_keyboard(self, chat: Chat | User | int) -> JsonObject | None:
        """The reply keyboard the person sees under the input field, if any."""
        return self.chat(chat).reply_keyboard

    def chat_actions(self, chat: Chat | User | int) -> list[ChatAction]:
        room = self.chat(chat)
        return [a for a in self.world.actions if a.chat_id == room.id]

    def commands(self, scope: JsonObject | None = None, language_code: str = "") -> list[JsonObject]:
        """The commands the bot set for ``scope`` (default scope when None) and language."""
        return list(self.world.commands.get(commands_key(scope or {"type": "default"}, language_code), []))

    def file(self, file_id: str) -> StoredFile:
        stored = self.world.files.get(file_id)
        if stored is None:
            raise LookupError(f"no file {file_id}")
        return stored

    @property
    def stats(self) -> ApiStats:
        """Calls per method, 429s per method, and a log of the latest calls."""
        return self.backend.stats

    @property
    def calls(self) -> list[ApiCall]:
        return list(self.backend.stats.log)

    @property
    def webhook(self) -> WebhookSettings | None:
        return self.backend.webhook.settings

    @property
    def pending_updates(self) -> int:
        return len(self.world.updates)

    # waiting

    async def wait_for(
        self, predicate: Callable[[], T | None], *, timeout: float = DEFAULT_TIMEOUT, what: str | None = None
    ) -> T:
        """The first truthy value of ``predicate``, re-checked whenever the bot or a person acts.

        Raises TimeoutError naming what was awaited (``what``, else the predicate's source) and
        the bot's latest calls."""
        try:
            return await self.backend.changes.wait_until(predicate, timeout)
        except TimeoutError:
            recent = ", ".join(f"{c.method}→{c.status}" for c in list(self.backend.stats.log)[-8:]) or "none"
            awaited = what or _describe(predicate)
            raise TimeoutError(f"waited {timeout}s for {awaited}; the bot's latest calls: {recent}") from None

    async def next_bot_message(
        self,
        chat: Chat | User | int,
        *,
        after: Message | None = None,
        thread_id: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Message:
        """The bot's first message after ``after`` (default: after the last message a person sent)."""
        room = self.chat(chat)
        floor = after.message_id if after is not None else _last_person_message_id(room)

        def found() -> Message | None:  # only the ids after the floor: messages are keyed by id
            for message_id in range(floor + 1, room.last_message_id + 1):
                m = room.messages.get(message_id)
                if (
                    m is not None
                    and not m.deleted
                    and m.sender is self.bot
                    and m.content.service is None
                    and (thread_id is None or m.thread_id == thread_id)
                ):
                    return m
            return None

        where = f"chat {room.id}" + (f" topic {thread_id}" if thread_id is not None else "")
        return await self.wait_for(found, timeout=timeout, what=f"a bot message in {where} after #{floor}")

    async def answer_of(self, query: CallbackQuery, *, timeout: float = DEFAULT_TIMEOUT) -> CallbackAnswer:
        """The bot's answerCallbackQuery to ``query``."""
        return await self.wait_for(
            lambda: query.answer,
            timeout=timeout,
            what=f"an answer to callback query {query.id} ({query.data!r})",
        )


def _last_person_message_id(room: Chat) -> int:
    return max((m.message_id for m in room.messages.values() if not m.sender.is_bot), default=0)


def _describe(predicate: Callable[[], object]) -> str:
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return getattr(predicate, "__qualname__", repr(predicate))
