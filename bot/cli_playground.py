"""`cleeksy-bot playground [--port N] [--db URL] [--framework F]`: the whole product on this
machine (:mod:`bot.playground`); prints the address to open and runs until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path

from billing_core.catalogue import Catalogue
from bot import event_loop
from bot.settings import Settings
from handlers.frameworks import FRAMEWORKS

log = logging.getLogger("cleeksy")

DEFAULT_PORT = 8000
FRESH_DB = Path("data/playground.db")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p: argparse.ArgumentParser = sub.add_parser(
        "playground", help="everything on this machine, no accounts: a web chat page"
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"the page's port (default {DEFAULT_PORT})")
    p.add_argument("--db", metavar="URL", help=f"a database URL, kept as is (default: a fresh {FRESH_DB})")
    p.add_argument("--framework", choices=FRAMEWORKS, help="the bot's framework (BOT_FRAMEWORK)")
    p.add_argument("--catalogue", help="a catalogue file, or a bundled one: cleeksy, docai")
    return p


def fresh_sqlite(path: Path = FRESH_DB) -> str:
    """An empty SQLite database at ``path`` (an earlier one removed); its URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite+aiosqlite:///{path}"


async def _serve(settings: Settings, catalogue: Catalogue, database_url: str, port: int) -> None:
    from bot.playground import DEMO_COUPON, playground  # aiogram is loaded only for a running bot

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with playground(settings, catalogue, database_url, port=port) as running:
        print(
            f"Cleeksy playground: open {running.url}\n"
            f"  demo coupon {DEMO_COUPON.code}; the support group is the right-hand pane; "
            f"Ctrl-C stops it",
            flush=True,
        )
        await stop.wait()
    log.info("stopped")


def cmd_playground(args: argparse.Namespace, settings: Settings) -> int:
    if args.framework:
        settings = settings.model_copy(update={"BOT_FRAMEWORK": args.framework})
    database_url = args.db or fresh_sqlite()
    try:
        event_loop.run(_serve(settings, settings.catalogue(args.catalogue), database_url, args.port))
    except OSError as exc:  # the port is taken
        log.error("cannot start: %s", exc)
        return 1
    return 0
