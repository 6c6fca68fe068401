"""Every "no": the engine's reason with its numbers, and its fix as a button that works."""

from __future__ import annotations

import datetime as dt

import pytest

from billing_core.coupons import CouponEntry
from billing_core.holdings import Status
from billing_core.refusals import Fix, Refusal
from conversations import Step
from tests.conversations.chat import PROFILE, Chat, M, Y, coupon, held
from tests.conversations.scripts import chat_at, new_chat

YEARLY_WS = (held("workspace", "standard", 5, Y, "2026-01-01", "2027-01-01"),)
MONTHLY_WS = (held("workspace", "standard", 5, M, "2026-11-10", "2026-12-10"),)


def buying(solution: str, **kw: object) -> Chat:
    return new_chat(**kw).tap("Mua gói").tap(solution)


def test_S1_a_workspace_needs_two_users_and_the_button_offers_two() -> None:
    chat = buying("Không gian làm việc số").tap("Standard").send("1")
    assert chat.text.startswith("Gói Không gian làm việc số cần tối thiểu 2 người dùng; bạn đang chọn 1.")
    assert chat.labels[0] == "2 người dùng" and chat.labels.count("2 người dùng") == 1
    chat.tap("2 người dùng")
    assert chat.state.at.step is Step.ADDONS and chat.state.cart.line("workspace").seats == 2  # type: ignore[union-attr]


def test_S2_process_users_are_filled_in_not_asked_and_the_bot_says_why() -> None:
    chat = buying("Quy trình vận hành", holdings=YEARLY_WS).tap("Starter")
    assert chat.state.at.step is Step.ADDONS  # no question about Process's users
    chat.tap("Xong")
    assert (
        "Gói Quy trình vận hành có 5 người dùng — luôn bằng số người dùng của Không gian làm việc số."
        in chat.text
    )


def test_S2_more_workspace_users_bring_process_along_with_one_tap() -> None:
    holdings = (*YEARLY_WS, held("process", "starter", 5, Y, "2026-01-01", "2027-01-01"))
    chat = Chat(holdings=holdings, billing=PROFILE).start("add_seats").send("8")
    chat.tap("Bỏ qua").tap("Dùng thông tin này").tap("Không cần").tap("Gia hạn thủ công")
    assert chat.text.startswith(
        "Đơn hàng chưa thể tạo vì:\n"
        "• Không gian làm việc số sẽ có 8 người dùng, nên gói Quy trình vận hành cũng phải có 8 người dùng."
    )
    assert "Xác nhận và thanh toán" not in chat.labels
    chat.tap("Thêm Quy trình vận hành (theo năm) vào đơn hàng")
    assert "Nâng cấp: Quy trình vận hành Starter · 8 người dùng · theo năm" in chat.text
    assert chat.labels[0] == "Xác nhận và thanh toán"


def test_S3_S5_app_builder_users_stay_within_the_workspace_in_a_bundle() -> None:
    chat = buying("Trọn bộ 3 giải pháp").tap("Standard").tap("Starter").tap("Starter")
    chat.send("5").send("8")
    assert chat.text.startswith(
        "Gói Xây dựng ứng dụng chỉ được tối đa 5 người dùng — không vượt quá số người dùng của "
        "Không gian làm việc số; bạn đang chọn 8."
    )
    chat.tap("5 người dùng").tap("Xong")
    assert "Gói Quy trình vận hành có 5 người dùng" in chat.text  # S2 holds in the bundle too


def test_S4_an_upgrade_from_a_trial_keeps_the_trials_users() -> None:
    trial = (held("workspace", "standard", 5, M, "2026-11-01", "2026-12-01", Status.TRIAL),)
    chat = Chat(holdings=trial, trial_seats=7).start("upgrade").tap("Standard")
    assert "7 người dùng" in chat.labels  # prefilled
    chat.send("5")
    assert chat.text.startswith(
        "Bạn đã kích hoạt 7 người dùng trong thời gian dùng thử, nên gói trả phí cần tối thiểu 7 người dùng; "
        "bạn đang chọn 5."
    )
    chat.tap("7 người dùng")
    assert chat.state.at.step is Step.ADDONS


def test_D1_process_needs_a_workspace_first_and_offers_to_add_it() -> None:
    chat = buying("Quy trình vận hành")
    assert chat.text.startswith(
        "Để mua Quy trình vận hành, bạn cần dùng Không gian làm việc số từ gói Starter trở lên."
    )
    chat.tap("Thêm Không gian làm việc số gói Starter")
    assert chat.state.cart.solutions == ("workspace", "process")
    assert chat.text.startswith("Chọn gói cho Không gian làm việc số:") and "✓ Starter" in chat.labels
    chat.tap("Standard").tap("Standard").send("3").tap("Xong")
    assert chat.state.at.step is Step.CYCLE


def test_D2_process_soon_after_the_workspace_expired_renews_it_in_the_same_order() -> None:
    expired = (held("workspace", "standard", 6, Y, "2025-11-20", "2026-11-20", Status.EXPIRED),)
    chat = buying("Quy trình vận hành", holdings=expired)
    assert chat.text.startswith(
        "Gói Không gian làm việc số của bạn đã hết hạn ngày 19/11/2026. Trong vòng 7 ngày sau đó, "
        "khi mua Quy trình vận hành bạn cần thanh toán kèm gia hạn Không gian làm việc số."
    )
    chat.tap("Thêm Không gian làm việc số (theo năm) vào đơn hàng")
    assert chat.state.at.key == "tier:process"  # the workspace is renewed as it was held


def test_Y2_yearly_process_on_a_monthly_workspace_is_marked_explained_and_fixed() -> None:
    chat = buying("Quy trình vận hành", holdings=MONTHLY_WS).tap("Starter").tap("Xong")
    assert chat.labels[:2] == ["Tháng", "🔒 Năm"]
    assert "Theo năm: không áp dụng cho đơn hàng này (bấm vào nút để xem lý do)" in chat.text
    chat.tap("🔒 Năm")
    assert chat.text.startswith(
        "Bạn không thể chọn chu kỳ thanh toán theo năm cho Quy trình vận hành khi Không gian làm việc số "
        "đang thanh toán theo tháng"
    )
    chat.tap("Thêm Không gian làm việc số (theo năm) vào đơn hàng")
    assert [(x.solution, x.cycle) for x in chat.state.cart.lines] == [("workspace", Y), ("process", Y)]
    assert chat.state.at.step is Step.COUPON


def test_Y2_yearly_app_builder_on_a_monthly_workspace_is_offered_monthly() -> None:
    chat = buying("Xây dựng ứng dụng", holdings=MONTHLY_WS).tap("Starter").send("2").tap("Xong")
    chat.send("Năm")  # typed, as the button's label
    assert "Xây dựng ứng dụng" in chat.text.splitlines()[0]
    chat.tap("Thanh toán theo tháng")
    assert chat.state.cart.line("appbuilder").cycle is M  # type: ignore[union-attr]


def test_Y3_a_yearly_workspace_cannot_upgrade_to_monthly() -> None:
    chat = Chat(holdings=YEARLY_WS).start("upgrade").tap("Premium").tap("5 người dùng").tap("Xong")
    assert chat.labels[:2] == ["🔒 Tháng", "Năm"]
    chat.tap("Tháng")
    assert chat.text.startswith(
        "Gói Không gian làm việc số đang thanh toán theo năm nên không thể chuyển sang theo tháng "
        "khi nâng cấp."
    )
    chat.tap("Thanh toán theo năm")
    assert chat.state.at.step is Step.COUPON


def test_Y4_the_bundle_is_yearly_only() -> None:
    chat = (
        buying("Trọn bộ 3 giải pháp")
        .tap("Standard")
        .tap("Starter")
        .tap("Starter")
        .send("5")
        .send("3")
        .tap("Xong")
    )
    assert chat.labels[:2] == ["🔒 Tháng", "Năm"]
    chat.tap("🔒 Tháng")
    assert chat.text.startswith(
        "Khi mua trọn bộ 3 giải pháp, bạn chỉ có thể chọn chu kỳ thanh toán theo năm."
    )
    chat.tap("Thanh toán theo năm")
    assert chat.state.at.step is Step.COUPON


def test_Y4_the_bundle_keeps_the_tier_in_use() -> None:
    premium = (held("workspace", "premium", 5, Y, "2026-01-01", "2027-01-01"),)
    chat = buying("Trọn bộ 3 giải pháp", holdings=premium).tap("Standard")
    assert chat.text.startswith(
        "Khi mua trọn bộ giải pháp, bạn không thể chọn gói Không gian làm việc số thấp hơn "
        "gói đang sử dụng (Premium)."
    )
    chat.tap("Chọn gói Premium")
    assert chat.state.at.key == "tier:process"


def test_P3_a_lower_tier_waits_for_the_end_of_the_period() -> None:
    premium = (held("workspace", "premium", 5, Y, "2026-01-01", "2027-01-01"),)
    chat = Chat(holdings=premium).start("upgrade")
    assert "(gói bạn đang dùng)" in chat.text
    chat.tap("Standard")
    assert chat.text.startswith(
        "Việc hạ từ gói Premium sẽ có hiệu lực sau khi kết thúc chu kỳ hiện tại (hết ngày 31/12/2026)"
    )
    assert chat.labels[0] == "Chọn gói Premium"


def test_Y6_months_not_offered_are_refused_with_the_nearest_choice() -> None:
    chat = chat_at("cycle").tap("Tháng").send("12")
    assert chat.text.startswith(
        "Với chu kỳ theo tháng, bạn có thể trả trước 1, 3, 6 tháng; không có lựa chọn 12 tháng."
    )
    chat.tap("Trả trước 6 tháng")
    assert chat.state.cart.months == 6 and chat.state.at.step is Step.COUPON


def test_P2_both_ways_to_pay_a_period_ending_soon_are_shown_with_amounts_and_periods() -> None:
    ws = (held("workspace", "standard", 12, Y, "2025-12-10", "2026-12-10"),)
    chat = buying("Quy trình vận hành", holdings=ws).tap("Starter").tap("Xong").tap("Năm")
    lines = chat.text.splitlines()
    assert lines[0] == "Chu kỳ hiện tại còn dưới 30 ngày. Bạn muốn thanh toán như thế nào?"
    assert lines[1].startswith("Chỉ chu kỳ hiện tại: ") and lines[2] == "  24/11/2026 – 09/12/2026"
    assert lines[3].startswith("Chu kỳ hiện tại và chu kỳ sau: ")
    assert lines[4:6] == ["  24/11/2026 – 09/12/2026", "  10/12/2026 – 09/12/2027"]
    chat.tap("Chu kỳ hiện tại và chu kỳ sau")
    assert chat.state.cart.proration == "current_and_next" and chat.state.at.step is Step.COUPON


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (None, "Mã GIAM50 không tồn tại. Bạn vui lòng kiểm tra lại hoặc bỏ qua."),
        (coupon("GIAM50", percent_off=50, active=False), "Mã GIAM50 không còn hiệu lực."),
        (
            coupon("GIAM50", percent_off=50, valid_from=dt.date(2026, 12, 1)),
            "Mã GIAM50 được áp dụng từ ngày 01/12/2026.",
        ),
        (
            coupon("GIAM50", percent_off=50, valid_until=dt.date(2026, 11, 23)),
            "Mã GIAM50 đã hết hạn ngày 23/11/2026.",
        ),
        (coupon("GIAM50", percent_off=50, max_redemptions=5, usage=(5, 0)), "Mã GIAM50 đã hết lượt sử dụng."),
        (
            coupon("GIAM50", percent_off=50, max_per_customer=1, usage=(1, 1)),
            "Bạn đã dùng mã GIAM50 1 lần, đủ số lần tối đa cho mỗi khách hàng.",
        ),
        (
            coupon("GIAM50", percent_off=50, solutions=frozenset({"appbuilder"})),
            "Mã GIAM50 không áp dụng cho các gói trong giỏ hàng của bạn.",
        ),
        (
            coupon("GIAM50", percent_off=50, min_order=100_000_000),
            "Mã GIAM50 chỉ áp dụng cho đơn hàng từ 100.000.000\xa0₫ (chưa gồm thuế).",
        ),
    ],
)
def test_K2_each_coupon_refusal_has_its_own_reason_and_another_code_can_follow(
    entry: CouponEntry | None, reason: str
) -> None:
    chat = chat_at("coupon")
    if entry is not None:
        chat.coupons["GIAM50"] = entry
    chat.send("giam50")
    assert chat.text.startswith(reason + "\n\nBạn có mã giảm giá không?")
    assert chat.labels[0] == "Bỏ qua" and chat.state.cart.coupon is None
    chat.send("TET10")
    assert chat.text.startswith("Đã áp dụng mã TET10: giảm 528.000\xa0₫.")


def test_K2_the_last_use_of_a_code_taken_meanwhile_sends_the_customer_back_to_the_review() -> None:
    chat = chat_at("review")
    chat.refuse_order = Refusal(
        "K2", "coupon", "K2.used_up", numbers={"code": "TET10"}, fix=Fix("remove_coupon")
    )
    chat.tap("Xác nhận và thanh toán")
    assert chat.text.startswith("Mã TET10 đã hết lượt sử dụng.\n\nBạn vui lòng kiểm tra đơn hàng:")
    chat.tap("Tiếp tục không dùng mã")
    assert "Mã giảm giá TET10" not in chat.text
    chat.tap("Xác nhận và thanh toán")
    assert chat.placed[-1].request.coupon is None and chat.state.at.step is Step.PAYMENT


@pytest.mark.parametrize("typed", ["12345", "0212345678", "091234567", "+1 415 555 0100", "số của tôi"])
def test_V2_a_phone_that_is_not_a_vietnamese_mobile_is_refused(typed: str) -> None:
    chat = chat_at("billing:phone").send(typed)
    assert chat.text.startswith("Số điện thoại chưa đúng. Bạn vui lòng nhập số di động Việt Nam")
    assert chat.state.at.key == "billing:phone"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("0912 345 678", "0912345678"), ("84912345678", "0912345678"), ("+84 (0)3.1234.5678", None)],
)
def test_V2_mobile_numbers_are_kept_as_0xxxxxxxxx(typed: str, kept: str | None) -> None:
    chat = chat_at("billing:phone").send(typed)
    assert chat.state.value("phone") == kept


@pytest.mark.parametrize("typed", ["an@", "an mayxanh.vn", "an@mayxanh", "@mayxanh.vn"])
def test_V2_an_email_that_does_not_look_right_is_refused(typed: str) -> None:
    chat = chat_at("billing:email").send(typed)
    assert chat.text.startswith("Địa chỉ email chưa đúng.") and chat.state.at.key == "billing:email"


@pytest.mark.parametrize("typed", ["12345", "0101234567-1", "0101234567001", "MST0101234567"])
def test_V3_a_tax_code_has_ten_digits_or_ten_and_a_branch(typed: str) -> None:
    chat = chat_at("invoice:vat_tax_code").send(typed)
    assert chat.text.startswith("Mã số thuế chưa đúng: mã gồm 10 chữ số")
    assert chat.state.at.key == "invoice:vat_tax_code"


def test_V2_an_empty_or_very_long_field_is_refused() -> None:
    chat = chat_at("billing:address").send("x" * 201)
    assert chat.text.startswith("Bạn vui lòng nhập trên một dòng, tối đa 200 ký tự.")
