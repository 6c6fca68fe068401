"""Deep links and entry buttons from trial reminders and "My plan": into the same flow, at the
right step, with what the customer holds (or has on trial) filled in."""

from __future__ import annotations

from billing_core.holdings import Status
from conversations import Button, Step, entry_callback
from tests.conversations.chat import Chat, M, Y, held
from tests.conversations.scripts import chat_at

TRIAL = (held("workspace", "standard", 5, M, "2026-11-01", "2026-12-01", Status.TRIAL),)
RUNNING = (held("workspace", "standard", 5, Y, "2026-01-01", "2027-01-01"),)
ALL_ON_TRIAL = ("appbuilder", "process", "workspace")  # as the store reads them
REMINDER_MESSAGE = 7  # a trial reminder, sent outside the conversation


def tap_entry(chat: Chat, entry: str) -> Chat:
    """Tap an entry button (conversations/entry_link.py) on a message the conversation never showed."""
    return chat.feed(Button(entry_callback(entry), REMINDER_MESSAGE))


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


def test_S4_upgrade_from_trials_asks_each_tier_first_with_the_trial_users_prefilled() -> None:
    chat = Chat(trials=ALL_ON_TRIAL, trial_seats=7).start("upgrade")
    assert chat.state.at.key == "tier:workspace"  # T1: the solutions are the trial's
    assert [(x.solution, x.tier, x.seats) for x in chat.state.cart.lines] == [
        ("workspace", None, 7),  # S4: at least the users activated during the trial
        ("process", None, None),  # S2: as many as the workspace
        ("appbuilder", None, None),
    ]
    chat.tap("Standard").tap("Starter").tap("Starter")
    assert chat.state.at.key == "seats:workspace"
    assert "7 người dùng" in chat.labels
    chat.tap("7 người dùng")
    assert chat.state.cart.line("workspace").seats == 7  # type: ignore[union-attr]


def test_S4_the_trial_floor_is_prefilled_only_when_above_the_users_held() -> None:
    chat = Chat(holdings=RUNNING, trials=("process",), trial_seats=8).start("upgrade")
    assert [(x.solution, x.tier, x.seats) for x in chat.state.cart.lines] == [
        ("workspace", "standard", 8),
        ("process", None, None),
    ]
    assert chat.state.at.key == "tier:workspace"  # the tier held is suggested (✓), asked again
    assert Chat(holdings=RUNNING, trial_seats=3).start("upgrade").state.cart.lines[0].seats == 5


def test_upgrade_with_neither_a_plan_nor_a_trial_is_an_ordinary_purchase() -> None:
    assert Chat().start("upgrade").state.at.step is Step.SOLUTION


def test_an_entry_button_opens_its_entry_as_the_deep_link_does() -> None:
    by_link = Chat(trials=ALL_ON_TRIAL, trial_seats=7).start("upgrade")
    by_button = tap_entry(Chat(trials=ALL_ON_TRIAL, trial_seats=7).start(), "upgrade")
    assert by_button.answers[-1].text is None  # the tap is answered, silently
    assert by_button.state.at.key == "tier:workspace"
    assert by_button.state.cart == by_link.state.cart
    assert by_button.text == by_link.text


def test_an_entry_button_in_the_middle_of_a_purchase_starts_a_new_one() -> None:
    chat = chat_at("cycle", holdings=RUNNING)
    before = chat.state.nonce
    tap_entry(chat, "add_seats")
    assert chat.state.at.key == "seats:workspace" and chat.state.nonce != before


def test_an_entry_button_works_for_a_chat_the_bot_has_never_seen() -> None:
    chat = tap_entry(Chat(holdings=RUNNING), "renew")
    assert chat.state.at.key == "billing:company"  # V2: no saved details to reuse yet


def test_an_entry_button_for_an_unknown_entry_is_treated_as_a_stale_button() -> None:
    chat = Chat().start()
    state = chat.state
    tap_entry(chat, "x-promo")
    assert chat.answers[-1].text == "Nút này không còn hiệu lực."
    assert chat.state.at == state.at and chat.state.nonce == state.nonce
    assert chat.text.startswith("Nút này thuộc một tin nhắn cũ."), chat.text
