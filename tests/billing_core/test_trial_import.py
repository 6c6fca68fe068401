"""Parsing the trials CSV of `cleeksy-bot trials import` (T1, S4): every problem, by physical line."""

from __future__ import annotations

import datetime as dt

import pytest

from billing_core.trial_import import (
    COLUMNS,
    RowError,
    TrialFileError,
    TrialRow,
    format_error,
    parse_trials,
    read_trials,
)
from tests.billing_core.conftest import CLEEKSY

TODAY = dt.date(2026, 11, 24)
HEADER = ",".join(COLUMNS)


def parse(text: str) -> tuple[TrialRow, ...]:
    return parse_trials(text, CLEEKSY, TODAY)


def problems(text: str) -> list[RowError]:
    with pytest.raises(TrialFileError) as caught:
        parse(text)
    return list(caught.value.errors)


def one_cell(value: str, column: str) -> str:
    """A file of one row that is valid except for `column`."""
    cells = {
        "telegram_user_id": "1001",
        "solution": "workspace",
        "started_at": "2026-11-01",
        "activated_seats": "3",
        "language": "vi",
    }
    cells[column] = value
    return f"{HEADER}\n{','.join(cells[name] for name in COLUMNS)}\n"


def test_a_good_file_gives_its_rows_with_defaults() -> None:
    rows = parse(f"{HEADER}\n1001,workspace,2026-11-01,12,en\n1002, Process ,01/11/2026,,\n")
    assert rows == (
        TrialRow(2, 1001, "workspace", dt.date(2026, 11, 1), 12, "en"),
        TrialRow(3, 1002, "process", dt.date(2026, 11, 1), 0, "vi"),
    )


def test_an_excel_utf8_file_with_bom_and_crlf_parses() -> None:
    data = f"\ufeff{HEADER}\r\n1001,workspace,24/11/2026,2,VI\r\n".encode()
    assert read_trials(data, CLEEKSY, TODAY) == (
        TrialRow(2, 1001, "workspace", dt.date(2026, 11, 24), 2, "vi"),
    )


def test_columns_may_come_in_any_order_and_any_case() -> None:
    rows = parse(
        " Language ,SOLUTION,started_at,Telegram_User_Id,activated_seats\nen,appbuilder,2026-11-02,7,1\n"
    )
    assert rows == (TrialRow(2, 7, "appbuilder", dt.date(2026, 11, 2), 1, "en"),)


def test_quoted_fields_and_a_quoted_newline_keep_physical_line_numbers() -> None:
    text = (
        f"{HEADER}\n"
        '"1001","work\nspace",2026-11-01,1,vi\n'
        '"1002","process","2026-11-01","1","vi"\n'
        "1003,crm,2026-11-01,1,vi\n"
    )
    errors = problems(text)
    assert [(e.line, e.column) for e in errors] == [(2, "solution"), (5, "solution")]
    assert "'work\\nspace'" in errors[0].problem


def test_blank_lines_and_empty_spreadsheet_rows_are_skipped_but_counted() -> None:
    text = f"\n{HEADER}\n\n1001,workspace,2026-11-01,1,vi\n,,,,\n   \n1002,process,2026-11-01,1,vi\n"
    assert [row.line for row in parse(text)] == [4, 7]


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2026-11-01", dt.date(2026, 11, 1)),
        ("01/11/2026", dt.date(2026, 11, 1)),
        ("1/2/2026", dt.date(2026, 2, 1)),
        ("2026-11-01T09:30:00", dt.date(2026, 11, 1)),  # naive: Vietnamese time
        ("2026-11-01 23:59", dt.date(2026, 11, 1)),
        ("2026-10-31T17:00:00Z", dt.date(2026, 11, 1)),  # midnight in Hanoi
        ("2026-10-31T16:59:59.999+00:00", dt.date(2026, 10, 31)),
        ("2026-11-01T00:30:00+07:00", dt.date(2026, 11, 1)),
        ("2026-11-01T08:00:00+0900", dt.date(2026, 11, 1)),
        ("2026-11-24", TODAY),
        ("2026-11-24T16:59:59Z", TODAY),
    ],
)
def test_started_at_formats(written: str, day: dt.date) -> None:
    assert parse(one_cell(written, "started_at"))[0].started_on == day


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("telegram_user_id", "", "missing"),
        ("telegram_user_id", "0", "must be a positive number, not 0"),
        ("telegram_user_id", "-5", "not a whole number: '-5'"),
        ("telegram_user_id", "12.0", "not a whole number: '12.0'"),
        (
            "telegram_user_id",
            "1.23457E+11",
            "not a whole number: '1.23457E+11' "
            "(a spreadsheet's scientific notation? format the column as text)",
        ),
        ("telegram_user_id", "9223372036854775808", "too large: 9223372036854775808"),
        ("solution", "", "missing"),
        ("solution", "crm", "unknown solution 'crm' (known: appbuilder, process, workspace)"),
        ("started_at", "", "missing"),
        ("started_at", "2026-11-25", "2026-11-25 is after today (2026-11-24)"),
        ("started_at", "2026-11-24T17:00:00Z", "2026-11-25 is after today (2026-11-24)"),
        ("started_at", "25/11/2026", "2026-11-25 is after today (2026-11-24)"),
        ("started_at", "2026-02-30", "not a real date or time: '2026-02-30'"),
        ("started_at", "2026-11-01T25:00", "not a real date or time: '2026-11-01T25:00'"),
        ("started_at", "31/02/2026", "not a real date: '31/02/2026'"),
        ("started_at", "11/13/2026", "not a real date: '11/13/2026' (dates with / are DD/MM/YYYY)"),
        (
            "started_at",
            "20261101",
            "not a date: '20261101' (expected YYYY-MM-DD, DD/MM/YYYY or an ISO date-time)",
        ),
        (
            "started_at",
            "1 Nov 2026",
            "not a date: '1 Nov 2026' (expected YYYY-MM-DD, DD/MM/YYYY or an ISO date-time)",
        ),
        ("activated_seats", "-1", "not a whole number: '-1'"),
        ("activated_seats", "2.5", "not a whole number: '2.5'"),
        ("activated_seats", "2147483648", "too large: 2147483648"),
        ("language", "fr", "must be vi or en, not 'fr'"),
        ("language", "vi-VN", "must be vi or en, not 'vi-VN'"),
    ],
)
def test_a_bad_value_names_its_line_column_and_problem(column: str, value: str, problem: str) -> None:
    assert problems(one_cell(value, column)) == [RowError(2, column, problem)]


def test_every_bad_row_and_every_bad_cell_is_reported() -> None:
    text = (
        f"{HEADER}\n"
        "1001,workspace,2026-11-01,1,vi\n"
        "x,crm,2026-11-01,1,vi\n"
        "1002,workspace,2026-11-01,1,vi\n"
        "1003,process,2027-01-01,many,de\n"
    )
    assert problems(text) == [
        RowError(3, "telegram_user_id", "not a whole number: 'x'"),
        RowError(3, "solution", "unknown solution 'crm' (known: appbuilder, process, workspace)"),
        RowError(5, "started_at", "2027-01-01 is after today (2026-11-24)"),
        RowError(5, "activated_seats", "not a whole number: 'many'"),
        RowError(5, "language", "must be vi or en, not 'de'"),
    ]


def test_the_same_user_and_solution_twice_is_an_error_naming_the_earlier_line() -> None:
    text = (
        f"{HEADER}\n"
        "1001,workspace,2026-11-01,1,vi\n"
        "1001,process,2026-11-01,1,vi\n"
        "1001,Workspace,2026-11-02,3,vi\n"
    )
    assert problems(text) == [
        RowError(4, None, "telegram_user_id 1001 and solution workspace already on line 2")
    ]


def test_a_row_with_too_few_or_too_many_fields() -> None:
    text = f"{HEADER}\n1001,workspace,2026-11-01,1\n1002,workspace,2026-11-01,1,vi,extra\n"
    assert problems(text) == [
        RowError(2, None, "expected 5 fields, found 4"),
        RowError(3, None, "expected 5 fields, found 6"),
    ]


def test_malformed_quoting_is_reported_at_the_line_the_record_starts_on() -> None:
    text = (
        f"{HEADER}\n"
        '1001,"workspace"x,2026-11-01,1,vi\n'
        "1002,workspace,2026-11-01,1,vi\n"
        '1003,"process,2026-11-01,1,vi\n'
    )
    assert problems(text) == [
        RowError(2, None, "not valid CSV: ',' expected after '\"'"),
        RowError(4, None, "not valid CSV: unexpected end of data"),
    ]


def test_header_problems_name_each_column_and_stop_there() -> None:
    text = "telegram_id,solution,solution,started_at,,language\n1001,x,x,x,x,x\n"
    expected = "(expected telegram_user_id, solution, started_at, activated_seats, language)"
    assert problems(text) == [
        RowError(1, "telegram_id", f"unknown column {expected}"),
        RowError(1, "solution", "column appears twice"),
        RowError(1, None, f"column 5 has no name {expected}"),
        RowError(1, "telegram_user_id", "missing column"),
        RowError(1, "activated_seats", "missing column"),
    ]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", RowError(1, None, f"the file is empty; expected the header {HEADER}")),
        ("\ufeff\r\n\r\n", RowError(1, None, f"the file is empty; expected the header {HEADER}")),
        (f"{HEADER}\n", RowError(1, None, "no rows after the header")),
        (f"\n{HEADER}\n\n,,,,\n", RowError(2, None, "no rows after the header")),
    ],
)
def test_an_empty_or_header_only_file_is_one_error(text: str, error: RowError) -> None:
    assert problems(text) == [error]


def test_a_file_that_is_not_utf8_is_refused_at_its_line() -> None:
    data = f"{HEADER}\n1001,workspace,2026-11-01,1,vi\n# Quá\n".encode("cp1258")
    with pytest.raises(TrialFileError) as caught:
        read_trials(data, CLEEKSY, TODAY)
    assert caught.value.errors == (
        RowError(3, None, "not UTF-8 text (byte 0xE1); save the file as CSV UTF-8"),
    )


def test_errors_are_formatted_for_the_terminal_and_counted_by_line() -> None:
    error = TrialFileError(
        [RowError(5, "language", "x"), RowError(3, None, "y"), RowError(5, "solution", "z")]
    )
    assert [format_error("t.csv", e) for e in error.errors] == [
        "t.csv:3: y",
        "t.csv:5: language: x",
        "t.csv:5: solution: z",
    ]
    assert error.summary == "2 bad rows"
    assert TrialFileError([RowError(1, None, "y")]).summary == "1 bad row"
