"""`cleeksy-bot trials import FILE.csv`: all rows imported, or none and every bad line on stderr."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

import bot.cli_trials
from tests.bot.conftest import run

HEADER = "telegram_user_id,solution,started_at,activated_seats,language"
NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.cli_trials, "utc_now", lambda: NOW)


def write(tmp_path: Path, text: str, name: str = "trials.csv") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


def stored(tmp_path: Path, query: str) -> list[tuple[object, ...]]:
    if not (tmp_path / "cli.db").exists():
        return []
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        return conn.execute(query).fetchall()


TRIALS = (
    "SELECT c.telegram_user_id, c.language, t.solution, t.started_on, t.ends_on, t.activated_seats, t.source "
    "FROM trials t JOIN customers c ON c.id = t.customer_id ORDER BY 1, 3"
)


def test_a_good_file_is_imported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    name = write(
        tmp_path, f"\ufeff{HEADER}\r\n1001,workspace,01/11/2026,12,en\r\n1002,process,2026-11-24,,\r\n"
    )
    assert run(capsys, "trials", "import", name) == (
        0,
        "imported trials.csv: 2 created, 0 updated, 0 unchanged; 2 new customers\n",
        "",
    )
    assert stored(tmp_path, TRIALS) == [
        (1001, "en", "workspace", "2026-11-01", "2026-12-01", 12, "import"),
        (1002, "vi", "process", "2026-11-24", "2026-12-24", 0, "import"),
    ]


def test_importing_the_same_file_again_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    name = write(tmp_path, f"{HEADER}\n1001,workspace,2026-11-01,12,en\n")
    run(capsys, "trials", "import", name)
    assert run(capsys, "trials", "import", name)[1] == (
        "imported trials.csv: 0 created, 0 updated, 1 unchanged; 0 new customers\n"
    )


def test_bad_rows_are_all_reported_and_nothing_is_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    name = write(
        tmp_path,
        f"{HEADER}\n"
        "1001,workspace,2026-11-01,12,en\n"
        "1002,crm,2026-11-01,1,vi\n"
        "1003,process,2026-11-02,1,vi\n"
        "\n"
        "1004,process,2026-11-25,-1,vi\n"
        "1005,appbuilder,2026-11-03,1,en\n",
    )
    code, out, err = run(capsys, "trials", "import", name)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "trials.csv:3: solution: unknown solution 'crm' (known: appbuilder, process, workspace)",
        "trials.csv:6: started_at: 2026-11-25 is after today (2026-11-24)",
        "trials.csv:6: activated_seats: not a whole number: '-1'",
        "cleeksy-bot trials: 2 bad rows; nothing imported",
    ]
    assert "Traceback" not in err
    assert stored(tmp_path, TRIALS) == []


def test_a_row_refused_by_the_database_leaves_nothing_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(
        capsys,
        "trials",
        "import",
        write(tmp_path, f"{HEADER}\n1002,workspace,2026-11-01,1,vi\n", "first.csv"),
    )
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        conn.execute(
            "INSERT INTO subscriptions (customer_id, catalogue, solution, tier, seats, cycle, period_start, "
            "period_end, paid_until, anchor_day, status, renewal_mode, addons, quotas, updated_at) "
            "SELECT id, 'cleeksy', 'process', 'standard', 5, 'monthly', '2026-11-10', '2026-12-10', "
            "'2026-12-10', 10, 'active', 'manual', '{}', '{}', '2026-11-10 00:00:00' FROM customers"
        )
    name = write(tmp_path, f"{HEADER}\n1001,workspace,2026-11-01,12,en\n1002,process,2026-11-02,3,vi\n")
    code, _, err = run(capsys, "trials", "import", name)
    assert code == 2
    assert err.splitlines() == [
        "trials.csv:3: solution: customer 1002 already has an active paid process subscription "
        "(paid until 2026-12-10); no trial imported",
        "cleeksy-bot trials: 1 bad row; nothing imported",
    ]
    assert stored(tmp_path, "SELECT telegram_user_id FROM customers") == [(1002,)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("trials", "import", "nosuch.csv"), "nosuch.csv: cannot read: No such file or directory"),
        (("trials", "import", "."), ".: cannot read: Is a directory"),
    ],
)
def test_an_unreadable_file_exits_2_in_one_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert run(capsys, *args) == (2, "", f"cleeksy-bot trials: {message}\n")


def test_an_empty_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "trials", "import", write(tmp_path, "")) == (
        2,
        "",
        f"trials.csv:1: the file is empty; expected the header {HEADER}\n"
        "cleeksy-bot trials: 1 bad row; nothing imported\n",
    )
    assert not (tmp_path / "cli.db").exists()  # a bad file never touches the database
