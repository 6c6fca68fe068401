"""Invoice form, symbol and number (Decree 123/2020, Circular 78/2021).

Form `1` (VAT invoice); a 6-character symbol: C (with a tax-authority code) or K, the issue
year's last two digits, a type letter and two seller characters, e.g. `C26TAA`; a number of
at most 8 digits that restarts at 1 each 1 January and increases with no gap per symbol.
The counter row is bumped with one upsert … RETURNING inside the paying transaction, so
concurrent payments queue on that row and a rolled-back payment gives its number back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import ModuleType

from sqlalchemy import Connection, Executable, bindparam, insert, select

from billing_core.invoice_ids import MAX_NUMBER, invoice_symbol
from billing_core.storage.tables import INVOICE_COUNTERS, INVOICES, per_dialect


@dataclass(frozen=True, slots=True)
class IssuedInvoice:
    id: int
    order_id: int
    symbol: str
    year: int
    number: int


def _bump(dialect: ModuleType) -> Executable:
    counter = INVOICE_COUNTERS.c
    statement: Executable = (
        dialect.insert(INVOICE_COUNTERS)
        .values(symbol=bindparam("symbol"), year=bindparam("year"), last_number=1)
        .on_conflict_do_update(
            index_elements=[counter.symbol, counter.year], set_={"last_number": counter.last_number + 1}
        )
        .returning(counter.last_number)
    )
    return statement


_BUMP = per_dialect(_bump)
_COLUMNS = (INVOICES.c.id, INVOICES.c.order_id, INVOICES.c.symbol, INVOICES.c.year, INVOICES.c.number)
_OF_ORDER = select(*_COLUMNS).where(INVOICES.c.order_id == bindparam("order_id"))
_ADD = (
    insert(INVOICES)
    .values(
        order_id=bindparam("order_id"),
        form="1",
        symbol=bindparam("symbol"),
        year=bindparam("year"),
        number=bindparam("number"),
        issued_at=bindparam("issued_at"),
    )
    .returning(*_COLUMNS)
)


def next_number(connection: Connection, symbol: str, year: int) -> int:
    number = connection.execute(_BUMP[connection.dialect.name], {"symbol": symbol, "year": year}).scalar_one()
    if number > MAX_NUMBER:
        raise OverflowError(f"invoice numbers for {symbol} in {year} are exhausted")
    return int(number)


def issue_invoice(
    connection: Connection, order_id: int, issued_at: dt.datetime, issued_on: dt.date, seller: str = "AA"
) -> IssuedInvoice:
    """The order's invoice, numbered once; the same invoice again on a repeated call."""
    existing = connection.execute(_OF_ORDER, {"order_id": order_id}).first()
    if existing is not None:
        return IssuedInvoice(*existing)
    symbol = invoice_symbol(issued_on, seller=seller)
    number = next_number(connection, symbol, issued_on.year)
    values = {"order_id": order_id, "symbol": symbol, "year": issued_on.year, "number": number}
    return IssuedInvoice(*connection.execute(_ADD, values | {"issued_at": issued_at}).one())
