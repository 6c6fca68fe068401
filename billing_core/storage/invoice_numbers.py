"""Invoice form, symbol and number (Decree 123/2020, Circular 78/2021).

Form `1` (VAT invoice); a 6-character symbol: C (with a tax-authority code) or K, the issue
year's last two digits, a type letter and two seller characters, e.g. `C26TAA`; a number of
at most 8 digits that restarts at 1 each 1 January and increases with no gap per symbol.
The counter row is bumped with one UPDATE … RETURNING inside the paying transaction, so
concurrent payments queue on that row and a rolled-back payment gives its number back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from billing_core.storage.models import Invoice, InvoiceCounter

MAX_NUMBER = 99_999_999


def invoice_symbol(
    issued_on: dt.date, *, authority_code: str = "C", type_letter: str = "T", seller: str = "AA"
) -> str:
    symbol = f"{authority_code}{issued_on.year % 100:02d}{type_letter}{seller}"
    if len(symbol) != 6 or authority_code not in ("C", "K") or type_letter not in "TDLMNBGH":
        raise ValueError(f"not a valid invoice symbol: {symbol!r}")
    return symbol


async def next_number(session: AsyncSession, symbol: str, year: int) -> int:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(InvoiceCounter)
        .values(symbol=symbol, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["symbol", "year"])
    )
    number = await session.scalar(
        update(InvoiceCounter)
        .where(InvoiceCounter.symbol == symbol, InvoiceCounter.year == year)
        .values(last_number=InvoiceCounter.last_number + 1)
        .returning(InvoiceCounter.last_number)
    )
    assert number is not None
    if number > MAX_NUMBER:
        raise OverflowError(f"invoice numbers for {symbol} in {year} are exhausted")
    return int(number)


async def issue_invoice(
    session: AsyncSession, order_id: int, issued_at: dt.datetime, issued_on: dt.date, seller: str = "AA"
) -> Invoice:
    """The order's invoice, numbered once; the same invoice again on a repeated call."""
    existing = await session.scalar(select(Invoice).where(Invoice.order_id == order_id))
    if existing is not None:
        return existing
    symbol = invoice_symbol(issued_on, seller=seller)
    invoice = Invoice(
        order_id=order_id,
        form="1",
        symbol=symbol,
        year=issued_on.year,
        number=await next_number(session, symbol, issued_on.year),
        issued_at=issued_at,
    )
    session.add(invoice)
    await session.flush()
    return invoice
