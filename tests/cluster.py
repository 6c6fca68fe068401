"""Several real `cleeksy-bot run --webhook` processes behind a round-robin load balancer, as
issue 12 deploys them: the "nginx" of the scale-out tests and of bench/scale_out.py.

    async with LocalBotApi() as api, cluster(
        api, instances=2, database_url=url, redis_url="redis://127.0.0.1:6379/15", workdir=tmp_path
    ) as c:
        await api.send_command(anna, "start")  # POSTed to c.balancer_url, then to an instance

Each instance is `python -m bot run --webhook` in a process of its own (its output in
``workdir/instance-N.log``), started from ``workdir`` so that no `.env` is read, with the
parent's environment minus every setting `Settings` knows, then the cluster's settings: the
database and Redis given, the Bot API server's token and address, the VNPAY stand-in, the
sample seller, its own port on 127.0.0.1, WEBHOOK_SECRET, and PUBLIC_BASE_URL = the balancer,
so the webhook every instance registers points at the balancer; ``env`` comes last.

The balancer (in this process) forwards each request as it came (method, path and query,
headers with the secret's, body) to the next instance in turn and answers what that instance
answered. As nginx's `proxy_next_upstream error`, it skips an instance that is stopped or
refuses the connection; a request that reached an instance and then failed is answered 502.
`requests_per_instance` counts the requests each one answered.

The VNPAY stand-in (bot/vnpay_sandbox.py) is served in this process too: payment page and
querydr for the instances, its IPN sent through the balancer.

The instances start together (their migrations too). The cluster is ready once each answers
GET /healthz with 200 and the Bot API server's webhook points at the balancer; an instance
that exits before that is reported with the end of its log. On exit (or `stop_instance`) each
gets SIGTERM, then SIGKILL after STOP_TIMEOUT seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from bot.http_app import WEBHOOK_PATH
from bot.local_bot_api import LocalBotApi
from bot.settings import Settings
from bot.vnpay_sandbox import API_PATH, PAYMENT_PATH, SandboxConfig, VnpaySandbox
from tests.http_serving import serve
from tests.sample_seller import SELLER

__all__ = [
    "VNPAY_HASH_SECRET",
    "VNPAY_TMN_CODE",
    "WEBHOOK_SECRET",
    "Cluster",
    "Instance",
    "InstanceFailed",
    "cluster",
]

COMMAND = (sys.executable, "-m", "bot", "run", "--webhook")
WEBHOOK_SECRET = "cluster-Secret_0123456789"
VNPAY_TMN_CODE = "CLEEKSY1"
VNPAY_HASH_SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
POLL_SECONDS = 0.1
FORWARD_TIMEOUT = aiohttp.ClientTimeout(total=60.0)
LOG_TAIL_LINES = 40
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "content-encoding",  # the client decoded the body already
    }
)
NO_OVERRIDES: Mapping[str, str] = MappingProxyType({})


class InstanceFailed(RuntimeError):
    """An instance exited, or did not become ready in time; the message ends with its log."""


@dataclass
class Instance:
    """One `cleeksy-bot run --webhook` process."""

    index: int
    port: int
    log_path: Path
    process: asyncio.subprocess.Process | None = None
    exit_code: int | None = None
    """Set once stopped (negative: the signal that ended it)."""
    _peak_kib: int | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"instance {self.index} is not started")
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def peak_rss_kib(self) -> int | None:
        """The process's peak resident memory (VmHWM, Linux) while it runs; after it ends, the
        last value read (it is read once more just before the stop); None if never read."""
        if self.running:
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self._peak_kib = int(line.split()[1])
        return self._peak_kib

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far (Linux); 0.0 when not running."""
        if not self.running:
            return 0.0
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat.rsplit(")", 1)[1].split()  # after the command's name: state, ppid, …
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    async def start(self, env: Mapping[str, str], cwd: Path) -> None:
        with self.log_path.open("wb") as log:  # the child keeps its own descriptor
            self.process = await asyncio.create_subprocess_exec(
                *COMMAND, env=dict(env), cwd=cwd, stdout=log, stderr=asyncio.subprocess.STDOUT
            )

    async def wait_healthy(self, client: aiohttp.ClientSession, timeout: float = START_TIMEOUT) -> None:
        """Until GET /healthz answers 200; InstanceFailed if the process exits or time runs out."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.returncode is not None:
                raise InstanceFailed(self.report(f"exited with {self.process.returncode} before ready"))
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with client.get(self.url + "/healthz", timeout=aiohttp.ClientTimeout(total=1)) as reply:
                    if reply.status == 200:
                        return
            await asyncio.sleep(POLL_SECONDS)
        raise InstanceFailed(self.report(f"not healthy after {timeout:.0f} s"))

    async def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM, then SIGKILL after `timeout` seconds; the exit code."""
        if self.process is None:
            return None
        if self.process.returncode is None:
            self.peak_rss_kib()
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        self.exit_code = self.process.returncode
        return self.exit_code

    def report(self, what: str) -> str:
        """`what` happened to this instance, with the end of its log."""
        return f"instance {self.index} ({self.url}) {what}; the end of {self.log_path}:\n{self.log_tail()}"


class Balancer:
    """Round robin over the instances, skipping those stopped or refusing connections."""

    def __init__(self, instances: Sequence[Instance]) -> None:
        self.requests = [0] * len(instances)
        self._instances = instances
        self._turns = itertools.count()
        self._client: aiohttp.ClientSession | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        app.on_cleanup.append(self._close)
        return app

    def _rotation(self) -> Iterator[Instance]:
        """Every running instance once, from the one whose turn it is."""
        first = next(self._turns) % len(self._instances)
        for i in range(len(self._instances)):
            instance = self._instances[(first + i) % len(self._instances)]
            if instance.running:
                yield instance

    async def _forward(self, request: web.Request) -> web.Response:
        if self._client is None:
            self._client = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0), timeout=FORWARD_TIMEOUT
            )
        body = await request.read()
        headers = CIMultiDict((k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP)
        for instance in self._rotation():
            try:
                async with self._client.request(
                    request.method,
                    instance.url + request.path_qs,
                    headers=headers,
                    data=body,
                    allow_redirects=False,
                ) as reply:
                    payload = await reply.read()
            except aiohttp.ClientConnectorError:
                continue  # not listening (stopping, or not yet): the next one, as nginx does
            except (aiohttp.ClientError, TimeoutError) as exc:
                return web.Response(status=502, text=f"instance {instance.index}: {exc!r}")
            self.requests[instance.index] += 1
            answer = CIMultiDict((k, v) for k, v in reply.headers.items() if k.lower() not in HOP_BY_HOP)
            return web.Response(status=reply.status, body=payload, headers=answer)
        return web.Response(status=502, text="no instance is up")

    async def _close(self, app: web.Application) -> None:
        if self._client is not None:
            await self._client.close()


@dataclass
class Cluster:
    instances: list[Instance]
    balancer_url: str
    vnpay: VnpaySandbox
    """The VNPAY stand-in the instances pay on; its IPN goes through the balancer."""
    vnpay_url: str
    _balancer: Balancer

    @property
    def requests_per_instance(self) -> list[int]:
        """Requests each instance answered through the balancer, by index."""
        return list(self._balancer.requests)

    async def stop_instance(self, index: int) -> int | None:
        """Stop one instance (the balancer skips it from then on); its exit code."""
        return await self.instances[index].stop()


@asynccontextmanager
async def cluster(
    api: LocalBotApi,
    *,
    instances: int,
    database_url: str,
    redis_url: str | None,
    workdir: Path,
    env: Mapping[str, str] = NO_OVERRIDES,
) -> AsyncIterator[Cluster]:
    """`instances` processes on one database (and Redis, if given), ready, behind a balancer."""
    if instances < 1:
        raise ValueError("a cluster has at least one instance")
    workdir.mkdir(parents=True, exist_ok=True)
    members = [Instance(i, _free_port(), workdir / f"instance-{i}.log") for i in range(instances)]
    balancer = Balancer(members)
    vnpay = VnpaySandbox(SandboxConfig(VNPAY_TMN_CODE, VNPAY_HASH_SECRET, ipn_url=""))
    async with serve(balancer.app()) as balancer_url, serve(vnpay.app()) as vnpay_url:
        vnpay.config = replace(vnpay.config, ipn_url=balancer_url + "/vnpay/ipn")
        shared = _environment(api, database_url, redis_url, balancer_url, vnpay_url)
        try:
            await _start(members, {**shared, **env}, workdir)
            await _webhook_points_at(api, balancer_url + WEBHOOK_PATH, members)
            yield Cluster(members, balancer_url, vnpay, vnpay_url, balancer)
        finally:
            await asyncio.gather(*(member.stop() for member in members))


async def _start(members: Sequence[Instance], env: Mapping[str, str], workdir: Path) -> None:
    """Start every instance at once and wait until each is healthy; the first failure raised."""
    try:
        async with asyncio.TaskGroup() as starting:
            for member in members:
                starting.create_task(member.start({**env, "HTTP_PORT": str(member.port)}, workdir))
        async with aiohttp.ClientSession() as client, asyncio.TaskGroup() as waiting:
            for member in members:
                waiting.create_task(member.wait_healthy(client))
    except* InstanceFailed as failed:
        raise failed.exceptions[0] from None


def _environment(
    api: LocalBotApi, database_url: str, redis_url: str | None, balancer_url: str, vnpay_url: str
) -> dict[str, str]:
    """The parent's environment without any setting, then the cluster's settings."""
    inherited = {k: v for k, v in os.environ.items() if k not in Settings.model_fields}
    return {
        **inherited,
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": database_url,
        **({"REDIS_URL": redis_url} if redis_url else {}),
        "BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE": api.base_url,
        "VNPAY_TMN_CODE": VNPAY_TMN_CODE,
        "VNPAY_HASH_SECRET": VNPAY_HASH_SECRET,
        "VNPAY_PAYMENT_URL": vnpay_url + PAYMENT_PATH,
        "VNPAY_API_URL": vnpay_url + API_PATH,
        **SELLER,
        "HTTP_HOST": "127.0.0.1",
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PUBLIC_BASE_URL": balancer_url,
    }


async def _webhook_points_at(api: LocalBotApi, url: str, members: Sequence[Instance]) -> None:
    """Until the Bot API server delivers to `url` (an instance registers it after /healthz)."""
    try:
        await api.wait_for(lambda: api.webhook is not None and api.webhook.url == url, timeout=START_TIMEOUT)
    except TimeoutError:
        logs = "\n".join(m.report("did not register the webhook") for m in members)
        raise InstanceFailed(f"the webhook is {api.webhook}, not {url}:\n{logs}") from None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
