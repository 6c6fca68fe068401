"""`cleeksy-bot quote` as operators call it (interfaces.md): JSON out, exit 2 with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.conftest import run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "quote-process-p2.json"


def test_the_interfaces_example_gives_both_P2_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "quote", "--json", f"@{EXAMPLE}")
    answer = json.loads(out)
    assert code == 0 and answer["ok"] is True
    assert [o["id"] for o in answer["options"]] == ["current_period", "current_and_next"]
    assert answer["periods"] == [{"start": "2024-01-10", "end": "2024-01-15"}]
    assert answer["total"] == 86_794
    assert answer["total_in_words"] == "Tám mươi sáu nghìn bảy trăm chín mươi tư đồng"


def test_a_proration_option_picks_the_longer_quote(capsys: pytest.CaptureFixture[str]) -> None:
    request = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    request["proration_option"] = "current_and_next"
    _, out, _ = run(capsys, "quote", "--json", json.dumps(request))
    assert json.loads(out)["total"] == 19_094_794


def test_a_blocked_cart_answers_ok_false_with_reason_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    request = {
        "today": "2026-11-24",
        "cart": [
            {"solution": "workspace", "tier": "standard", "cycle": "monthly", "seats": 12},
            {"solution": "process", "tier": "starter", "cycle": "monthly", "seats": 10},
        ],
    }
    code, out, _ = run(capsys, "quote", "--json", json.dumps(request))
    (blocked,) = json.loads(out)["blocked"]
    assert code == 0
    assert blocked["rule"] == "S2"
    assert blocked["reason"] == (
        "Gói Quy trình vận hành phải có 12 người dùng — bằng số người dùng của Không gian làm việc số."
    )
    assert blocked["fix"] == {"action": "set_seats", "solution": "process", "value": 12}


def test_reasons_come_in_english_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    request = {
        "today": "2026-11-24",
        "cart": [{"solution": "workspace", "tier": "starter", "cycle": "monthly", "seats": 1}],
    }
    _, out, _ = run(capsys, "quote", "--locale", "en", "--json", json.dumps(request))
    assert json.loads(out)["blocked"][0]["reason"] == "Digital Workspace needs at least 2 users; you chose 1."


@pytest.mark.parametrize(
    ("request_text", "message"),
    [
        (
            "{bad",
            "request: not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2",
        ),
        ('{"cart": []}', "today: missing"),
        ('{"today": "2024-13-01", "cart": []}', "today: not a date (YYYY-MM-DD): '2024-13-01'"),
        (
            '{"today": "2024-01-01", "cart": [{"solution": "crm", "tier": "x", "cycle": "monthly"}]}',
            "cart[0].solution: unknown 'crm' (known: workspace, process, appbuilder)",
        ),
        (
            '{"today": "2024-01-01", "cart": [{"solution": "workspace", "tier": "starter", '
            '"cycle": "weekly"}]}',
            "cart[0].cycle: unknown 'weekly' (known: monthly, yearly)",
        ),
        (
            '{"today": "2024-01-01", "cart": [{"solution": "workspace", "tier": "starter", '
            '"cycle": "monthly", "seats": "5"}]}',
            "cart[0].seats: must be int, not '5'",
        ),
        ('{"today": "2024-01-01", "cart": []}', "cart: empty, nothing to quote"),
        ("[]", "request: must be a JSON object"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], request_text: str, message: str
) -> None:
    code, out, err = run(capsys, "quote", "--json", request_text)
    assert (code, out, err) == (2, "", f"cleeksy-bot quote: {message}\n")


def test_a_missing_request_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "quote", "--json", f"@{tmp_path / 'nope.json'}")
    assert code == 2 and err.startswith("cleeksy-bot quote: ") and "cannot read" in err


def test_a_bad_catalogue_setting_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "quote", "--catalogue", str(tmp_path / "none.toml"), "--json", f"@{EXAMPLE}")
    assert code == 2 and "none.toml: cannot read" in err


def test_the_console_script_and_python_m_bot_run_without_a_traceback() -> None:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "quote", "--json", f"@{EXAMPLE}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "quote", "--json", "{"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"] is True
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.splitlines()) == 1


_WS = {
    "solution": "workspace",
    "tier": "standard",
    "seats": 5,
    "cycle": "yearly",
    "period_start": "2026-01-01",
    "period_end": "2027-01-01",
    "status": "active",
}


@pytest.mark.parametrize(
    ("cart_or_extra", "message"),
    [
        (
            {"coupon": {"code": "x", "percent_off": 10, "usage": {"total": "abc"}}},
            "coupon.usage.total: must be int, not 'abc'",
        ),
        (
            {"coupon": {"code": "x", "percent_off": 10, "cycles": "yearly"}},
            "coupon.cycles: must be a list of ids",
        ),
        ({"coupon": {"code": "  ", "percent_off": 10}}, "coupon.code: must not be blank"),
        ({"addons": {"storage": 10**11}}, "addons.storage: must be between 0 and 100000"),
        ({"today": "9999-06-01"}, "today: must be between 2000 and 2999"),
        (
            {"month": 3},
            "month: unknown field (known: addons, cart, coupon, customer, months, proration_option, today)",
        ),
        ({"months": 0}, "months: must be between 1 and 120"),
        (
            {"cart": [{"solution": "workspace", "tier": "standard", "cycle": "yearly", "seat": 5}]},
            "cart[0].seat: unknown field (known: cycle, seats, solution, tier)",
        ),
        (
            {"customer": {"subscriptions": [_WS, _WS]}},
            "customer.subscriptions: workspace appears twice",
        ),
        (
            {"customer": {"subscriptions": [{**_WS, "anchor_day": 32}]}},
            "customer.subscriptions[0].anchor_day: must be a day of the month, 1 to 31",
        ),
    ],
)
def test_odd_input_is_refused_in_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str], cart_or_extra: dict[str, object], message: str
) -> None:
    request = {
        "today": "2026-11-24",
        "cart": [{"solution": "workspace", "tier": "standard", "cycle": "yearly", "seats": 5}],
        **cart_or_extra,
    }
    assert run(capsys, "quote", "--json", json.dumps(request)) == (2, "", f"cleeksy-bot quote: {message}\n")
