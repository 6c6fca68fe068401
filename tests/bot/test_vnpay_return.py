"""GET /vnpay/return shows the result in the customer's language and never changes the order;
GET /health checks the database."""

from __future__ import annotations

from sqlalchemy import select

from billing_core.storage.database import transaction
from billing_core.storage.models import Customer, Order
from tests.bot.conftest import SECRET, Server, Sessions, callback, pending_order


async def _status(sessions: Sessions, order_id: int) -> str:
    async with sessions() as s:
        order = await s.get(Order, order_id)
        assert order is not None
        return order.status


async def test_a_success_before_the_ipn_says_vnpay_is_confirming(server: Server, sessions: Sessions) -> None:
    order_id, ref, amount = await pending_order(sessions)
    status, page = await server.page("/vnpay/return", callback(ref, amount))
    assert status == 200
    assert "Thanh toán thành công" in page and f"Đơn hàng số {order_id}: 5.184.000" in page
    assert "VNPAY đang xác nhận thanh toán của bạn" in page
    assert await _status(sessions, order_id) == "pending"  # IPN is the truth


async def test_after_the_ipn_the_page_says_the_plan_is_active(server: Server, sessions: Sessions) -> None:
    _, ref, amount = await pending_order(sessions)
    await server.ipn(callback(ref, amount))
    _, page = await server.page("/vnpay/return", callback(ref, amount))
    assert "Gói của bạn đã được kích hoạt" in page


async def test_a_cancel_gives_its_reason(server: Server, sessions: Sessions) -> None:
    order_id, ref, amount = await pending_order(sessions)
    status, page = await server.page("/vnpay/return", callback(ref, amount, code="24"))
    assert status == 200 and "Thanh toán chưa hoàn tất" in page and "Bạn đã hủy giao dịch." in page
    assert await _status(sessions, order_id) == "pending"


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


async def test_health_checks_the_database(server: Server) -> None:
    assert await server.page("/health") == (200, '{"status": "ok"}')
