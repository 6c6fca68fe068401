"""python-telegram-bot's HTTP transport on aiohttp (PTB's `BaseRequest`, its documented seam for
a networking backend), in place of its default `HTTPXRequest`.

Why: under load the default stack (httpx → httpcore → anyio) cost the bot more than the
conversation itself (bench/updates.py): httpcore looks at every idle connection of its pool,
with a poll() each, whenever a request starts or ends. aiohttp is what the rest of the process
uses already (the HTTP server, the outbox's client, aiogram). PTB itself does the rest as with
any transport: the parameters' encoding, the Bot API's answer read into its errors
(`BadRequest`, `Forbidden`, `RetryAfter` …); here a timeout is `TimedOut` and any other failure
on the way `NetworkError`, as `HTTPXRequest` raises them.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    def __init__(self, timeout: float, connections: int) -> None:
        self._timeout = timeout
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeout

    async def initialize(self) -> None:
        self._open()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )
        return self._session

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Telegram's status and body; the write timeout is left to the read's (aiohttp has none)."""
        timeout = aiohttp.ClientTimeout(
            connect=self._seconds(pool_timeout) + self._seconds(connect_timeout),
            sock_read=self._seconds(read_timeout),
        )
        try:
            async with self._open().request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _seconds(self, given: object) -> float:
        """A timeout a call gave, or this transport's own."""
        return float(given) if isinstance(given, int | float) else self._timeout


def _body(request_data: RequestData | None) -> dict[str, str] | aiohttp.FormData | None:
    """The parameters as a form, url-encoded, or multipart when there are files to upload."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData(fields)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
