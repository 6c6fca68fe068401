"""`cleeksy-bot orders create|show` (interfaces.md): a sales-assisted order and its story."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from billing_core.vnpay.signing import verify_fields
from bot import cli_orders
from tests.bot.conftest import run

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
NOW = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
WORKSPACE = '{"cart": [{"solution": "workspace", "tier": "standard", "cycle": "yearly", "seats": 5}]}'


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNPAY_TMN_CODE", "CLEEKSY1")
    monkeypatch.setenv("VNPAY_HASH_SECRET", SECRET)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://bot.example.vn")
    monkeypatch.setattr(cli_orders, "clock", lambda: NOW)


def create(capsys: pytest.CaptureFixture[str], request: str = WORKSPACE, *extra: str) -> dict[str, object]:
    code, out, err = run(capsys, "orders", "create", "--telegram-user-id", "42", "--json", request, *extra)
    assert (code, err) == (0, ""), err
    answer: dict[str, object] = json.loads(out)
    return answer


def test_create_prints_a_signed_vnpay_link_for_the_quoted_amount(capsys: pytest.CaptureFixture[str]) -> None:
    order = create(capsys)
    assert set(order) == {"order_id", "status", "txn_ref", "amount", "payment_url", "expires_at"}
    assert (order["status"], order["amount"]) == ("pending", 5_184_000)  # 6.000.000 - 20% + VAT 8%
    assert order["expires_at"] == "2026-11-24T03:15:00+00:00"  # PAYMENT_TIMEOUT_MINUTES
    url = urlsplit(str(order["payment_url"]))
    assert url.netloc == "sandbox.vnpayment.vn"
    fields = dict(parse_qsl(url.query))
    assert verify_fields(fields, SECRET)
    assert fields["vnp_Amount"] == "518400000" and fields["vnp_TxnRef"] == order["txn_ref"]
    assert fields["vnp_ReturnUrl"] == "https://bot.example.vn/vnpay/return"
    assert (fields["vnp_CreateDate"], fields["vnp_ExpireDate"]) == ("20261124100000", "20261124101500")


def test_the_payment_link_carries_vnpay_ip_addr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VNPAY_IP_ADDR", "203.0.113.7")
    fields = dict(parse_qsl(urlsplit(str(create(capsys)["payment_url"])).query))
    assert fields["vnp_IpAddr"] == "203.0.113.7"


def test_the_same_client_token_gives_the_same_order(capsys: pytest.CaptureFixture[str]) -> None:
    first = create(capsys, WORKSPACE, "--client-token", "call-1")
    again = create(capsys, WORKSPACE, "--client-token", "call-1")
    assert again["order_id"] == first["order_id"] and again["amount"] == first["amount"]
    assert again["txn_ref"] != first["txn_ref"]  # a new attempt: VNPAY refuses a repeated ref


def test_show_tells_the_order_its_lines_and_payments(capsys: pytest.CaptureFixture[str]) -> None:
    order = create(capsys)
    code, out, _ = run(capsys, "orders", "show", str(order["order_id"]))
    story = json.loads(out)
    assert code == 0 and (story["status"], story["telegram_user_id"], story["invoice"]) == (
        "pending",
        42,
        None,
    )
    assert [(x["kind"], x["solution"], x["net"]) for x in story["lines"]] == [("new", "workspace", 4_800_000)]
    assert [(p["txn_ref"], p["status"]) for p in story["payments"]] == [(order["txn_ref"], "pending")]


def test_an_order_nothing_is_left_to_pay_for_is_paid_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "coupons", "add", "FREE100", "--percent", "100")[0] == 0
    request = json.loads(WORKSPACE) | {"coupon": "free100"}
    order = create(capsys, json.dumps(request))
    assert (order["status"], order["amount"], order["payment_url"]) == ("paid", 0, None)
    story = json.loads(run(capsys, "orders", "show", str(order["order_id"]))[1])
    assert story["invoice"]["symbol"] == "C26TAA" and story["payments"] == []


@pytest.mark.parametrize(
    ("request_text", "message"),
    [
        (
            '{"cart": [{"solution": "process", "tier": "standard", "cycle": "yearly", "seats": 5}]}',
            "[D1] Process needs Digital Workspace on the Starter tier or higher.",
        ),
        ('{"customer": {}, "cart": []}', "customer: comes from the database for a real order; leave it out"),
        ('{"today": "2024-01-10", "cart": []}', "today: an order is for today (2026-11-24); leave it out"),
        (
            '{"cart": [], "coupon": {"code": "X"}}',
            "coupon: give the code of a coupon added with `coupons add`",
        ),
        ('{"cart": [{"solution": "crm"}]}', "cart[0].tier: missing"),
    ],
)
def test_bad_requests_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], request_text: str, message: str
) -> None:
    code, out, err = run(capsys, "orders", "create", "--telegram-user-id", "42", "--json", request_text)
    assert (code, out, err) == (2, "", f"cleeksy-bot orders: {message}\n")


def test_missing_vnpay_settings_are_named(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VNPAY_HASH_SECRET")
    code, _, err = run(capsys, "orders", "create", "--telegram-user-id", "42", "--json", WORKSPACE)
    assert (code, err) == (
        2,
        "cleeksy-bot orders: VNPAY_HASH_SECRET: missing (set it in the environment or .env)\n",
    )


def test_show_of_an_unknown_order_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "orders", "show", "999") == (2, "", "cleeksy-bot orders: no order 999\n")
