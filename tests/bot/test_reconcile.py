"""Reconciliation (vnpay-notes §3): orders whose IPN never came are settled by asking VNPAY
(querydr) — here the sandbox stand-in over real HTTP, whose IPN calls go nowhere."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest
from multidict import MultiDict
from sqlalchemy import select

from billing_core.storage.models import Invoice, Subscription
from billing_core.storage.payments import IpnOutcome, receive_ipn
from billing_core.storage.reconciliation import GIVE_UP_AFTER, reconcile
from billing_core.vnpay.api_client import TransactionResult, VnpayApiConfig, VnpayApiUnreachable
from bot.reconcile_job import reconcile_now
from bot.scheduler import Job, Scheduler
from bot.vnpay_sandbox import API_PATH, Outcome, SandboxConfig, VnpaySandbox
from tests.billing_core.storage.conftest import NOW, customer, order
from tests.bot.conftest import SECRET, Sessions, callback, order_status, pending_order, pending_payment, run
from tests.http_serving import serve

PAYING = NOW + dt.timedelta(minutes=2)  # on VNPAY's page, before the 15-minute link expires
LATER = NOW + dt.timedelta(minutes=30)  # past expiry plus the 10-minute margin
NOWHERE = "http://127.0.0.1:9/vnpay/ipn"  # the IPN is lost: nothing listens there


@dataclass
class Vnpay:
    sandbox: VnpaySandbox
    api: VnpayApiConfig
    clock: list[dt.datetime]


@pytest.fixture
async def vnpay() -> AsyncIterator[Vnpay]:
    clock = [PAYING]
    sandbox = VnpaySandbox(SandboxConfig("CLEEKSY1", SECRET, NOWHERE, clock=lambda: clock[0]))
    async with serve(sandbox.app()) as base:
        yield Vnpay(sandbox, VnpayApiConfig(base + API_PATH, "CLEEKSY1", SECRET, "127.0.0.1"), clock)


async def _reconcile(
    sessions: Sessions, vnpay: Vnpay, told: list[IpnOutcome] | None = None
) -> dict[int, str]:
    async def on_settled(outcome: IpnOutcome) -> None:
        (told if told is not None else []).append(outcome)

    results = await reconcile_now(sessions, vnpay.api, lambda: LATER, "workspace", on_settled)
    return {r.order_id: r.result for r in results}


async def test_a_payment_whose_ipn_was_lost_is_settled_like_the_ipn_would(
    sessions: Sessions, vnpay: Vnpay
) -> None:
    order_id, link, _amount = await pending_payment(sessions)
    paid = await vnpay.sandbox.pay(link.url, Outcome.SUCCESS)
    assert paid.ipn.answer is None  # VNPAY could not reach us
    told: list[IpnOutcome] = []
    assert await _reconcile(sessions, vnpay, told) == {order_id: "paid"}
    async with sessions() as s:
        sub = await s.scalar(select(Subscription))
        invoice = await s.scalar(select(Invoice).where(Invoice.order_id == order_id))
    assert await order_status(sessions, order_id) == "paid"
    assert sub is not None and (sub.status, sub.tier, sub.seats) == ("active", "standard", 5)
    assert invoice is not None and invoice.number == 1
    assert [(o.order_id, o.paid) for o in told] == [(order_id, True)]
    assert await _reconcile(sessions, vnpay) == {}  # nothing is pending any more


async def test_a_link_never_opened_expires_and_gives_its_coupon_use_back(
    sessions: Sessions, vnpay: Vnpay
) -> None:
    order_id, _txn_ref, _amount = await pending_order(sessions)  # VNPAY answers 91: not found
    never_linked = await order(sessions, await customer(sessions, 2002), "no-link")
    assert await _reconcile(sessions, vnpay) == {order_id: "expired", never_linked: "expired"}
    assert await order_status(sessions, order_id) == "expired"
    assert await order_status(sessions, never_linked) == "expired"


async def test_a_payment_cancelled_on_vnpay_expires_the_order(sessions: Sessions, vnpay: Vnpay) -> None:
    order_id, link, _amount = await pending_payment(sessions)
    await vnpay.sandbox.pay(link.url, Outcome.CANCEL)
    assert await _reconcile(sessions, vnpay) == {order_id: "expired"}


async def test_a_payment_still_open_on_vnpay_stays_pending(sessions: Sessions, vnpay: Vnpay) -> None:
    order_id, link, _amount = await pending_payment(sessions)
    vnpay.sandbox.open_payment(MultiDict(parse_qsl(urlsplit(link.url).query)))
    assert await _reconcile(sessions, vnpay) == {order_id: "pending"}
    assert await order_status(sessions, order_id) == "pending"


async def test_an_order_inside_its_margin_is_not_asked_about(sessions: Sessions, vnpay: Vnpay) -> None:
    await pending_order(sessions)
    results = await reconcile_now(sessions, vnpay.api, lambda: NOW + dt.timedelta(minutes=20), "workspace")
    assert results == []


async def test_when_vnpay_cannot_be_reached_nothing_changes(sessions: Sessions) -> None:
    order_id, _txn_ref, _amount = await pending_order(sessions)
    unreachable = VnpayApiConfig("http://127.0.0.1:9" + API_PATH, "CLEEKSY1", SECRET, "127.0.0.1", 2)
    results = await reconcile_now(sessions, unreachable, lambda: LATER, "workspace")
    assert [(r.order_id, r.result) for r in results] == [(order_id, "pending")]
    assert await order_status(sessions, order_id) == "pending"


async def test_a_success_vnpay_confirms_after_expiry_still_pays_the_order(
    sessions: Sessions, vnpay: Vnpay
) -> None:
    order_id, link, amount = await pending_payment(sessions)
    assert await _reconcile(sessions, vnpay) == {order_id: "expired"}
    await vnpay.sandbox.pay(link.url, Outcome.SUCCESS)  # paid at the last second
    vnpay.clock[0] = LATER
    assert await _reconcile(sessions, vnpay) == {}  # the order is no longer pending…
    late = await receive_ipn(sessions, callback(link.txn_ref, amount), SECRET, LATER, "workspace")
    assert late.paid and await order_status(sessions, order_id) == "paid"  # …but VNPAY's IPN revives it


def test_the_command_prints_what_it_did(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VNPAY_TMN_CODE", "CLEEKSY1")
    monkeypatch.setenv("VNPAY_HASH_SECRET", SECRET)
    monkeypatch.setenv("VNPAY_API_URL", "http://127.0.0.1:9" + API_PATH)
    code, out, err = run(capsys, "reconcile")
    assert (code, json.loads(out), err) == (0, [], "")
    with pytest.raises(SystemExit) as refused:
        run(capsys, "reconcile", "--margin-minutes", "-1")
    assert refused.value.code == 2 and "must not be negative" in capsys.readouterr().err


def test_the_command_names_a_missing_setting(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "reconcile")
    assert (code, out) == (2, "") and "VNPAY_TMN_CODE: missing" in err


async def test_the_scheduler_runs_a_job_at_once_goes_on_after_a_failure_and_stops_when_asked() -> None:
    runs: list[int] = []
    stopped = asyncio.Event()

    async def job() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("VNPAY was down")
        stopped.set()

    async with Scheduler([Job("reconcile", 0.0, job)]):
        await asyncio.wait_for(stopped.wait(), 5)
    assert runs[:2] == [0, 1]


async def test_a_page_left_open_at_vnpay_expires_once_vnpay_has_long_stopped_retrying(
    sessions: Sessions, vnpay: Vnpay
) -> None:
    order_id, link, _amount = await pending_payment(sessions)
    vnpay.sandbox.open_payment(MultiDict(parse_qsl(urlsplit(link.url).query)))
    much_later = NOW + dt.timedelta(minutes=15) + GIVE_UP_AFTER
    results = await reconcile_now(sessions, vnpay.api, lambda: much_later, "workspace")
    assert [(r.order_id, r.result) for r in results] == [(order_id, "expired")]


async def test_one_order_in_trouble_does_not_stop_the_others(sessions: Sessions) -> None:
    troubled, troubled_ref, _ = await pending_order(sessions, token="a")
    other, _other_ref, _ = await pending_order(sessions, token="b")

    async def query(txn_ref: str, created_at: dt.datetime) -> TransactionResult:
        if txn_ref == troubled_ref:
            raise ValueError("an answer nobody expected")
        raise VnpayApiUnreachable("VNPAY is down")

    results = await reconcile(sessions, query, LATER, "workspace")
    assert [(r.order_id, r.result) for r in results] == [(troubled, "pending"), (other, "pending")]
    assert "an answer nobody expected" in results[0].detail
