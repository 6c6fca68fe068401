"""`cleeksy-bot broadcast` against the local Bot API server with Telegram's flood limits on
(conversation.md "Operators"; issue 8): everyone reachable gets exactly one message even when
the sending process is killed halfway, blocked customers are reported, no send is over the
limit."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import insert

import bot.cli_broadcast
from billing_core.catalogue_loader import load_bundled
from billing_core.segments import parse_segment
from billing_core.storage.broadcast_store import draft_broadcast, start_broadcast
from billing_core.storage.database import make_engine, session_factory, transaction
from billing_core.storage.migrate import upgrade
from billing_core.storage.models import Customer
from billing_core.storage.units import dispose
from bot.local_bot_api import LocalBotApi, User
from bot.local_bot_api.limits import FloodLimits, Rate
from tests.bot.conftest import run

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
RATE = 400  # BROADCAST_RATE for the test; the server allows 20 % more, as Telegram's 30 to 25
TEXT = "Cleeksy bảo trì hệ thống lúc 23:00 tối nay."


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.cli_broadcast, "utc_now", lambda: NOW)


async def customers_of(api: LocalBotApi, database: str, count: int, blocked_every: int = 0) -> list[User]:
    """`count` people who started the bot, each a customer; every `blocked_every`-th blocked it
    since (the database does not know yet)."""
    people = [api.add_user(f"Khách {i}", user_id=700_000 + i) for i in range(count)]
    for person in people:
        api.private_chat(person).started = True
    for person in people[blocked_every - 1 :: blocked_every] if blocked_every else ():
        await api.block_bot(person)
    engine = make_engine(database)
    try:
        await upgrade(engine)
        async with transaction(session_factory(engine)) as session:
            rows = [
                {"telegram_user_id": p.id, "language": "vi", "unreachable": False, "created_at": NOW}
                for p in people
            ]
            await session.execute(insert(Customer), rows)
    finally:
        await dispose(engine)
    return people


def received(api: LocalBotApi, person: User) -> int:
    return len(api.bot_messages(person))


def stored(db: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query).fetchall()


async def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll `check()` (the other process's progress) until true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def cli(api: LocalBotApi, db: Path, *args: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "PYTHONWARNINGS": "ignore",
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE": api.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "BROADCAST_RATE": str(RATE),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "broadcast", *args,
        env=env, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_killed_halfway_and_resumed_everyone_reachable_gets_one_message(tmp_path: Path) -> None:
    db = tmp_path / "broadcast.db"
    limits = FloodLimits(enabled=True, overall=Rate(RATE * 6 // 5, 1.0), private_chat=Rate(1, 1.0))
    async with LocalBotApi(limits=limits) as api:
        people = await customers_of(api, f"sqlite+aiosqlite:///{db}", 2000, blocked_every=40)
        api.hold_after("sendMessage", 1000)

        first = await cli(api, db, "--segment", "all", "--text", TEXT)
        done = "SELECT count(*) FROM outbox WHERE status != 'pending'"
        # Killed at an exact point: 1,000 sends answered and recorded, the next ones hanging.
        answered = lambda: stored(db, done)[0][0] == api.stats.calls["sendMessage"]  # noqa: E731
        await wait_until(lambda: api.held > 0 and answered())
        first.send_signal(signal.SIGKILL)
        await first.wait()
        api.refuse_held()  # what hung was never done
        # The dead process's lease would expire within 30 s; the test does not wait for it.
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE sender_leases SET expires_at = '2000-01-01 00:00:00.000000'")
        assert 900 <= sum(received(api, p) for p in people) <= 1000

        second = await cli(api, db, "--resume", "1")
        out, err = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 0, err.decode()

    report = json.loads(out)
    blocked = people[39::40]
    assert {received(api, p) for p in people if p not in blocked} == {1}  # exactly one each
    assert {received(api, p) for p in blocked} == {0}
    assert (report["status"], report["recipients"], report["sent"], report["blocked"], report["failed"]) == (
        "done",
        2000,
        1950,
        50,
        0,
    )
    assert api.stats.too_many_requests["sendMessage"] == 0  # never over Telegram's limits
    assert stored(db, "SELECT count(*) FROM customers WHERE unreachable") == [(50,)]
    assert api.bot_messages(people[0])[0].visible_text == TEXT


def test_a_dry_run_counts_the_segment_and_sends_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "broadcast", "--segment", "trial", "--text", TEXT, "--dry-run")
    assert (code, out) == (0, "")
    assert "segment trial: 0 recipients (0 who blocked the bot skipped)" in err


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--segment", "vip", "--text", TEXT], "unknown segment 'vip'; use one of: all, trial"),
        (["--segment", "all"], "--segment needs --text or --template"),
        (["--segment", "all", "--text", "  "], "--text: the message is empty"),
        (["--resume", "7"], "there is no broadcast 7"),
    ],
)
def test_bad_requests_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str], complaint: str
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "1234567890:LOCAL-bot-api-test-token")
    code, out, err = run(capsys, "broadcast", *args)
    assert (code, out) == (2, "")
    assert complaint in err and len(err.strip().splitlines()) == 1


async def _a_broadcast_being_sent(tmp_path: Path, recipients: int) -> None:
    """A broadcast started (as `cleeksy-bot broadcast` starts it) whose messages are not sent."""
    async with LocalBotApi() as api:
        await customers_of(api, f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", recipients)
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    try:
        async with transaction(session_factory(engine)) as session:
            segment = parse_segment("all", load_bundled("cleeksy"))
            broadcast = await draft_broadcast(
                session, segment, text=TEXT, template=None, created_by="cli", now=NOW
            )
            await start_broadcast(session, broadcast.id, segment, NOW.date(), NOW)
    finally:
        await dispose(engine)


def test_a_broadcast_is_paused_resumable_and_cancelled_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    asyncio.run(_a_broadcast_being_sent(tmp_path, 3))
    code, out, _ = run(capsys, "broadcast", "--pause", "1")
    assert code == 0 and json.loads(out)["status"] == "paused"
    code, _, err = run(capsys, "broadcast", "--pause", "1")
    assert code == 2 and "broadcast 1 is paused; it cannot be paused" in err
    code, out, _ = run(capsys, "broadcast", "--cancel", "1")
    report = json.loads(out)
    assert (code, report["status"], report["cancelled"], report["sent"], report["pending"]) == (
        0,
        "cancelled",
        3,
        0,
        0,
    )
    code, _, err = run(capsys, "broadcast", "--resume", "1")
    assert code == 2 and "broadcast 1 is cancelled; nothing to resume" in err
    code, out, _ = run(capsys, "broadcast", "--report", "1")
    assert code == 0 and json.loads(out)["recipients"] == 3
