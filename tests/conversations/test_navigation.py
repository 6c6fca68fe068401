"""At every step Back and Cancel work; edits from the review come back to it; anything
unexpected gets a short hint and the current step again — never an exception, never silence."""

from __future__ import annotations

import pytest

from billing_core.catalogue_loader import load_bundled
from conversations import (
    AnswerCallback,
    At,
    Button,
    Callback,
    Context,
    CouponLooked,
    Document,
    FixedClock,
    SaveLanguage,
    SendMessage,
    State,
    Step,
    Text,
    handle,
)
from tests.conversations.chat import NOW
from tests.conversations.scripts import PURCHASE, STEPS, chat_at, new_chat

HINT = "Xin lỗi, mình chưa hiểu ý bạn. Bạn vui lòng chọn một nút bên dưới."
STALE = "Nút này thuộc một tin nhắn cũ. Bạn đang ở bước này:"
AFTER = {at: later for (at, _), (later, _) in zip(PURCHASE, [*PURCHASE[1:], ("review", None)], strict=True)}


@pytest.mark.parametrize("position", [*STEPS[1:], "review"])
def test_back_returns_to_the_previous_step_and_the_answer_leads_on_again(position: str) -> None:
    chat = chat_at(position)
    chat.tap("Quay lại")
    previous = STEPS[STEPS.index(position) - 1] if position != "review" else STEPS[-1]
    assert chat.state.at.key == previous
    dict(PURCHASE)[previous](chat)
    assert chat.state.at.key == position


@pytest.mark.parametrize("position", [*STEPS[1:], "review"])
def test_cancel_ends_the_purchase_and_shows_the_menu(position: str) -> None:
    chat = chat_at(position)
    nonce = chat.state.nonce
    chat.tap("Hủy")
    assert chat.text.startswith("Đã hủy đơn hàng. Bạn có thể bắt đầu lại bất cứ lúc nào.\n\nXin chào!")
    assert chat.labels[0] == "Mua gói"
    assert chat.state.at.step is Step.MENU and chat.state.cart.lines == () and chat.state.nonce != nonce


def test_cancel_works_on_the_payment_step_too() -> None:
    chat = chat_at("review").tap("Xác nhận và thanh toán").tap("Hủy")
    assert chat.state.at.step is Step.MENU and chat.state.order is None


def test_typed_words_work_like_the_buttons() -> None:
    chat = chat_at("cycle").send("năm")
    assert chat.state.at.step is Step.COUPON
    chat.send("quay lại")
    assert chat.state.at.step is Step.CYCLE
    chat.send("HỦY")
    assert chat.state.at.step is Step.MENU


def test_edit_users_from_the_review_comes_back_to_the_review() -> None:
    chat = chat_at("review").tap("✏️ Số người dùng")
    assert chat.state.at.key == "seats:workspace"
    chat.send("7")
    assert chat.state.at.step is Step.REVIEW
    assert "Không gian làm việc số Standard · 7 người dùng · theo năm" in chat.text


def test_edit_the_cycle_asks_the_months_again_then_the_review() -> None:
    chat = chat_at("review").tap("✏️ Chu kỳ thanh toán").tap("Tháng")
    assert chat.state.at.step is Step.MONTHS
    chat.tap("3 tháng")
    assert chat.state.at.step is Step.REVIEW
    assert "Không gian làm việc số Standard · 5 người dùng · theo tháng" in chat.text
    assert "24/11/2026 – 23/02/2027" in chat.text


def test_edit_the_solution_to_the_bundle_asks_only_what_is_new() -> None:
    chat = chat_at("review").tap("✏️ Giải pháp").tap("Trọn bộ 3 giải pháp")
    assert chat.state.at.key == "tier:process"
    chat.tap("Starter").tap("Starter").send("3")
    assert chat.state.at.step is Step.REVIEW  # the yearly cycle, coupon and details are kept
    assert "Giảm thêm 10% khi mua trọn bộ" in chat.text


def test_edit_the_coupon_offers_to_keep_or_remove_it() -> None:
    chat = chat_at("review").tap("✏️ Mã giảm giá")
    assert chat.labels[:2] == ["Giữ mã TET10", "Bỏ mã"]
    chat.tap("Bỏ mã")
    assert chat.state.at.step is Step.REVIEW and "TET10" not in chat.text


def test_edit_the_billing_details_offers_each_current_value_in_one_tap() -> None:
    chat = chat_at("review").tap("✏️ Thông tin thanh toán")
    chat.tap("Dùng: Công ty TNHH Mây Xanh").send("Trần Thị Bình").tap("Dùng: 0912345678")
    chat.tap("Dùng: an@mayxanh.vn").tap("Dùng: 12 Lý Thường Kiệt, Hà Nội")
    assert chat.state.at.step is Step.REVIEW and "Người đại diện: Trần Thị Bình" in chat.text


def test_edit_the_vat_invoice_away() -> None:
    chat = chat_at("review").tap("✏️ Hóa đơn GTGT").tap("Không cần")
    assert chat.state.at.step is Step.REVIEW and "Hóa đơn GTGT: không cần" in chat.text


def test_back_from_an_edit_returns_to_the_review() -> None:
    chat = chat_at("review").tap("✏️ Gói").tap("Quay lại")
    assert chat.state.at.step is Step.REVIEW


def test_a_button_from_an_older_message_gets_a_hint_and_the_current_step() -> None:
    chat = chat_at("seats:workspace")
    seats = chat.keyboard_message
    chat.send("5")  # the add-ons come in a new message
    chat.tap("10 người dùng", seats)
    assert chat.answers[-1].text == "Nút này không còn hiệu lực."
    assert chat.text.startswith(STALE + "\n\nDung lượng mở rộng")
    assert chat.state.at.step is Step.ADDONS and chat.state.cart.line("workspace").seats == 5  # type: ignore[union-attr]


def test_a_button_from_an_earlier_conversation_is_stale() -> None:
    chat = new_chat()
    old_menu = chat.keyboard_message
    chat.start()
    chat.tap("Mua gói", old_menu)
    assert chat.text.startswith(STALE) and chat.state.at.step is Step.MENU


@pytest.mark.parametrize(
    "data",
    [
        "",
        "garbage",
        "x" * 70,
        "a|b|c",
        "{nonce}|seats:workspace|set|12",
        "{nonce}|menu|explode|",
        "{nonce}|menu|fix|9",
    ],
)
def test_forged_buttons_are_answered_with_a_hint(data: str) -> None:
    chat = new_chat()
    chat.feed(Button(data.format(nonce=chat.state.nonce), chat.keyboard_message.id))
    assert chat.text.startswith(STALE) and chat.state.at.step is Step.MENU


def test_stickers_files_and_random_text_get_a_hint_and_are_counted() -> None:
    chat = chat_at("tier:workspace")
    chat.sticker()
    assert chat.text.startswith(HINT + "\n\nChọn gói cho Không gian làm việc số:")
    chat.feed(Document("hop-dong.pdf"))
    assert chat.state.misunderstood == 2
    chat.tap("Standard")
    assert chat.state.misunderstood == 0


def test_help_language_and_menu_commands() -> None:
    chat = chat_at("seats:workspace").command("help")
    assert chat.text.startswith("Bạn hãy dùng các nút bên dưới, hoặc gõ /start")
    chat.command("language")
    assert chat.labels == ["Tiếng Việt", "English", "Quay lại"]
    chat.tap("English")
    assert chat.text.startswith("How many users does Digital Workspace need?")
    assert SaveLanguage("en") in chat.others
    chat.command("menu")
    assert chat.labels[0] == "Buy a plan"
    chat.tap("Back")
    assert chat.state.at.key == "seats:workspace"
    chat.command("nonsense")
    assert chat.text.startswith("Sorry, I did not understand that.")


def test_cancel_with_nothing_to_cancel() -> None:
    chat = new_chat().command("cancel")
    assert chat.text.startswith("Bạn chưa có đơn hàng nào để hủy.")


def test_a_late_coupon_answer_for_a_question_no_longer_asked_is_ignored() -> None:
    chat = chat_at("billing:company")
    shown = len(chat.shown)
    chat.feed(CouponLooked("TET10", None))
    assert len(chat.shown) == shown and chat.state.at.key == "billing:company"


def test_a_conversation_continues_from_its_stored_state() -> None:
    chat = chat_at("addons")
    stored = chat.state.to_json()
    ctx = Context(load_bundled("cleeksy"), FixedClock(NOW), chat_id=42, strict=True)
    state, effects = handle(
        State.from_json(stored), Button(chat.button("Xong").data, chat.keyboard_message.id), ctx
    )
    assert state.at.step is Step.CYCLE and effects


def test_callback_data_is_typed_and_small() -> None:
    data = Callback("ABCDEF", "billing:representative", "fix", "12").pack()
    assert Callback.parse(data) == Callback("ABCDEF", "billing:representative", "fix", "12")
    with pytest.raises(ValueError, match="not packable"):
        Callback("ABCDEF", "x" * 60, "set", "1").pack()
    assert Callback.parse("ABCDEF|seats|set|1|2") is None


def test_an_unexpected_error_is_answered_with_an_apology_and_the_state_kept() -> None:
    ctx = Context(load_bundled("cleeksy"), FixedClock(NOW), chat_id=42)  # not strict: as in production
    broken = State(nonce="ABCDEF", at=At(Step.TIER, "a-solution-the-catalogue-no-longer-has"))
    state, effects = handle(broken, Text("Standard"), ctx)
    assert state == broken
    assert [e.text for e in effects if isinstance(e, SendMessage)] == [
        "Xin lỗi, hệ thống đang gặp sự cố. Bạn vui lòng thử lại hoặc gõ /start."
    ]
    state, effects = handle(broken, Button("ABCDEF|tier:x|pick|standard", 1), ctx)
    assert isinstance(effects[0], AnswerCallback)
