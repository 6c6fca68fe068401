"""`cleeksy-bot run --webhook`, on each framework: Telegram (the local Bot API server) POSTs each
update to /telegram/webhook with the secret header; the bot answers in the chat as in polling mode. A call
without the right secret is refused and changes nothing; whatever else comes is answered 200 so
Telegram never resends it forever."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from billing_core.storage.database import make_engine, session_factory
from billing_core.storage.models import ConversationState
from bot.cli import main
from bot.http_app import HttpDeps, TelegramWebhook, make_app
from bot.local_bot_api import SECRET_HEADER, LocalBotApi, User, WebhookSettings
from bot.settings import SettingsError, load_settings
from handlers.chat_queues import ChatQueues
from handlers.incoming import IncomingMessage
from handlers.shared_feed import SharedChatFeed
from handlers.telegram_adapter import TelegramAdapter
from handlers.webhook_feed import WebhookFeed
from tests.handlers.conftest import WEBHOOK_SECRET, Product, connected, launched
from tests.handlers.routes_double import MessagesTo
from tests.http_serving import serve
from tests.sample_seller import SELLER


def _command(update_id: int, person: User, text: str) -> dict[str, Any]:
    """A message update as Telegram would POST it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_795_000_000,
            "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
            "from": {
                "id": person.id,
                "is_bot": False,
                "first_name": person.first_name,
                "language_code": "vi",
            },
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def _post(url: str, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json", **({SECRET_HEADER: secret} if secret is not None else {})}
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as response:
        return response.status


async def _states(product: Product) -> int:
    async with session_factory(product.live.engine)() as s:
        return int(await s.scalar(select(func.count()).select_from(ConversationState)) or 0)


def _feed(adapter: TelegramAdapter, routes: MessagesTo, secret: str) -> WebhookFeed:
    return WebhookFeed(adapter.feed(routes), adapter.calls, secret)


async def test_in_webhook_mode_a_start_and_a_tap_are_answered_through_the_webhook(
    webhook_product: Product,
) -> None:
    api, live = webhook_product.api, webhook_product.live
    assert api.webhook == WebhookSettings(live.url + "/telegram/webhook", WEBHOOK_SECRET)
    assert api.world.updates.allowed == {"message", "edited_message", "callback_query"}
    an = await webhook_product.customer().start()
    assert an.message_with("Mua gói")
    await an.tap("Mua gói")
    assert an.message_with("Không gian làm việc số")
    assert api.stats.calls["getUpdates"] == 0
    assert api.commands(None, "vi"), "the command menu is published in webhook mode too"


async def test_a_call_without_the_right_secret_is_refused_and_changes_nothing(
    webhook_product: Product,
) -> None:
    an = await webhook_product.customer().start()
    url = webhook_product.live.url + "/telegram/webhook"
    conversation, api = webhook_product.live.bot.conversation, webhook_product.api
    handled, shown, states = (
        conversation.handled,
        len(api.bot_messages(an.user)),
        await _states(webhook_product),
    )
    help_update = json.dumps(_command(9001, an.user, "/help")).encode()
    for secret in (None, "", "wrong", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1], WEBHOOK_SECRET.lower()):
        assert await _post(url, help_update, secret) == 401, secret
    assert conversation.handled == handled
    assert len(api.bot_messages(an.user)) == shown
    assert await _states(webhook_product) == states
    # The same update with the secret is handled: the refusals above were the secret's doing.
    assert await _post(url, help_update, WEBHOOK_SECRET) == 200
    await conversation.wait_handled(handled + 1)
    assert len(api.bot_messages(an.user)) == shown + 1


async def test_a_body_that_is_not_an_update_is_answered_200_and_dropped(
    webhook_product: Product, caplog: pytest.LogCaptureFixture
) -> None:
    url = webhook_product.live.url + "/telegram/webhook"
    for body in (b"not json", b"[1, 2]", b'{"update_id": "x"}', b"\xff\xfe"):
        assert await _post(url, body, WEBHOOK_SECRET) == 200, body
    assert webhook_product.live.bot.conversation.handled == 0
    assert caplog.text.count("a body that is not an update was dropped") == 4


async def test_polling_deletes_a_webhook_left_from_an_earlier_run(tmp_path: Path, framework: str) -> None:
    async with LocalBotApi() as api:
        api.backend.webhook.configure(WebhookSettings("http://127.0.0.1:9/telegram/webhook", "old"))
        async with launched(api, tmp_path, framework=framework) as product:
            assert api.webhook is None
            an = await product.customer().start()
            assert an.message_with("Mua gói")


async def test_a_public_address_telegram_refuses_stops_start_up_naming_the_variable(
    tmp_path: Path, framework: str
) -> None:
    async with LocalBotApi() as api:
        with pytest.raises(SettingsError, match=r"^PUBLIC_BASE_URL: Telegram refused the webhook ftp://"):
            async with launched(
                api,
                tmp_path,
                webhook=True,
                framework=framework,
                PUBLIC_BASE_URL="ftp://cleeksy.vn",
                WEBHOOK_SECRET=WEBHOOK_SECRET,
            ):
                pass
        assert api.webhook is None


async def test_an_update_whose_handling_fails_is_answered_200_and_logged(
    tmp_path: Path, framework: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def fail(message: IncomingMessage) -> None:
        raise RuntimeError("the database went away")

    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    async with LocalBotApi() as api, connected(framework, api) as adapter:
        feed = _feed(adapter, MessagesTo(fail), "s3cret")
        deps = HttpDeps(
            session_factory(engine), "vnpay", "workspace", webhook=TelegramWebhook("s3cret", feed.accept)
        )
        async with serve(make_app(deps)) as base:
            body = json.dumps(_command(7, User(42, "An"), "/start")).encode()
            assert await _post(base + "/telegram/webhook", body, "s3cret") == 200
            await feed.drain()
    await engine.dispose()
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failures] == ["update 7 failed; dropped"]


async def test_an_update_that_cannot_be_queued_is_answered_500_so_telegram_resends_it(
    tmp_path: Path, unused_tcp_port: int, framework: str
) -> None:
    """Several instances: the update goes to its chat's queue in Redis first; Redis is away."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    queues = ChatQueues.from_url(f"redis://127.0.0.1:{unused_tcp_port}/0")  # nothing listens there
    handled: list[IncomingMessage] = []
    async with LocalBotApi() as api, connected(framework, api) as adapter:
        ordered = adapter.feed(MessagesTo(_kept(handled)))
        feed = WebhookFeed(ordered, adapter.calls, "s3cret", SharedChatFeed(ordered, queues))
        deps = HttpDeps(
            session_factory(engine), "vnpay", "workspace", webhook=TelegramWebhook("s3cret", feed.accept)
        )
        async with serve(make_app(deps)) as base:
            body = json.dumps(_command(7, User(42, "An"), "/start")).encode()
            assert await _post(base + "/telegram/webhook", body, "s3cret") == 500
            await ordered.drain()
    await queues.close()
    await engine.dispose()
    assert handled == []  # nothing is handled when the update could not be queued


def _kept(handled: list[IncomingMessage]) -> Callable[[IncomingMessage], Awaitable[None]]:
    async def keep(message: IncomingMessage) -> None:
        handled.append(message)

    return keep


async def test_updates_of_one_chat_keep_their_order_and_drain_waits_for_them(framework: str) -> None:
    seen: list[str] = []
    gate, other_seen = asyncio.Event(), asyncio.Event()

    async def record(message: IncomingMessage) -> None:
        seen.append(message.text or "")
        if message.text == "/first":
            await gate.wait()
        if message.text == "/other":
            other_seen.set()

    async with LocalBotApi() as api, connected(framework, api) as adapter:
        feed = _feed(adapter, MessagesTo(record), "s3cret")
        an, bich = User(42, "An"), User(43, "Bích")
        for update in (_command(1, an, "/first"), _command(2, an, "/second"), _command(3, bich, "/other")):
            assert await feed.accept(update)
        draining = asyncio.create_task(feed.drain())
        await asyncio.wait_for(other_seen.wait(), 5)  # another chat is not held back
        assert sorted(seen) == ["/first", "/other"]  # An's second waits for her first
        assert not draining.done()
        gate.set()
        await asyncio.wait_for(draining, 5)
    assert seen[-1] == "/second"


def test_run_webhook_without_a_secret_stops_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("VNPAY_TMN_CODE", "CLEEKSY1")
    monkeypatch.setenv("VNPAY_HASH_SECRET", "S" * 32)
    monkeypatch.setenv("BOT_TOKEN", "1:token")
    for name, value in SELLER.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    assert main(["run", "--webhook"]) == 2
    assert capsys.readouterr().err == (
        "cleeksy-bot run: WEBHOOK_SECRET: missing (set it in the environment or .env)\n"
    )
    assert not (tmp_path / "c.db").exists()  # stopped before touching the database


@pytest.mark.parametrize("secret", ["", "with space", "slash/", "dấu", "x" * 257])
def test_a_secret_telegram_would_refuse_stops_start_up_naming_the_variable(
    secret: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    with pytest.raises(SettingsError, match=r"^WEBHOOK_SECRET: .*1 to 256 characters"):
        load_settings()


@pytest.mark.parametrize("secret", ["a", "A-z_0-9", "x" * 256])
def test_a_secret_of_telegram_s_alphabet_is_taken(
    secret: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    assert load_settings().webhook_secret() == secret
