"""Invoice numbers (gapless, per symbol and year) and conversation state (optimistic locking)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from billing_core.invoice_ids import invoice_symbol
from billing_core.storage.conversation_store import StaleState, load_state, save_state
from billing_core.storage.database import make_engine, session_factory, transaction
from billing_core.storage.invoice_numbers import issue_invoice
from billing_core.storage.units import in_session
from tests.billing_core.storage.conftest import NOW, Sessions, customer, order


def test_the_symbol_carries_the_issue_year() -> None:
    assert invoice_symbol(dt.date(2026, 11, 24)) == "C26TAA"
    assert invoice_symbol(dt.date(2027, 1, 1), authority_code="K", seller="CL") == "K27TCL"
    with pytest.raises(ValueError):
        invoice_symbol(dt.date(2026, 1, 1), type_letter="X")


async def test_fifty_concurrent_paid_orders_get_fifty_consecutive_numbers(sessions: Sessions) -> None:
    cid = await customer(sessions)
    order_ids = [await order(sessions, cid, f"t{i}") for i in range(50)]

    async def invoice(oid: int) -> int:
        async with transaction(sessions) as s:
            return (await in_session(s, issue_invoice, oid, NOW, dt.date(2026, 11, 24))).number

    numbers = await asyncio.gather(*(invoice(oid) for oid in order_ids))
    assert sorted(numbers) == list(range(1, 51))


async def test_an_invoice_is_issued_once_and_numbers_restart_each_year(sessions: Sessions) -> None:
    cid = await customer(sessions)
    first, second, third = [await order(sessions, cid, f"t{i}") for i in range(3)]
    async with transaction(sessions) as s:
        a = await in_session(s, issue_invoice, first, NOW, dt.date(2026, 12, 31))
        again = await in_session(s, issue_invoice, first, NOW, dt.date(2026, 12, 31))
        b = await in_session(s, issue_invoice, second, NOW, dt.date(2026, 12, 31))
        c = await in_session(s, issue_invoice, third, NOW, dt.date(2027, 1, 1))
    assert (a.id, a.number) == (again.id, 1)
    assert (b.symbol, b.number, c.symbol, c.number) == ("C26TAA", 2, "C27TAA", 1)


async def test_a_rolled_back_payment_gives_its_number_back(sessions: Sessions) -> None:
    cid = await customer(sessions)
    first, second = await order(sessions, cid, "a"), await order(sessions, cid, "b")
    with pytest.raises(RuntimeError):
        async with transaction(sessions) as s:
            await in_session(s, issue_invoice, first, NOW, dt.date(2026, 11, 24))
            raise RuntimeError("payment handling failed")
    async with transaction(sessions) as s:
        assert (await in_session(s, issue_invoice, second, NOW, dt.date(2026, 11, 24))).number == 1


async def test_a_stale_write_of_the_conversation_is_refused(sessions: Sessions) -> None:
    async with transaction(sessions) as s:
        assert await in_session(s, load_state, 42) is None
        assert await in_session(s, save_state, 42, {"step": "tier"}, None, NOW) == 1
    async with transaction(sessions) as s:
        assert await in_session(s, save_state, 42, {"step": "seats"}, 1, NOW) == 2
    with pytest.raises(StaleState):
        async with transaction(sessions) as s:
            await in_session(s, save_state, 42, {"step": "cycle"}, 1, NOW)
    with pytest.raises(StaleState):
        async with transaction(sessions) as s:
            await in_session(s, save_state, 42, {"step": "new"}, None, NOW)


async def test_state_survives_a_restart(engine: AsyncEngine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with transaction(session_factory(engine)) as s:
        await in_session(s, save_state, 7, {"step": "review", "cart": [{"solution": "workspace"}]}, None, NOW)
    await engine.dispose()
    fresh = make_engine(url)
    try:
        async with session_factory(fresh)() as s:
            assert await in_session(s, load_state, 7) == (
                {"step": "review", "cart": [{"solution": "workspace"}]},
                1,
            )
    finally:
        await fresh.dispose()
