"""A quote as the customer reads it (K1): every line with its period, each discount step, VAT,
the total and the total in words. Amounts are the engine's; only formatting happens here."""

from __future__ import annotations

from billing_core.amount_in_words import amount_in_words
from billing_core.catalogue import Catalogue
from billing_core.explanations import LINE_KINDS, discount_label, explain
from billing_core.pricing import DiscountLine, QuoteLine
from billing_core.quote import Quote
from conversations.phrases import days, line_summary, money, number, period
from locales import Translator


def quote_text(t: Translator, catalogue: Catalogue, q: Quote) -> list[str]:
    text = [_line(t, catalogue, x) for x in q.lines]
    text.append(t.gettext("Subtotal: {amount}").format(amount=money(t, q.subtotal)))
    text += [_discount(t, d) for d in q.discounts]
    if q.discounts:
        text.append(t.gettext("Before tax: {amount}").format(amount=money(t, q.before_tax)))
    for vat in q.vat:
        if vat.rate.code == "KCT":
            text.append(t.gettext("Not subject to VAT: {amount}").format(amount=money(t, vat.base)))
        else:
            text.append(
                t.gettext("VAT {rate}%: {amount}").format(rate=vat.rate.percent, amount=money(t, vat.amount))
            )
    text.append(t.gettext("Total: {amount}").format(amount=money(t, q.total)))
    text.append(t.gettext("In words: {words}").format(words=amount_in_words(q.total, t.locale)))
    text += [explain(t, catalogue, n) for n in q.notices]
    return text


def _line(t: Translator, catalogue: Catalogue, q: QuoteLine) -> str:
    p = q.planned
    if p.addon is not None:
        addon = catalogue.addons[p.addon]
        what = t.gettext("{addon}: {count} × {block}").format(
            addon=t.gettext(addon.name), count=number(t, p.quantity or 0), block=t.gettext(addon.block)
        )
    else:
        assert p.solution is not None
        what = line_summary(t, catalogue, p.solution, p.tier, p.seats, p.cycle)
    if p.kind in LINE_KINDS:
        what = t.gettext("{kind}: {what}").format(kind=t.gettext(LINE_KINDS[p.kind]), what=what)
    when = period(t, q.charged)
    if p.prorated:
        when += " (" + days(t, p.charged_days) + ")"
    return "• " + what + "\n  " + when + ": " + money(t, q.amount)


def _discount(t: Translator, d: DiscountLine) -> str:
    label = discount_label(t, d.kind, d.percent, d.code)
    return t.gettext("{label}: {amount}").format(label=label, amount=money(t, -d.amount))
