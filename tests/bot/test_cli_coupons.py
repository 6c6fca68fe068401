"""`cleeksy-bot migrate`, `coupons add|list|disable`, and `quote` resolving a typed code (K2)."""

from __future__ import annotations

import json

import pytest

from tests.bot.conftest import run


def test_migrate_then_add_list_and_disable(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "migrate")[0] == 0
    assert run(
        capsys, "coupons", "add", "tet2027", "--percent", "10", "--max-uses", "100", "--until", "2027-02-28"
    ) == (0, "added TET2027\n", "")
    code, out, _ = run(capsys, "coupons", "list")
    assert code == 0 and out == "TET2027\t10%\tused 0/100\t..2027-02-28\tactive\n"
    assert run(capsys, "coupons", "disable", "TET2027")[0] == 0
    assert run(capsys, "coupons", "list")[1] == "TET2027\t10%\tused 0/100\t..2027-02-28\tdisabled\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("coupons", "add", "X", "--percent", "0"), "percent_off must be between 1 and 100"),
        (
            ("coupons", "add", "X", "--amount", "5", "--until", "31/12/2026"),
            "--until: not a date (YYYY-MM-DD): '31/12/2026'",
        ),
        (("coupons", "disable", "NOPE"), "no coupon NOPE"),
    ],
)
def test_bad_coupon_commands_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert run(capsys, *args) == (2, "", f"cleeksy-bot coupons: {message}\n")


def test_a_duplicate_code_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "coupons", "add", "TET", "--percent", "10")
    assert (
        run(capsys, "coupons", "add", "tet", "--amount", "5000")[2]
        == "cleeksy-bot coupons: a coupon TET already exists\n"
    )


def test_quote_looks_a_typed_code_up(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "coupons", "add", "GIAM50K", "--amount", "50000")
    request = {
        "today": "2026-11-24",
        "coupon": " giam50k ",
        "cart": [{"solution": "workspace", "tier": "standard", "cycle": "monthly", "seats": 5}],
    }
    code, out, _ = run(capsys, "quote", "--json", json.dumps(request))
    answer = json.loads(out)
    assert code == 0 and answer["discounts"] == [
        {"kind": "coupon", "percent": None, "code": "GIAM50K", "amount": 50_000}
    ]
    request["coupon"] = "NOSUCH"
    assert (
        json.loads(run(capsys, "quote", "--json", json.dumps(request))[1])["blocked"][0]["code"]
        == "K2.unknown"
    )
