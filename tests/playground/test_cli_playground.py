"""`cleeksy-bot playground` as a person runs it: a fresh database under data/, the address
printed, the page answering there, and Ctrl-C stopping everything with status 0."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

import aiohttp

from bot.cli_playground import fresh_sqlite

STARTUP_SECONDS = 60


def test_a_fresh_database_replaces_an_earlier_one(tmp_path: Path) -> None:
    path = tmp_path / "data" / "playground.db"
    path.parent.mkdir()
    for leftover in ("playground.db", "playground.db-wal", "playground.db-shm"):
        (path.parent / leftover).write_bytes(b"old")
    assert fresh_sqlite(path) == f"sqlite+aiosqlite:///{path}"
    assert list(path.parent.iterdir()) == []


async def test_the_command_prints_the_address_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    with (tmp_path / "stderr.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "playground", "--port", "0",
            cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=log,
        )  # fmt: skip
        try:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), STARTUP_SECONDS)
            found = re.search(r"open (http://127\.0\.0\.1:\d+)", line.decode())
            assert found, (line, (tmp_path / "stderr.log").read_text())
            async with aiohttp.ClientSession() as http, http.get(found[1] + "/playground/config") as response:
                assert response.status == 200
            assert (tmp_path / "data" / "playground.db").exists()
            process.send_signal(signal.SIGINT)
            assert await asyncio.wait_for(process.wait(), STARTUP_SECONDS) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
