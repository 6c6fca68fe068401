"""GET /vnpay/return shows the result in the customer's language and never changes the order;
GET /healthz (and /health) checks the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from billing_core.storage.database import session_factory, transaction
from billing_core.storage.models import Customer, Order
from bot.http_app import HttpDeps, make_app
from tests.bot.conftest import SECRET, Server, Sessions, callback, order_status, pending_order
from tests.http_serving import serve


async def test_a_success_before_the_ipn_says_vnpay_is_confirming(server: Server, sessions: Sessions) -> None:
    order_id, ref, amount = await pending_order(sessions)
    status, page = await server.page("/vnpay/return", callback(ref, amount))
    assert status == 200
    assert "Thanh toán thành công" in page and f"Đơn hàng số {order_id}: 5.184.000" in page
    assert "VNPAY đang xác nhận thanh toán của bạn" in page
    assert await order_status(sessions, order_id) == "pending"  # IPN is the truth


async def test_after_the_ipn_the_page_says_the_plan_is_active(server: Server, sessions: Sessions) -> None:
    _, ref, amount = await pending_order(sessions)
    await server.ipn(callback(ref, amount))
    _, page = await server.page("/vnpay/return", callback(ref, amount))
    assert "Gói của bạn đã được kích hoạt" in page


async def test_a_cancel_gives_its_reason(server: Server, sessions: Sessions) -> None:
    order_id, ref, amount = await pending_order(sessions)
    status, page = await server.page("/vnpay/return", callback(ref, amount, code="24"))
    assert status == 200 and "Thanh toán chưa hoàn tất" in page and "Bạn đã hủy giao dịch." in page
    assert await order_status(sessions, order_id) == "pending"


async def test_an_english_customer_reads_english(server: Server, sessions: Sessions) -> None:
    _, ref, amount = await pending_order(sessions)
    async with transaction(sessions) as s:
        order = await s.scalar(select(Order))
        assert order is not None
        customer = await s.get(Customer, order.customer_id)
        assert customer is not None
        customer.language = "en"
    _, page = await server.page("/vnpay/return", callback(ref, amount, code="51"))
    assert "The payment failed: your account does not have enough balance." in page


async def test_a_forged_return_is_refused_without_detail(server: Server, sessions: Sessions) -> None:
    _, ref, amount = await pending_order(sessions)
    forged = callback(ref, amount, secret="SOMEONEELSESSECRET0123456789ABCD")
    status, page = await server.page("/vnpay/return", forged)
    assert status == 400 and "Liên kết thanh toán không hợp lệ" in page and "5.184.000" not in page
    assert SECRET not in page


async def test_health_checks_the_database(server: Server, tmp_path: Path) -> None:
    assert await server.page("/healthz") == (200, '{"status": "ok", "database": "ok"}')
    assert await server.page("/health") == (200, '{"status": "ok", "database": "ok"}')
    broken = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a folder: cannot be opened
    app = make_app(HttpDeps(session_factory(broken), SECRET, "workspace"))
    async with serve(app) as base, server.client.get(f"{base}/health") as resp:
        assert (resp.status, await resp.json()) == (503, {"status": "error", "database": "unreachable"})
    await broken.dispose()
