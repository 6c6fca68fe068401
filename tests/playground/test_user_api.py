"""The playground's JSON API as the web page uses it, against the whole product: the page's
files and config, the seeded demo, the language switch and a handoff played from both panes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from billing_core.storage.coupon_store import list_coupons
from billing_core.storage.database import session_factory
from billing_core.storage.models import Customer, Trial
from bot.playground.demo import AGENT_ID, CUSTOMER_ID, SUPPORT_CHAT_ID
from tests.playground.conftest import Page

SUPPORT_OPENED = "Nhân viên hỗ trợ sẽ trả lời bạn ngay trong cuộc trò chuyện này."


async def test_the_page_and_its_files_are_served(page: Page) -> None:
    served = {"/": "text/html", "/static/app.js": "javascript", "/static/style.css": "text/css"}
    for path, kind in served.items():
        async with page.http.get(page.play.url + path) as response:
            assert response.status == 200 and kind in response.content_type, (path, response.content_type)


async def test_the_config_names_who_the_page_plays(page: Page) -> None:
    status, config = await page.get("/playground/config")
    assert status == 200
    assert (config["customer"]["id"], config["customer"]["language_code"]) == (CUSTOMER_ID, "vi")
    assert (config["agent"]["id"], config["support"]["chat_id"]) == (AGENT_ID, SUPPORT_CHAT_ID)
    assert config["bot"]["is_bot"] and config["languages"] == ["vi", "en"]


async def test_the_demo_coupon_and_a_trial_ending_in_three_days_are_seeded(page: Page) -> None:
    async with session_factory(page.play.live.engine)() as session:
        [coupon] = await list_coupons(session)
        trial = await session.scalar(select(Trial))
        customer = await session.scalar(select(Customer))
    assert (coupon.code, coupon.percent_off, coupon.active) == ("DEMO10", 10, True)
    assert trial is not None and customer is not None and customer.telegram_user_id == CUSTOMER_ID
    assert (trial.solution, trial.ends_on) == ("workspace", dt.date(2026, 11, 27))  # today is 24/11


async def test_the_language_switch_is_the_language_telegram_reports(page: Page) -> None:
    status, made = await page.post("/_local/users", {"first_name": "Chi", "language_code": "vi"})
    chi = made["user"]["id"]
    status, changed = await page.post(f"/_local/users/{chi}", {"language_code": "en"})
    assert status == 200 and changed["user"]["language_code"] == "en"
    await page.say(chi, "/start")
    _, feed = await page.get(f"/_local/chats/{chi}/messages", since="0")
    [*_, menu] = [m for m in feed["messages"] if m["from"]["is_bot"]]
    assert "Buy a plan" in [b["text"] for row in menu["reply_markup"]["inline_keyboard"] for b in row]


async def test_a_bad_language_switch_is_refused(page: Page) -> None:
    assert (await page.post(f"/_local/users/{CUSTOMER_ID}", {"language_code": 7}))[0] == 400
    assert (await page.post("/_local/users/424242", {"language_code": "en"}))[0] == 404


async def test_a_handoff_played_from_both_panes(page: Page) -> None:
    await page.say(CUSTOMER_ID, "/start")
    await page.say(CUSTOMER_ID, "cho mình gặp nhân viên")
    _, feed = await page.get(f"/_local/chats/{CUSTOMER_ID}/messages", since="0")
    assert SUPPORT_OPENED in feed["messages"][-1]["visible_text"]

    _, group = await page.get(f"/_local/chats/{SUPPORT_CHAT_ID}/messages", since="0")
    [topic] = group["chat"]["topics"]
    assert str(CUSTOMER_ID) in topic["name"]
    card = [m for m in group["messages"] if m["thread_id"] == topic["message_thread_id"] and not m["service"]]
    assert card and "An" in card[0]["visible_text"]

    _, customer_feed = await page.get(f"/_local/chats/{CUSTOMER_ID}/messages", since="0")
    version = customer_feed["version"]
    await page.say(AGENT_ID, "Chào anh An, em là Lan.", SUPPORT_CHAT_ID, thread_id=topic["message_thread_id"])
    _, news = await page.get(f"/_local/chats/{CUSTOMER_ID}/messages", since=str(version), timeout="5")
    assert [m["visible_text"] for m in news["messages"]] == ["Chào anh An, em là Lan."]
