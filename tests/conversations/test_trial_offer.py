"""T1's free trial at first contact: offered on the menu to a customer who holds nothing and
never had a trial, started with one tap for every solution on sale, and never twice."""

from __future__ import annotations

import datetime as dt

from conversations import StartTrial, Step
from tests.conversations.chat import Chat, Y, held

TRY = "Dùng thử miễn phí 30 ngày"
ALL_SOLUTIONS = ("workspace", "process", "appbuilder")
RUNNING = (held("workspace", "standard", 5, Y, "2026-01-01", "2027-01-01"),)
STARTED = (
    "Bạn đã bắt đầu dùng thử miễn phí Không gian làm việc số, Quy trình vận hành và Xây dựng ứng dụng "
    "đến hết ngày 23/12/2026. Mình sẽ nhắc bạn trước khi thời gian dùng thử kết thúc."
)


def test_T1_a_new_customer_is_offered_the_free_trial_on_the_menu() -> None:
    chat = Chat().start()
    assert chat.labels[:2] == ["Mua gói", TRY]


def test_T1_no_trial_is_offered_to_a_customer_with_a_plan_or_who_had_one() -> None:
    assert TRY not in Chat(holdings=RUNNING).start().labels
    assert TRY not in Chat(trials=("workspace",)).start().labels  # an ended or imported trial too


def test_T1_the_trial_covers_every_solution_on_sale_until_its_last_day() -> None:
    chat = Chat().start().tap(TRY)
    assert chat.trials_started == [StartTrial(ALL_SOLUTIONS)]
    # 30 days from 24/11/2026: ends_on 24/12 (exclusive), so the last day is 23/12.
    assert chat.text.startswith(STARTED + "\n\n" + "Xin chào!"), chat.text
    assert chat.state.at.step is Step.MENU
    assert TRY not in chat.labels and chat.labels[0] == "Mua gói"
    assert chat.state.customer is not None and chat.state.customer.trials == ALL_SOLUTIONS


def test_T1_the_trial_is_told_in_english_to_an_english_speaking_customer() -> None:
    chat = Chat(language="en").start().tap("Try free for 30 days")
    assert chat.text.startswith(
        "Your free trial of Digital Workspace, Process, and App Builder has started and runs until "
        "the end of 23 Dec 2026. We will remind you before it ends."
    ), chat.text


def test_T1_the_trial_starts_on_the_day_it_is_in_vietnam_not_in_utc() -> None:
    """20:00 UTC on 24/11 is 03:00 on 25/11 in Hà Nội: the trial's last day is 24/12."""
    chat = Chat(now=dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC)).start().tap(TRY)
    assert "đến hết ngày 24/12/2026." in chat.text, chat.text


def test_T1_a_second_tap_on_the_old_menu_starts_nothing_more() -> None:
    chat = Chat().start()
    first_menu = chat.keyboard_message
    chat.tap(TRY).tap(TRY, first_menu)
    assert len(chat.trials_started) == 1
    assert chat.answers[-1].text == "Nút này không còn hiệu lực."


def test_T1_a_trial_started_meanwhile_is_refused_and_the_menu_read_again() -> None:
    chat = Chat().start()
    chat.trials = ("workspace",)  # imported from the platform while the menu was open
    chat.tap(TRY)
    assert chat.saw(
        "Bạn đã có gói hoặc đã từng dùng thử miễn phí, nên không thể bắt đầu thêm một lần dùng thử nữa."
    )
    assert chat.state.at.step is Step.MENU and TRY not in chat.labels
    assert chat.state.customer is not None and chat.state.customer.trials == ("workspace",)


def test_T1_upgrading_right_after_starting_the_trial_asks_the_tier_first() -> None:
    chat = Chat().start().tap(TRY).start("upgrade")
    assert chat.state.at.key == "tier:workspace"
    assert chat.state.cart.solutions == ALL_SOLUTIONS
