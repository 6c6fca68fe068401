""" "Hóa đơn": the last invoices, newest first, each sent again as its PDF with one tap (V4)."""

from __future__ import annotations

from conversations.account import Account
from conversations.context import Context
from conversations.effects import SendInvoice
from conversations.entry import BUY, begin
from conversations.outcomes import Outcome, Stay
from conversations.phrases import money
from conversations.screens import BACK, Choice, Screen, in_rows
from conversations.state import State
from conversations.steps.base import Handler

GET = "get"


class InvoicesStep(Handler):
    def screen(self, state: State, ctx: Context, subject: str) -> Screen:
        t, account = ctx.translator(state.locale), state.account or Account()
        if not account.invoices:
            text = t.gettext("You have no invoices yet. Each paid order gets one, sent here as a PDF.")
            return Screen(text, ((Choice(t.gettext("Buy a plan"), BUY),),), nav=(BACK,))
        rows = [
            t.gettext("No. {number} · {date} · {amount}").format(
                number=i.label, date=t.date(i.issued_on), amount=money(t, i.amount)
            )
            for i in account.invoices
        ]
        text = "\n".join((t.gettext("Your invoices (tap one to get its PDF again):"), *rows))
        buttons = (Choice("📄 " + i.label, GET, str(i.order_id)) for i in account.invoices)
        return Screen(text, in_rows(buttons, 2), nav=(BACK,))

    def on_choice(self, state: State, ctx: Context, subject: str, action: str, arg: str) -> Outcome | None:
        account = state.account or Account()
        if action == BUY and not account.invoices:
            return begin(state, BUY)
        invoice = next((i for i in account.invoices if str(i.order_id) == arg), None)
        if action != GET or invoice is None:
            return None
        t = ctx.translator(state.locale)
        note = t.gettext("Invoice {number} is on its way.").format(number=invoice.label)
        return Stay(state, note, (SendInvoice(invoice.order_id),))
