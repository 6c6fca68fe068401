"""Support handoff end to end (conversation.md "Support agents: handoff"): the bot on each
framework, the local Bot API server with a forum supergroup, a customer in their private chat
and agents in the group's topics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from billing_core.storage.database import session_factory
from billing_core.storage.models import SupportTicket
from bot.local_bot_api import Chat, LocalBotApi, MemberStatus, Message, Topic, User
from bot.vnpay_sandbox import Outcome
from handlers.support_desk import SupportDesk
from tests.handlers.conftest import Customer, Product, launched
from tests.handlers.purchases import buy_and_pay, to_review

SUPPORT_CHAT = -1001234567890
OPENED = "Nhân viên hỗ trợ sẽ trả lời bạn ngay trong cuộc trò chuyện này."
SEATS = "Bạn cần bao nhiêu người dùng cho Không gian làm việc số?"
PDF = b"%PDF-1.4\n% a customer's contract\n"


@dataclass
class Group:
    """The support group, its agents and what the bot did there."""

    product: Product
    forum: Chat
    agent: User

    @property
    def desk(self) -> SupportDesk:
        desk = self.product.live.bot.desk
        assert desk is not None
        return desk

    async def post(
        self, text: str, topic: Topic, *, by: User | None = None, reply_to: Message | None = None
    ) -> Message:
        """`by` (the agent) writes in the topic; returns once the bot has handled it."""
        before = self.desk.progress.count
        sent = await self.product.api.send_text(by or self.agent, text, self.forum, topic.thread_id, reply_to)
        await asyncio.wait_for(self.desk.progress.wait_for(before + 1), 10)
        return sent

    def topic_of(self, customer: Customer) -> Topic:
        found = [t for t in self.forum.topics.values() if str(customer.user.id) in t.name]
        assert len(found) == 1, [t.name for t in self.forum.topics.values()]
        return found[0]

    def in_topic(self, topic: Topic) -> list[Message]:
        return self.product.api.messages(self.forum, topic.thread_id)

    def last_in_topic(self, topic: Topic) -> Message:
        return self.in_topic(topic)[-1]


@pytest.fixture
async def group(tmp_path: Path, framework: str) -> AsyncIterator[Group]:
    async with LocalBotApi() as api:
        agent = api.add_user("Lan", last_name="Trần", username="lan_cskh")
        forum = api.add_forum("Cleeksy hỗ trợ", {agent: MemberStatus.ADMINISTRATOR}, chat_id=SUPPORT_CHAT)
        async with launched(api, tmp_path, framework=framework, SUPPORT_CHAT_ID=SUPPORT_CHAT) as product:
            yield Group(product, forum, agent)


async def at_seats(group: Group, name: str = "An") -> Customer:
    customer = group.product.customer(name)
    await customer.start()
    await customer.tap("Mua gói")
    await customer.tap("Không gian làm việc số")
    await customer.tap("Standard")
    assert SEATS in customer.text
    return customer


async def test_support_opens_a_topic_with_a_context_card(group: Group) -> None:
    customer = await at_seats(group)
    await customer.send("/support")
    assert customer.text.startswith(OPENED)
    topic = group.topic_of(customer)
    assert topic.name.startswith("An") and not topic.closed
    card = group.last_in_topic(topic).visible_text or ""
    for words in (
        "Yêu cầu hỗ trợ #1: khách bấm gặp nhân viên",
        f"Khách hàng: An, Telegram id {customer.user.id}",
        "Ngôn ngữ: Tiếng Việt",
        "Đang ở bước: số người dùng",
        "Không gian làm việc số Standard",
        "Đơn hàng đang mở: không có",
        "Gói đang dùng: không có",
        "/claim",
    ):
        assert words in card, (words, card)


@pytest.mark.parametrize(
    ("ask", "reason"),
    [
        (["cho mình gặp nhân viên tư vấn nhé"], "words"),
        (["talk to a human please"], "words"),
        (["???", "abc", "xyz"], "misunderstood"),
    ],
)
async def test_words_and_three_misunderstandings_open_a_ticket(
    group: Group, ask: list[str], reason: str
) -> None:
    customer = await at_seats(group)
    for text in ask:
        await customer.send(text)
    assert customer.text.startswith(OPENED)
    ticket = await _ticket(group)
    assert ticket.reason == reason and ticket.status == "open"


async def test_the_menu_button_opens_a_ticket(group: Group) -> None:
    customer = group.product.customer()
    await customer.start()
    await customer.tap("Gặp nhân viên hỗ trợ")
    assert customer.text.startswith(OPENED)
    assert "khách bấm gặp nhân viên" in (group.in_topic(group.topic_of(customer))[-1].visible_text or "")


async def test_messages_and_documents_go_both_ways_and_the_bot_stays_silent(group: Group) -> None:
    api = group.product.api
    customer = await at_seats(group)
    await customer.send("/support")
    topic = group.topic_of(customer)
    shown = len(api.bot_messages(customer.user))

    question = await _customer_says(customer, "Hợp đồng của mình có xuất hóa đơn VAT được không?")
    assert group.last_in_topic(topic).visible_text == question.visible_text
    await customer._turn(api.send_document(customer.user, "hop-dong.pdf", PDF, "application/pdf"))
    copied = group.last_in_topic(topic)
    assert copied.document is not None and copied.document.data == PDF
    assert copied.document.file_name == "hop-dong.pdf"
    assert len(api.bot_messages(customer.user)) == shown  # the bot itself said nothing

    question_copy = group.in_topic(topic)[-2]
    await group.post("Được bạn nhé, mình gửi mẫu ngay.", topic, reply_to=question_copy)
    answer = api.last_bot_message(customer.user)
    assert answer is not None and answer.visible_text == "Được bạn nhé, mình gửi mẫu ngay."
    assert answer.reply_to is not None and answer.reply_to.message_id == question.message_id

    before = group.desk.progress.count
    await api.send_document(
        group.agent, "mau-hoa-don.pdf", PDF, "application/pdf", group.forum, topic.thread_id
    )
    await asyncio.wait_for(group.desk.progress.wait_for(before + 1), 10)
    sent = api.last_bot_message(customer.user)
    assert sent is not None and sent.document is not None and sent.document.file_name == "mau-hoa-don.pdf"
    ticket = await _ticket(group)
    assert ticket.first_response_at is not None and ticket.first_response_at >= ticket.opened_at


async def test_claim_tells_the_customer_and_close_resumes_the_purchase(group: Group) -> None:
    customer = await at_seats(group)
    await customer.send("/support")
    topic = group.topic_of(customer)

    await group.post("/claim", topic)
    assert customer.text == "Lan Trần từ bộ phận hỗ trợ đang trò chuyện với bạn."
    assert group.last_in_topic(topic).visible_text == "Lan Trần đã nhận yêu cầu này."

    before = group.product.live.bot.conversation.handled
    await group.post("/close", topic)
    await group.product.live.bot.conversation.wait_handled(before + 1)
    assert customer.text.startswith("Nhân viên hỗ trợ đã kết thúc cuộc trò chuyện. Mình tiếp tục nhé:")
    assert SEATS in customer.text and topic.closed
    await customer.tap("5 người dùng")  # the purchase goes on where it was
    assert customer.text.startswith("Dung lượng mở rộng (không bắt buộc)")

    ticket = await _ticket(group)
    assert ticket.claimed_by_name == "Lan Trần" and ticket.closed_by == "agent"
    assert ticket.first_response_at is None  # /claim and /close are not answers to the customer

    await customer.send("/support")  # a later ticket reuses the customer's topic, reopened
    assert group.topic_of(customer).thread_id == topic.thread_id and not topic.closed


async def test_the_customer_goes_back_to_the_assistant(group: Group) -> None:
    customer = await at_seats(group)
    await customer.send("/support")
    topic = group.topic_of(customer)
    await customer.tap("Quay lại trợ lý tự động")
    assert SEATS in customer.text and topic.closed
    notes = [m.visible_text or "" for m in group.in_topic(topic)]
    assert "Khách đã quay lại với trợ lý tự động; yêu cầu đã đóng." in notes
    assert (await _ticket(group)).closed_by == "customer"


async def test_outsiders_cannot_act_as_agents(group: Group) -> None:
    api = group.product.api
    customer = await at_seats(group)
    await customer.send("/support")
    topic = group.topic_of(customer)
    received = len(api.bot_messages(customer.user))

    # Someone in another group the bot is in, in a topic with the same thread id.
    stranger = api.add_user("Khách lạ")
    other = api.add_forum("Nhóm khác", [stranger])
    before = group.desk.progress.count
    other_topic = await api.create_topic(stranger, other, "giả mạo")
    await api.send_text(stranger, "/claim", other, other_topic.thread_id)
    await api.send_text(stranger, "Chào bạn, mình là nhân viên", other, other_topic.thread_id)
    await api.send_text(stranger, "/close", other, other_topic.thread_id)
    await asyncio.wait_for(group.desk.progress.wait_for(before + 4), 10)
    assert other_topic.thread_id == topic.thread_id

    await customer.send("/claim")  # a customer is not an agent: their command goes to the topic
    assert group.last_in_topic(topic).visible_text == "/claim"
    assert len(api.bot_messages(customer.user)) == received
    ticket = await _ticket(group)
    assert ticket.status == "open" and ticket.claimed_by_id is None


async def test_an_agent_is_told_when_the_customer_blocked_the_bot(group: Group) -> None:
    customer = await at_seats(group)
    await customer.send("/support")
    topic = group.topic_of(customer)
    await group.product.api.block_bot(customer.user)
    await group.post("Bạn ơi?", topic)
    assert group.last_in_topic(topic).visible_text == "Khách đã chặn bot; tin nhắn của bạn chưa được gửi."


async def test_outside_topics_and_in_topics_without_a_ticket_nothing_reaches_a_customer(group: Group) -> None:
    api = group.product.api
    customer = await at_seats(group)
    await customer.send("/support")
    received = len(api.bot_messages(customer.user))
    before = group.desk.progress.count
    await api.send_text(group.agent, "Tin nhắn chung cho cả nhóm", group.forum)
    own = await api.create_topic(group.agent, group.forum, "Việc nội bộ")  # a topic with no ticket
    await api.send_text(group.agent, "Họp lúc 3 giờ nhé", group.forum, own.thread_id)
    await asyncio.wait_for(group.desk.progress.wait_for(before + 3), 10)
    assert len(api.bot_messages(customer.user)) == received


async def test_a_restart_in_the_middle_of_a_ticket_keeps_it(tmp_path: Path, framework: str) -> None:
    async with LocalBotApi() as api:
        agent = api.add_user("Lan", last_name="Trần")
        forum = api.add_forum("Cleeksy hỗ trợ", [agent], chat_id=SUPPORT_CHAT)
        async with launched(api, tmp_path, framework=framework, SUPPORT_CHAT_ID=SUPPORT_CHAT) as product:
            group = Group(product, forum, agent)
            customer = await at_seats(group)
            await customer.send("/support")
            topic = group.topic_of(customer)
        async with launched(api, tmp_path, framework=framework, SUPPORT_CHAT_ID=SUPPORT_CHAT) as product:
            group = Group(product, forum, agent)
            customer = Customer(product, customer.user)
            await customer.send("Mình vẫn đang chờ ạ")
            assert group.last_in_topic(topic).visible_text == "Mình vẫn đang chờ ạ"
            await group.post("Mình đây, bạn chờ chút nhé", topic)
            assert customer.text == "Mình đây, bạn chờ chút nhé"
        assert len(forum.topics) == 1


async def test_edits_are_carried_to_the_copy_on_the_other_side(group: Group) -> None:
    api = group.product.api
    customer = await at_seats(group)
    await customer.send("/support")
    topic = group.topic_of(customer)

    question = await _customer_says(customer, "Gói Standard có bao nhiêu dung lượng?")
    copy = group.last_in_topic(topic)
    await _handled(group, api.edit_text(customer.user, question, "Gói Premium có bao nhiêu dung lượng?"))
    assert copy.visible_text == "Gói Premium có bao nhiêu dung lượng?" and copy.edit_date is not None

    answer = await group.post("Premium có 1 TB cho mỗi người dùng.", topic)
    received = api.last_bot_message(customer.user)
    assert received is not None and received.visible_text == "Premium có 1 TB cho mỗi người dùng."
    await _handled(group, api.edit_text(group.agent, answer, "Premium có 2 TB cho mỗi người dùng."))
    assert received.visible_text == "Premium có 2 TB cho mỗi người dùng."

    document = await _handled(
        group,
        api.send_document(
            group.agent, "bang-gia.pdf", PDF, "application/pdf", group.forum, topic.thread_id, "Bảng giá"
        ),
    )
    sent = api.last_bot_message(customer.user)
    assert sent is not None and sent.caption == "Bảng giá"
    await _handled(group, api.edit_caption(group.agent, document, "Bảng giá 2026"))
    assert sent.caption == "Bảng giá 2026" and sent.document is not None

    await _handled(group, api.edit_text(group.agent, answer, "/close"))  # an edited command is not run
    assert (await _ticket(group)).status == "open"
    assert received.visible_text == "Premium có 2 TB cho mỗi người dùng."


async def test_a_customer_reply_is_a_reply_in_the_topic(group: Group) -> None:
    api = group.product.api
    customer = await at_seats(group)
    await customer.send("/support")
    topic = group.topic_of(customer)
    asked = await group.post("Bạn cho mình xin mã số thuế nhé.", topic)
    copy = api.last_bot_message(customer.user)
    assert copy is not None
    await customer._turn(api.send_text(customer.user, "0101234567", reply_to=copy))
    relayed = group.last_in_topic(topic)
    assert relayed.visible_text == "0101234567"
    assert relayed.reply_to is not None and relayed.reply_to.message_id == asked.message_id

    earlier = next(m for m in api.messages(customer.user) if m.sender is customer.user)
    await customer._turn(api.send_text(customer.user, "Ý mình là câu này", reply_to=earlier))
    plain = group.last_in_topic(topic)  # the topic has no copy of it: a plain message of the topic
    assert plain.visible_text == "Ý mình là câu này"
    assert plain.reply_to is None or plain.reply_to.message_id == topic.thread_id


async def test_another_bot_in_the_group_never_reaches_a_customer(group: Group) -> None:
    api = group.product.api
    helper = api.add_user("Trợ lý nhóm", username="nhom_helper_bot", is_bot=True)
    group.forum.members[helper.id] = MemberStatus.ADMINISTRATOR
    customer = await at_seats(group)
    await customer.send("/support")
    topic = group.topic_of(customer)
    received = len(api.bot_messages(customer.user))
    await group.post("Nhắc: khách này đang chờ 5 phút", topic, by=helper)
    await group.post("/close", topic, by=helper)
    assert len(api.bot_messages(customer.user)) == received
    assert (await _ticket(group)).status == "open"


async def _handled(group: Group, action: Awaitable[Message]) -> Message:
    """Do `action` in the local Telegram and wait until the bot has handled what it caused."""
    before = group.desk.progress.count
    done = await action
    await asyncio.wait_for(group.desk.progress.wait_for(before + 1), 10)
    return done


async def _customer_says(customer: Customer, text: str) -> Message:
    api = customer.product.api
    await customer.send(text)
    said = [m for m in api.messages(customer.user) if m.sender is customer.user]
    return said[-1]


async def _ticket(group: Group) -> SupportTicket:
    async with session_factory(group.product.live.engine)() as session:
        return (await session.scalars(select(SupportTicket))).one()


async def test_quote_and_order_from_the_topic_and_the_customer_pays(group: Group) -> None:
    product = group.product
    customer = product.customer()
    await to_review(customer)  # the billing details are known; the purchase stops at the review
    await customer.send("/support")
    topic = group.topic_of(customer)

    await group.post("/order", topic)  # the cart the customer built is ordered … once billing is saved
    assert group.last_in_topic(topic).visible_text == (
        "Khách chưa có thông tin thanh toán; hãy nhờ khách hoàn tất các bước mua trong cuộc trò chuyện."
    )
    await group.post("/quote workspace premium 5 yearly", topic)
    assert customer.text.startswith("Báo giá từ bộ phận hỗ trợ:")
    assert "Không gian làm việc số Premium" in customer.text and "Tổng cộng" in customer.text
    assert (group.last_in_topic(topic).visible_text or "").startswith("Đã gửi cho khách:")

    await group.post("/quote workspace premium 1 yearly", topic)  # S1: the engine says no, to the agent
    assert (group.last_in_topic(topic).visible_text or "").startswith("Giỏ hàng này chưa bán được")
    await group.post("/quote workspace gold 5 yearly", topic)
    assert (group.last_in_topic(topic).visible_text or "").startswith("Không hiểu “gold” ở đây.")


async def test_order_sends_a_vnpay_link_that_pays(group: Group) -> None:
    product = group.product
    customer = await buy_and_pay(product, product.customer())  # the billing details are saved
    await customer.send("/support")
    topic = group.topic_of(customer)
    await group.post("/quote process starter yearly", topic)
    await group.post("/order", topic)
    await group.post("/order", topic)  # sent twice: one order
    assert customer.text.startswith("Đơn hàng số 2 đã sẵn sàng:"), customer.text
    assert (group.last_in_topic(topic).visible_text or "").startswith("Đã tạo đơn hàng số 2")
    before = product.live.bot.conversation.handled
    paid = await product.vnpay.pay(customer.url_of("Thanh toán qua VNPAY"), Outcome.SUCCESS)
    assert paid.ipn.answer == {"RspCode": "00", "Message": "Confirm Success"}
    await product.live.bot.conversation.wait_handled(before + 1)
    assert customer.saw("Đơn hàng số 2 đã được thanh toán")
