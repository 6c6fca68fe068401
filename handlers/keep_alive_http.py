"""JSON POSTs over a pool of HTTP/1.1 keep-alive connections: the transport of the Bot API calls
made on every update (handlers/bot_api_json.py).

aiohttp's client cost about 0.3 ms of CPU per Bot API call on this machine (its URL, header,
cookie, timeout and tracing machinery), more than the conversation's own work on an update; this
one costs about 0.08 ms (bench/updates.py, README). It does what the Bot API needs and no more:

- POST of a body already encoded, to an `http://` or `https://` base (TLS checked against
  certifi's certificate authorities, as aiogram's own session does, unless an `ssl.SSLContext`
  is given);
- an answer whose body is sized by Content-Length, sent in chunks, or ended by the connection's
  close; interim 1xx answers skipped;
- at most `limit` connections at once (others wait their turn); an idle one is kept for
  `idle_seconds` and reused, the most recently used first; one the server has closed meanwhile
  is dropped, not tried;
- `timeout` seconds for the whole exchange, the wait for a connection included.

No proxies, redirects, cookies or compression: the Bot API uses none of them. A connection whose
exchange did not finish (an error, a timeout, a cancellation) is closed, never reused: what
arrives on it later would be read as the next call's answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import certifi

DEFAULT_PORTS = {"http": 80, "https": 443}
HEAD_LIMIT = 64 * 1024  # the status line and headers of one answer, at most


class HttpFailure(Exception):
    """No usable answer: the connection failed, timed out, or what came was not HTTP/1.x, or
    not whole. `status` is the answer's HTTP status if its head was read, else 0."""

    def __init__(self, reason: str, status: int = 0) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default=0.0)

    def reusable(self, now: float, idle_seconds: float) -> bool:
        return (
            now - self.idle_since < idle_seconds and not self.reader.at_eof() and not self.writer.is_closing()
        )

    def close(self) -> None:
        self.writer.close()


class KeepAliveClient:
    def __init__(
        self,
        base_url: str,
        *,
        limit: int = 100,
        idle_seconds: float = 15.0,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"not an http:// or https:// address: {base_url!r}")
        self._host = parts.hostname
        self._port = parts.port or DEFAULT_PORTS[parts.scheme]
        self._tls = (ssl_context or _default_tls()) if parts.scheme == "https" else None
        self._prefix = parts.path.rstrip("/").encode()
        netloc = parts.netloc.rpartition("@")[2]
        self._head_end = f"Host: {netloc}\r\nContent-Type: application/json\r\nContent-Length: ".encode()
        self._slots = asyncio.Semaphore(limit)
        self._idle: deque[_Connection] = deque()
        self._idle_seconds = idle_seconds
        self._clock = clock
        self._closed = False

    async def post(self, path: str, body: bytes, timeout: float) -> Reply:
        """POST `body` (JSON) to the base's path + `path`; the answer, whatever its status."""
        if self._closed:
            raise HttpFailure("the client is closed")
        connection: _Connection | None = None
        keep = False
        try:
            async with asyncio.timeout(timeout), self._slots:
                connection = await self._connection()
                head = b"POST %s%s HTTP/1.1\r\n%s%d\r\n\r\n" % (
                    self._prefix,
                    path.encode(),
                    self._head_end,
                    len(body),
                )
                connection.writer.write(head + body)
                await connection.writer.drain()
                reply, keep = await _read_answer(connection.reader)
                # an early answer (a 413, say) can come before the request has gone out whole
                keep = keep and connection.writer.transport.get_write_buffer_size() == 0
            return reply
        except TimeoutError:  # before OSError, its base class
            raise HttpFailure(f"no answer within {timeout:g} s") from None
        except (OSError, EOFError, asyncio.LimitOverrunError) as exc:  # EOFError: IncompleteReadError
            raise HttpFailure(f"{type(exc).__name__}: {exc}") from None
        except _Malformed as exc:
            raise HttpFailure(str(exc), exc.status) from None
        finally:
            if connection is not None:
                if keep and not self._closed:
                    connection.idle_since = self._clock()
                    self._idle.append(connection)
                else:
                    connection.close()

    async def _connection(self) -> _Connection:
        now = self._clock()
        idle = self._idle
        while idle and not idle[0].reusable(now, self._idle_seconds):
            idle.popleft().close()  # the least recently used, left after a burst
        while idle:
            connection = idle.pop()  # the most recently used: the least likely closed by the server
            if connection.reusable(now, self._idle_seconds):
                return connection
            connection.close()
        reader, writer = await asyncio.open_connection(
            self._host,
            self._port,
            ssl=self._tls,
            server_hostname=self._host if self._tls else None,
            limit=HEAD_LIMIT,
        )
        return _Connection(reader, writer)

    async def close(self) -> None:
        """Close the idle connections; those in use close when their exchange ends."""
        self._closed = True
        idle, self._idle = self._idle, deque()
        for connection in idle:
            connection.close()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(1.0):
                await asyncio.gather(*(c.writer.wait_closed() for c in idle), return_exceptions=True)


def _default_tls() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


class _Malformed(Exception):
    def __init__(self, reason: str, status: int = 0) -> None:
        super().__init__(reason)
        self.status = status


async def _read_answer(reader: asyncio.StreamReader) -> tuple[Reply, bool]:
    """One answer: the reply, and whether the connection may carry another exchange."""
    while True:
        version, status, headers = _parse_head(await reader.readuntil(b"\r\n\r\n"))
        if status >= 200:
            break  # 1xx: an interim answer, the real one follows
    keep = version == b"HTTP/1.1" and headers.get(b"connection") != b"close"
    try:
        body, keep = await _read_body(reader, status, headers, keep)
    except (OSError, EOFError, asyncio.LimitOverrunError) as exc:  # cut short: the status is known
        raise _Malformed(f"{type(exc).__name__}: {exc}", status) from None
    except _Malformed as exc:
        raise _Malformed(str(exc), status) from None
    return Reply(status, body), keep


async def _read_body(
    reader: asyncio.StreamReader, status: int, headers: dict[bytes, bytes], keep: bool
) -> tuple[bytes, bool]:
    if status in (204, 304):
        return b"", keep
    if b"chunked" in headers.get(b"transfer-encoding", b""):
        return await _read_chunks(reader), keep
    length = headers.get(b"content-length")
    if length is None:  # the body runs to the connection's end
        return await reader.read(), False
    if not length.isdigit():
        raise _Malformed(f"a Content-Length that is not a number: {length!r}")
    return await reader.readexactly(int(length)), keep


def _parse_head(head: bytes) -> tuple[bytes, int, dict[bytes, bytes]]:
    lines = head[:-4].split(b"\r\n")
    version, _, rest = lines[0].partition(b" ")
    code = rest[:3]
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or not code.isdigit():
        raise _Malformed(f"not an HTTP/1.x answer: {lines[0][:80]!r}")
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        headers[key] = value.strip().lower() if key in _FOLDED else value.strip()
    return version, int(code), headers


_FOLDED = frozenset({b"connection", b"transfer-encoding"})  # compared case-insensitively
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")


async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size_text = size_line.split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size_text):  # int(…, 16) would take "-1", "0x5" or "1_0"
            raise _Malformed(f"a chunk size that is not hexadecimal: {size_text[:20]!r}")
        size = int(size_text, 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailers, unused
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise _Malformed("a chunk not ended by CRLF")
