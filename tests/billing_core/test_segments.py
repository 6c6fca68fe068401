"""Broadcast segment names (conversation.md, "Operators"): all, trial, trial-expiring, expired,
solution:<id> of the catalogue; anything else is refused with the list of what is known."""

from __future__ import annotations

import pytest

from billing_core.segments import EXPIRING_WITHIN_DAYS, Segment, SegmentError, parse_segment

from .conftest import CLEEKSY, DOCAI


@pytest.mark.parametrize("kind", ["all", "trial", "trial-expiring", "expired"])
def test_each_kind_is_parsed(kind: str) -> None:
    segment = parse_segment(kind, CLEEKSY)
    assert segment == Segment(kind)
    assert segment.solution is None
    assert str(segment) == kind


@pytest.mark.parametrize("solution", ["workspace", "process", "appbuilder"])
def test_each_solution_of_the_catalogue_is_a_segment(solution: str) -> None:
    segment = parse_segment(f"solution:{solution}", CLEEKSY)
    assert segment == Segment("solution", solution)
    assert str(segment) == f"solution:{solution}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  ALL ", Segment("all")),
        ("Trial-Expiring", Segment("trial-expiring")),
        ("\tEXPIRED\n", Segment("expired")),
        ("Solution:Workspace", Segment("solution", "workspace")),
        (" solution:PROCESS ", Segment("solution", "process")),
    ],
)
def test_case_and_surrounding_spaces_do_not_matter(text: str, expected: Segment) -> None:
    assert parse_segment(text, CLEEKSY) == expected


def test_a_name_parses_back_to_the_same_segment() -> None:
    for text in ("all", "trial", "trial-expiring", "expired", "solution:appbuilder"):
        assert parse_segment(str(parse_segment(text, CLEEKSY)), CLEEKSY) == parse_segment(text, CLEEKSY)


def test_solutions_are_the_catalogues_own() -> None:
    assert parse_segment("solution:assistant", DOCAI) == Segment("solution", "assistant")
    with pytest.raises(SegmentError):
        parse_segment("solution:assistant", CLEEKSY)
    with pytest.raises(SegmentError):
        parse_segment("solution:workspace", DOCAI)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "everyone",
        "trials",
        "trial expiring",
        "trial_expiring",
        "solution",
        "solution:",
        "solution:crm",
        "solution: workspace",
        "workspace",
        "solutions:workspace",
        "all,trial",
    ],
)
def test_an_unknown_segment_is_refused_with_the_known_ones(text: str) -> None:
    with pytest.raises(SegmentError) as refused:
        parse_segment(text, CLEEKSY)
    message = str(refused.value)
    assert repr(text) in message
    assert message.endswith(
        "use one of: all, trial, trial-expiring, expired, "
        "solution:workspace, solution:process, solution:appbuilder"
    )


def test_a_segment_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_segment("nobody", CLEEKSY)


def test_segments_are_values() -> None:
    assert Segment("solution", "workspace") == Segment("solution", "workspace")
    assert len({Segment("all"), Segment("all"), Segment("trial")}) == 2
    assert EXPIRING_WITHIN_DAYS == 7  # as far ahead as the first reminder (T1)
