"""Purchases a customer makes in the chat, shared by the end-to-end tests."""

from __future__ import annotations

from bot.vnpay_sandbox import Outcome
from tests.handlers.conftest import Customer, Product

BILLING = (
    "Công ty TNHH Mây Xanh",
    "Nguyễn Văn An",
    "+84 912 345 678",
    "an@mayxanh.vn",
    "12 Lý Thường Kiệt, Hà Nội",
)


async def to_review(an: Customer) -> Customer:
    """Không gian làm việc số Standard, 5 users, yearly, no coupon, no VAT invoice, manual
    renewal: up to the review."""
    await to_billing(an)
    for answer in BILLING:
        await an.send(answer)
    return await billing_to_review(an)


async def to_billing(an: Customer) -> Customer:
    """Không gian làm việc số Standard, 5 users, yearly, no coupon: up to the billing details."""
    await an.start()
    await an.tap("Mua gói")
    await an.tap("Không gian làm việc số")
    await an.tap("Standard")
    await an.send("5 người")
    await an.tap("Xong")
    await an.tap("Năm")
    await an.tap("Bỏ qua")
    return an


async def billing_to_review(an: Customer) -> Customer:
    """Once the billing details are in: no VAT invoice, manual renewal, to the review."""
    await an.tap("Không cần")
    await an.tap("Gia hạn thủ công")
    return an


async def buy_and_pay(product: Product, an: Customer, outcome: Outcome = Outcome.SUCCESS) -> Customer:
    """To the review, confirm, and pay on the VNPAY stand-in with `outcome`."""
    await to_review(an)
    await an.tap("Xác nhận và thanh toán")
    await product.vnpay.pay(an.url_of("Thanh toán qua VNPAY"), outcome)
    return an
