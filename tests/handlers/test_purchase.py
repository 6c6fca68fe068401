"""conversation.md "Customer: buying", end to end on each framework: a customer buys Không gian làm
việc số Standard yearly for 5 users in the chat, pays on the VNPAY stand-in, and VNPAY's IPN
brings the result back into the chat."""

from __future__ import annotations

from sqlalchemy import select

from billing_core.storage.database import session_factory
from billing_core.storage.models import ConversationState, Order, Subscription
from bot.vnpay_sandbox import Outcome
from tests.handlers.conftest import Product
from tests.handlers.purchases import billing_to_review, to_billing, to_review


async def test_a_customer_buys_pays_on_vnpay_and_is_told_in_the_chat(product: Product) -> None:
    an = await to_review(product.customer())
    assert "Tổng cộng" in an.text and "Bằng chữ" in an.text, an.text
    await an.tap("Xác nhận và thanh toán")
    url = an.url_of("Thanh toán qua VNPAY")
    paid = await product.vnpay.pay(url, Outcome.SUCCESS)
    assert paid.ipn.answer == {"RspCode": "00", "Message": "Confirm Success"}
    assert an.saw("Thanh toán thành công"), an.text
    async with session_factory(product.live.engine)() as s:
        order = await s.scalar(select(Order))
        sub = await s.scalar(select(Subscription))
        state = await s.scalar(select(ConversationState))
    assert order is not None and order.status == "paid"
    assert sub is not None and (sub.solution, sub.tier, sub.seats, sub.cycle) == (
        "workspace",
        "standard",
        5,
        "yearly",
    )
    assert state is not None and state.version > 10  # one write per update, all kept
    assert state.version == product.live.bot.conversation.handled


async def test_V2_a_prospect_who_never_paid_gets_the_saved_details_as_one_tap(product: Product) -> None:
    """A customer who confirmed but never paid holds nothing (no subscription, no trial): the
    bot's first look at them (billing_core/storage/first_look.py) still brings their saved
    billing details, offered at the billing step of their next purchase."""
    an = await to_review(product.customer())
    await an.tap("Xác nhận và thanh toán")  # the order is placed and the details saved; no payment
    await to_billing(an)
    assert "Bạn có muốn dùng thông tin thanh toán đã lưu không?" in an.text, an.text
    assert "Người đại diện: Nguyễn Văn An" in an.text
    await an.tap("Dùng thông tin này")
    await billing_to_review(an)
    assert "Công ty TNHH Mây Xanh" in an.text and "Tổng cộng" in an.text, an.text
