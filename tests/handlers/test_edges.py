"""What goes wrong in real chats, end to end on each framework over HTTP: a forged or old button, a
burst of messages from one chat, a failed payment, a change of language."""

from __future__ import annotations

from sqlalchemy import select

from billing_core.storage.database import session_factory
from billing_core.storage.models import Customer as CustomerRow
from billing_core.storage.models import Order
from bot.vnpay_sandbox import Outcome
from tests.handlers.conftest import Product
from tests.handlers.purchases import BILLING, buy_and_pay


async def test_a_button_copied_from_another_customers_chat_is_refused(product: Product) -> None:
    an = await product.customer("An").start()
    await an.tap("Mua gói")
    bao = await product.customer("Bảo").start()
    an_solution = an.message_with("Không gian làm việc số")
    forged = an_solution.button_data("Không gian làm việc số")
    conversation = product.live.bot.conversation
    before = conversation.handled
    query = await product.api.press(bao.user, bao.message_with("Mua gói"), forged)
    await conversation.wait_handled(before + 1)
    answer = await product.api.answer_of(query)
    assert answer.text == "Nút này không còn hiệu lực."
    assert bao.text.startswith("Nút này thuộc một tin nhắn cũ."), bao.text
    assert "Mua gói" in [b["text"] for b in bao.message_with("Mua gói").buttons]  # Bảo: still the menu
    assert an.text.startswith("Bạn muốn mua giải pháp nào?")  # An: untouched


async def test_an_old_button_shows_where_the_customer_is_now(product: Product) -> None:
    an = await product.customer().start()
    menu = an.message_with("Mua gói")
    await an.tap("Mua gói")
    await an.tap("Không gian làm việc số")
    conversation = product.live.bot.conversation
    before = conversation.handled
    await product.api.press(an.user, menu, menu.button_data("Hóa đơn"))
    await conversation.wait_handled(before + 1)
    assert an.text.startswith("Nút này thuộc một tin nhắn cũ. Bạn đang ở bước này:"), an.text
    assert "Standard" in an.text  # the tier cards, the step An is at


async def test_a_burst_of_answers_from_one_chat_is_handled_in_order(product: Product) -> None:
    an = product.customer()
    await an.start()
    for label in ("Mua gói", "Không gian làm việc số", "Standard"):
        await an.tap(label)
    await an.send("5")
    await an.tap("Xong")
    await an.tap("Năm")
    await an.tap("Bỏ qua")
    conversation = product.live.bot.conversation
    before = conversation.handled
    for answer in BILLING:  # typed quickly: sent before the bot answers the first
        await product.api.send_text(an.user, answer)
    await conversation.wait_handled(before + len(BILLING))
    assert an.text.startswith("Bạn có cần xuất hóa đơn GTGT không?"), an.text
    await an.tap("Không cần")
    await an.tap("Gia hạn thủ công")
    shown = an.text.splitlines()
    company, person, _, email, address = BILLING
    for field in (f"Tên doanh nghiệp: {company}", f"Người đại diện: {person}", "Số điện thoại: 0912345678"):
        assert field in shown, (field, an.text)
    assert f"Email: {email}" in shown and f"Địa chỉ: {address}" in shown


async def test_a_failed_payment_says_why_and_pays_again_with_a_new_link(product: Product) -> None:
    an = await buy_and_pay(product, product.customer(), Outcome.INSUFFICIENT_FUNDS)
    assert an.saw("tài khoản của bạn không đủ số dư"), an.text
    first = an.url_of("Thanh toán qua VNPAY")
    await an.tap("Thanh toán lại")
    second = an.url_of("Thanh toán qua VNPAY")
    assert second != first
    await product.vnpay.pay(second, Outcome.SUCCESS)
    assert an.saw("Thanh toán thành công"), an.text
    async with session_factory(product.live.engine)() as s:
        orders = (await s.scalars(select(Order))).all()
    # The failed order stays as it was (its coupon released, K2); paying again is a new order.
    assert [o.status for o in orders] == ["failed", "paid"]


async def test_language_changes_the_chat_and_is_remembered(product: Product) -> None:
    an = await product.customer().start()
    await an.send("/language")
    assert an.text == "Chọn ngôn ngữ:", an.text
    await an.tap("English")
    assert an.text.startswith("Hello! I am the Cleeksy purchase assistant."), an.text
    async with session_factory(product.live.engine)() as s:
        row = await s.scalar(select(CustomerRow))
    assert row is not None and row.language == "en"
    await an.start()
    assert "Buy a plan" in [b["text"] for b in an.message_with("Buy a plan").buttons]


async def test_english_is_used_at_first_contact_for_an_english_telegram(product: Product) -> None:
    jo = await product.customer("Jo", language_code="en-GB").start()
    assert jo.text.startswith("Hello!"), jo.text


async def test_a_screen_sent_anew_because_its_message_was_deleted_keeps_working(product: Product) -> None:
    an = await product.customer().start()
    await an.tap("Mua gói")
    screen = an.message_with("Không gian làm việc số")
    product.api.world.delete(screen)  # the customer deleted it
    conversation = product.live.bot.conversation
    handled = conversation.handled
    await product.api.press(an.user, screen, screen.button_data("Không gian làm việc số"))
    await conversation.wait_handled(handled + 1)
    await an.tap("Standard")  # on the tier screen the bot had to send as a new message
    assert an.text.startswith("Bạn cần bao nhiêu người dùng"), an.text
