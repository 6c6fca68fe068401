"""The invoice by e-mail (V4) through a real SMTP server (aiosmtpd) listening on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from invoices import (
    InvoiceEmailError,
    email_invoice,
    invoice_email,
    parse_smtp_url,
    render,
    send_invoice_email,
)
from tests.invoices.samples import sample

SENDER = "hoadon@cleeksy.vn"


class Mailbox:
    """An SMTP handler that keeps what it accepts; `refuse` replies for the first DATA commands."""

    def __init__(self, refuse: list[str] | None = None, rcpt_reply: str | None = None) -> None:
        self.refuse = list(refuse or [])
        self.rcpt_reply = rcpt_reply
        self.received: list[Envelope] = []
        self.attempts = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.attempts += 1
        if self.refuse:
            return self.refuse.pop(0)
        self.received.append(envelope)
        return "250 Message accepted for delivery"


@asynccontextmanager
async def smtp_server(handler: Mailbox, port: int = 0, **options: Any) -> AsyncIterator[int]:
    """A real aiosmtpd server in this test's event loop, on 127.0.0.1; yields its port."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="mail.test", **options), "127.0.0.1", port
    )
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


class Sleeps:
    """An injected sleep that waits for nothing and remembers how long it was asked to wait."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


def parsed(envelope: Envelope) -> EmailMessage:
    assert isinstance(envelope.content, bytes)
    message = message_from_bytes(envelope.content, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def raw_header(envelope: Envelope, name: str) -> str:
    assert isinstance(envelope.content, bytes)
    head = envelope.content.split(b"\r\n\r\n", 1)[0].decode("ascii")  # headers are 7-bit on the wire
    unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ")
    return next(
        line.split(":", 1)[1].strip() for line in unfolded.split("\r\n") if line.startswith(name + ":")
    )


async def test_V4_the_invoice_arrives_with_the_pdf_attached_and_a_vietnamese_subject() -> None:
    doc = sample()
    pdf = render(doc)
    mailbox = Mailbox()
    async with smtp_server(mailbox) as port:
        await email_invoice(f"smtp://127.0.0.1:{port}?from={SENDER}", doc, pdf, sleep=Sleeps())
    (envelope,) = mailbox.received
    assert (envelope.mail_from, envelope.rcpt_tos) == (SENDER, ["ketoan@anhduong.vn"])
    message = parsed(envelope)
    assert message["Subject"] == "Hóa đơn 1C26TAA-00000012 – Cleeksy"
    assert raw_header(envelope, "Subject").lower().startswith("=?utf-8?")  # RFC 2047 on the wire
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert text.startswith("Kính gửi Nguyễn Thị Hồng Nhung,")
    assert "hóa đơn giá trị gia tăng 1C26TAA-00000012 lập ngày 15/01/2026" in text
    assert "9.091.699" in text
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "HD-00000012.pdf"
    assert attachment.get_content() == pdf


def test_the_subject_and_body_follow_the_invoices_language() -> None:
    subject, body = invoice_email(sample(locale="en"), brand="Cleeksy")
    assert subject == "Invoice 1C26TAA-00000012 – Cleeksy"
    assert body.startswith("Dear Nguyễn Thị Hồng Nhung,\n\nPlease find attached VAT invoice 1C26TAA-00000012")
    assert body.endswith("Thank you for choosing Cleeksy.\nCleeksy\n")


async def test_a_451_is_retried_with_backoff_and_the_invoice_still_arrives() -> None:
    mailbox = Mailbox(refuse=["451 4.3.0 Try again later", "451 4.3.0 Try again later"])
    sleeps = Sleeps()
    async with smtp_server(mailbox) as port:
        await send_invoice_email(
            f"smtp://127.0.0.1:{port}",
            "a@b.vn",
            "Hóa đơn",
            "…",
            b"%PDF-",
            "HD-00000001.pdf",
            sender=SENDER,
            sleep=sleeps,
        )
    assert mailbox.attempts == 3
    assert len(mailbox.received) == 1
    assert sleeps.asked == [2.0, 4.0]


async def test_a_server_not_yet_listening_is_tried_again() -> None:
    with socket.socket() as probe:  # a port that nothing listens on yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    started: list[Any] = []

    async def start_the_server_then_wait(seconds: float) -> None:
        if not started:
            context = smtp_server(mailbox, port)
            await context.__aenter__()
            started.append(context)

    try:
        await send_invoice_email(
            f"smtp://127.0.0.1:{port}",
            "a@b.vn",
            "Hóa đơn",
            "…",
            b"%PDF-",
            "HD-00000001.pdf",
            sender=SENDER,
            sleep=start_the_server_then_wait,
        )
    finally:
        for context in started:
            await context.__aexit__(None, None, None)
    assert len(mailbox.received) == 1


async def test_after_the_last_try_a_clear_error_says_why() -> None:
    mailbox = Mailbox(refuse=["451 4.3.0 Mailbox busy"] * 10)
    sleeps = Sleeps()
    async with smtp_server(mailbox) as port:
        with pytest.raises(
            InvoiceEmailError, match=re.escape("not sent after 4 attempts: 451 4.3.0 Mailbox busy")
        ) as error:
            await send_invoice_email(
                f"smtp://127.0.0.1:{port}",
                "a@b.vn",
                "s",
                "b",
                b"%PDF-",
                "HD-00000001.pdf",
                sender=SENDER,
                sleep=sleeps,
            )
    assert error.value.attempts == 4
    assert sleeps.asked == [2.0, 4.0, 8.0]
    assert mailbox.received == []


async def test_a_permanent_refusal_is_not_retried() -> None:
    mailbox = Mailbox(rcpt_reply="550 5.1.1 No such user")
    sleeps = Sleeps()
    async with smtp_server(mailbox) as port:
        with pytest.raises(InvoiceEmailError, match=re.escape("refused: 550 5.1.1 No such user")) as error:
            await send_invoice_email(
                f"smtp://127.0.0.1:{port}",
                "x@b.vn",
                "s",
                "b",
                b"%PDF-",
                "HD-00000001.pdf",
                sender=SENDER,
                sleep=sleeps,
            )
    assert (error.value.attempts, sleeps.asked) == (1, [])


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_the_user_and_password_of_smtp_url_log_in() -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"p@ss:word")

    mailbox = Mailbox()
    async with smtp_server(mailbox, authenticator=authenticator, auth_require_tls=False) as port:
        url = f"smtp://hoadon%40cleeksy.vn:p%40ss%3Aword@127.0.0.1:{port}"
        await send_invoice_email(url, "a@b.vn", "s", "b", b"%PDF-", "HD-00000001.pdf", sleep=Sleeps())
    assert logins == [(b"hoadon@cleeksy.vn", b"p@ss:word")]
    assert mailbox.received[0].mail_from == "hoadon@cleeksy.vn"  # the user name is the sender


def test_smtp_url_says_where_and_how() -> None:
    plain = parse_smtp_url("smtp://mail.example.vn")
    assert (plain.host, plain.port, plain.implicit_tls, plain.start_tls, plain.username) == (
        "mail.example.vn",
        25,
        False,
        None,
        None,
    )
    starttls = parse_smtp_url(
        "smtp://u:p@mail.example.vn?starttls=true&from=Cleeksy%20%3Choadon%40cleeksy.vn%3E"
    )
    assert (starttls.port, starttls.start_tls, starttls.sender) == (587, True, "Cleeksy <hoadon@cleeksy.vn>")
    tls = parse_smtp_url("smtps://u:p@mail.example.vn")
    assert (tls.port, tls.implicit_tls, tls.start_tls) == (465, True, False)
    assert parse_smtp_url("smtp://h:2525?starttls=false").start_tls is False
    assert "secret" not in repr(parse_smtp_url("smtp://u:secret@h"))


@pytest.mark.parametrize(
    "url", ["http://h", "smtp://", "smtp://h:port", "smtp://h?starttls=maybe", "smtps://h?starttls=true"]
)
def test_a_bad_smtp_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP_URL"):
        parse_smtp_url(url)


async def test_without_a_sender_or_an_address_nothing_is_sent() -> None:
    with pytest.raises(ValueError, match="sender"):
        await send_invoice_email("smtp://127.0.0.1:1", "a@b.vn", "s", "b", b"", "HD-00000001.pdf")
    doc = sample(billing={})
    with pytest.raises(ValueError, match="no e-mail address"):
        await email_invoice("smtp://127.0.0.1:1?from=a@b.vn", doc, b"")
