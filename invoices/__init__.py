"""The invoice of a paid order: its document, its PDF and its e-mail (issue 6, V4).

    seller = Seller(name=..., address=..., tax_code="0109876543")      # from settings
    doc = invoice_document(order, invoice, seller, locale=customer.language)
    pdf = render(doc)                            # bytes; store once in invoices.pdf
    send_document(chat_id, pdf, filename=doc.filename)                   # HD-00000012.pdf
    if smtp_url and doc.buyer.email:
        await email_invoice(smtp_url, doc, pdf)  # retried; InvoiceEmailError when it gives up

`order` and `invoice` are the `orders` and `invoices` rows (anything with their attributes);
`document_from_quote` takes the stored values one by one instead.
"""

from invoices.document import (
    Buyer,
    DiscountRow,
    InvoiceDocument,
    InvoiceRow,
    Seller,
    VatSummary,
)
from invoices.from_order import InvoiceRecord, OrderRecord, buyer_of, document_from_quote, invoice_document
from invoices.mail import (
    InvoiceEmailError,
    SmtpServer,
    email_invoice,
    invoice_email,
    parse_smtp_url,
    send_invoice_email,
)
from invoices.pdf import register_fonts, render

__all__ = [
    "Buyer",
    "DiscountRow",
    "InvoiceDocument",
    "InvoiceEmailError",
    "InvoiceRecord",
    "InvoiceRow",
    "OrderRecord",
    "Seller",
    "SmtpServer",
    "VatSummary",
    "buyer_of",
    "document_from_quote",
    "email_invoice",
    "invoice_document",
    "invoice_email",
    "parse_smtp_url",
    "register_fonts",
    "render",
    "send_invoice_email",
]
