"""A running HTTP server over a migrated database, and VNPAY callbacks signed like VNPAY's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from billing_core.quote import Quote
from billing_core.storage.checkout import PaymentLink, open_payment
from billing_core.storage.database import transaction
from billing_core.storage.models import Order
from billing_core.storage.payments import IpnOutcome
from billing_core.vnpay.merchant import VnpayMerchant
from bot.cli import main
from bot.http_app import HttpDeps, make_app
from bot.settings import Settings
from bot.vnpay_sandbox import signed_callback
from tests.billing_core.storage.conftest import (
    NOW,
    Sessions,
    customer,
    engine,
    order,
    sessions,
    workspace_quote,
)
from tests.http_serving import serve

__all__ = ["Sessions", "engine", "sessions", "workspace_quote"]

SECRET = "CLEEKSYTESTSECRET0123456789ABCDE"
MERCHANT = VnpayMerchant(
    "CLEEKSY1", SECRET, "http://127.0.0.1:9/paymentv2/vpcpay.html", "http://127.0.0.1:8080/vnpay/return"
)


@dataclass
class Server:
    base: str
    client: aiohttp.ClientSession
    told: list[IpnOutcome] = field(default_factory=list)

    async def ipn(self, params: dict[str, str]) -> dict[str, str]:
        async with self.client.get(f"{self.base}/vnpay/ipn", params=params) as resp:
            assert resp.status == 200
            body: dict[str, str] = await resp.json()
            return body

    async def page(self, path: str, params: dict[str, str] | None = None) -> tuple[int, str]:
        async with self.client.get(f"{self.base}{path}", params=params) as resp:
            return resp.status, await resp.text()


@pytest.fixture
async def server(sessions: Sessions) -> AsyncIterator[Server]:
    told: list[IpnOutcome] = []

    async def on_settled(outcome: IpnOutcome) -> None:
        told.append(outcome)

    app = make_app(HttpDeps(sessions, SECRET, "workspace", clock=lambda: NOW, on_settled=on_settled))
    async with serve(app) as base, aiohttp.ClientSession() as client:
        yield Server(base, client, told)


def callback(txn_ref: str, amount: int, code: str = "00", secret: str = SECRET) -> dict[str, str]:
    """A callback as VNPAY sends it (a success, or a failure with `code`), signed with `secret`."""
    return signed_callback(
        tmn_code="CLEEKSY1",
        secret=secret,
        txn_ref=txn_ref,
        amount_vnd=amount,
        response_code=code,
        transaction_status="00" if code == "00" else "02",
        transaction_no="14422574" if code == "00" else "0",
        pay_date=NOW,
        order_info="Thanh toan don hang",
    )


async def pending_payment(
    sessions: Sessions, q: Quote | None = None, token: str = "t1"
) -> tuple[int, PaymentLink, int]:
    """A pending order with one payment attempt: (order id, its VNPAY link, amount)."""
    order_id = await order(sessions, await customer(sessions), token, q)
    async with transaction(sessions) as s:
        row = await s.get(Order, order_id)
        assert row is not None
        return order_id, await open_payment(s, MERCHANT, row, "vi", NOW), row.amount


async def pending_order(
    sessions: Sessions, q: Quote | None = None, token: str = "t1"
) -> tuple[int, str, int]:
    """A pending order with one payment attempt: (order id, txn_ref, amount)."""
    order_id, link, amount = await pending_payment(sessions, q, token)
    return order_id, link.txn_ref, amount


async def order_status(sessions: Sessions, order_id: int) -> str:
    async with sessions() as s:
        order = await s.get(Order, order_id)
        assert order is not None
        return order.status


@pytest.fixture(autouse=True)
def cli_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No setting leaks in from the shell or a `.env`: each test starts in its own folder with
    its own SQLite file, and sets what else it needs."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`cleeksy-bot ARGS`: exit status, stdout, stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
