"""Handing the customer to a person, as the chat sees it (conversation.md "Support agents:
handoff"): the four ways a ticket opens, silence while it is open, and the way back."""

from __future__ import annotations

import pytest

from conversations import (
    Button,
    Callback,
    LeaveSupport,
    OpenSupport,
    RelayToSupport,
    Step,
    SupportClosed,
    Text,
)
from tests.conversations.chat import Chat
from tests.conversations.scripts import chat_at, new_chat

OPENED = (
    "Nhân viên hỗ trợ sẽ trả lời bạn ngay trong cuộc trò chuyện này. Bạn cứ nhắn câu hỏi; "
    "muốn quay lại trợ lý tự động, bạn bấm nút bên dưới."
)
LEAVE = "Quay lại trợ lý tự động"
SEATS = (
    "Bạn cần bao nhiêu người dùng cho Không gian làm việc số? Chọn một số bên dưới hoặc nhập số (ví dụ: 12)."
)


def test_the_menu_button_opens_a_ticket_and_says_who_will_answer() -> None:
    chat = new_chat().tap("Gặp nhân viên hỗ trợ")
    assert chat.tickets == [OpenSupport("asked")]
    assert chat.text == OPENED and chat.labels == [LEAVE]
    assert chat.state.support == 1 and chat.state.at.step is Step.MENU


def test_the_support_command_opens_a_ticket_at_any_step() -> None:
    chat = chat_at("seats:workspace").command("support")
    assert chat.tickets == [OpenSupport("asked")] and chat.state.at.key == "seats:workspace"


@pytest.mark.parametrize(
    "words",
    [
        "cho mình gặp nhân viên với",
        "Tôi muốn nói chuyện với tư vấn viên",
        "gap nhan vien",  # typed without accents
        "GẶP NHÂN VIÊN!!",
        "Can I talk to a human, please?",
        "tư vấn viên",
    ],
)
def test_asking_for_a_person_in_words_opens_a_ticket(words: str) -> None:
    chat = chat_at("seats:workspace").send(words)
    assert chat.tickets == [OpenSupport("words")]
    assert chat.state.at.key == "seats:workspace"  # where the bot will take it up again


def test_words_that_only_resemble_a_request_are_read_by_the_step() -> None:
    chat = chat_at("seats:workspace").send("12 nhân viên")
    assert chat.tickets == [] and chat.state.at.step is Step.ADDONS


def test_three_inputs_in_a_row_not_understood_open_a_ticket() -> None:
    chat = chat_at("tier:workspace").sticker().send("???")
    assert chat.tickets == [] and chat.state.misunderstood == 2
    chat.send("abc xyz")
    assert chat.tickets == [OpenSupport("misunderstood")]
    assert chat.saw("Xin lỗi, mình vẫn chưa hiểu ý bạn. Mình sẽ chuyển bạn tới nhân viên hỗ trợ.")
    assert chat.text == OPENED and chat.state.misunderstood == 0


def test_text_a_step_cannot_read_counts_as_not_understood() -> None:
    chat = chat_at("seats:workspace").send("abc").send("mười hai")
    assert chat.tickets == [] and chat.state.misunderstood == 2
    assert chat.text.startswith("Bạn vui lòng nhập số người dùng bằng chữ số")
    chat.send("nhiều")
    assert chat.tickets == [OpenSupport("misunderstood")]


def test_while_the_ticket_is_open_every_message_goes_to_the_agents_and_the_bot_is_silent() -> None:
    chat = chat_at("seats:workspace").command("support")
    shown, state = len(chat.shown), chat.state
    chat.send("Cho mình hỏi về hóa đơn")
    first = chat.last_customer_message
    chat.sticker().command("start").send("5")
    assert chat.others[-4:] == [RelayToSupport(first + i) for i in range(4)]
    assert len(chat.shown) == shown and chat.state == state


def test_a_reply_of_the_customer_is_relayed_with_the_message_it_answers() -> None:
    chat = chat_at("seats:workspace").command("support")
    chat.feed(Text("Đúng rồi ạ", message_id=41, reply_to=40))
    assert chat.others[-1] == RelayToSupport(41, reply_to=40)


def test_an_older_button_during_the_ticket_gets_a_hint_and_changes_nothing() -> None:
    chat = chat_at("seats:workspace")
    seats_screen = chat.keyboard_message
    chat.command("support")
    state = chat.state
    chat.tap("5 người dùng", seats_screen)
    assert chat.answers[-1].text == "Bạn đang trò chuyện với bộ phận hỗ trợ. Bạn cứ nhắn tin tại đây nhé."
    assert chat.state == state


def test_the_agents_close_and_the_bot_continues_where_the_conversation_was() -> None:
    chat = chat_at("seats:workspace").command("support")
    chat.feed(SupportClosed(chat.state.support))
    assert chat.text == "Nhân viên hỗ trợ đã kết thúc cuộc trò chuyện. Mình tiếp tục nhé:\n\n" + SEATS
    assert chat.state.support is None
    chat.send("5")
    assert chat.state.at.step is Step.ADDONS


def test_the_customer_goes_back_to_the_assistant_with_the_button() -> None:
    chat = chat_at("seats:workspace").command("support")
    ticket = chat.state.support
    chat.tap(LEAVE)
    assert LeaveSupport(ticket) in chat.others  # type: ignore[arg-type]
    assert chat.text == "Bạn đã quay lại với trợ lý tự động. Mình đang ở bước này:\n\n" + SEATS
    chat.tap("5 người dùng")
    assert chat.state.at.step is Step.ADDONS


def test_a_forged_leave_button_changes_nothing() -> None:
    chat = chat_at("seats:workspace").command("support")
    forged = Callback("AAAAAA", "support", "leave").pack()
    chat.feed(Button(forged, chat.keyboard_message.id))
    assert chat.state.support == 1 and not any(isinstance(e, LeaveSupport) for e in chat.others)


def test_a_close_for_an_older_ticket_is_ignored() -> None:
    chat = chat_at("seats:workspace").command("support")
    shown = len(chat.shown)
    chat.feed(SupportClosed(99))
    assert chat.state.support == 1 and len(chat.shown) == shown


def test_with_no_support_group_the_customer_is_told_and_stays_at_the_step() -> None:
    chat = chat_at("seats:workspace", support_available=False).command("support")
    assert chat.text.startswith("Hiện chưa thể kết nối với bộ phận hỗ trợ. Bạn vui lòng thử lại sau.")
    assert chat.text.endswith(SEATS) and chat.state.support is None


def test_a_payment_result_still_reaches_the_customer_during_a_ticket() -> None:
    chat = chat_at("review").tap("Xác nhận và thanh toán").command("support")
    chat.pay()
    assert chat.saw("Thanh toán thành công") and chat.state.support == 1


def test_a_ticket_opens_at_the_review_too() -> None:
    chat: Chat = chat_at("review").command("support")
    assert chat.state.support == 1
