"""A statement run on every update, compiled once and, on a SQLite file, run straight on the
sqlite3 connection of the unit (billing_core/storage/units.py).

SQLAlchemy's `Connection.execute` costs about 80 µs of CPU per statement in its execution
context, its result and the transaction it opens; the statement itself, on SQLite, about 8 µs.
The conversation's state is read and written on every update (conversation_store.py), so those
statements are `Prepared`: compiled for the connection's dialect once, their parameters put in
order and converted with the column types' own bind processors (JSON, the UTC datetimes), their
rows converted with the types' result processors, the same values SQLAlchemy would send and
return. On any other connection (PostgreSQL, SQLite through aiosqlite) they run through
`Connection.execute` as any statement does.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Convert = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    parameters: tuple[tuple[str | None, Any, Convert], ...]
    """In order: the name of the caller's value and its conversion, or None and the statement's
    own value, converted already."""
    results: tuple[Convert, ...]

    def values(self, given: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            own if name is None else convert(given[name]) if convert else given[name]
            for name, own, convert in self.parameters
        )

    def row(self, found: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            convert(value) if convert else value for convert, value in zip(self.results, found, strict=True)
        )


class Prepared:
    def __init__(self, statements: Executable | Mapping[str, Executable]) -> None:
        """One statement, or one per dialect name (an upsert is written per dialect)."""
        self._statements = statements
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()

    def statement(self, dialect: Dialect) -> Executable:
        statements = self._statements
        return statements if isinstance(statements, Executable) else statements[dialect.name]

    def first(self, connection: Connection, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row the statement returns, or None."""
        driver = _sqlite_driver(connection)
        if driver is None:
            row = connection.execute(self.statement(connection.dialect), dict(values)).first()
            return tuple(row) if row is not None else None
        compiled = self._for(connection.dialect)
        found = driver.execute(compiled.sql, compiled.values(values)).fetchone()
        return compiled.row(found) if found is not None else None

    def rowcount(self, connection: Connection, values: Mapping[str, Any]) -> int:
        """How many rows the statement changed."""
        driver = _sqlite_driver(connection)
        if driver is None:
            return int(connection.execute(self.statement(connection.dialect), dict(values)).rowcount)
        compiled = self._for(connection.dialect)
        return int(driver.execute(compiled.sql, compiled.values(values)).rowcount)

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            found = self._compiled[dialect] = _compile(self.statement(dialect), dialect)
        return found


def _sqlite_driver(connection: Connection) -> Any:
    """The sqlite3 connection under `connection` (Python's own SQLite driver), or None."""
    return connection.connection.driver_connection if connection.dialect.driver == "pysqlite" else None


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    if not isinstance(statement, ClauseElement):
        raise TypeError(f"not a SQL Core statement: {statement!r}")
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    if compiled.positiontup is None or compiled.post_compile_params or compiled.literal_execute_params:
        raise ValueError(f"not a statement with plain positional parameters: {compiled.string}")
    if compiled.insert_prefetch or compiled.update_prefetch:  # Python-side defaults, computed per run
        raise ValueError(f"a statement whose columns default in Python: {compiled.string}")
    parameters: list[tuple[str | None, Any, Convert]] = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if bind.required:
            parameters.append((name, None, convert))
        else:
            own = bind.effective_value
            parameters.append((None, convert(own) if convert else own, None))
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in getattr(statement, "selected_columns", ())
    )
    return _Compiled(compiled.string, tuple(parameters), results)
