"""Messages about a plan's renewal and end as the customer reads them (V1, P3, D2, T2), rendered
from the outbox's facts by handlers/outbox_render.py."""

from __future__ import annotations

from typing import Any

from billing_core.catalogue_loader import load_bundled
from billing_core.storage.outbox_store import Due
from conversations import SendMessage
from conversations.keyboards import CallbackButton, UrlButton
from handlers.outbox_render import outbox_render

CLEEKSY = load_bundled("cleeksy")
LINES = [
    {"solution": "workspace", "tier": "standard", "seats": 5, "cycle": "monthly"},
    {"solution": "process", "tier": "starter", "seats": 5, "cycle": "monthly"},
]
FACTS = {"lines": LINES, "periods": [{"start": "2026-12-01", "end": "2027-01-01"}], "total": 810_000}
PLAN_EN = "Digital Workspace Standard · 5 users · monthly and Process Starter · 5 users · monthly"
PLAN_VI = (
    "Không gian làm việc số Standard · 5 người dùng · theo tháng và "
    "Quy trình vận hành Starter · 5 người dùng · theo tháng"
)


def render(payload: dict[str, Any], language: str = "en") -> SendMessage:
    due = Due(1, 1001, 1, language, False, 0, payload, None, None, None)
    return outbox_render(CLEEKSY)(due)


def buttons(message: SendMessage) -> list[CallbackButton | UrlButton]:
    assert message.keyboard is not None
    return list(message.keyboard.buttons())


def reminder(days: int) -> dict[str, Any]:
    return {"kind": "renewal_reminder", "days": days, "ends_on": "2026-12-01", **FACTS}


def test_V1_the_renewal_reminder_in_vietnamese_with_the_renew_button() -> None:
    message = render(reminder(7), "vi")
    assert message.text.splitlines() == [
        "Gói Không gian làm việc số và Quy trình vận hành của bạn hết hạn sau 7 ngày "
        "(ngày cuối là 30/11/2026).",
        f"Gia hạn {PLAN_VI} cho kỳ tiếp theo (01/12/2026 – 31/12/2026): 810.000\xa0₫, đã gồm VAT.",
    ]
    assert buttons(message) == [CallbackButton("Gia hạn", "open|entry|renew|")]


def test_V1_the_last_days_reminder_says_today() -> None:
    message = render(reminder(1))
    assert message.text.splitlines()[0] == "Today is the last day of your Digital Workspace and Process plan."


def test_V1_a_reminder_the_engine_could_not_price_still_offers_the_renewal() -> None:
    message = render({**reminder(3), "periods": [], "total": None})
    assert message.text.splitlines()[1] == f"Renew {PLAN_EN} now to keep working without a break."


def test_V1_automatic_renewal_announces_itself_and_the_day_of_the_link() -> None:
    payload = {"kind": "auto_renewal_notice", "ends_on": "2026-12-01", "link_on": "2026-11-28", **FACTS}
    message = render(payload)
    assert message.text.splitlines() == [
        f"Your plan {PLAN_EN} renews automatically for the next period (1 Dec 2026 – 31 Dec 2026): "
        "₫810,000, VAT included.",
        "We will send you the VNPAY payment link on 28 Nov 2026.",
        "You can switch to manual renewal in My plan.",
    ]
    assert message.keyboard is None


def test_V1_the_automatic_renewal_link_with_its_amount_and_deadline() -> None:
    payload = {
        "kind": "auto_renewal_link",
        "ends_on": "2026-12-01",
        "url": "https://vnpay.test/pay?x=1",
        "amount": 810_000,
        "deadline": "2026-11-30T17:00:00+00:00",  # 1 December begins in Hà Nội
        "again": False,
        **FACTS,
    }
    message = render(payload, "vi")
    assert message.text.splitlines() == [
        f"Đơn gia hạn của bạn đã sẵn sàng: {PLAN_VI} cho kỳ tiếp theo (01/12/2026 – 31/12/2026), "
        "810.000\xa0₫, đã gồm VAT.",
        "Bạn vui lòng thanh toán qua VNPAY trước khi hết ngày 30/11/2026 để gói được sử dụng liên tục, "
        "không gián đoạn.",
    ]
    assert buttons(message) == [UrlButton("Thanh toán qua VNPAY", "https://vnpay.test/pay?x=1")]
    again = render({**payload, "again": True})
    assert again.text.splitlines()[0] == "Reminder: your renewal is not paid yet."


def notice(event: str, **more: Any) -> dict[str, Any]:
    return {
        "kind": "plan_notice",
        "event": event,
        "on": "2026-12-01",
        "solutions": ["workspace", "process"],
    } | more


def test_D2_T2_the_expiry_notice_says_what_stopped_what_renewing_costs_and_what_comes_after_7_days() -> None:
    message = render(notice("expired", renewal=FACTS), "vi")
    assert message.text.splitlines() == [
        "Gói Không gian làm việc số và Quy trình vận hành của bạn đã hết hạn từ ngày 01/12/2026 vì kỳ đã "
        "thanh toán kết thúc mà chưa được gia hạn.",
        f"Gia hạn {PLAN_VI} cho kỳ tiếp theo (01/12/2026 – 31/12/2026): 810.000\xa0₫, đã gồm VAT.",
        "Nếu không gia hạn trước ngày 08/12/2026, Không gian làm việc số sẽ chuyển về gói Miễn phí.",
        "Nếu không gia hạn trước ngày 08/12/2026, Quy trình vận hành sẽ bị tạm khóa.",
    ]
    assert buttons(message) == [CallbackButton("Gia hạn", "open|entry|renew|")]


def test_P3_an_end_as_asked_is_told_without_a_sales_button() -> None:
    message = render(notice("ended"))
    assert message.text.splitlines() == [
        "As you asked, Digital Workspace and Process ended on 1 Dec 2026.",
        "Digital Workspace is now on the free plan.",
        "Process is now locked until you upgrade.",
        "Thank you for using Cleeksy. You are welcome back at any time.",
    ]
    assert message.keyboard is None


def test_T2_the_fall_back_notice_offers_the_upgrade() -> None:
    message = render(notice("fell_back"))
    assert message.text.splitlines()[0] == (
        "Your Digital Workspace and Process plan expired on 1 Dec 2026 and was not renewed within 7 days."
    )
    assert buttons(message) == [CallbackButton("Upgrade", "open|entry|upgrade|")]
