"""Issue 9 end to end (aiogram and python-telegram-bot): once paid, a customer schedules a
downgrade from "Gói của tôi" after the survey, sees the day it takes effect, then cancels it;
the database keeps the survey's answers and the change's states."""

from __future__ import annotations

from sqlalchemy import select

from billing_core.storage.database import session_factory
from billing_core.storage.models import ChangeRequest, ScheduledChange, Subscription
from tests.handlers.conftest import Product
from tests.handlers.purchases import buy_and_pay


async def test_P3_a_downgrade_is_scheduled_for_the_period_end_then_cancelled(product: Product) -> None:
    an = await buy_and_pay(product, product.customer())  # Standard, 5 users, yearly, from 24/11/2026
    await an.tap("Gói của tôi")
    await an.tap("Thay đổi hoặc hủy gói")
    assert "Thay đổi có hiệu lực khi kỳ bạn đã thanh toán kết thúc (ngày cuối là 23/11/2027)." in an.text
    await an.tap("Không gian làm việc số: hạ gói")
    assert an.text.startswith("Không gian làm việc số đang dùng gói Standard."), an.text
    last = an.product.api.last_bot_message(an.user)
    assert last is not None
    await an.tap(next(str(b["text"]) for b in last.buttons if str(b.get("text", "")).startswith("Starter")))
    await an.tap("Chi phí cao")
    await an.send("Năm sau công ty thu hẹp")
    assert "• Không gian làm việc số: Standard → Starter" in an.text, an.text
    assert "Thay đổi có hiệu lực từ ngày 24/11/2027." in an.text
    await an.tap("Xác nhận thay đổi")
    assert an.saw("Đã hẹn thay đổi, có hiệu lực từ ngày 24/11/2027.")
    assert "• Từ 24/11/2027: Không gian làm việc số: Standard → Starter" in an.text, an.text

    async with session_factory(product.live.engine)() as s:
        request = await s.scalar(select(ChangeRequest))
        change = await s.scalar(select(ScheduledChange))
        sub = await s.scalar(select(Subscription))
    assert request is not None and change is not None and sub is not None
    assert (request.kind, request.value, request.reason, request.comment) == (
        "tier",
        "starter",
        "price",
        "Năm sau công ty thu hẹp",
    )
    assert (change.tier, str(change.effective_on), change.status) == ("starter", "2027-11-24", "scheduled")
    assert sub.tier == "standard"  # P3: nothing changes before the period ends

    await an.tap("Hủy thay đổi: Không gian làm việc số: Standard → Starter")
    assert an.saw("Đã hủy thay đổi đã hẹn: gói của bạn tiếp tục như hiện tại.")
    assert "Thay đổi đã hẹn" not in an.text
    async with session_factory(product.live.engine)() as s:
        statuses = (
            await s.scalar(select(ChangeRequest.status)),
            await s.scalar(select(ScheduledChange.status)),
        )
    assert statuses == ("cancelled", "cancelled")
