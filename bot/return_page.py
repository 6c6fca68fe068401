"""The small page a customer's browser lands on after VNPAY (GET /vnpay/return).

It only shows the result VNPAY sent (signature checked) and where to go next; the order is
changed by the IPN alone. Text comes from the gettext catalogues.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from billing_core.vnpay.response_codes import explain_response_code
from locales import N_, Translator

TITLE_PAID = N_("Payment successful")
TITLE_FAILED = N_("Payment not completed")
TITLE_INVALID = N_("Invalid payment link")
ORDER_LINE = N_("Order no. {order}: {amount}")
WAITING = N_("VNPAY is confirming your payment; the bot will send your invoice in the chat shortly.")
DONE = N_("Your plan is active. The invoice is in the chat.")
RETRY = N_("Go back to the chat to try again or choose another way to pay.")
INVALID = N_("This page was not opened from a valid VNPAY payment. Nothing was charged by it.")
BACK = N_("Back to the chat")


@dataclass(frozen=True, slots=True)
class ReturnView:
    valid: bool
    success: bool = False
    response_code: str = "99"
    order_id: int | None = None
    amount: int | None = None
    order_paid: bool = False  # the IPN has already settled it


def render(t: Translator, view: ReturnView, bot_url: str) -> str:
    if not view.valid:
        title, lines = t.gettext(TITLE_INVALID), [t.gettext(INVALID)]
    else:
        title = t.gettext(TITLE_PAID if view.success else TITLE_FAILED)
        lines = [explain_response_code(t, view.response_code)]
        if view.order_id is not None and view.amount is not None:
            lines.append(t.gettext(ORDER_LINE).format(order=view.order_id, amount=t.money(view.amount)))
        if view.success:
            lines.append(t.gettext(DONE if view.order_paid else WAITING))
        else:
            lines.append(t.gettext(RETRY))
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    lang = "en" if t.locale == "en" else "vi"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}"
        "a{display:inline-block;margin-top:1rem;padding:.6rem 1rem;background:#0a66c2;color:#fff;"
        "border-radius:.4rem;text-decoration:none}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}"
        f'<a href="{html.escape(bot_url, quote=True)}">{html.escape(t.gettext(BACK))}</a></body></html>'
    )
