"""conversation.md "Customer: after buying": "Gói của tôi" and "Hóa đơn", and the ways from
them back into the purchase (upgrade, renew, add users, add a solution) and V1's switch."""

from __future__ import annotations

import datetime as dt

from billing_core.holdings import Status
from conversations import (
    Account,
    Button,
    InvoiceSummary,
    SendInvoice,
    SetRenewalMode,
    Step,
    Subscribed,
    TrialHeld,
)
from tests.conversations.chat import PROFILE, Chat, M, Y, held

WORKSPACE = held("workspace", "standard", 5, Y, "2026-01-15", "2027-01-15")
PROCESS_EXPIRED = held("process", "starter", 5, M, "2026-09-15", "2026-10-15", Status.EXPIRED)
RUNNING = Account((Subscribed(WORKSPACE, "automatic", addons=(("storage", 2),)),))


def plan_of(account: Account) -> Chat:
    holdings = tuple(s.holding for s in account.subscriptions)
    return Chat(holdings=holdings, account=account).start().tap("Gói của tôi")


def test_my_plan_shows_each_solution_with_its_period_and_renewal() -> None:
    chat = plan_of(RUNNING)
    assert chat.state.at.step is Step.MY_PLAN
    assert chat.text.splitlines() == [
        "Gói của bạn:",
        "",
        "Không gian làm việc số Standard · 5 người dùng · theo năm",
        "Kỳ hiện tại: 15/01/2026 – 14/01/2027",  # Y5: the inclusive last day
        "Gia hạn tự động",
        "Lưu trữ tài liệu: 2 × 100 GB",
    ]
    assert chat.labels == [
        "Nâng cấp",
        "Thêm người dùng",
        "Thêm giải pháp",
        "Không gian làm việc số: chuyển sang gia hạn thủ công",
        "Thay đổi hoặc hủy gói",  # P3, Y3: scheduled for the end of the period
        "Quay lại",
    ]


def test_a_trial_shows_its_days_left_and_its_last_day() -> None:
    account = Account(trials=(TrialHeld("workspace", dt.date(2026, 11, 27)),))
    chat = Chat(account=account).start().tap("Gói của tôi")
    assert "Không gian làm việc số: đang dùng thử, còn 3 ngày (đến hết ngày 26/11/2026)." in chat.text
    assert chat.labels == ["Mua gói", "Quay lại"]  # T1: buying is how a trial becomes a plan


def test_T2_an_ended_trial_says_what_each_solution_became() -> None:
    ended = dt.date(2026, 11, 20)  # exclusive: the last day was 19/11
    account = Account(trials=(TrialHeld("workspace", ended), TrialHeld("process", ended)))
    chat = Chat(account=account).start().tap("Gói của tôi")
    assert chat.text.splitlines()[2:5] == [
        "Không gian làm việc số: thời gian dùng thử đã kết thúc ngày 19/11/2026. "
        "Hiện bạn đang dùng gói Miễn phí.",
        "",
        "Quy trình vận hành: thời gian dùng thử đã kết thúc ngày 19/11/2026. "
        "Giải pháp đang tạm khóa cho đến khi bạn mua gói.",
    ], chat.text


def test_days_left_count_in_vietnam_time_not_utc() -> None:
    """03:00 on 25/11 in Hà Nội is still 24/11 in UTC (the runtime's clock): 3 days are left."""
    early = dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC)
    account = Account(trials=(TrialHeld("workspace", dt.date(2026, 11, 28)),))
    chat = Chat(account=account, now=early).start().tap("Gói của tôi")
    assert "còn 3 ngày (đến hết ngày 27/11/2026)" in chat.text, chat.text


def test_an_expired_plan_offers_its_renewal_which_lands_where_a_choice_is_left() -> None:
    account = Account((Subscribed(WORKSPACE, "manual"), Subscribed(PROCESS_EXPIRED, "manual")))
    chat = plan_of(account)
    assert "Đã hết hạn từ ngày 15/10/2026." in chat.text
    # T2, D2: seven days to renew, then Process is locked.
    assert "Gia hạn trước hết ngày 21/10/2026 để tiếp tục sử dụng; sau đó giải pháp sẽ bị khóa" in chat.text
    assert chat.labels[0] == "Gia hạn"  # manual renewal (V1) and an expired plan
    chat.tap("Gia hạn")
    # Same tiers and users; the expired Process has no running cycle, so that is asked.
    assert chat.state.at.step is Step.CYCLE
    assert [(x.solution, x.tier, x.seats) for x in chat.state.cart.lines] == [
        ("workspace", "standard", 5),
        ("process", "starter", None),  # S2: always as many as the workspace
    ]


def test_V1_renewing_a_running_plan_opens_the_review_with_the_same_lines_for_the_next_period() -> None:
    account = Account((Subscribed(WORKSPACE, "automatic", addons=(("storage", 2),)),))
    chat = Chat(
        holdings=account.holdings,
        account=account,
        billing=PROFILE,
        renewal_mode="automatic",
        held_addons=(("storage", 2),),
    )
    chat.start("renew")  # the reminder's button opens the same entry
    assert chat.state.at.step is Step.REVIEW, chat.text
    cart = chat.state.cart
    assert [(x.solution, x.tier, x.seats, x.cycle) for x in cart.lines] == [("workspace", "standard", 5, Y)]
    assert cart.coupon is None and cart.months == 1
    assert cart.addons == (("storage", 2),) and cart.renewal == "automatic"  # kept as held
    assert "15/01/2027 – 14/01/2028" in chat.text  # the next period (Y5)
    assert "Gia hạn" in chat.text


def test_upgrade_and_add_users_enter_the_purchase_at_their_steps() -> None:
    assert plan_of(RUNNING).tap("Nâng cấp").state.at.key == "tier:workspace"
    assert plan_of(RUNNING).tap("Thêm người dùng").state.at.key == "seats:workspace"
    assert plan_of(RUNNING).tap("Thêm giải pháp").state.at.step is Step.SOLUTION


def test_V1_switching_the_renewal_mode_saves_it_and_shows_the_plan_again() -> None:
    chat = plan_of(RUNNING).tap("Không gian làm việc số: chuyển sang gia hạn thủ công")
    assert chat.others[-1] == SetRenewalMode("workspace", "manual")
    assert chat.text.startswith("Không gian làm việc số chuyển sang gia hạn thủ công: chúng tôi sẽ nhắc bạn")
    assert "Gia hạn thủ công" in chat.text
    assert "Không gian làm việc số: chuyển sang gia hạn tự động" in chat.labels
    assert chat.labels[0] == "Gia hạn"  # now renewed by hand


def test_back_from_my_plan_returns_to_where_the_customer_was() -> None:
    chat = Chat(holdings=(WORKSPACE,), account=RUNNING).start().tap("Mua gói").tap("Quy trình vận hành")
    chat.command("plan")
    assert chat.state.at.step is Step.MY_PLAN
    chat.tap("Quay lại")
    assert chat.state.at.key == "tier:process"


def test_invoices_list_the_latest_and_send_one_again_as_its_pdf() -> None:
    invoices = (
        InvoiceSummary(12, "C26TAA", 12, dt.date(2026, 11, 20), 2_592_000),
        InvoiceSummary(7, "C26TAA", 3, dt.date(2026, 2, 1), 1_200_000),
    )
    chat = Chat(account=Account(invoices=invoices)).start().tap("Hóa đơn")
    assert chat.text.splitlines() == [
        "Hóa đơn của bạn (bấm vào một hóa đơn để nhận lại file PDF):",
        "Số 1C26TAA-00000012 · 20/11/2026 · 2.592.000\xa0₫",
        "Số 1C26TAA-00000003 · 01/02/2026 · 1.200.000\xa0₫",
    ]
    chat.tap("📄 1C26TAA-00000003")
    assert chat.others == [SendInvoice(7)]
    assert chat.text.startswith("Hóa đơn 1C26TAA-00000003 đang được gửi cho bạn.")


def test_no_invoices_yet_offers_to_buy() -> None:
    chat = Chat().start().command("invoices")
    assert chat.text.startswith("Bạn chưa có hóa đơn nào.")
    chat.tap("Mua gói")
    assert chat.state.at.step is Step.SOLUTION


def test_a_forged_invoice_button_sends_nothing() -> None:
    chat = Chat(account=Account()).start().command("invoices")
    nonce, step, _, _ = chat.button("Mua gói").data.split("|")
    chat.feed(Button(f"{nonce}|{step}|get|99", chat.keyboard_message.id))
    assert chat.others == [] and chat.answers[-1].text == "Nút này không còn hiệu lực."


def test_a_stale_tap_draws_my_plan_again_from_the_state() -> None:
    chat = Chat(account=RUNNING).start()
    menu = chat.keyboard_message
    chat.tap("Gói của tôi")
    chat.account = Account()  # what a new read would find no longer matters
    chat.tap("Hóa đơn", menu)
    assert chat.text.startswith("Nút này thuộc một tin nhắn cũ.")
    assert "Gia hạn tự động" in chat.text


def test_V1_a_plan_renewed_ahead_says_until_when_and_is_not_offered_for_renewal_again() -> None:
    from dataclasses import replace

    ahead = replace(
        held("workspace", "standard", 5, M, "2026-11-15", "2026-12-15"), paid_until=dt.date(2027, 1, 15)
    )
    chat = plan_of(Account((Subscribed(ahead, "manual"),)))
    assert "Đã gia hạn: đã thanh toán đến hết ngày 14/01/2027." in chat.text
    assert "Gia hạn" not in chat.labels
