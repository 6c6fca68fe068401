"""The aiohttp app of the local server: the Bot API as api.telegram.org serves it, file
downloads, and the ``/_local`` JSON layer for the web chat page.

``POST|GET /bot<token>/<method>`` answers ``{"ok": true, "result": …}`` or Telegram's refusal
with the same HTTP status; ``GET /file/bot<token>/<file_path>`` serves a file's bytes. The app
starts webhook delivery on startup and, on shutdown, wakes every long poll so it ends at once.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from bot.local_bot_api.backend import BACKEND, Backend
from bot.local_bot_api.errors import BotApiError, not_found, unauthorized
from bot.local_bot_api.local_http import add_local_routes
from bot.local_bot_api.methods import call
from bot.local_bot_api.params import read_request

MAX_UPLOAD_BYTES = 50 * 1024 * 1024 + 64 * 1024

dumps = functools.partial(json.dumps, ensure_ascii=False)


def make_app(backend: Backend) -> web.Application:
    app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
    app[BACKEND] = backend
    app.router.add_route("*", "/bot{token}/{method}", bot_method)
    app.router.add_get("/file/bot{token}/{path:.+}", download)
    add_local_routes(app)
    app.on_shutdown.append(_end_waits)
    app.cleanup_ctx.append(_webhook_delivery)
    return app


def _answer(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=dumps)


def _check_token(request: web.Request) -> Backend:
    backend = request.app[BACKEND]
    if request.match_info["token"] != backend.token:
        raise unauthorized()
    return backend


async def bot_method(request: web.Request) -> web.Response:
    try:
        backend = _check_token(request)
        result = await call(backend, request.match_info["method"], await read_request(request))
    except BotApiError as error:
        return _answer(error.to_json(), error.status)
    return _answer({"ok": True, "result": result})


async def download(request: web.Request) -> web.Response:
    try:
        stored = _check_token(request).world.files.at_path(request.match_info["path"])
        if stored is None:
            raise not_found()
    except BotApiError as error:
        return _answer(error.to_json(), error.status)
    return web.Response(body=stored.data, content_type="application/octet-stream")


async def _end_waits(app: web.Application) -> None:
    await app[BACKEND].changes.close()


async def _webhook_delivery(app: web.Application) -> AsyncIterator[None]:
    backend = app[BACKEND]
    backend.changes.closing = False
    await backend.webhook.start()
    yield
    await backend.webhook.stop()
