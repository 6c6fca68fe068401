"""The invoice PDF by e-mail (V4): one message with the PDF attached, sent over SMTP.

`SMTP_URL` says where and how: `smtp://user:pass@host:587?starttls=true` upgrades with
STARTTLS (`starttls=false` never does; without the parameter aiosmtplib upgrades when the
server offers it), `smtps://user:pass@host:465` speaks TLS from the first byte. The sender is
the `from` parameter (URL-encoded, a display name allowed: `from=Cleeksy%20%3Choadon%40
cleeksy.vn%3E`), else the user name when it is an address. Credentials are URL-decoded.

Sending is retried a bounded number of times with exponential backoff when the failure may
pass: no connection, a timeout, a dropped connection, or a 4xx reply (451 "try again later").
A 5xx reply (a refused address, failed authentication) or an unsupported extension is final at
once. After the last try `InvoiceEmailError` says what happened. The sleep between tries is
injectable so that tests do not wait, and nothing here is logged with the password.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from invoices.document import InvoiceDocument
from locales import N_, translator

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
ATTEMPTS = 4
BACKOFF_SECONDS = 2.0
TIMEOUT_SECONDS = 30.0

SUBJECT = N_("Invoice {label} – {brand}")
GREETING = N_("Dear {name},")
BODY = N_(
    "Please find attached VAT invoice {label} issued on {date}, for a total of {total} (including VAT)."
)
CLOSING = N_("Thank you for choosing {brand}.")


class InvoiceEmailError(Exception):
    """The invoice could not be e-mailed; `attempts` tries were made."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


@dataclass(frozen=True, slots=True)
class SmtpServer:
    """Where and how to send, read from SMTP_URL."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False
    start_tls: bool | None = None  # None: upgrade if the server offers STARTTLS
    sender: str | None = None

    def __repr__(self) -> str:  # never show the password
        return f"SmtpServer({self.host}:{self.port}, user={self.username!r}, tls={self.implicit_tls})"


_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def parse_smtp_url(url: str) -> SmtpServer:
    """SMTP_URL as a SmtpServer; ValueError names what is wrong (never echoing a password)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("SMTP_URL has no host")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    implicit = parts.scheme == "smtps"
    start_tls: bool | None = None
    flag = query.get("starttls", "").lower()
    if flag in _YES:
        start_tls = True
    elif flag in _NO:
        start_tls = False
    elif flag:
        raise ValueError("SMTP_URL: starttls must be true or false")
    if implicit and start_tls:
        raise ValueError("SMTP_URL: smtps:// is TLS from the start; starttls does not apply")
    try:
        port = parts.port or (465 if implicit else 587 if start_tls else 25)
    except ValueError:
        raise ValueError("SMTP_URL has a port that is not a number") from None
    return SmtpServer(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit,
        start_tls=False if implicit else start_tls,
        sender=query.get("from"),
    )


def invoice_email(doc: InvoiceDocument, brand: str = "Cleeksy") -> tuple[str, str]:
    """(subject, body) in the invoice's language, e.g. "Hóa đơn 1C26TAA-00000012 – Cleeksy"."""
    t = translator(doc.locale)
    name = doc.buyer.representative or doc.buyer.company
    paragraphs = [
        t.gettext(GREETING).format(name=name) if name else "",
        t.gettext(BODY).format(label=doc.label, date=t.date(doc.issued_on), total=t.money(doc.total)),
        t.gettext(CLOSING).format(brand=brand) + "\n" + brand,
    ]
    body = "\n\n".join(p for p in paragraphs if p) + "\n"
    return t.gettext(SUBJECT).format(label=doc.label, brand=brand), body


def build_message(
    sender: str, to: str, subject: str, body: str, pdf_bytes: bytes, filename: str
) -> EmailMessage:
    """The message: a plain-text body and the PDF as an attachment; headers RFC 2047-encoded."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(usegmt=True)
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = email.utils.make_msgid(domain=domain)
    message.set_content(body, charset="utf-8")
    message.add_attachment(pdf_bytes, maintype="application", subtype="pdf", filename=filename)
    return message


async def send_invoice_email(
    smtp_url: str,
    to: str,
    subject: str,
    body: str,
    pdf_bytes: bytes,
    filename: str,
    *,
    sender: str | None = None,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_SECONDS,
    timeout: float = TIMEOUT_SECONDS,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Send the PDF to `to`, retrying transient failures (waits of backoff, 2×, 4× … seconds);
    raises InvoiceEmailError after the last try or at once on a permanent refusal."""
    server = parse_smtp_url(smtp_url)
    sender = sender or server.sender or (server.username if "@" in (server.username or "") else None)
    if not sender:
        raise ValueError("no sender: pass sender=, or put ?from=address in SMTP_URL")
    message = build_message(sender, to, subject, body, pdf_bytes, filename)
    for attempt in range(1, attempts + 1):
        try:
            await aiosmtplib.send(
                message,
                hostname=server.host,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.implicit_tls,
                start_tls=server.start_tls,
                timeout=timeout,
            )
            return
        except Exception as exc:
            if not is_transient(exc):
                raise InvoiceEmailError(f"{filename} to {to} refused: {_describe(exc)}", attempt) from exc
            if attempt == attempts:
                raise InvoiceEmailError(
                    f"{filename} to {to} not sent after {attempts} attempts: {_describe(exc)}", attempt
                ) from exc
            delay = backoff * 2 ** (attempt - 1)
            log.warning(
                "e-mailing %s to %s failed (attempt %s of %s): %s; again in %.1f s",
                filename,
                to,
                attempt,
                attempts,
                _describe(exc),
                delay,
            )
            await sleep(delay)


async def email_invoice(
    smtp_url: str,
    doc: InvoiceDocument,
    pdf_bytes: bytes,
    *,
    brand: str = "Cleeksy",
    sender: str | None = None,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_SECONDS,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """E-mail the rendered invoice to the buyer's address (V3's, else V2's), in its language."""
    if not doc.buyer.email:
        raise ValueError(f"invoice {doc.label} has no e-mail address to send to")
    subject, body = invoice_email(doc, brand)
    await send_invoice_email(
        smtp_url,
        doc.buyer.email,
        subject,
        body,
        pdf_bytes,
        doc.filename,
        sender=sender,
        attempts=attempts,
        backoff=backoff,
        sleep=sleep,
    )


def is_transient(exc: BaseException) -> bool:
    """Whether trying again later may succeed: 4xx replies, timeouts and connection failures."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(400 <= r.code < 500 for r in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return 400 <= exc.code < 500
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return False
    return isinstance(exc, aiosmtplib.SMTPException | OSError | TimeoutError)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {exc.message}"
    return f"{type(exc).__name__}: {exc}"
