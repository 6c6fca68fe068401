"""Trials exported by the main platform, as CSV (`cleeksy-bot trials import FILE.csv`): parsing only.

The file either parses completely or is refused with every problem found, each as a
`RowError(line, column, problem)`; nothing here touches the database. The choices:

- Encoding: UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8" writes one). Any
  other encoding (Excel's plain "CSV" on a Vietnamese Windows is cp1258) is refused with the
  line of the first undecodable byte, rather than guessed at.
- Dialect: comma-separated, `"` quoting with `""` for a quote, strict (a stray quote after a
  closing quote, or a quote left open at the end of the file, is an error). Line endings may be
  LF, CRLF or CR. A quoted field may span lines.
- Line numbers are physical lines of the file, counted from 1; a record that spans lines is
  reported at the line it starts on. The BOM does not count.
- Blank lines, and lines whose fields are all empty (`,,,,`, as spreadsheets write empty rows),
  are skipped anywhere, also before the header.
- Header: the first non-blank line. It must name exactly the columns `COLUMNS`, each once, in
  any order; names are matched after trimming spaces and ignoring case. A missing, unknown,
  unnamed or repeated column is an error naming it, and the rows are then not looked at.
- Every row must have as many fields as the header. Spaces around a value are ignored.
- `telegram_user_id`: a positive whole number in ASCII digits (no sign, no decimals, no
  exponent: a spreadsheet's `1.23E+11` is refused), below 2**63.
- `solution`: a solution id of the catalogue (`workspace`, `process`, `appbuilder` for
  Cleeksy), case-insensitive.
- `started_at`: the first day of the trial, a calendar day in Asia/Ho_Chi_Minh, written as
  `YYYY-MM-DD`; an ISO date-time `YYYY-MM-DD[T ]HH:MM[:SS[.f]]` with an offset or `Z` (converted
  to the Vietnamese day) or without one (taken as Vietnamese local time); or `DD/MM/YYYY`
  (Vietnamese order; one-digit day and month allowed). It must not be after `today`.
- `activated_seats`: a whole number ≥ 0 (the S4 floor), below 2**31; empty means 0.
- `language`: `vi` or `en`, case-insensitive; empty means `vi`.
- The same (telegram_user_id, solution) twice is an error on the later line naming the earlier.
- A file with no header, or a header and no rows, is one error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from billing_core.catalogue import Catalogue
from billing_core.periods import VIETNAM_TZ

COLUMNS = ("telegram_user_id", "solution", "started_at", "activated_seats", "language")
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
MAX_TELEGRAM_USER_ID = 2**63 - 1  # BIGINT
MAX_SEATS = 2**31 - 1  # INTEGER

_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
)
_DMY_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")

T = TypeVar("T")


class RowError(NamedTuple):
    """One problem: the file's line, the column concerned (None: the whole row) and what is wrong."""

    line: int
    column: str | None
    problem: str


@dataclass(frozen=True, slots=True)
class TrialRow:
    """A valid row: one customer's trial of one solution."""

    line: int
    telegram_user_id: int
    solution: str
    started_on: dt.date
    activated_seats: int
    language: str


class TrialFileError(Exception):
    """The file (or, at import, some of its rows) cannot be taken: every problem, by line."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = tuple(sorted(errors, key=lambda e: e.line))
        super().__init__(self.summary)

    @property
    def bad_lines(self) -> int:
        """How many lines have at least one problem."""
        return len({e.line for e in self.errors})

    @property
    def summary(self) -> str:
        return f"{self.bad_lines} bad row{'' if self.bad_lines == 1 else 's'}"


class _Invalid(ValueError):
    """A value that does not fit its column; the message says why."""


def format_error(source: str, error: RowError) -> str:
    """`FILE:LINE: column: problem`, or `FILE:LINE: problem` for a whole row."""
    column = f" {error.column}:" if error.column else ""
    return f"{source}:{error.line}:{column} {error.problem}"


def decode_csv(data: bytes) -> str:
    """The file's text: UTF-8, a leading byte-order mark dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = f"not UTF-8 text (byte 0x{data[exc.start]:02X}); save the file as CSV UTF-8"
        raise TrialFileError([RowError(line, None, problem)]) from None


def read_trials(data: bytes, catalogue: Catalogue, today: dt.date) -> tuple[TrialRow, ...]:
    """The rows of a CSV file's bytes, or TrialFileError with every problem."""
    return parse_trials(decode_csv(data), catalogue, today)


def parse_trials(text: str, catalogue: Catalogue, today: dt.date) -> tuple[TrialRow, ...]:
    """The rows of a CSV text, or TrialFileError with every problem."""
    records = _records(text.removeprefix("\ufeff"))
    first = next(records, None)
    if first is None:
        raise TrialFileError(
            [RowError(1, None, f"the file is empty; expected the header {','.join(COLUMNS)}")]
        )
    if isinstance(first, RowError):
        raise TrialFileError([first])
    header_line, header = first
    positions, errors = _header(header_line, header)
    if errors:
        raise TrialFileError(errors)
    rows = _rows(records, positions, catalogue, today, errors)
    if not rows and not errors:
        errors.append(RowError(header_line, None, "no rows after the header"))
    if errors:
        raise TrialFileError(errors)
    return tuple(rows)


def _records(text: str) -> Iterator[tuple[int, list[str]] | RowError]:
    """(first line, fields) of each non-blank record, or the error of a malformed one."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowError(start, None, f"not valid CSV: {exc}")
            if reader.line_num < start:  # nothing consumed: do not loop
                return
        else:
            if any(field.strip() for field in fields):
                yield start, fields
        start = reader.line_num + 1


def _header(line: int, fields: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """Each known column's position, and the header's problems."""
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    expected = ", ".join(COLUMNS)
    for index, raw in enumerate(fields):
        name = raw.strip().lower()
        if not name:
            errors.append(RowError(line, None, f"column {index + 1} has no name (expected {expected})"))
        elif name not in COLUMNS:
            errors.append(RowError(line, raw.strip(), f"unknown column (expected {expected})"))
        elif name in positions:
            errors.append(RowError(line, name, "column appears twice"))
        else:
            positions[name] = index
    errors += [RowError(line, name, "missing column") for name in COLUMNS if name not in positions]
    return positions, errors


def _rows(
    records: Iterator[tuple[int, list[str]] | RowError],
    positions: Mapping[str, int],
    catalogue: Catalogue,
    today: dt.date,
    errors: list[RowError],
) -> list[TrialRow]:
    """The valid rows; the problems are appended to `errors`."""
    rows: list[TrialRow] = []
    seen: dict[tuple[int, str], int] = {}
    for record in records:
        if isinstance(record, RowError):
            errors.append(record)
            continue
        line, fields = record
        if len(fields) != len(positions):
            errors.append(RowError(line, None, f"expected {len(positions)} fields, found {len(fields)}"))
            continue
        cells = {name: fields[index].strip() for name, index in positions.items()}
        row = _row(line, cells, catalogue, today, errors, seen)
        if row is not None:
            rows.append(row)
    return rows


def _row(
    line: int,
    cells: Mapping[str, str],
    catalogue: Catalogue,
    today: dt.date,
    errors: list[RowError],
    seen: dict[tuple[int, str], int],
) -> TrialRow | None:
    before = len(errors)

    def check(column: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(cells[column])
        except _Invalid as exc:
            errors.append(RowError(line, column, str(exc)))
            return None

    user_id = check("telegram_user_id", _telegram_user_id)
    solution = check("solution", lambda text: _solution_id(text, catalogue))
    started_on = check("started_at", lambda text: _started_at(text, today))
    seats = check("activated_seats", _activated_seats)
    lang = check("language", _language)
    if user_id is not None and solution is not None:
        earlier = seen.setdefault((user_id, solution), line)
        if earlier != line:
            errors.append(
                RowError(
                    line,
                    None,
                    f"telegram_user_id {user_id} and solution {solution} already on line {earlier}",
                )
            )
    if len(errors) > before:
        return None
    assert user_id is not None and solution is not None and started_on is not None
    assert seats is not None and lang is not None
    return TrialRow(line, user_id, solution, started_on, seats, lang)


def _whole_number(text: str, maximum: int) -> int:
    if not _DIGITS.fullmatch(text):
        hint = (
            " (a spreadsheet's scientific notation? format the column as text)" if "E" in text.upper() else ""
        )
        raise _Invalid(f"not a whole number: {text!r}{hint}")
    value = int(text)
    if value > maximum:
        raise _Invalid(f"too large: {text}")
    return value


def _telegram_user_id(text: str) -> int:
    if not text:
        raise _Invalid("missing")
    value = _whole_number(text, MAX_TELEGRAM_USER_ID)
    if value == 0:
        raise _Invalid("must be a positive number, not 0")
    return value


def _solution_id(text: str, catalogue: Catalogue) -> str:
    if not text:
        raise _Invalid("missing")
    if text.lower() not in catalogue.solutions:
        raise _Invalid(f"unknown solution {text!r} (known: {', '.join(sorted(catalogue.solutions))})")
    return text.lower()


def _started_at(text: str, today: dt.date) -> dt.date:
    """The trial's first day in Vietnam; not after `today`."""
    if not text:
        raise _Invalid("missing")
    day = _day(text)
    if day > today:
        raise _Invalid(f"{day.isoformat()} is after today ({today.isoformat()})")
    return day


def _day(text: str) -> dt.date:
    try:
        if _ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if _ISO_DATETIME.fullmatch(text):
            instant = dt.datetime.fromisoformat(text)
            return instant.astimezone(VIETNAM_TZ).date() if instant.tzinfo else instant.date()
    except (ValueError, OverflowError):
        raise _Invalid(f"not a real date or time: {text!r}") from None
    found = _DMY_DATE.fullmatch(text)
    if found is None:
        raise _Invalid(f"not a date: {text!r} (expected YYYY-MM-DD, DD/MM/YYYY or an ISO date-time)")
    day, month, year = (int(part) for part in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        hint = " (dates with / are DD/MM/YYYY)" if month > 12 >= day else ""
        raise _Invalid(f"not a real date: {text!r}{hint}") from None


def _activated_seats(text: str) -> int:
    return _whole_number(text, MAX_SEATS) if text else 0


def _language(text: str) -> str:
    if not text:
        return DEFAULT_LANGUAGE
    if text.lower() not in LANGUAGES:
        raise _Invalid(f"must be {' or '.join(LANGUAGES)}, not {text!r}")
    return text.lower()
