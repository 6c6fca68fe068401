"""The playground in a browser (issue 11): a customer buys Workspace Standard yearly for 5 users
with the demo coupon, pays on the VNPAY stand-in's page, sees the success message and downloads
the invoice PDF; then asks for a person, and the agent answers from the support pane. The main
screens are saved under docs/screenshots/ with UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from billing_core.storage.database import session_factory
from billing_core.storage.models import Order
from bot.playground import Playground
from bot.playground.demo import CUSTOMER_ID
from tests.invoices.pdf_reading import text_of

CHROMIUM = Path("/usr/bin/chromium")
async_api = pytest.importorskip(
    "playwright.async_api", reason="the playwright package is not installed (pip install -e '.[test]')"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium, as .ci/run does)"
)

from tests.playground.browser import ChatPane, SupportPane, screenshot, screenshots_dir  # noqa: E402  (needs playwright)

BILLING = (
    ("Công ty TNHH Mây Xanh", "Thông tin thanh toán (2/5)"),
    ("Nguyễn Văn An", "Thông tin thanh toán (3/5)"),
    ("+84 912 345 678", "Thông tin thanh toán (4/5)"),
    ("an@mayxanh.vn", "Thông tin thanh toán (5/5)"),
    ("12 Lý Thường Kiệt, Hà Nội", "Bạn có cần xuất hóa đơn GTGT không?"),
)
GREETING = "Bạn cần mình giúp gì?"


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


async def order_total(play: Playground) -> int:
    async with session_factory(play.live.engine)() as session:
        [amount] = (await session.scalars(select(Order.amount))).all()
    return amount


async def test_buy_pay_download_the_invoice_then_talk_to_a_person(play: Playground, tmp_path: Path) -> None:
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            context = await browser.new_context(
                viewport={"width": 1280, "height": 860}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
            )
            page = await context.new_page()
            await page.goto(play.url)
            chat, support = ChatPane(page), SupportPane(page)
            shots = screenshots_dir(tmp_path)

            await chat.send("/start", then=GREETING)
            await chat.tap("Mua gói", then="Bạn muốn mua giải pháp nào?")
            await chat.tap("Không gian làm việc số", then="Chọn gói cho Không gian làm việc số")
            await chat.tap("Standard", then="Bạn cần bao nhiêu người dùng")
            await chat.tap("5 người dùng", then="Dung lượng mở rộng")
            await chat.tap("Xong", then="theo tháng hay theo năm")
            await chat.tap("Năm", then="Bạn có mã giảm giá không?")
            await chat.send("DEMO10", then="Đã áp dụng mã DEMO10")
            for answer, prompt in BILLING:
                await chat.send(answer, then=prompt)
            await chat.tap("Không cần", then="gia hạn gói theo cách nào")
            await chat.tap("Gia hạn thủ công", then="Mã giảm giá DEMO10")
            await screenshot(page, shots, "playground-review")
            await chat.tap("Xác nhận và thanh toán", then="Đơn hàng số 1")
            total = vnd(await order_total(play))
            await chat.sees(total)

            async with context.expect_page() as opened:
                await chat.messages.get_by_role("link", name="Thanh toán qua VNPAY").last.click()
            vnpay = await opened.value
            await async_api.expect(vnpay.locator(".amount")).to_contain_text(total)
            await screenshot(vnpay, shots, "playground-vnpay")
            await vnpay.get_by_role("button", name="Thanh toán thành công").click()
            await vnpay.wait_for_url("**/vnpay/return**")
            await vnpay.close()

            invoice = chat.messages.locator(".message.in .document").last
            await async_api.expect(invoice).to_contain_text("HD-00000001.pdf", timeout=10_000)
            await async_api.expect(chat.messages).to_contain_text("Thanh toán thành công")
            await screenshot(page, shots, "playground-paid")
            async with page.expect_download() as downloading:
                await invoice.click()
            saved = tmp_path / "invoice.pdf"
            await (await downloading.value).save_as(saved)
            pdf = saved.read_bytes()
            assert pdf.startswith(b"%PDF") and total in text_of(pdf)

            await chat.send("cho mình gặp nhân viên", then="Nhân viên hỗ trợ sẽ trả lời bạn")
            await support.topic_opens(str(CUSTOMER_ID))
            await async_api.expect(support.messages).to_contain_text("An Nguyễn")
            await support.write("Chào anh An, em là Lan. Em xem đơn số 1 giúp anh nhé.")
            await chat.sees("Chào anh An, em là Lan.")
            await screenshot(page, shots, "playground-support")
        finally:
            await browser.close()


async def test_a_new_customer_in_english(play: Playground) -> None:
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = await browser.new_page()
            await page.goto(play.url)
            await async_api.expect(page.locator("#customer-name")).to_have_text("An Nguyễn")
            await page.locator("#language").select_option("en")
            await page.get_by_role("button", name="New customer").click()
            await async_api.expect(page.locator("#customer-name")).to_have_text("Khách")
            chat = ChatPane(page)
            await chat.send("/start", then="What would you like to do?")
            await async_api.expect(chat.button("Buy a plan")).to_be_visible()
        finally:
            await browser.close()
