"""`cleeksy-bot broadcast`: a message to a segment of customers, from the command line.

    cleeksy-bot broadcast --segment SEG (--text T | --template KEY) [--dry-run]
    cleeksy-bot broadcast --resume ID | --pause ID | --cancel ID | --report ID

Sending queues every recipient in the outbox, then sends them here at BROADCAST_RATE with a
progress bar on stderr (a line every 10 % when stderr is not a terminal) — or, when a running
bot holds the outbox (it sends its reminders and broadcasts itself), lets the bot send and
shows the progress. The final report is printed on stdout as JSON: sent, blocked, failed,
cancelled, seconds. Ctrl-C pauses the broadcast (exit 130); `--resume ID` goes on where it
stopped, also after a crash, without sending anyone a second message.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import signal
import sys
from functools import partial
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.clock import utc_now  # tests replace bot.cli_broadcast.utc_now
from billing_core.periods import local_today
from billing_core.segments import SegmentError, parse_segment
from billing_core.storage.broadcast_store import (
    BroadcastStateError,
    Report,
    audience,
    broadcast_report,
    cancel_broadcast,
    draft_broadcast,
    pause_broadcast,
    resume_broadcast,
    start_broadcast,
)
from billing_core.storage.database import transaction
from billing_core.storage.sender_lease import release_lease, this_instance
from bot import event_loop
from bot.cli_db import migrated_sessions
from bot.cli_json import print_json, whole_number
from bot.errors import UsageError
from bot.settings import Settings
from conversations.broadcast_templates import TEMPLATES
from handlers.http_outbound import HttpOutbound
from handlers.outbox_render import outbox_render
from handlers.outbox_sender import OutboxSender
from handlers.reachability import mark_unreachable
from handlers.send_limiter import SendLimiter

WATCH_SECONDS = 0.5
BAR_WIDTH = 30


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    b = sub.add_parser("broadcast", help="send a message to a segment of customers")
    what = b.add_mutually_exclusive_group(required=True)
    what.add_argument("--segment", help="all, trial, trial-expiring, expired or solution:<id>")
    for action in ("resume", "pause", "cancel", "report"):
        what.add_argument(f"--{action}", type=whole_number(1), metavar="ID", help=f"{action} broadcast ID")
    words = b.add_mutually_exclusive_group()
    words.add_argument("--text", help="the message, sent as it is")
    words.add_argument(
        "--template", choices=sorted(TEMPLATES), help="a template, in each customer's language"
    )
    b.add_argument("--dry-run", action="store_true", help="count the recipients and stop")
    b.add_argument("--catalogue", help="catalogue file or bundled name (default: CATALOG_PATH or cleeksy)")
    return b


def cmd_broadcast(args: argparse.Namespace, settings: Settings, catalogue: Catalogue) -> int:
    if args.segment is not None and args.text is None and args.template is None:
        raise UsageError("--segment needs --text or --template")
    if args.segment is None and (args.text is not None or args.template is not None):
        raise UsageError("--text and --template go with --segment")
    if args.text is not None and not args.text.strip():
        raise UsageError("--text: the message is empty")
    report = event_loop.run(_broadcast(args, settings, catalogue))
    if report is None:
        return 0
    print_json(_report_json(report, utc_now()))
    sending = args.segment is not None or args.resume is not None
    return 130 if sending and report.status == "paused" else 0  # stopped with Ctrl-C


async def _broadcast(args: argparse.Namespace, settings: Settings, catalogue: Catalogue) -> Report | None:
    async with migrated_sessions(settings) as sessions:
        try:
            if args.report is not None:
                async with sessions() as session:
                    return await broadcast_report(session, args.report)
            if args.pause is not None or args.cancel is not None:
                async with transaction(sessions) as session:
                    if args.pause is not None:
                        await pause_broadcast(session, args.pause)
                    else:
                        await cancel_broadcast(session, args.cancel, utc_now())
                async with sessions() as session:
                    return await broadcast_report(session, args.pause or args.cancel)
            started = (
                await _resume(sessions, args.resume)
                if args.resume is not None
                else await _start(sessions, args, settings, catalogue)
            )
            if started is None:  # a dry run
                return None
        except BroadcastStateError as exc:
            raise UsageError(str(exc)) from None
        return await _deliver(sessions, started, settings, catalogue)


async def _start(
    sessions: async_sessionmaker[AsyncSession],
    args: argparse.Namespace,
    settings: Settings,
    catalogue: Catalogue,
) -> int | None:
    try:
        segment = parse_segment(args.segment, catalogue)
    except SegmentError as exc:
        raise UsageError(str(exc)) from None
    if not args.dry_run:
        settings.require("BOT_TOKEN")  # before anything is queued
    now = utc_now()
    today = local_today(now, settings.timezone)
    async with transaction(sessions) as session:
        counted = await audience(session, segment, today)
        _say(
            f"segment {segment}: {counted.reachable} recipients "
            f"({counted.unreachable} who blocked the bot skipped)"
        )
        if args.dry_run:
            return None
        broadcast = await draft_broadcast(
            session, segment, text=args.text, template=args.template, created_by="cli", now=now
        )
        await start_broadcast(session, broadcast.id, segment, today, now)
    _say(f"broadcast {broadcast.id} started; Ctrl-C pauses it")
    return broadcast.id


async def _resume(sessions: async_sessionmaker[AsyncSession], broadcast_id: int) -> int:
    async with transaction(sessions) as session:
        report = await broadcast_report(session, broadcast_id)
        if report.status == "paused":
            await resume_broadcast(session, broadcast_id)
        elif report.status != "sending":
            raise BroadcastStateError(f"broadcast {broadcast_id} is {report.status}; nothing to resume")
    _say(f"broadcast {broadcast_id} resumed: {report.pending} still to send")
    return broadcast_id


async def _deliver(
    sessions: async_sessionmaker[AsyncSession], broadcast_id: int, settings: Settings, catalogue: Catalogue
) -> Report:
    """Send (or watch a running bot send) until the broadcast is no longer being sent; Ctrl-C
    (or SIGTERM) pauses it once the messages on their way are answered."""
    settings.require("BOT_TOKEN")
    assert settings.BOT_TOKEN is not None
    outbound = HttpOutbound(
        settings.BOT_TOKEN, settings.TELEGRAM_API_BASE, on_blocked=partial(mark_unreachable, sessions)
    )
    sender = OutboxSender(
        sessions,
        outbound,
        SendLimiter(settings.BROADCAST_RATE),
        outbox_render(catalogue),
        utc_now,
        holder=this_instance(),
        only_broadcast=broadcast_id,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    bar = ProgressBar(sys.stderr)
    try:
        while True:
            async with sessions() as session:
                report = await broadcast_report(session, broadcast_id)
            bar.show(report)
            if report.status != "sending":
                return report
            if stop.is_set():
                async with transaction(sessions) as session:
                    await pause_broadcast(session, broadcast_id)
                _say(
                    f"broadcast {broadcast_id} paused; "
                    f"go on with: cleeksy-bot broadcast --resume {broadcast_id}"
                )
                continue
            if not await sender.send_round():  # the bot sends it, or the rest is due a moment later
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), WATCH_SECONDS)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        async with transaction(sessions) as session:
            await release_lease(session, sender.holder)
        await outbound.close()


class ProgressBar:
    """`[██████░░░░] 600/1000 sent 590 · blocked 8 · failed 2` on one line of a terminal, or
    a line at each tenth on a file or pipe."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._tty = out.isatty()
        self._tenth = -1

    def show(self, report: Report) -> None:
        total = max(report.recipients, 1)
        done = report.handled
        tenth = 10 * done // total
        if not self._tty and tenth == self._tenth and report.status == "sending":
            return
        self._tenth = tenth
        filled = BAR_WIDTH * done // total
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{report.recipients} "
            f"sent {report.sent} · blocked {report.blocked} · failed {report.failed}"
        )
        end = "\n" if not self._tty or report.status != "sending" else ""
        self._out.write(("\r" if self._tty else "") + line + end)
        self._out.flush()


def _report_json(report: Report, now: dt.datetime) -> dict[str, object]:
    answer = report.to_payload(now)
    del answer["kind"]
    answer["pending"] = report.pending
    return answer


def _say(text: str) -> None:
    print(f"cleeksy-bot broadcast: {text}", file=sys.stderr)
