"""Deep links from trial reminders and "My plan": into the same flow, at the right step,
with what the customer holds filled in."""

from __future__ import annotations

from billing_core.holdings import Status
from conversations import Step
from tests.conversations.chat import Chat, M, Y, held

TRIAL = (held("workspace", "standard", 5, M, "2026-11-01", "2026-12-01", Status.TRIAL),)
RUNNING = (held("workspace", "standard", 5, Y, "2026-01-01", "2027-01-01"),)


def test_T1_upgrade_from_a_trial_starts_at_the_tier_with_the_trial_prefilled() -> None:
    chat = Chat(holdings=TRIAL, trial_seats=7).start("upgrade")
    assert chat.state.at.key == "tier:workspace"
    assert "Standard: 100.000\xa0₫/người dùng/tháng (gói bạn đang dùng)" in chat.text
    assert "✓ Standard" in chat.labels
    chat.tap("✓ Standard")
    assert chat.labels[0] == "2 người dùng" and "7 người dùng" in chat.labels  # S4's floor, prefilled
    chat.tap("7 người dùng").tap("Xong")
    assert chat.state.at.step is Step.CYCLE


def test_upgrade_a_running_plan_keeps_its_tier_and_users_as_suggestions() -> None:
    chat = Chat(holdings=RUNNING).start("upgrade")
    assert "✓ Standard" in chat.labels  # the tier held, marked
    chat.tap("Premium")
    assert "5 người dùng" in chat.labels
    chat.tap("5 người dùng").tap("Xong").tap("Năm").tap("Bỏ qua")
    assert chat.state.at.key == "billing:company"


def test_add_seats_goes_straight_to_the_users_and_then_the_coupon() -> None:
    chat = Chat(holdings=RUNNING).start("add_seats")
    assert chat.state.at.key == "seats:workspace"
    assert chat.text.startswith("Bạn cần bao nhiêu người dùng cho Không gian làm việc số?")
    chat.send("8")
    assert chat.state.at.step is Step.COUPON
    assert [(x.tier, x.seats, x.cycle) for x in chat.state.cart.lines] == [("standard", 8, Y)]


def test_add_seats_without_a_running_workspace_is_an_ordinary_purchase() -> None:
    chat = Chat(holdings=TRIAL).start("add_seats")
    assert chat.state.at.step is Step.SOLUTION


def test_add_a_solution_starts_at_the_solutions() -> None:
    chat = Chat(holdings=RUNNING).start("add_solution")
    assert chat.state.at.step is Step.SOLUTION
    chat.tap("Xây dựng ứng dụng")
    assert chat.state.at.key == "tier:appbuilder"  # D1 is met by the running workspace


def test_an_unknown_deep_link_shows_the_menu() -> None:
    chat = Chat().start("x-promo")
    assert chat.state.at.step is Step.MENU and chat.labels[0] == "Mua gói"


def test_back_from_the_first_step_of_an_entry_is_the_menu() -> None:
    chat = Chat(holdings=RUNNING).start("add_seats").tap("Quay lại")
    assert chat.state.at.step is Step.MENU
