"""V4 end to end on each framework: once VNPAY confirms, the invoice PDF arrives in the chat as a
document; "Hóa đơn" sends the same bytes again; with SMTP_URL set it is e-mailed too (a real
local SMTP server); an invoice that is not the customer's is never sent."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from billing_core.catalogue_loader import load_bundled
from billing_core.storage.database import session_factory
from billing_core.storage.models import Invoice
from bot.local_bot_api import LocalBotApi, Message
from bot.settings import Settings
from handlers.invoice_delivery import InvoiceDelivery
from invoices import Seller
from tests.handlers.conftest import Customer, Product, launched
from tests.handlers.purchases import buy_and_pay
from tests.invoices.pdf_reading import text_of
from tests.invoices.test_mail import Mailbox, parsed, smtp_server
from tests.sample_seller import SELLER


def documents(product: Product, an: Customer) -> list[Message]:
    return [m for m in product.api.bot_messages(an.user) if m.document is not None]


async def test_V4_the_invoice_pdf_arrives_in_the_chat_after_payment(product: Product) -> None:
    an = await buy_and_pay(product, product.customer())
    [sent] = documents(product, an)
    assert sent.document is not None and sent.document.file_name == "HD-00000001.pdf"
    assert sent.visible_text == "Hóa đơn GTGT 1C26TAA-00000001"
    text = text_of(sent.document.data)
    for words in ("HÓA ĐƠN GIÁ TRỊ GIA TĂNG", "Công ty TNHH Mây Xanh", "0109876543", "5.184.000", "đồng"):
        assert words in text, (words, text)
    async with session_factory(product.live.engine)() as s:
        stored = await s.scalar(select(Invoice.pdf))
    assert stored == sent.document.data  # kept as sent: immutable from now on


async def test_invoices_sends_the_same_bytes_again(product: Product) -> None:
    an = await buy_and_pay(product, product.customer())
    await an.tap("Hóa đơn")
    await an.tap("📄 1C26TAA-00000001")
    first, again = documents(product, an)
    assert first.document is not None and again.document is not None
    assert again.document.data == first.document.data
    assert again.document.file_name == "HD-00000001.pdf"


async def test_an_invoice_of_another_customer_is_not_sent(product: Product) -> None:
    an = await buy_and_pay(product, product.customer("An"))
    bao = await product.customer("Bảo").start()
    await bao.tap("Hóa đơn")
    # Bảo forges a tap on An's invoice (order 1) on his own "Hóa đơn" screen.
    screen = bao.message_with("Mua gói")
    nonce, step, _, _ = screen.button_data("Mua gói").split("|")
    conversation = product.live.bot.conversation
    handled = conversation.handled
    await product.api.press(bao.user, screen, f"{nonce}|{step}|get|1")
    await conversation.wait_handled(handled + 1)
    assert documents(product, bao) == [] and len(documents(product, an)) == 1
    assert bao.text.startswith("Nút này thuộc một tin nhắn cũ."), bao.text
    # Behind the conversation, the delivery itself only gives a customer their own invoices.
    delivery = InvoiceDelivery(
        session_factory(product.live.engine), Settings(**SELLER).seller(), load_bundled("cleeksy")
    )
    assert await delivery.for_customer(bao.user.id, 1) is None
    assert await delivery.for_customer(an.user.id, 1) is not None


async def test_V4_with_smtp_the_invoice_is_e_mailed_too(tmp_path: Path, framework: str) -> None:
    mailbox = Mailbox()
    async with smtp_server(mailbox) as port, LocalBotApi() as api:
        smtp = f"smtp://127.0.0.1:{port}?starttls=false&from=hoadon@cleeksy.vn"
        async with launched(api, tmp_path, framework=framework, SMTP_URL=smtp) as product:
            an = await buy_and_pay(product, product.customer())
            for _ in range(500):  # the e-mail goes in the background, after the chat's turn
                if mailbox.received:
                    break
                await asyncio.sleep(0.01)
    [envelope] = mailbox.received
    message = parsed(envelope)
    assert envelope.rcpt_tos == ["an@mayxanh.vn"]
    assert "1C26TAA-00000001" in str(message["Subject"])
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "HD-00000001.pdf"
    assert attachment.get_content() == documents(product, an)[0].document.data  # type: ignore[union-attr]


async def test_an_issued_invoice_is_not_rebuilt_from_later_settings(product: Product) -> None:
    an = await buy_and_pay(product, product.customer())
    [sent] = documents(product, an)
    moved = Seller("CÔNG TY KHÁC", "Số 1 Tràng Tiền, Hà Nội", "0101234567")  # SELLER_* changed later
    delivery = InvoiceDelivery(session_factory(product.live.engine), moved, load_bundled("cleeksy"))
    again = await delivery.for_customer(an.user.id, 1)
    assert again is not None and sent.document is not None
    assert (again.filename, again.label, again.data) == (
        "HD-00000001.pdf",
        "1C26TAA-00000001",
        sent.document.data,
    )
