"""Issue 9 from "Gói của tôi": a downgrade, fewer users, monthly billing, a solution stopped or
the whole plan cancelled, each scheduled for the end of the paid period (P3, Y3) after a short
survey, confirmed with the day it takes effect, and cancellable until then."""

from __future__ import annotations

import datetime as dt

from conversations import Account, ScheduleChange, Step, Subscribed
from tests.conversations.chat import Chat, M, Y, held

WORKSPACE = held("workspace", "standard", 12, Y, "2026-01-15", "2027-01-15")
PROCESS = held("process", "starter", 12, Y, "2026-01-15", "2027-01-15")
APPS = held("appbuilder", "starter", 8, Y, "2026-01-15", "2027-01-15")


def plan(*holdings: object) -> Chat:
    account = Account(tuple(Subscribed(h, "manual") for h in holdings))  # type: ignore[arg-type]
    return Chat(holdings=account.holdings, account=account).start().tap("Gói của tôi")


def test_P3_a_lower_tier_goes_through_the_survey_and_takes_effect_at_the_period_end() -> None:
    chat = plan(WORKSPACE).tap("Thay đổi hoặc hủy gói")
    assert chat.state.at.step is Step.CHANGE
    assert "ngày cuối là 14/01/2027" in chat.text
    assert chat.labels[:4] == [
        "Không gian làm việc số: hạ gói",
        "Không gian làm việc số: giảm người dùng",
        "Không gian làm việc số: chuyển sang theo tháng",
        "Hủy toàn bộ gói",
    ]
    chat.tap("Không gian làm việc số: hạ gói")
    assert chat.labels[0].startswith("Starter · ")
    assert "Premium" not in " ".join(chat.labels)  # only lower tiers (P3)
    chat.tap(chat.labels[0])
    assert chat.state.at.step is Step.SURVEY
    chat.tap("Chi phí cao").send("  Ngân sách   năm sau giảm ")
    assert chat.state.at.step is Step.CHANGE_CONFIRM
    assert "Không gian làm việc số: Standard → Starter" in chat.text
    assert "có hiệu lực từ ngày 15/01/2027" in chat.text
    assert "Đến hết ngày 14/01/2027, gói của bạn giữ nguyên và không được hoàn tiền." in chat.text
    chat.tap("Xác nhận thay đổi")
    assert chat.scheduled == [
        ScheduleChange("tier", "workspace", "starter", "price", "Ngân sách năm sau giảm")
    ]
    assert chat.state.at.step is Step.MY_PLAN
    assert chat.saw("Đã hẹn thay đổi, có hiệu lực từ ngày 15/01/2027.")
    assert "• Từ 15/01/2027: Không gian làm việc số: Standard → Starter" in chat.text
    assert "Hủy thay đổi: Không gian làm việc số: Standard → Starter" in chat.labels


def test_P3_a_scheduled_change_is_cancelled_from_my_plan() -> None:
    chat = plan(WORKSPACE).tap("Thay đổi hoặc hủy gói").tap("Không gian làm việc số: hạ gói")
    chat.tap(chat.labels[0]).tap("Bỏ qua").tap("Xác nhận thay đổi")
    chat.tap("Hủy thay đổi: Không gian làm việc số: Standard → Starter")
    assert chat.saw("Đã hủy thay đổi đã hẹn: gói của bạn tiếp tục như hiện tại.")
    assert chat.state.at.step is Step.MY_PLAN
    assert "Thay đổi đã hẹn" not in chat.text
    assert not any(label.startswith("Hủy thay đổi") for label in chat.labels)


def test_S2_fewer_workspace_users_carry_process_along() -> None:
    chat = plan(WORKSPACE, PROCESS).tap("Thay đổi hoặc hủy gói")
    assert "Quy trình vận hành: giảm người dùng" not in chat.labels  # S2: never on its own
    chat.tap("Không gian làm việc số: giảm người dùng").send("8 người")
    chat.tap("Bỏ qua")
    assert "Không gian làm việc số: 12 người dùng → 8 người dùng" in chat.text
    assert "Quy trình vận hành theo Không gian làm việc số: cũng sẽ có 8 người dùng." in chat.text
    chat.tap("Xác nhận thay đổi")
    assert [x.seats for x in chat.account.targets] == [8, 8]


def test_S3_the_workspace_cannot_go_below_app_builder_and_says_how_to_fix_it() -> None:
    chat = plan(WORKSPACE, APPS).tap("Thay đổi hoặc hủy gói").tap("Không gian làm việc số: giảm người dùng")
    chat.send("5")
    assert chat.state.at.step is Step.CHANGE_VALUE
    assert chat.saw(
        "Không gian làm việc số cần ít nhất 8 người dùng vì Xây dựng ứng dụng đang có 8 người dùng; "
        "bạn đã chọn 5. Hãy giảm người dùng của Xây dựng ứng dụng trước, hoặc giữ 8."
    )
    assert "8 người dùng" in chat.labels  # the allowed count, one tap away
    chat.tap("8 người dùng")
    assert chat.state.at.step is Step.SURVEY


def test_S1_the_workspace_keeps_its_minimum() -> None:
    chat = plan(WORKSPACE).tap("Thay đổi hoặc hủy gói").tap("Không gian làm việc số: giảm người dùng")
    assert "1 người dùng" not in chat.labels
    chat.send("1")
    assert chat.saw("Gói Không gian làm việc số cần tối thiểu 2 người dùng; bạn đang chọn 1.")


def test_Y3_yearly_to_monthly_at_renewal_carries_yearly_process_along_Y2() -> None:
    chat = plan(WORKSPACE, PROCESS).tap("Thay đổi hoặc hủy gói")
    chat.tap("Không gian làm việc số: chuyển sang theo tháng").tap("Bỏ qua")
    assert "Không gian làm việc số: theo năm → theo tháng" in chat.text
    assert (
        "Quy trình vận hành cũng chuyển sang thanh toán theo tháng cùng Không gian làm việc số" in chat.text
    )


def test_D1_stopping_process_is_offered_but_the_workspace_only_ends_with_everything() -> None:
    chat = plan(WORKSPACE, PROCESS).tap("Thay đổi hoặc hủy gói")
    assert "Quy trình vận hành: ngừng sử dụng" in chat.labels
    assert "Không gian làm việc số: ngừng sử dụng" not in chat.labels
    chat.tap("Hủy toàn bộ gói").tap("Chi phí cao").tap("Bỏ qua")
    assert "Toàn bộ gói kết thúc" in chat.text
    chat.tap("Xác nhận thay đổi")
    assert [(x.solution, x.ends) for x in chat.account.targets] == [("workspace", True), ("process", True)]
    assert "Thay đổi hoặc hủy gói" not in chat.labels  # nothing left to change


def test_cancel_inside_the_change_path_changes_nothing() -> None:
    chat = plan(WORKSPACE).tap("Thay đổi hoặc hủy gói").tap("Không gian làm việc số: hạ gói").tap("Hủy")
    assert chat.saw("Chưa có thay đổi nào: gói của bạn giữ nguyên.")
    assert chat.state.at.step is Step.MY_PLAN
    assert chat.scheduled == []


def test_back_from_the_change_steps_returns_to_my_plan() -> None:
    chat = plan(WORKSPACE).tap("Thay đổi hoặc hủy gói").tap("Quay lại")
    assert chat.state.at.step is Step.MY_PLAN


def test_a_monthly_plan_at_its_lowest_tier_and_users_offers_only_cancelling() -> None:
    monthly = held("workspace", "starter", 2, M, "2026-11-10", "2026-12-10")
    chat = plan(monthly)
    assert "Thay đổi hoặc hủy gói" in chat.labels  # cancel is always possible
    chat.tap("Thay đổi hoặc hủy gói")
    assert chat.labels[:1] == ["Hủy toàn bộ gói"]  # starter is the lowest, 2 users the minimum


def test_a_renewal_paid_ahead_moves_the_effective_day_to_the_end_of_what_is_paid() -> None:
    ahead = held("workspace", "standard", 12, Y, "2026-01-15", "2027-01-15")
    from dataclasses import replace

    ahead = replace(ahead, paid_until=dt.date(2028, 1, 15))
    chat = plan(ahead).tap("Thay đổi hoặc hủy gói").tap("Không gian làm việc số: hạ gói")
    chat.tap(chat.labels[0]).tap("Bỏ qua")
    assert "có hiệu lực từ ngày 15/01/2028" in chat.text


def test_P3_renewing_after_a_scheduled_downgrade_reviews_the_lower_tier_for_the_next_period() -> None:
    from dataclasses import replace

    from tests.conversations.chat import PROFILE

    starter = replace(WORKSPACE, tier="starter")
    chat = Chat(holdings=(WORKSPACE,), billing=PROFILE, renewing=dt.date(2027, 1, 15), renewed=(starter,))
    chat.start("renew")
    assert chat.state.at.step is Step.REVIEW, chat.text
    assert [(x.solution, x.tier, x.seats) for x in chat.state.cart.lines] == [("workspace", "starter", 12)]
    assert "15/01/2027 – 14/01/2028" in chat.text  # the next period, at the tier it will have
    chat.tap("Xác nhận và thanh toán")
    assert chat.placed[-1].renewing == dt.date(2027, 1, 15)  # judged on the plan as it will be
    assert chat.placed[-1].request.holdings == (starter,)


def test_cancel_on_the_first_change_screen_goes_back_to_my_plan() -> None:
    chat = plan(WORKSPACE).tap("Thay đổi hoặc hủy gói").tap("Hủy")
    assert chat.saw("Chưa có thay đổi nào: gói của bạn giữ nguyên.")
    assert chat.state.at.step is Step.MY_PLAN


def test_S3_a_change_a_later_one_needs_cannot_be_cancelled_alone() -> None:
    chat = plan(WORKSPACE, APPS).tap("Thay đổi hoặc hủy gói")
    chat.tap("Xây dựng ứng dụng: giảm người dùng").send("4").tap("Bỏ qua").tap("Xác nhận thay đổi")
    chat.tap("Thay đổi hoặc hủy gói").tap("Không gian làm việc số: giảm người dùng").send("5")
    chat.tap("Bỏ qua").tap("Xác nhận thay đổi")
    chat.tap("Hủy thay đổi: Xây dựng ứng dụng: 8 người dùng → 4 người dùng")
    assert chat.saw("Không gian làm việc số cần ít nhất 8 người dùng vì Xây dựng ứng dụng đang có 8")
    assert len(chat.account.changes) == 2  # both still scheduled
    chat.tap("Hủy thay đổi: Không gian làm việc số: 12 người dùng → 5 người dùng")
    chat.tap("Hủy thay đổi: Xây dựng ứng dụng: 8 người dùng → 4 người dùng")  # now it can go
    assert chat.account.changes == () and chat.account.targets == ()


def test_P3_a_change_cannot_be_cancelled_once_the_next_period_is_paid_on_its_terms() -> None:
    from dataclasses import replace

    account = Account((Subscribed(WORKSPACE, "manual"),))
    chat = Chat(holdings=account.holdings, account=account).start().tap("Gói của tôi")
    chat.tap("Thay đổi hoặc hủy gói").tap("Không gian làm việc số: hạ gói")
    chat.tap(chat.labels[0]).tap("Bỏ qua").tap("Xác nhận thay đổi")
    paid = replace(WORKSPACE, tier="standard", paid_until=dt.date(2028, 1, 15))  # renewal at Starter paid
    chat.account = replace(chat.account, subscriptions=(Subscribed(paid, "manual"),))
    chat.tap("Hủy thay đổi: Không gian làm việc số: Standard → Starter")
    assert chat.saw("Kỳ từ 15/01/2027 đã được thanh toán theo điều kiện mới")
    assert len(chat.account.changes) == 1
