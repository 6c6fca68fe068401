"""Trial reminders and operator broadcasts end to end (conversation.md "Operators"; T1–T3):
`cleeksy-bot run`'s parts on the local Bot API server, on each framework, with the reminders job
and the outbox sender as they run in production, at fixed instants."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from billing_core.storage.database import session_factory, transaction
from billing_core.storage.models import Customer as CustomerRow
from billing_core.storage.models import OutboxMessage, Trial
from bot.local_bot_api import LocalBotApi, Message, User
from tests.handlers.conftest import NOW, Customer, Product, launched

UPGRADE = "Nâng cấp"
TRIAL = "Thời gian dùng thử miễn phí Không gian làm việc số của bạn"
SEVEN_DAYS = f"{TRIAL} còn 7 ngày (ngày cuối là 30/11/2026)."
THREE_DAYS = f"{TRIAL} còn 3 ngày (ngày cuối là 30/11/2026)."
FALLS_BACK = "Sau khi hết dùng thử, Không gian làm việc số sẽ chuyển về gói Miễn phí."


async def with_trial(product: Product, user: User, ends_on: dt.date, seats: int = 7) -> None:
    """A trial of the workspace imported for `user` (who started the bot earlier)."""
    async with transaction(session_factory(product.live.engine)) as session:
        customer = CustomerRow(telegram_user_id=user.id, language="vi", unreachable=False, created_at=NOW)
        session.add(customer)
        await session.flush()
        session.add(
            Trial(
                customer_id=customer.id,
                solution="workspace",
                started_on=ends_on - dt.timedelta(days=30),
                ends_on=ends_on,
                activated_seats=seats,
                source="import",
            )
        )


async def outbox_rows(product: Product) -> int:
    async with session_factory(product.live.engine)() as session:
        return await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def texts(api: LocalBotApi, user: User) -> list[str]:
    return [m.visible_text or "" for m in api.bot_messages(user)]


async def test_reminders_go_once_whatever_restarts_and_upgrade_at_the_tier(
    tmp_path: Path, framework: str
) -> None:
    async with LocalBotApi() as api:
        user = api.add_user("An")
        api.private_chat(user).started = True
        async with launched(api, tmp_path, framework=framework) as product:  # 24/11, 10:00 in Hà Nội
            await with_trial(product, user, dt.date(2026, 12, 1))  # last day 30/11: 7 days left
        async with launched(
            api, tmp_path, framework=framework
        ) as product:  # the job queues at start, the sender sends
            reminder = await api.wait_for(lambda: api.last_bot_message(user), what="the 7-day reminder")
            assert (reminder.visible_text or "").startswith(SEVEN_DAYS)
            assert FALLS_BACK in (reminder.visible_text or "")
            assert "7 người dùng" in reminder.visible_text
        async with launched(
            api, tmp_path, framework=framework
        ) as product:  # restarted the same day: nothing new
            await asyncio.wait_for(product.live.jobs.ran("reminders"), 10)
            assert await outbox_rows(product) == 1
        assert texts(api, user).count(reminder.visible_text or "") == 1

        four_days_later = NOW + dt.timedelta(days=4)
        async with launched(api, tmp_path, framework=framework, now=four_days_later) as product:
            await api.wait_for(lambda: len(api.bot_messages(user)) == 2, what="the 3-day reminder")
            assert texts(api, user)[-1].startswith(THREE_DAYS)
            customer = Customer(product, user)
            await customer.tap(UPGRADE)  # S4: at the tier step, the trial's users kept
            assert "Không gian làm việc số" in customer.text
            assert customer.message_with("Standard") is not None
        assert len(api.bot_messages(user)) == 3


async def test_the_end_notice_says_what_the_trial_became_and_what_upgrading_costs(
    tmp_path: Path, framework: str
) -> None:
    async with LocalBotApi() as api:
        user = api.add_user("An")
        api.private_chat(user).started = True
        async with launched(api, tmp_path, framework=framework) as product:
            await with_trial(product, user, dt.date(2026, 11, 24), seats=5)  # ended this morning (T2)
        async with launched(api, tmp_path, framework=framework):
            notice = await api.wait_for(lambda: api.last_bot_message(user), what="the end notice")
    assert (notice.visible_text or "").splitlines() == [
        f"{TRIAL} đã kết thúc.",
        "Không gian làm việc số đã chuyển về gói Miễn phí.",
        "Nâng cấp lên Không gian làm việc số Starter · 5 người dùng chỉ từ 324.000\u00a0₫ mỗi tháng, "
        "đã gồm VAT.",
    ]
    assert [b["text"] for b in notice.buttons] == [UPGRADE]


async def test_before_nine_in_the_morning_no_reminder_goes(tmp_path: Path, framework: str) -> None:
    async with LocalBotApi() as api:
        user = api.add_user("An")
        api.private_chat(user).started = True
        async with launched(api, tmp_path, framework=framework) as product:
            await with_trial(product, user, dt.date(2026, 12, 2))  # 8 days left on the 24th
        early = dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC)  # 25/11 08:30 in Hà Nội: 7 days left
        async with launched(api, tmp_path, framework=framework, now=early) as product:
            await asyncio.wait_for(product.live.jobs.ran("reminders"), 10)
            assert await outbox_rows(product) == 0
        assert api.bot_messages(user) == []


async def press(api: LocalBotApi, user: User, message: Message, label: str) -> None:
    await api.press(user, message, message.button_data(label))


async def test_an_operator_broadcasts_from_the_bot_with_a_preview_and_a_report(
    tmp_path: Path, framework: str
) -> None:
    async with LocalBotApi() as api:
        admin = api.add_user("Minh", username="cleeksy_ops")
        async with launched(api, tmp_path, framework=framework, ADMIN_USER_IDS=str(admin.id)) as product:
            people = [await product.customer(name).start() for name in ("An", "Bình", "Chi")]
            await api.block_bot(people[2].user)

            stranger = people[0]
            await stranger.send("/broadcast all Khuyến mãi lớn")  # not an operator: the assistant answers
            assert not stranger.saw("Khuyến mãi lớn")

            await api.send_text(admin, "/broadcast all Cleeksy bảo trì lúc 23:00 tối nay.\nCảm ơn bạn!")
            ask = await api.wait_for(lambda: _with_button(api, admin, "Gửi"), what="the confirmation")
            preview = api.bot_messages(admin)[-2]
            assert preview.visible_text == "Cleeksy bảo trì lúc 23:00 tối nay.\nCảm ơn bạn!"
            # The three customers and the operator, who is a customer of the bot too; nobody is
            # known to have blocked the bot yet.
            assert ask.visible_text == "Gửi tin nhắn trên cho 4 khách hàng (nhóm all)?"
            assert people[0].text != preview.visible_text  # nothing sent before the operator confirms

            await press(api, admin, ask, "Gửi")
            done = "Đợt gửi #1 (nhóm all) đã xong"
            report = await api.wait_for(
                lambda: next((t for t in texts(api, admin) if t.startswith(done)), None), what="the report"
            )
        assert report.splitlines()[1] == "Đã gửi: 3 · đã chặn bot: 1 · lỗi: 0"
        for person in people[:2]:
            assert texts(api, person.user).count(preview.visible_text or "") == 1
        assert api.bot_messages(people[2].user)[-1].visible_text != preview.visible_text
        assert (ask.visible_text or "").startswith("Đợt gửi #1 (nhóm all): đã xử lý 4/4.")  # the progress
        assert ask.buttons == []


async def test_an_operator_template_goes_in_each_customers_language_and_429_is_waited_out(
    tmp_path: Path, framework: str
) -> None:
    async with LocalBotApi() as api:
        admin = api.add_user("Minh")
        async with launched(api, tmp_path, framework=framework, ADMIN_USER_IDS=str(admin.id)) as product:
            vi = await product.customer("An").start()
            en = await product.customer("Ann", language_code="en").start()
            await api.send_text(admin, "/broadcast solution:workspace #upgrade")
            assert (
                "Không có khách nào trong nhóm solution:workspace"
                in (await api.wait_for(lambda: api.last_bot_message(admin))).visible_text
            )
            await api.send_text(admin, "/broadcast all #upgrade")
            ask = await api.wait_for(lambda: _with_button(api, admin, "Gửi"))
            api.fail_next("sendMessage", retry_after=1)  # Telegram says: wait a second, everyone
            await press(api, admin, ask, "Gửi")
            await api.wait_for(lambda: any(t.startswith("Đợt gửi #2") for t in texts(api, admin)), timeout=10)
        assert texts(api, vi.user)[-1].startswith("Đội ngũ của bạn có thể làm được nhiều hơn với Cleeksy")
        assert texts(api, en.user)[-1].startswith("Your team can do more with Cleeksy")
        assert [b["text"] for b in api.bot_messages(en.user)[-1].buttons] == ["Upgrade"]
        assert api.stats.too_many_requests["sendMessage"] == 1


def _with_button(api: LocalBotApi, user: User, label: str) -> Message | None:
    last = api.last_bot_message(user)
    return last if last is not None and any(b.get("text") == label for b in last.buttons) else None


async def test_an_operator_pauses_resumes_and_cancels_from_the_progress_message(
    tmp_path: Path, framework: str
) -> None:
    async with LocalBotApi() as api:
        admin = api.add_user("Minh")
        async with launched(
            api, tmp_path, framework=framework, ADMIN_USER_IDS=str(admin.id), BROADCAST_RATE=2
        ) as product:
            people = [await product.customer(name).start() for name in ("An", "Bình", "Chi")]
            await api.send_text(admin, "/broadcast all Tin thứ nhất")
            ask = await api.wait_for(lambda: _with_button(api, admin, "Gửi"))
            await press(api, admin, ask, "Gửi")
            await api.wait_for(lambda: any(b.get("text") == "Tạm dừng" for b in ask.buttons))
            await press(api, admin, ask, "Tạm dừng")
            await api.wait_for(lambda: "Đang tạm dừng." in (ask.visible_text or ""), what="paused")
            await press(api, admin, ask, "Tiếp tục")
            await api.wait_for(
                lambda: any(t.startswith("Đợt gửi #1 (nhóm all) đã xong") for t in texts(api, admin))
            )

            await api.send_text(admin, "/broadcast all Tin thứ hai")
            second = await api.wait_for(lambda: _with_button(api, admin, "Gửi"))
            await press(api, admin, second, "Gửi")
            await api.wait_for(lambda: any(b.get("text") == "Hủy" for b in second.buttons))
            await press(api, admin, second, "Hủy")
            cancelled = await api.wait_for(
                lambda: next(
                    (t for t in texts(api, admin) if t.startswith("Đợt gửi #2 (nhóm all) đã bị hủy")), None
                )
            )
            stale = await api.press(admin, second, "bc|cancel|2")  # the old button again: told it is over
            answer = await api.answer_of(stale)
        for person in people:
            assert texts(api, person.user).count("Tin thứ nhất") == 1
            assert texts(api, person.user).count("Tin thứ hai") <= 1
        admin_copy = texts(api, admin).count("Tin thứ hai") - 1  # the first is the preview
        sent_second = sum(texts(api, p.user).count("Tin thứ hai") for p in people) + admin_copy
        assert f"Đã gửi: {sent_second} · đã chặn bot: 0 · lỗi: 0" in cancelled
        assert (answer.text or "").startswith("Đợt gửi này không thể làm vậy nữa: đợt gửi")
