"""conversation.md "Customer: after buying", end to end on each framework: once paid, "Gói của tôi"
shows the plan read from the database, V1's switch is saved, and "Hóa đơn" lists the invoice
issued with the payment."""

from __future__ import annotations

from sqlalchemy import select

from billing_core.storage.database import session_factory
from billing_core.storage.models import Invoice, Subscription
from tests.handlers.conftest import Product
from tests.handlers.purchases import buy_and_pay


async def test_my_plan_shows_what_was_bought_and_switches_its_renewal(product: Product) -> None:
    an = await buy_and_pay(product, product.customer())
    await an.tap("Gói của tôi")
    assert an.text.splitlines()[:5] == [
        "Gói của bạn:",
        "",
        "Không gian làm việc số Standard · 5 người dùng · theo năm",
        "Kỳ hiện tại: 24/11/2026 – 23/11/2027",
        "Gia hạn thủ công",
    ], an.text
    await an.tap("Không gian làm việc số: chuyển sang gia hạn tự động")
    assert an.text.startswith("Không gian làm việc số sẽ được gia hạn tự động."), an.text
    async with session_factory(product.live.engine)() as s:
        sub = await s.scalar(select(Subscription))
    assert sub is not None and sub.renewal_mode == "automatic"


async def test_invoices_lists_the_invoice_of_the_paid_order(product: Product) -> None:
    an = await buy_and_pay(product, product.customer())
    await an.send("/invoices")
    async with session_factory(product.live.engine)() as s:
        invoice = await s.scalar(select(Invoice))
    assert invoice is not None
    label = f"{invoice.form}{invoice.symbol}-{invoice.number:08d}"
    assert f"Số {label} · 24/11/2026 · 5.184.000\xa0₫" in an.text, an.text
    assert an.message_with(f"📄 {label}")


async def test_a_new_customer_has_no_plan_and_is_offered_to_buy(product: Product) -> None:
    bao = await product.customer("Bảo").start()
    await bao.send("/plan")
    assert bao.text.startswith("Bạn chưa có gói nào."), bao.text
    await bao.tap("Mua gói")
    assert bao.text.startswith("Bạn muốn mua giải pháp nào?"), bao.text
