"""Updates per second and p50/p99 handling latency of the purchase steps through each adapter
(aiogram, python-telegram-bot) and the local Bot API server on SQLite, side by side, each beside
a bare echo bot of its framework measured in the same run.
Target: p99 ≤ 15 ms at 200 updates/s, and at least half the aiogram echo bot's throughput.

`python bench/updates.py [--rate 200] [--duration 8] [--chats 100] [--frameworks aiogram,ptb]
[--profile DIR] [--freeze-bots]`

Set-up. Each bot runs in a process of its own (bench/updates_bots.py) and long-polls its own
`LocalBotApi` (flood limits off), served in this process, where the customers are played too —
as a bot polls api.telegram.org from another machine. The product is `cleeksy-bot run`'s parts
as tests/handlers/conftest.py starts them (SQLite WAL file, the VNPAY stand-in, the test
clock), with BOT_FRAMEWORK set; an echo bot is a bare aiogram Dispatcher, or a bare
python-telegram-bot Application (its own Updater, one update at a time as by default), whose
one handler answers `send_message` with the same text. The bots run one after the other, the
same workload each. All event loops are bot/event_loop.py's (uvloop where installed).

A customer. On the product, the purchase up to the review, 15 updates: /start, "Mua gói", the
solution, the tier, "5 người" typed, "Xong" (add-ons), "Năm", "Bỏ qua" (coupon), the five
billing answers typed, "Không cần" (VAT invoice), "Gia hạn thủ công"; then a new customer (a new
chat) takes the place. On an echo bot, 15 texts, then a new chat. A customer sends its next
update only once the reply to the previous one has arrived, as a person waits for the screen.

Latency of one update: from just before it is put into the local server (`send_command`,
`send_text` or `press`, which queue it for getUpdates) to the moment the server has applied the
bot's first `sendMessage` or `editMessageText` into that chat after it: the reply screen (each
step of the script shows exactly one; for a button tap, the edited or new screen — the tap's
`answerCallbackQuery` comes before it and does not end the update). The moment is taken in the
server's call log (`ApiStats.record`, run once a call is handled, before the HTTP response goes
back to the bot). What the bot does after the reply (its HTTP response, the state write) is not
in that update's latency; it delays the chat's next update, which then counts it.

Phases, per bot, each with `--chats` new customers, first walked (unmeasured) to every step of
the script, evenly, as in a steady stream; the first of them warms the bot up:
- closed loop: `--chats` customers, each sending its next update as soon as the reply to the last
  arrives, for `--duration` seconds: the most updates per second the bot handles.
- open loop: one update every 1/`--rate` s for `--duration` s, each from the customer idle the
  longest among `--chats`; when none is idle the send waits for one (counted as "no idle chat").
Columns: CPU per process in % of one core, the bot's ("bot CPU", and in ms per update) and this
one's ("srv CPU": server and customers); the bot's full garbage collections during the phase
and its longest collection pause of any generation. This process does not collect garbage
during a measured phase (`collector_paused`), so that its pauses are not counted as the bot's;
the product freezes its start-up heap as `cleeksy-bot run` does, the echo bot only with
`--freeze-bots`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import pstats
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any, NamedTuple

import aiogram
import telegram
from updates_bots import BotProcess

from bot import event_loop
from bot.local_bot_api import ApiCall, ApiStats, FloodLimits, LocalBotApi, User

SCREEN_CALLS = frozenset({"sendMessage", "editMessageText"})
STEP_TIMEOUT = 30.0
TARGET_P99_MS = 15.0
TARGET_RATIO = 0.5


@dataclass
class ReplyWatch(ApiStats):
    """The server's call log, which also tells a waiting chat when the reply screen reaches it."""

    waiting: dict[int, asyncio.Future[float]] = field(default_factory=dict)

    def expect(self, chat_id: int) -> asyncio.Future[float]:
        """A future set to the `perf_counter()` of the next screen shown in `chat_id`."""
        future = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = future
        return future

    def record(self, call: ApiCall) -> None:
        super().record(call)
        if call.status != 200 or call.method not in SCREEN_CALLS:
            return
        future = self.waiting.pop(int(call.params.get("chat_id") or 0), None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())


class Sample(NamedTuple):
    kind: str
    seconds: float


@dataclass(frozen=True)
class Step:
    kind: str  # "command", "text" or "tap"
    value: str


def _taps(*labels: str) -> tuple[Step, ...]:
    return tuple(Step("tap", label) for label in labels)


def _texts(*texts: str) -> tuple[Step, ...]:
    return tuple(Step("text", text) for text in texts)


BILLING = _texts(
    "Công ty TNHH Mây Xanh",
    "Nguyễn Văn An",
    "+84 912 345 678",
    "an@mayxanh.vn",
    "12 Lý Thường Kiệt, Hà Nội",
)
PURCHASE = (
    Step("command", "start"),
    *_taps("Mua gói", "Không gian làm việc số", "Standard"),
    *_texts("5 người"),
    *_taps("Xong", "Năm", "Bỏ qua"),
    *BILLING,
    *_taps("Không cần", "Gia hạn thủ công"),
)
ECHOED = _texts(*(f"Tin nhắn số {i}" for i in range(1, len(PURCHASE) + 1)))


@dataclass(frozen=True)
class Script:
    steps: tuple[Step, ...]
    last_screen: str
    """Words the last reply shows when the walk went right (a sanity check)."""


SCRIPTS = {"echo": Script(ECHOED, ECHOED[-1].value), "product": Script(PURCHASE, "Tổng cộng")}
FRAMEWORKS = ("aiogram", "ptb")


@dataclass
class Tally:
    walks: int = 0
    wrong_ends: int = 0


@dataclass
class Crowd:
    """Makes the customers of one bot; each new one is a new user, so a new chat."""

    api: LocalBotApi
    watch: ReplyWatch
    script: Script
    tally: Tally = field(default_factory=Tally)
    _numbers: count[int] = field(default_factory=lambda: count(1))

    def newcomer(self) -> User:
        return self.api.add_user(f"Khách {next(self._numbers)}", language_code="vi")

    def customers(self, n: int) -> list[Customer]:
        return [Customer(self) for _ in range(n)]


class Customer:
    """One chat slot: a person walks the script, then a new person starts it again."""

    def __init__(self, crowd: Crowd) -> None:
        self._crowd = crowd
        self.user = crowd.newcomer()
        self.position = 0

    @property
    def script(self) -> Script:
        return self._crowd.script

    async def step(self) -> Sample:
        """Send the next update; its kind, and the seconds until its reply reached the server."""
        step = self.script.steps[self.position]
        act = self._action(step)
        reply = self._crowd.watch.expect(self.user.id)
        start = time.perf_counter()
        await act()
        try:
            shown = await asyncio.wait_for(reply, STEP_TIMEOUT)
        except TimeoutError:
            raise TimeoutError(
                f"no reply in {STEP_TIMEOUT:.0f} s to step {self.position} of chat {self.user.id}"
            ) from None
        self._advance()
        return Sample(step.kind, shown - start)

    def _action(self, step: Step) -> Callable[[], Awaitable[object]]:
        """The update to send, ready (the button found) before the clock starts."""
        api, user = self._crowd.api, self.user
        if step.kind == "command":
            return lambda: api.send_command(user, step.value)
        if step.kind == "text":
            return lambda: api.send_text(user, step.value)
        for message in reversed(api.bot_messages(user)):
            if any(button.get("text") == step.value for button in message.buttons):
                data = message.button_data(step.value)
                return lambda: api.press(user, message, data)
        last = api.last_bot_message(user)
        raise LookupError(f"chat {user.id}: no button {step.value!r}; last screen: {last and last.text!r}")

    def _advance(self) -> None:
        self.position += 1
        if self.position < len(self._crowd.script.steps):
            return
        last = self._crowd.api.last_bot_message(self.user)
        self._crowd.tally.walks += 1
        if last is None or self._crowd.script.last_screen not in (last.visible_text or ""):
            self._crowd.tally.wrong_ends += 1
        self.user, self.position = self._crowd.newcomer(), 0


@dataclass
class Phase:
    name: str
    samples: list[Sample]
    elapsed: float
    no_idle: int = 0
    """Open loop: sends that found no idle chat and waited for one."""
    behind_ms: float = 0.0
    """Open loop: how far the latest send fell behind its planned time."""
    bot_cpu: float = 0.0
    server_cpu: float = 0.0
    bot_full_collections: int = 0
    bot_longest_collection_ms: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.samples) / self.elapsed

    def ms(self, kind: str | None = None) -> list[float]:
        """The latencies in ms, sorted (of updates of `kind` only, if given)."""
        return sorted(s.seconds * 1000 for s in self.samples if kind in (None, s.kind))


async def spread(customers: list[Customer]) -> list[Customer]:
    """Walk customer i of n through i/n of the script, unmeasured: the measured phase then starts
    with the chats at every step, as in a steady stream, rather than all at /start at once."""
    steps = len(customers[0].script.steps)

    async def walk(customer: Customer, n: int) -> None:
        for _ in range(n):
            await customer.step()

    await asyncio.gather(*(walk(c, i * steps // len(customers)) for i, c in enumerate(customers)))
    return customers


async def closed_loop(customers: list[Customer], duration: float) -> Phase:
    """Each customer sends its next update as soon as the last is answered, until `duration`."""
    samples: list[Sample] = []
    start = time.perf_counter()
    deadline = start + duration

    async def walk(customer: Customer) -> None:
        while time.perf_counter() < deadline:
            samples.append(await customer.step())

    await asyncio.gather(*(walk(c) for c in customers))
    return Phase(f"closed, {len(customers)} chats", samples, time.perf_counter() - start)


async def open_loop(customers: list[Customer], rate: float, duration: float) -> Phase:
    """One update every 1/`rate` s, from the customer idle the longest."""
    idle: asyncio.Queue[Customer] = asyncio.Queue()
    for customer in customers:
        idle.put_nowait(customer)
    phase = Phase(f"open, {rate:.0f}/s, {len(customers)} chats", [], 0.0)
    sending: list[asyncio.Task[None]] = []

    async def one(customer: Customer) -> None:
        phase.samples.append(await customer.step())
        idle.put_nowait(customer)

    start = time.perf_counter()
    for i in range(round(rate * duration)):
        planned = start + i / rate
        await asyncio.sleep(max(0.0, planned - time.perf_counter()))
        phase.no_idle += idle.empty()
        customer = await idle.get()
        phase.behind_ms = max(phase.behind_ms, (time.perf_counter() - planned) * 1000)
        sending.append(asyncio.create_task(one(customer)))
    await asyncio.gather(*sending)
    phase.elapsed = time.perf_counter() - start
    return phase


@contextmanager
def collector_paused() -> Iterator[None]:
    """This process's garbage collected and frozen before a measured phase and not collected
    during it: its full collections take ~200 ms with aiogram loaded, and would be counted
    as the bot's latency."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def measured(bot: BotProcess, load: Coroutine[Any, Any, Phase]) -> Phase:
    """Run `load`; add the CPU time each process spent on it and the bot's garbage collections."""
    with collector_paused():
        before, server_before = await bot.usage(), time.process_time()
        phase = await load
        after = await bot.usage()
        phase.server_cpu = time.process_time() - server_before
    phase.bot_cpu = after.cpu_seconds - before.cpu_seconds
    phase.bot_full_collections = after.full_collections
    phase.bot_longest_collection_ms = after.longest_collection_ms
    return phase


@dataclass(frozen=True)
class Options:
    rate: float
    duration: float
    chats: int
    frameworks: tuple[str, ...]
    profile: Path | None
    freeze_bots: bool


@dataclass
class BotRun:
    framework: str
    role: str  # "echo" or "product"
    loop: str
    closed: Phase
    open: Phase
    tally: Tally

    @property
    def kind(self) -> str:
        return f"{self.framework}-{self.role}"


async def measure(framework: str, role: str, options: Options) -> BotRun:
    """The `role` bot on `framework`, on a server of its own: its closed loop, then its open loop."""
    kind = f"{framework}-{role}"
    watch = ReplyWatch()
    profile = options.profile / f"{kind}.prof" if options.profile else None
    async with LocalBotApi(limits=FloodLimits(enabled=False)) as api:
        api.backend.stats = watch
        async with BotProcess(kind, api.base_url, api.token, profile, options.freeze_bots) as bot:
            crowd = Crowd(api, watch, SCRIPTS[role])
            customers = await spread(crowd.customers(options.chats))
            if profile:
                await bot.start_profile()
            closed = await measured(bot, closed_loop(customers, options.duration))
            customers = await spread(crowd.customers(options.chats))
            opened = await measured(bot, open_loop(customers, options.rate, options.duration))
    return BotRun(framework, role, bot.loop, closed, opened, crowd.tally)


def percentile(ordered: list[float], q: float) -> float:
    """Nearest rank."""
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


HEADER = (
    f"{'bot':<17}{'load':<24}{'updates':>8}{'per s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    f"{'max ms':>8}{'bot CPU':>9}{'ms/upd':>7}{'srv CPU':>9}{'full GC':>8}{'GC ms':>7}"
)


def row(kind: str, phase: Phase) -> str:
    """One line of the table: the latencies, and what the processes spent."""
    ms = phase.ms()
    figures = "".join(f"{percentile(ms, q):>8.1f}" for q in (0.5, 0.95, 0.99, 1.0))
    cpu = (
        f"{phase.bot_cpu / phase.elapsed:>9.0%}{phase.bot_cpu * 1000 / len(ms):>7.2f}"
        f"{phase.server_cpu / phase.elapsed:>9.0%}"
    )
    collections = f"{phase.bot_full_collections:>8}{phase.bot_longest_collection_ms:>7.0f}"
    return f"{kind:<17}{phase.name:<24}{len(ms):>8}{phase.throughput:>7.0f}{figures}{cpu}{collections}"


def by_kind(phase: Phase) -> str:
    """p50/p99 of each kind of update in `phase`."""
    kinds = dict.fromkeys(s.kind for s in phase.samples)
    parts = []
    for kind in kinds:
        ms = phase.ms(kind)
        parts.append(f"{kind} {percentile(ms, 0.5):.1f}/{percentile(ms, 0.99):.1f}")
    return ", ".join(parts)


def report(runs: list[BotRun], options: Options) -> None:
    loop = type(asyncio.get_running_loop())
    print(
        f"Python {platform.python_version()}, aiogram {aiogram.__version__}, "
        f"python-telegram-bot {telegram.__version__}, {os.cpu_count()} CPUs; "
        f"event loops: {loop.__module__}.{loop.__qualname__} here (server, customers), "
        f"{', '.join(sorted({run.loop for run in runs}))} in the bots"
        + ("; the echo bots' heaps frozen after start too (--freeze-bots)" if options.freeze_bots else "")
    )
    print(HEADER)
    for run in runs:
        print(row(run.kind, run.closed))
        print(row(run.kind, run.open))
    by_name = {(run.framework, run.role): run for run in runs}
    baseline = by_name.get(("aiogram", "echo"))
    for framework in options.frameworks:
        echo, product = by_name[framework, "echo"], by_name[framework, "product"]
        p99 = percentile(product.open.ms(), 0.99)
        versus = (
            f"; ÷ aiogram echo: {product.closed.throughput / baseline.closed.throughput:.2f} "
            f"(target ≥ {TARGET_RATIO})"
            if baseline is not None
            else ""
        )
        print(
            f"{framework} product/echo throughput (closed loop): "
            f"{product.closed.throughput / echo.closed.throughput:.2f}{versus}; "
            f"p99 at {options.rate:.0f}/s: {p99:.1f} ms (target ≤ {TARGET_P99_MS:.0f} ms)"
        )
        print(f"{framework} product at {options.rate:.0f}/s, p50/p99 ms by update: {by_kind(product.open)}")
    for run in runs:
        print(
            f"{run.kind}: {run.tally.walks} walks finished, {run.tally.wrong_ends} with a wrong last "
            f"screen; open loop: {run.open.no_idle} sends found no idle chat, the latest "
            f"{run.open.behind_ms:.1f} ms behind plan"
        )


def print_profile(path: Path, top: int = 20) -> None:
    print(f"\n{path}: cProfile of the bot over both phases (which it slowed), by own time")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(top)


async def main(options: Options) -> None:
    if options.profile:
        options.profile.mkdir(parents=True, exist_ok=True)
    runs = [
        await measure(framework, role, options)
        for framework in options.frameworks
        for role in ("echo", "product")
    ]
    report(runs, options)
    if options.profile:
        for framework in options.frameworks:
            print_profile(options.profile / f"{framework}-product.prof")


def arguments() -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="open loop: updates offered per second")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of each measured phase")
    parser.add_argument("--chats", type=int, default=100, help="customers at a time, in each phase")
    parser.add_argument(
        "--frameworks",
        default=",".join(FRAMEWORKS),
        help="the adapters to measure, side by side (default: aiogram,ptb)",
    )
    parser.add_argument("--profile", type=Path, metavar="DIR", help="cProfile the bots into DIR/<bot>.prof")
    parser.add_argument(
        "--freeze-bots",
        action="store_true",
        help="the echo bots' start-up heaps frozen too, as the product's always is (cleeksy-bot run does)",
    )
    args = parser.parse_args()
    frameworks = tuple(name.strip() for name in args.frameworks.split(",") if name.strip())
    if not frameworks or set(frameworks) - set(FRAMEWORKS):
        parser.error(f"--frameworks: a comma-separated list of {', '.join(FRAMEWORKS)}")
    return Options(args.rate, args.duration, args.chats, frameworks, args.profile, args.freeze_bots)


if __name__ == "__main__":
    event_loop.run(main(arguments()))
