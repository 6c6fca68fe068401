"""The invoice PDF of a paid order, for the chat and by e-mail (V4, issue 6).

The PDF is rendered the first time it is asked for (right after the payment, or from the
Invoices screen), in the customer's language, and stored in `invoices.pdf` with a write-once update:
from then on every download returns those same bytes, even if the seller's settings or the
catalogue change later. A customer only ever gets an invoice of their own paid orders.

The e-mail goes once, after the payment settles, when `SMTP_URL` is set and the order has an
e-mail address; it runs in the background with its own retries and never delays the chat. An
e-mail still being tried when the bot stops is abandoned (logged); a durable outbox is the
broadcast issue's.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from billing_core.catalogue import Catalogue
from billing_core.invoice_ids import invoice_filename, invoice_label
from billing_core.storage.models import Customer, Invoice, Order
from invoices import InvoiceDocument, InvoiceEmailError, Seller, email_invoice, invoice_document, render

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InvoicePdf:
    filename: str  # HD-00000012.pdf
    label: str  # 1C26TAA-00000012, as printed
    data: bytes


class InvoiceDelivery:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        seller: Seller,
        catalogue: Catalogue,
        smtp_url: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._seller = seller
        self._catalogue = catalogue
        self._smtp_url = smtp_url
        self._mailing: set[asyncio.Task[None]] = set()

    async def for_customer(self, telegram_user_id: int, order_id: int) -> InvoicePdf | None:
        """The PDF of `order_id` if it is this customer's paid order with an invoice; else None.
        Once stored, it is returned as it is: nothing is rebuilt from today's settings."""
        found = await self._paid(telegram_user_id, order_id)
        if found is None:
            return None
        order, invoice, language = found
        label = invoice_label(invoice.form, invoice.symbol, invoice.number)
        if invoice.pdf is not None:
            return InvoicePdf(invoice_filename(invoice.number), label, invoice.pdf)
        doc = self._document(order, invoice, language)
        return InvoicePdf(doc.filename, label, await self._keep(invoice.id, render(doc)))

    async def _paid(self, telegram_user_id: int, order_id: int) -> tuple[Order, Invoice, str] | None:
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(Order, Invoice, Customer.language)
                    .join(Invoice, Invoice.order_id == Order.id)
                    .join(Customer, Customer.id == Order.customer_id)
                    .where(
                        Order.id == order_id,
                        Order.status == "paid",
                        Customer.telegram_user_id == telegram_user_id,
                    )
                )
            ).first()
        return None if found is None else (found[0], found[1], found[2])

    def _document(self, order: Order, invoice: Invoice, language: str) -> InvoiceDocument:
        """The invoice in the customer's language, named from the catalogue the bot runs (or the
        bundled one the order was quoted from, if that differs)."""
        catalogue = self._catalogue if order.catalogue == self._catalogue.id else None
        return invoice_document(order, invoice, self._seller, locale=language, catalogue=catalogue)

    def email_after_payment(self, telegram_user_id: int, order_id: int) -> None:
        """E-mail the invoice in the background, if SMTP is set up and the order has an address."""
        if self._smtp_url is None:
            return
        task = asyncio.create_task(self._email(self._smtp_url, telegram_user_id, order_id))
        self._mailing.add(task)
        task.add_done_callback(self._mailing.discard)

    async def close(self) -> None:
        """Stop: e-mails still being tried are abandoned."""
        for task in list(self._mailing):
            task.cancel()
        await asyncio.gather(*self._mailing, return_exceptions=True)

    async def _keep(self, invoice_id: int, data: bytes) -> bytes:
        """Store the first rendering; the bytes stored (another instance's, if it was first)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(Invoice).where(Invoice.id == invoice_id, Invoice.pdf.is_(None)).values(pdf=data)
            )
            stored = await session.scalar(select(Invoice.pdf).where(Invoice.id == invoice_id))
        return stored if stored is not None else data

    async def _email(self, smtp_url: str, telegram_user_id: int, order_id: int) -> None:
        try:
            found = await self._paid(telegram_user_id, order_id)
            if found is None:
                return
            doc = self._document(*found)
            pdf = await self.for_customer(telegram_user_id, order_id)
            if pdf is None or not doc.buyer.email:
                return
            await email_invoice(smtp_url, doc, pdf.data)
            log.info("invoice %s e-mailed for order %s", pdf.label, order_id)
        except InvoiceEmailError as exc:
            log.warning("invoice of order %s not e-mailed: %s", order_id, exc)
        except asyncio.CancelledError:
            log.warning("invoice of order %s not e-mailed: stopped while trying", order_id)
            raise
        except Exception:
            log.exception("invoice of order %s not e-mailed", order_id)
