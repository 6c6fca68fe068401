"""Trials end to end on each framework and the local Bot API server: a new customer starts the free
trial from the menu (T1), stored once however often the button is tapped; a trial reminder's
"Nâng cấp" entry button takes a trial customer to the tier, the users prefilled (S4)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from billing_core.catalogue_loader import load_bundled
from billing_core.storage.database import session_factory, transaction
from billing_core.storage.models import Trial
from billing_core.storage.trial_store import import_trials
from billing_core.trial_import import TrialRow
from conversations import CallbackButton, Keyboard, SendMessage, entry_callback
from handlers.http_outbound import HttpOutbound
from tests.handlers.conftest import NOW, Customer, Product

TRY = "Dùng thử miễn phí 30 ngày"
UPGRADE = "Nâng cấp"


async def trials_of(product: Product) -> set[tuple[str, dt.date, dt.date, int, str]]:
    async with session_factory(product.live.engine)() as session:
        return {
            (t.solution, t.started_on, t.ends_on, t.activated_seats, t.source)
            for t in await session.scalars(select(Trial))
        }


async def send_reminder(product: Product, an: Customer) -> None:
    """A trial reminder as the outbox sends it: outside the conversation, with an entry button."""
    outbound = HttpOutbound(product.api.token, product.api.base_url)
    try:
        keyboard = Keyboard(((CallbackButton(UPGRADE, entry_callback("upgrade")),),))
        await outbound.deliver(an.user.id, SendMessage("Bản dùng thử còn 7 ngày.", keyboard))
    finally:
        await outbound.close()


async def test_T1_a_new_customer_starts_the_free_trial_from_the_menu(product: Product) -> None:
    an = await product.customer().start()
    first_menu = an.message_with(TRY)
    await an.tap(TRY)
    assert an.text.startswith(
        "Bạn đã bắt đầu dùng thử miễn phí Không gian làm việc số, Quy trình vận hành và Xây dựng ứng dụng "
        "đến hết ngày 23/12/2026. Mình sẽ nhắc bạn trước khi thời gian dùng thử kết thúc.\n\nXin chào!"
    ), an.text
    last = product.api.last_bot_message(an.user)
    assert last is not None and TRY not in [b.get("text") for b in last.buttons]
    started = {
        (s, dt.date(2026, 11, 24), dt.date(2026, 12, 24), 0, "bot")
        for s in ("workspace", "process", "appbuilder")
    }
    assert await trials_of(product) == started
    conversation = product.live.bot.conversation
    handled = conversation.handled
    query = await product.api.press(an.user, first_menu, first_menu.button_data(TRY))  # the old menu, again
    await conversation.wait_handled(handled + 1)
    assert (await product.api.answer_of(query)).text == "Nút này không còn hiệu lực."
    assert await trials_of(product) == started  # nothing new


async def test_S4_a_reminders_upgrade_button_lands_at_the_tier_with_the_trial_users(product: Product) -> None:
    an = await product.customer().start()
    async with transaction(session_factory(product.live.engine)) as session:  # the platform's CSV
        row = TrialRow(2, an.user.id, "workspace", dt.date(2026, 11, 1), 7, "vi")
        await import_trials(session, (row,), load_bundled("cleeksy"), NOW)
    await send_reminder(product, an)
    await an.tap(UPGRADE)
    assert an.text.startswith("Chọn gói cho Không gian làm việc số:"), an.text
    await an.tap("Standard")
    assert an.text.startswith("Bạn cần bao nhiêu người dùng cho Không gian làm việc số?"), an.text
    await an.tap("7 người dùng")  # S4: the users activated during the trial, offered as they are
    assert an.text.startswith("Dung lượng mở rộng (không bắt buộc)"), an.text
