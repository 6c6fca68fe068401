"""`cleeksy-bot trials import FILE.csv`: register trials exported by the main platform.

All or nothing: a bad file (or a row refused by the database) is reported line by line on
stderr as `FILE:LINE: column: problem`, then `cleeksy-bot trials: N bad rows; nothing imported`,
exit status 2. The file is checked before the database is touched. The CSV format is
described in billing_core/trial_import.py.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections.abc import Sequence

from billing_core.catalogue import Catalogue
from billing_core.clock import utc_now  # tests replace bot.cli_trials.utc_now
from billing_core.periods import local_today
from billing_core.storage.database import transaction
from billing_core.storage.trial_store import ImportReport, import_trials
from billing_core.trial_import import TrialFileError, TrialRow, format_error, read_trials
from bot.cli_db import migrated_sessions
from bot.errors import UsageError
from bot.settings import Settings


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None


async def _import(
    settings: Settings, rows: Sequence[TrialRow], catalogue: Catalogue, now: dt.datetime
) -> ImportReport:
    async with migrated_sessions(settings) as sessions, transaction(sessions) as session:
        return await import_trials(session, rows, catalogue, now)


def _refuse(path: str, error: TrialFileError) -> UsageError:
    for row_error in error.errors:
        print(format_error(path, row_error), file=sys.stderr)
    return UsageError(f"{error.summary}; nothing imported")


def cmd_trials(args: argparse.Namespace, settings: Settings) -> int:
    data = _read(args.file)
    catalogue = settings.catalogue()
    now = utc_now()
    try:
        rows = read_trials(data, catalogue, local_today(now))
        report = asyncio.run(_import(settings, rows, catalogue, now))
    except TrialFileError as exc:
        raise _refuse(args.file, exc) from None
    print(f"imported {args.file}: {report}")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    t = sub.add_parser("trials", help="trial administration")
    actions = t.add_subparsers(dest="action", required=True)
    imp = actions.add_parser("import", help="register trials from the main platform (CSV)")
    imp.add_argument(
        "file",
        metavar="FILE.csv",
        help="UTF-8 CSV with columns telegram_user_id,solution,started_at,activated_seats,language",
    )
    t.set_defaults(handler=cmd_trials)
