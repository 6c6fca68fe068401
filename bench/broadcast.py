"""A broadcast's achieved rate as a fraction of BROADCAST_RATE (target ≥ 0.95) and the sending
process's peak memory for 100,000 recipients (target ≤ 150 MB RSS).

`python bench/broadcast.py [--recipients 1000] [--rate 25] [--blocked-every 50]`
`python bench/broadcast.py --recipients 100000 --rate 1000`

Set-up. The local Bot API server runs in this process with Telegram's flood limits on, scaled
to the rate as Telegram's 30 messages a second are to the default 25 (overall = 1.2 × rate, one
message a second per chat), and answers 429 with retry_after to any send over them. The
recipients are customers in a fresh SQLite file (WAL); every `--blocked-every`-th has blocked
the bot, which the database does not know yet. The broadcast is `cleeksy-bot broadcast
--segment all --text …`, the real command in a process of its own, so its memory is its own:
peak RSS is that process's VmHWM (Linux), read until it ends.

Figures. The achieved rate is taken from the server's side: sends answered (200 or 403) between
the first and the last, per second; the busiest second is the most sends the server admitted
in any one-second window; `429s` counts sends over the limits (the target is none).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from bisect import bisect_left
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from billing_core.storage.database import make_engine, session_factory, transaction  # noqa: E402
from billing_core.storage.migrate import upgrade  # noqa: E402
from billing_core.storage.models import Customer  # noqa: E402
from billing_core.storage.units import dispose  # noqa: E402
from bot.local_bot_api import LocalBotApi  # noqa: E402
from bot.local_bot_api.limits import FloodLimits, Rate  # noqa: E402
from bot.local_bot_api.stats import ApiCall, ApiStats  # noqa: E402

TEXT = "Cleeksy bảo trì hệ thống từ 23:00 đến 23:30 tối nay. Cảm ơn bạn đã kiên nhẫn!"
CHUNK = 10_000


class TimedStats(ApiStats):
    """The server's counters, with the instant of each answered sendMessage."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_at: list[float] = []

    def record(self, call: ApiCall) -> None:
        super().record(call)
        if call.method == "sendMessage" and call.status in (200, 403):
            self.sent_at.append(time.monotonic())


async def seed(api: LocalBotApi, database: str, recipients: int, blocked_every: int) -> None:
    now = dt.datetime.now(dt.UTC)
    engine = make_engine(database)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        for start in range(0, recipients, CHUNK):
            rows = []
            for i in range(start, min(start + CHUNK, recipients)):
                person = api.add_user(f"Khách {i}", user_id=5_000_000 + i)
                room = api.private_chat(person)
                room.started = True
                room.bot_blocked = bool(blocked_every) and i % blocked_every == blocked_every - 1
                rows.append(
                    {"telegram_user_id": person.id, "language": "vi", "unreachable": False, "created_at": now}
                )
            async with transaction(sessions) as session:
                await session.execute(insert(Customer), rows)
    finally:
        await dispose(engine)


async def high_water_mark(pid: int) -> int:
    """The process's peak RSS in KiB (VmHWM, which exec starts afresh), read until it ends.
    Not `ru_maxrss` of RUSAGE_CHILDREN: that also counts the parent's pages the child shared
    between fork and exec, here the server's 100,000 users."""
    peak = 0
    while True:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return peak
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
        await asyncio.sleep(0.1)


def busiest_second(times: list[float]) -> int:
    return max((bisect_left(times, t + 1.0) - i for i, t in enumerate(times)), default=0)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=25, help="BROADCAST_RATE")
    parser.add_argument("--blocked-every", type=int, default=50)
    args = parser.parse_args()

    limits = FloodLimits(enabled=True, overall=Rate(args.rate * 6 // 5, 1.0), private_chat=Rate(1, 1.0))
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite+aiosqlite:///{Path(folder) / 'broadcast.db'}"
        async with LocalBotApi(limits=limits) as api:
            stats = TimedStats()
            api.backend.stats = stats
            started = time.monotonic()
            await seed(api, database, args.recipients, args.blocked_every)
            print(f"seeded {args.recipients:,} customers in {time.monotonic() - started:.1f} s", flush=True)
            env = {
                **os.environ,
                "BOT_TOKEN": api.token,
                "TELEGRAM_API_BASE": api.base_url,
                "DATABASE_URL": database,
                "BROADCAST_RATE": str(args.rate),
            }
            command = [sys.executable, "-m", "bot", "broadcast", "--segment", "all", "--text", TEXT]
            process = await asyncio.create_subprocess_exec(
                *command, env=env, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
            )
            watching = asyncio.create_task(high_water_mark(process.pid))
            out, _ = await process.communicate()
            peak_kib = await watching
    times = stats.sent_at
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    achieved = (len(times) - 1) / span if span else 0.0
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs; exit status {process.returncode}")
    print(out.decode().strip())
    print(
        f"recipients {args.recipients:,}  BROADCAST_RATE {args.rate}/s  "
        f"answered {len(times):,} in {span:.1f} s\n"
        f"achieved {achieved:.1f}/s = {achieved / args.rate:.3f} of the rate (target ≥ 0.95)\n"
        f"busiest second {busiest_second(times)} sends (limit {args.rate * 6 // 5})  "
        f"429s {stats.too_many_requests['sendMessage']} (target 0)\n"
        f"peak RSS of the sending process {peak_kib / 1024:.0f} MB (target ≤ 150 MB)"
    )


if __name__ == "__main__":
    asyncio.run(main())
