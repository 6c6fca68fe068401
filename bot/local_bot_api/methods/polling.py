"""How the bot takes its updates: getUpdates (long polling) or a webhook.

getUpdates confirms every update below ``offset`` and returns the oldest ``limit`` still
pending, waiting up to ``timeout`` seconds on the change signal when there are none. A newer
getUpdates ends a waiting older one with 409 "terminated by other getUpdates request", and
while a webhook is set getUpdates answers 409 as well.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from bot.local_bot_api.backend import Backend
from bot.local_bot_api.errors import bad_request, conflict
from bot.local_bot_api.params import Params
from bot.local_bot_api.webhook import WebhookSettings

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
_TERMINATED = "terminated by other getUpdates request; make sure that only one bot instance is running"


def _allow_updates(backend: Backend, params: Params) -> None:
    kinds = params.json("allowed_updates", "can't parse allowed updates")
    if kinds is None:
        return
    if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
        raise bad_request("can't parse allowed updates")
    backend.world.updates.allow(kinds)


async def get_updates(backend: Backend, params: Params) -> Any:
    if backend.webhook.settings is not None:
        raise conflict(_WEBHOOK_ACTIVE)
    queue = backend.world.updates
    offset = params.integer("offset")
    limit = min(max(params.integer("limit") or 100, 1), 100)
    timeout = max(params.integer("timeout") or 0, 0)
    _allow_updates(backend, params)
    if offset is not None:
        queue.confirm(offset)
    backend.poll_ticket += 1
    ticket = backend.poll_ticket
    await backend.changes.notify()

    def answer_ready() -> bool:
        return bool(
            len(queue)
            or backend.poll_ticket != ticket
            or backend.webhook.settings is not None
            or backend.changes.closing
        )

    if timeout and not answer_ready():
        with contextlib.suppress(TimeoutError):
            await backend.changes.wait_until(answer_ready, timeout)
    if backend.poll_ticket != ticket:
        raise conflict(_TERMINATED)
    if backend.webhook.settings is not None:
        raise conflict(_WEBHOOK_ACTIVE)
    return [update.to_json() for update in queue.first(limit)]


async def set_webhook(backend: Backend, params: Params) -> Any:
    url = params.text("url")
    if url is None:
        return await delete_webhook(backend, params)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.text("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.integer("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    _allow_updates(backend, params)
    if params.flag("drop_pending_updates"):
        backend.world.updates.clear()
    backend.webhook.configure(WebhookSettings(url, secret, max_connections, params.text("ip_address")))
    return True


async def delete_webhook(backend: Backend, params: Params) -> Any:
    if params.flag("drop_pending_updates"):
        backend.world.updates.clear()
    backend.webhook.configure(None)
    return True


async def get_webhook_info(backend: Backend, params: Params) -> Any:
    webhook = backend.webhook
    info: dict[str, Any] = {
        "url": webhook.settings.url if webhook.settings else "",
        "has_custom_certificate": False,
        "pending_update_count": len(backend.world.updates),
    }
    if webhook.settings is not None:
        info["max_connections"] = webhook.settings.max_connections
        if webhook.settings.ip_address:
            info["ip_address"] = webhook.settings.ip_address
        info["allowed_updates"] = sorted(backend.world.updates.allowed)
    if webhook.last_error_date is not None:
        info["last_error_date"] = webhook.last_error_date
        info["last_error_message"] = webhook.last_error_message
    return info
