"""The Bot API's HTTP/1.1 transport (handlers/keep_alive_http.py) against a real server on
127.0.0.1 whose answers each test writes byte for byte: how an answer's body is sized, when a
connection is reused and when not, timeouts, the connection limit, TLS."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
import trustme

from handlers.keep_alive_http import HttpFailure, KeepAliveClient

OK = b'{"ok":true}'
Answer = Callable[[asyncio.StreamWriter, int], Awaitable[None]]


def length_sized(body: bytes = OK, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


@dataclass
class Request:
    connection: int
    head: list[bytes]
    body: bytes


@dataclass
class ScriptedServer:
    """Reads each request whole, then lets `answer` write to the connection."""

    answer: Answer
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    open_now: int = 0
    most_open: int = 0
    closed_by_client: int = 0
    port: int = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            while True:
                try:
                    head = (await reader.readuntil(b"\r\n\r\n"))[:-4].split(b"\r\n")
                except asyncio.IncompleteReadError:
                    self.closed_by_client += 1
                    return
                length = next(int(line[15:]) for line in head if line.lower().startswith(b"content-length:"))
                self.requests.append(Request(number, head, await reader.readexactly(length)))
                await self.answer(writer, number)
                if writer.is_closing():
                    return
        finally:
            self.open_now -= 1
            writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Awaitable[ScriptedServer]]]:
    servers: list[asyncio.Server] = []

    async def start(answer: Answer, tls: ssl.SSLContext | None = None) -> ScriptedServer:
        scripted = ScriptedServer(answer)
        server = await asyncio.start_server(scripted.serve, "127.0.0.1", 0, ssl=tls)
        scripted.port = server.sockets[0].getsockname()[1]
        servers.append(server)
        return scripted

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def writes(*answers: bytes, then_close: bool = False) -> Answer:
    async def answer(writer: asyncio.StreamWriter, _connection: int) -> None:
        for part in answers:
            writer.write(part)
        await writer.drain()
        if then_close:
            writer.close()

    return answer


async def test_a_sized_answer_and_the_connection_kept_for_the_next_call(serve) -> None:
    server = await serve(writes(length_sized()))
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}/prefix/")
    first = await client.post("/bot1:a/getMe", b"{}", timeout=5)
    second = await client.post("/bot1:a/sendMessage", b'{"text":"Xin ch\\u00e0o"}', timeout=5)
    await client.close()
    assert (first.status, first.body, second.body) == (200, OK, OK)
    assert [r.connection for r in server.requests] == [1, 1]  # one connection, two exchanges
    request = server.requests[1]
    assert request.head[0] == b"POST /prefix/bot1:a/sendMessage HTTP/1.1"
    assert b"Host: 127.0.0.1:%d" % server.port in request.head
    assert b"Content-Type: application/json" in request.head
    assert request.body == b'{"text":"Xin ch\\u00e0o"}'


async def test_a_chunked_answer_is_read_whole(serve) -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
        b'4;ext=1\r\n{"ok\r\n7\r\n":true}\r\n0\r\nX-Trailer: 1\r\n\r\n'
    )
    server = await serve(writes(chunked))
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}")
    assert (await client.post("/a", b"{}", timeout=5)).body == OK
    assert (await client.post("/b", b"{}", timeout=5)).body == OK
    await client.close()
    assert [r.connection for r in server.requests] == [1, 1]


@pytest.mark.parametrize(
    "answer",
    [
        writes(b"HTTP/1.1 200 OK\r\n\r\n" + OK, then_close=True),  # sized by the close
        writes(length_sized(extra=b"Connection: close\r\n")),
        writes(b"HTTP/1.0 200 OK\r\nContent-Length: 11\r\n\r\n" + OK),
    ],
    ids=["no length", "connection close", "HTTP/1.0"],
)
async def test_an_answer_that_ends_its_connection_is_not_followed_on_it(serve, answer: Answer) -> None:
    server = await serve(answer)
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}")
    assert (await client.post("/a", b"{}", timeout=5)).body == OK
    assert (await client.post("/b", b"{}", timeout=5)).body == OK
    await client.close()
    assert [r.connection for r in server.requests] == [1, 2]


async def test_an_interim_answer_is_skipped(serve) -> None:
    server = await serve(writes(b"HTTP/1.1 100 Continue\r\n\r\n", length_sized()))
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}")
    assert (await client.post("/a", b"{}", timeout=5)).body == OK
    await client.close()


async def test_a_connection_the_server_closed_while_idle_is_not_tried(serve) -> None:
    closed_after_first = asyncio.Event()

    async def answer_then_close(writer: asyncio.StreamWriter, connection: int) -> None:
        writer.write(length_sized())
        await writer.drain()
        if connection == 1:
            writer.close()  # after the answer, with keep-alive promised: an idle timeout
            closed_after_first.set()

    server = await serve(answer_then_close)
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}")
    await client.post("/a", b"{}", timeout=5)
    await closed_after_first.wait()
    for _ in range(500):  # until the close reaches the client's idle connection (bounded: 2.5 s)
        if all(connection.reader.at_eof() for connection in client._idle):
            break
        await asyncio.sleep(0.005)
    assert (await client.post("/b", b"{}", timeout=5)).body == OK
    await client.close()
    assert [r.connection for r in server.requests] == [1, 2]


async def test_a_connection_idle_too_long_is_left(serve) -> None:
    now = [100.0]
    server = await serve(writes(length_sized()))
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}", idle_seconds=15, clock=lambda: now[0])
    await client.post("/a", b"{}", timeout=5)
    now[0] += 14.9
    await client.post("/b", b"{}", timeout=5)
    now[0] += 15.0
    await client.post("/c", b"{}", timeout=5)
    await client.close()
    assert [r.connection for r in server.requests] == [1, 1, 2]


async def answer_second_connection_only(writer: asyncio.StreamWriter, connection: int) -> None:
    """The first connection's request never gets an answer."""
    if connection > 1:
        writer.write(length_sized())
        await writer.drain()


async def test_no_answer_in_time_fails_and_the_connection_is_dropped(serve) -> None:
    server = await serve(answer_second_connection_only)
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}")
    with pytest.raises(HttpFailure, match=r"no answer within 0.2 s") as failed:
        await client.post("/slow", b"{}", timeout=0.2)
    assert failed.value.status == 0
    assert (await client.post("/b", b"{}", timeout=5)).body == OK  # a late answer is never read
    await client.close()
    assert [r.connection for r in server.requests] == [1, 2]


@pytest.mark.parametrize(
    ("answer", "reason", "status"),
    [
        (writes(b"SSH-2.0-OpenSSH\r\n\r\n"), "not an HTTP/1.x answer", 0),
        (
            writes(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 50\r\n\r\n" + OK, then_close=True),
            "IncompleteRead",
            502,
        ),
        (writes(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: x\r\n\r\n"), "Content-Length that is not", 502),
        (writes(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), "not hexadecimal", 200),
        (writes(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n"), "not hexadecimal", 200),
        (writes(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"), "LimitOverrunError", 0),
    ],
    ids=["not HTTP", "cut short", "bad length", "bad chunk", "negative chunk", "head too big"],
)
async def test_what_is_not_a_whole_answer_fails_plainly(
    serve, answer: Answer, reason: str, status: int
) -> None:
    server = await serve(answer)
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}")
    with pytest.raises(HttpFailure, match=reason) as failed:
        await client.post("/a", b"{}", timeout=5)
    assert failed.value.status == status
    await client.close()


async def test_a_refused_connection_fails_with_no_status() -> None:
    probe = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", 0)
    free_port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()  # nobody listens there now
    client = KeepAliveClient(f"http://127.0.0.1:{free_port}")
    with pytest.raises(HttpFailure, match=r"ConnectionRefusedError|Connect call failed") as failed:
        await client.post("/a", b"{}", timeout=5)
    assert failed.value.status == 0
    await client.close()


async def test_a_call_cancelled_mid_exchange_gives_back_its_slot_and_its_connection_is_left(serve) -> None:
    server = await serve(answer_second_connection_only)
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}", limit=1)
    waiting = asyncio.create_task(client.post("/slow", b"{}", timeout=5))
    while not server.requests:  # the request is out; its answer never comes
        await asyncio.sleep(0.01)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert (await client.post("/b", b"{}", timeout=5)).body == OK  # the one slot is free again
    await client.close()
    assert [r.connection for r in server.requests] == [1, 2]


async def test_at_most_limit_connections_at_once(serve) -> None:
    release = asyncio.Event()

    async def held(writer: asyncio.StreamWriter, _connection: int) -> None:
        await release.wait()
        writer.write(length_sized())
        await writer.drain()

    server = await serve(held)
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}", limit=2)
    calls = [asyncio.create_task(client.post(f"/{n}", b"{}", timeout=5)) for n in range(5)]
    while len(server.requests) < 2:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    assert len(server.requests) == 2  # the other three wait for a connection
    release.set()
    assert [reply.body for reply in await asyncio.gather(*calls)] == [OK] * 5
    await client.close()
    assert server.most_open == 2


async def test_https_checks_the_server_s_certificate(serve) -> None:
    authority = trustme.CA()
    served = authority.issue_cert("127.0.0.1")
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.configure_cert(server_side)
    server = await serve(writes(length_sized()), tls=server_side)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)

    client = KeepAliveClient(f"https://127.0.0.1:{server.port}", ssl_context=trusting)
    assert (await client.post("/a", b"{}", timeout=5)).body == OK
    assert (await client.post("/b", b"{}", timeout=5)).body == OK
    await client.close()
    assert [r.connection for r in server.requests] == [1, 1]

    untrusting = KeepAliveClient(f"https://127.0.0.1:{server.port}")  # certifi's authorities
    with pytest.raises(HttpFailure, match="CERTIFICATE_VERIFY_FAILED"):
        await untrusting.post("/a", b"{}", timeout=5)
    await untrusting.close()


async def test_after_close_idle_connections_are_closed_and_calls_refused(serve) -> None:
    server = await serve(writes(length_sized()))
    client = KeepAliveClient(f"http://127.0.0.1:{server.port}")
    await client.post("/a", b"{}", timeout=5)
    await client.close()
    for _ in range(100):
        if server.closed_by_client:
            break
        await asyncio.sleep(0.01)
    assert server.closed_by_client == 1
    with pytest.raises(HttpFailure, match="closed"):
        await client.post("/b", b"{}", timeout=5)


@pytest.mark.parametrize("base", ["ftp://example.org", "api.telegram.org", "http://"])
def test_a_base_that_is_not_http_is_refused_at_once(base: str) -> None:
    with pytest.raises(ValueError, match="not an http"):
        KeepAliveClient(base)
