"""The HTTP server's routes (interfaces.md): VNPAY's IPN and return URL, a health check, and in
webhook mode the Telegram webhook.

`GET /metrics` is Prometheus' (handlers/metrics.py).

The IPN answers exactly VNPAY's JSON (`RspCode`, `Message`); anything unexpected inside is
logged and answered 99 so VNPAY retries. What a settled payment means for the chat (the
receipt, the invoice, a failure's reason) is passed to `on_settled` after the commit.

The webhook refuses (401) a request whose `X-Telegram-Bot-Api-Secret-Token` is not
WEBHOOK_SECRET, compared in constant time. Otherwise it answers 200 at once, whatever becomes of
the update: Telegram resends anything else, and a request it cannot read would come back
forever. The one exception: with several instances, an update that cannot be queued in Redis
is answered 500, so that Telegram sends it again. The health check is bot/health.py's.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.clock import Clock, utc_now
from billing_core.storage.models import Customer, Order, Payment
from billing_core.storage.payments import receive_ipn
from billing_core.vnpay.callback import IpnReply, VerifiedCallback, parse_callback
from bot.health import Readiness, database_check, health_answer
from bot.payment_news import OnSettled, nobody, tell_chat
from bot.return_page import ReturnView, render
from handlers.log_context import bound
from handlers.metrics import Metrics
from locales import translator

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class TelegramWebhook:
    secret: str
    accept: Callable[[object], Awaitable[bool]]
    """Start handling an update's JSON; False if it is not an update."""


@dataclass(frozen=True)
class HttpDeps:
    sessions: async_sessionmaker[AsyncSession]
    vnpay_secret: str
    base_solution: str
    bot_url: str = "https://t.me/"
    default_locale: str = "vi"
    clock: Clock = utc_now
    on_settled: OnSettled = nobody
    webhook: TelegramWebhook | None = None
    readiness: Readiness = field(default_factory=Readiness)
    metrics: Metrics = field(default_factory=Metrics)


DEPS = web.AppKey("deps", HttpDeps)


def _query(request: web.Request) -> dict[str, str]:
    """The decoded query; a repeated key keeps its first value (VNPAY never repeats one)."""
    out: dict[str, str] = {}
    for key, value in request.query.items():
        out.setdefault(key, value)
    return out


async def vnpay_ipn(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    try:
        outcome = await receive_ipn(
            deps.sessions, _query(request), deps.vnpay_secret, deps.clock(), deps.base_solution
        )
    except Exception:
        log.exception("IPN failed; answering 99 so VNPAY retries")
        deps.metrics.ipn(IpnReply.UNKNOWN_ERROR.rsp_code)
        return web.json_response(IpnReply.UNKNOWN_ERROR.to_json_dict())
    deps.metrics.ipn(outcome.reply.rsp_code)
    if outcome.reply is IpnReply.INVALID_SIGNATURE:
        log.warning("IPN with an invalid signature from %s", request.remote)
    with bound(order_id=outcome.order_id):
        log.info("IPN answered %s", outcome.reply.rsp_code)
        await tell_chat(deps.on_settled, outcome)
    return web.json_response(outcome.reply.to_json_dict())


async def vnpay_return(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    result = parse_callback(_query(request), deps.vnpay_secret)
    locale = deps.default_locale
    if not isinstance(result, VerifiedCallback):
        view = ReturnView(valid=False)
    else:
        cb = result.callback
        async with deps.sessions() as session:
            row = (
                await session.execute(
                    select(Order, Customer.language)
                    .join(Payment, Payment.order_id == Order.id)
                    .join(Customer, Customer.id == Order.customer_id)
                    .where(Payment.txn_ref == cb.txn_ref)
                )
            ).first()
        order, language = (row[0], row[1]) if row else (None, None)
        locale = language if language in ("vi", "en") else locale
        view = ReturnView(
            valid=True,
            success=cb.is_success,
            response_code=cb.response_code,
            order_id=order.id if order else None,
            amount=cb.amount_vnd,
            order_paid=bool(order and order.status == "paid"),
        )
    page = render(translator(locale), view, deps.bot_url)
    return web.Response(text=page, content_type="text/html", status=200 if view.valid else 400)


async def health(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    return await health_answer(deps.readiness, database_check(deps.sessions))


async def metrics(request: web.Request) -> web.Response:
    """Prometheus' scrape: the counters kept here and the database's gauges read now (kept as
    they were when the database does not answer)."""
    deps = request.app[DEPS]
    try:
        await deps.metrics.refresh(deps.sessions)
    except Exception:
        log.exception("metrics: the database did not answer; its gauges are as last read")
    body, content_type = deps.metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})


async def telegram_webhook(request: web.Request) -> web.Response:
    webhook = request.app[DEPS].webhook
    assert webhook is not None, "the route is added in webhook mode only"
    given = request.headers.get(SECRET_HEADER, "").encode()
    if not hmac.compare_digest(given, webhook.secret.encode()):
        log.warning("webhook call without the right secret from %s; refused", request.remote)
        return web.Response(status=401, text="Unauthorized")
    try:
        body: object = json.loads(await request.read())
    except (ValueError, RecursionError):
        body = None
    try:
        accepted = await webhook.accept(body)
    except Exception:  # Redis unreachable (several instances): Telegram sends it again
        log.exception("webhook: the update could not be queued; answering 500 so Telegram resends it")
        return web.Response(status=500, text="Try again")
    if not accepted:
        log.warning("webhook: a body that is not an update was dropped")
    return web.Response(status=200)


def make_app(deps: HttpDeps) -> web.Application:
    app = web.Application()
    app[DEPS] = deps
    app.router.add_get("/vnpay/ipn", vnpay_ipn)
    app.router.add_get("/vnpay/return", vnpay_return)
    app.router.add_get("/healthz", health)  # interfaces.md
    app.router.add_get("/health", health)  # the name README gave it first; kept for who uses it
    app.router.add_get("/metrics", metrics)
    if deps.webhook is not None:
        app.router.add_post(WEBHOOK_PATH, telegram_webhook)
    return app
