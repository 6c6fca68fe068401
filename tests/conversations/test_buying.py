"""conversation.md "Customer: buying", 1–13, as the customer sees it."""

from __future__ import annotations

import pytest

from billing_core.periods import Cycle
from conversations import (
    Button,
    LoadCustomer,
    OpenSupport,
    PaymentStatus,
    PlaceOrder,
    SaveBillingProfile,
    SendInvoice,
    Step,
    handle,
)
from tests.conversations.chat import PROFILE, SAVED_VAT, Chat
from tests.conversations.scripts import chat_at, new_chat


def test_start_greets_and_shows_the_menu() -> None:
    chat = Chat().start()
    assert "Xin chào" in chat.text
    assert chat.labels == [
        "Mua gói",
        "Dùng thử miễn phí 30 ngày",  # T1: a new customer's free trial
        "Gói của tôi",
        "Hóa đơn",
        "Gặp nhân viên hỗ trợ",
    ]


def test_the_solutions_and_the_bundle_are_offered() -> None:
    chat = new_chat().tap("Mua gói")
    assert chat.labels == [
        "Không gian làm việc số",
        "Quy trình vận hành",
        "Xây dựng ứng dụng",
        "Trọn bộ 3 giải pháp",
        "Quay lại",
        "Hủy",
    ]
    assert "giảm thêm 10%" in chat.text


def test_C3_tier_cards_show_the_price_per_user_per_month_and_the_features() -> None:
    chat = new_chat().tap("Mua gói").tap("Không gian làm việc số")
    assert "Standard: 100.000\xa0₫/người dùng/tháng" in chat.text
    assert "• Báo cáo nâng cao và quản lý mục tiêu (OKR)" in chat.text
    assert chat.labels[:3] == ["Starter", "Standard", "Premium"]  # Free is never sold (C2)


def test_seats_are_read_however_they_are_typed() -> None:
    for typed in ("12", "12 người", " 12 ", "12 người dùng"):
        chat = new_chat().tap("Mua gói").tap("Không gian làm việc số").tap("Standard").send(typed)
        assert chat.state.cart.line("workspace").seats == 12  # type: ignore[union-attr]
        assert chat.state.at.step is Step.ADDONS


def test_seats_in_words_are_refused_politely() -> None:
    chat = new_chat().tap("Mua gói").tap("Không gian làm việc số").tap("Standard").send("mười hai")
    assert chat.text.startswith("Bạn vui lòng nhập số người dùng bằng chữ số, ví dụ: 12.")
    assert chat.state.at.step is Step.SEATS


def test_C4_add_on_blocks_go_up_and_down_in_place() -> None:
    chat = chat_at("addons")
    screen = chat.screen
    chat.tap("+").tap("+").tap("−")
    assert chat.screen.id == screen.id  # the same message, edited
    assert "Lưu trữ tài liệu: 1" in chat.labels
    assert "• Lưu trữ tài liệu: 50.000\xa0₫/tháng cho mỗi gói 100 GB" in chat.text


def test_Y1_the_cycle_step_shows_both_totals_and_the_yearly_saving() -> None:
    chat = chat_at("cycle")
    assert "Theo tháng: 594.000\xa0₫" in chat.text
    assert "Theo năm: 5.702.400\xa0₫, tiết kiệm 1.320.000\xa0₫ (giảm 20% phí dịch vụ)" in chat.text
    assert chat.labels[:2] == ["Tháng", "Năm"]


def test_Y6_monthly_asks_for_the_months_to_prepay() -> None:
    chat = chat_at("cycle").tap("Tháng")
    assert chat.labels[:3] == ["1 tháng", "3 tháng", "6 tháng"]
    assert "3 tháng: 1.782.000\xa0₫" in chat.text
    chat.tap("3 tháng")
    assert chat.state.cart.months == 3 and chat.state.at.step is Step.COUPON


def test_the_full_purchase_reaches_the_review_with_every_quote_line() -> None:
    chat = chat_at("review")
    assert chat.text.splitlines()[:13] == [
        "Bạn vui lòng kiểm tra đơn hàng:",
        "• Không gian làm việc số Standard · 5 người dùng · theo năm",
        "  24/11/2026 – 23/11/2027: 6.000.000\xa0₫",
        "• Lưu trữ tài liệu: 1 × 100 GB",
        "  24/11/2026 – 23/11/2027: 600.000\xa0₫",
        "Tạm tính: 6.600.000\xa0₫",
        "Giảm 20% khi thanh toán theo năm: -1.320.000\xa0₫",
        "Mã giảm giá TET10: -528.000\xa0₫",
        "Thành tiền trước thuế: 4.752.000\xa0₫",
        "Thuế GTGT 8%: 380.160\xa0₫",
        "Tổng cộng: 5.132.160\xa0₫",
        "Bằng chữ: Năm triệu một trăm ba mươi hai nghìn một trăm sáu mươi đồng",
        "",
    ]
    assert "Số điện thoại: 0912345678" in chat.text  # +84 912 345 678, normalised
    assert "Hóa đơn GTGT: Công ty TNHH Mây Xanh, MST 0101234567-001" in chat.text
    assert "Gia hạn thủ công" in chat.text
    assert chat.labels[0] == "Xác nhận và thanh toán"
    assert "✏️ Số người dùng" in chat.labels and "Hủy" in chat.labels


def test_confirm_places_one_order_and_shows_the_vnpay_link_and_its_expiry() -> None:
    chat = chat_at("review")
    review = chat.screen
    chat.tap("Xác nhận và thanh toán")
    [order] = chat.placed
    assert [(x.solution, x.tier, x.seats, x.cycle) for x in order.request.cart] == [
        ("workspace", "standard", 5, Cycle.YEARLY)
    ]
    assert order.request.coupon is not None and order.request.coupon.code == "TET10"
    assert dict(order.request.addons) == {"storage": 1}
    assert order.billing.phone == "0912345678" and order.vat_invoice is not None
    assert order.renewal_mode == "manual" and order.client_token.startswith("c42-")
    assert SaveBillingProfile(order.billing, order.vat_invoice) in chat.others
    assert chat.messages[review.id].keyboard is None  # the review stays as the order's record
    assert chat.text == (
        "Đơn hàng số 1000: 5.132.160\xa0₫\n"
        "Bạn vui lòng thanh toán qua VNPAY trước 10:15 ngày 24/11/2026, sau đó bấm Kiểm tra thanh toán."
    )
    [link] = chat.url_buttons()
    assert (link.text, link.url) == ("Thanh toán qua VNPAY", "https://sandbox.vnpayment.vn/pay?order=1000")
    assert "Kiểm tra thanh toán" in chat.labels


def test_tapping_confirm_twice_makes_one_order_and_shows_it_again() -> None:
    chat = chat_at("review")
    review = chat.screen
    confirm = chat.button("Xác nhận và thanh toán", review)
    chat.tap("Xác nhận và thanh toán")
    chat.feed(Button(confirm.data, review.id))  # the second tap, delivered after the first
    assert len(chat.orders) == 1
    assert len(chat.placed) == 1  # not asked twice (the fake would fold a second by its token)
    assert chat.text.startswith("Đơn hàng số 1000:")
    assert chat.state.at.step is Step.PAYMENT


def test_check_payment_says_when_nothing_arrived_yet() -> None:
    chat = chat_at("review").tap("Xác nhận và thanh toán").tap("Kiểm tra thanh toán")
    assert chat.text.startswith("Hệ thống chưa nhận được thanh toán của bạn.")
    assert chat.url_buttons()[0].text == "Thanh toán qua VNPAY"


def test_V4_payment_success_says_what_is_active_and_sends_the_invoice() -> None:
    chat = chat_at("review").tap("Xác nhận và thanh toán").pay("paid")
    assert chat.text.startswith(
        "Thanh toán thành công\nĐơn hàng số 1000 đã được thanh toán.\nĐã kích hoạt:\n"
        "• Không gian làm việc số Standard · 5 người dùng · theo năm\n"
        "Hóa đơn sẽ được gửi ngay trong cuộc trò chuyện này."
    )
    assert SendInvoice(1000) in chat.others
    assert chat.state.at.step is Step.MENU and chat.state.cart.lines == ()
    assert "Mua gói" in chat.labels


def test_V4_payment_failure_gives_the_reason_and_pay_again_makes_a_new_order() -> None:
    chat = chat_at("review").tap("Xác nhận và thanh toán").pay("failed", "51")
    assert "Thanh toán không thành công: tài khoản của bạn không đủ số dư." in chat.text
    assert chat.url_buttons() == [] and "Thanh toán lại" in chat.labels
    chat.tap("Thanh toán lại")
    assert len(chat.orders) == 2 and chat.placed[0].client_token != chat.placed[1].client_token
    assert chat.text.startswith("Đơn hàng số 1001:") and chat.url_buttons()


def test_an_expired_link_is_said_in_words() -> None:
    chat = chat_at("review").tap("Xác nhận và thanh toán").pay("expired")
    assert "Liên kết thanh toán đã hết hạn." in chat.text and "Thanh toán lại" in chat.labels


def test_V2_the_saved_billing_details_are_one_tap() -> None:
    chat = chat_at("coupon", billing=PROFILE, vat=SAVED_VAT).tap("Bỏ qua")
    assert "Bạn có muốn dùng thông tin thanh toán đã lưu không?" in chat.text
    assert "Người đại diện: Nguyễn Văn An" in chat.text
    chat.tap("Dùng thông tin này")
    assert chat.state.at.step is Step.VAT
    chat.tap("Dùng thông tin đã lưu: Công ty TNHH Mây Xanh").tap("Gia hạn tự động")
    assert chat.state.at.step is Step.REVIEW
    assert "Hóa đơn GTGT: Công ty TNHH Mây Xanh, MST 0101234567-001" in chat.text
    chat.tap("Xác nhận và thanh toán")
    assert not any(isinstance(e, SaveBillingProfile) for e in chat.others)  # nothing new to save
    assert chat.placed[0].renewal_mode == "automatic"


def test_english_speaking_customers_get_the_same_flow_in_english() -> None:
    chat = Chat(language="en").start()
    assert chat.labels == ["Buy a plan", "Try free for 30 days", "My plan", "Invoices", "Talk to a person"]
    chat.tap("Buy a plan").tap("Digital Workspace").tap("Standard").send("1")
    assert chat.text.startswith("Digital Workspace needs at least 2 users; you chose 1.")
    chat.tap("2 users").tap("Done")
    assert "Yearly: ₫2,073,600, you save ₫480,000 (20% of the service fee)" in chat.text


def test_a_person_is_asked_for_from_the_menu() -> None:
    chat = new_chat().tap("Gặp nhân viên hỗ trợ")
    assert chat.tickets == [OpenSupport("asked")]
    assert chat.state.support == 1


def test_buying_loads_the_customer_first() -> None:
    chat = new_chat()
    _, effects = handle(chat.state, Button(chat.button("Mua gói").data, chat.keyboard_message.id), chat.ctx)
    assert LoadCustomer() in effects


def test_an_order_with_nothing_to_pay_is_reported_paid_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_at("review")

    def settled_at_once(effect: PlaceOrder) -> None:  # 0 ₫: the order is paid while it is placed
        chat.placed.append(effect)
        chat.feed(PaymentStatus(1000, "paid"))

    monkeypatch.setattr(chat, "_place", settled_at_once)
    chat.tap("Xác nhận và thanh toán")
    assert "Đã kích hoạt:\n• Không gian làm việc số Standard · 5 người dùng · theo năm" in chat.text
