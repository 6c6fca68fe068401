"""How a Vietnamese invoice and its parties are identified (Decree 123/2020, Circular 78/2021,
Circular 105/2020): the symbol, the number, how both are printed, and the tax code (MST).

Pure values, shared by the numbering in storage, the chat's invoice list and the PDF, so each
rule is written once.
"""

from __future__ import annotations

import datetime as dt
import re

MAX_NUMBER = 99_999_999  # at most 8 digits, restarting at 1 each 1 January
SYMBOL = re.compile(r"[CK]\d{2}[TDLMNBGH][A-Z0-9]{2}")  # C/K, year, type letter, 2 seller characters
TAX_CODE = re.compile(r"\d{10}(?:-\d{3})?|\d{12}")  # business (or branch), or a personal ID (V3)


def invoice_symbol(
    issued_on: dt.date, *, authority_code: str = "C", type_letter: str = "T", seller: str = "AA"
) -> str:
    symbol = f"{authority_code}{issued_on.year % 100:02d}{type_letter}{seller}"
    if not SYMBOL.fullmatch(symbol):
        raise ValueError(f"not a valid invoice symbol: {symbol!r}")
    return symbol


def invoice_label(form: str, symbol: str, number: int) -> str:
    """Form and symbol printed together, then the zero-padded number: "1C26TAA-00000012"."""
    return f"{form}{symbol}-{number:08d}"


def invoice_filename(number: int) -> str:
    """The PDF's file name as sent in the chat and by e-mail: "HD-00000012.pdf"."""
    return f"HD-{number:08d}.pdf"


def is_tax_code(text: str) -> bool:
    """MST: 10 digits, or 10 digits, "-" and a 3-digit branch; or a 12-digit personal ID."""
    return TAX_CODE.fullmatch(text) is not None
