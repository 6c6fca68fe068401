"""The web chat page: its static files at ``/`` and ``/static/``, and ``GET /playground/config``
(who the page plays: the demo customer, the agent, the support group, the bot). Everything else
the page does goes through the local Bot API server's ``/_local`` JSON layer on the same origin
(:mod:`bot.local_bot_api.local_http`)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.local_bot_api import wire
from bot.local_bot_api.backend import BACKEND
from bot.playground.demo import Demo
from locales import SUPPORTED

STATIC = Path(__file__).with_name("static")
DEMO = web.AppKey("playground_demo", Demo)


def add_page(app: web.Application, demo: Demo) -> None:
    app[DEMO] = demo
    app.router.add_get("/", _index)
    app.router.add_get("/playground/config", _config)
    app.router.add_static("/static/", STATIC, append_version=False)


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def _config(request: web.Request) -> web.Response:
    demo = request.app[DEMO]
    bot = request.app[BACKEND].world.bot
    return web.json_response(
        {
            "bot": wire.user(bot),
            "customer": wire.user(demo.customer),
            "agent": wire.user(demo.agent),
            "support": {"chat_id": demo.support.id, "title": demo.support.title},
            "languages": list(SUPPORTED),
        }
    )
