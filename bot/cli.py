"""`cleeksy-bot`: the command line (interfaces.md). Exit 0 ok, 2 bad input, 1 internal error."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import Any

from billing_core.cart import QuoteRequest, RequestError
from billing_core.catalogue import Catalogue
from billing_core.catalogue_loader import CatalogueError
from billing_core.quote import quote
from billing_core.quote_json import parse_request, quote_to_json
from billing_core.storage.coupon_store import parse_request_with_coupon, typed_code
from bot.cli_broadcast import add_parser as add_broadcast_parser
from bot.cli_broadcast import cmd_broadcast
from bot.cli_coupons import add_parsers as add_storage_parsers
from bot.cli_db import migrated_sessions
from bot.cli_json import print_json, read_json_arg
from bot.cli_orders import add_parsers as add_order_parsers
from bot.cli_orders import cmd_orders
from bot.cli_playground import add_parser as add_playground_parser
from bot.cli_playground import cmd_playground
from bot.cli_reconcile import add_parser as add_reconcile_parser
from bot.cli_reconcile import cmd_reconcile
from bot.cli_trials import add_parsers as add_trial_parsers
from bot.errors import UsageError
from bot.settings import Settings, SettingsError, load_settings
from bot.structured_logs import secrets_of, setup_logging
from locales import SUPPORTED, translator

log = logging.getLogger("cleeksy")


def cmd_run(args: argparse.Namespace, settings: Settings, catalogue: Catalogue) -> int:
    """`run`: the bot's modules (aiogram's 165 MB of types) are loaded only for it."""
    from bot.runtime import cmd_run as run_bot

    return run_bot(args, settings, catalogue)


async def _request_with_coupon(settings: Settings, data: Any) -> QuoteRequest:
    """A typed code as the bot would judge it: looked up in the database."""
    async with migrated_sessions(settings) as sessions, sessions() as session:
        return await parse_request_with_coupon(session, data, None)


def cmd_quote(args: argparse.Namespace, settings: Settings) -> int:
    catalogue = settings.catalogue(args.catalogue)
    data = read_json_arg(args.json)
    request = asyncio.run(_request_with_coupon(settings, data)) if typed_code(data) else parse_request(data)
    result = quote(catalogue, request)
    answer = quote_to_json(result, catalogue, translator(args.locale or settings.DEFAULT_LOCALE))
    print_json(answer)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cleeksy-bot", description="Cleeksy purchase assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    q = sub.add_parser("quote", help="the price quote the bot would show, as JSON")
    q.add_argument("--json", required=True, metavar="REQUEST", help="a JSON string or @file.json")
    q.add_argument("--catalogue", help="a catalogue file, or a bundled one: cleeksy, docai")
    q.add_argument("--locale", choices=SUPPORTED, help="language of reasons and words")
    q.set_defaults(handler=cmd_quote)
    r = sub.add_parser("run", help="apply migrations, then serve the bot and its HTTP routes")
    r.add_argument("--catalogue", help="a catalogue file, or a bundled one: cleeksy, docai")
    r.add_argument(
        "--webhook",
        action="store_true",
        help="take updates on PUBLIC_BASE_URL/telegram/webhook (needs WEBHOOK_SECRET) instead of polling",
    )
    r.set_defaults(handler=lambda args, settings: cmd_run(args, settings, settings.catalogue(args.catalogue)))
    add_playground_parser(sub).set_defaults(handler=cmd_playground)
    add_storage_parsers(sub)
    add_trial_parsers(sub)
    add_order_parsers(sub).set_defaults(
        handler=lambda args, settings: cmd_orders(args, settings, settings.catalogue(args.catalogue))
    )
    add_broadcast_parser(sub).set_defaults(
        handler=lambda args, settings: cmd_broadcast(args, settings, settings.catalogue(args.catalogue))
    )
    add_reconcile_parser(sub).set_defaults(
        handler=lambda args, settings: cmd_reconcile(args, settings, settings.catalogue(args.catalogue))
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 with usage on bad arguments
    setup_logging(json_lines=False, secrets=())  # until the settings are read
    try:
        settings = load_settings()
        setup_logging(json_lines=settings.LOG_FORMAT == "json", secrets=secrets_of(settings))
        return int(args.handler(args, settings))
    except (UsageError, RequestError, CatalogueError, SettingsError) as exc:
        print(f"cleeksy-bot {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cleeksy-bot quote … | head`
        sys.stderr.close()
        return 0
    except Exception:
        log.exception("internal error in %s", args.command)
        return 1


if __name__ == "__main__":
    sys.exit(main())
