"""The quote as the chat shows it names each discount step as the invoice does (K1)."""

from __future__ import annotations

import datetime as dt

from billing_core.cart import CartLine, QuoteRequest
from billing_core.quote import Quote, quote
from conversations.quote_text import quote_text
from locales import translator
from tests.billing_core.conftest import DOCAI, Y


def test_C5_a_plans_own_yearly_price_is_not_called_a_0_percent_discount() -> None:
    result = quote(DOCAI, QuoteRequest(dt.date(2026, 11, 24), (CartLine("assistant", "pro", Y),)))
    assert isinstance(result, Quote)
    text = "\n".join(quote_text(translator("vi"), DOCAI, result))
    assert "Giảm giá khi thanh toán theo năm: -998.000\xa0₫" in text, text
    assert "0%" not in text
