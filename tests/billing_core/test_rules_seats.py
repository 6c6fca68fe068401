"""Seats: S1–S5 and the trial floor (T3)."""

from billing_core.holdings import Status
from tests.billing_core.conftest import M, Y, ask, held, line, ok, only_refusal, refused

TODAY = "2026-11-24"


def test_S1_workspace_needs_at_least_two_seats_and_offers_two() -> None:
    r = only_refusal(ask(TODAY, line("workspace", "standard", M, 1)))
    assert (r.rule, r.field, r.numbers["min"]) == ("S1", "seats", 2)
    assert r.fix.as_json() == {"action": "set_seats", "solution": "workspace", "value": 2}


def test_S1_two_seats_is_allowed() -> None:
    assert ok(ask(TODAY, line("workspace", "standard", M, 2))).total > 0


def test_S2_process_seats_are_filled_from_the_workspace_and_said() -> None:
    q = ok(ask(TODAY, line("workspace", "standard", Y, 12), line("process", "starter", Y)))
    process = next(x for x in q.lines if x.planned.solution == "process")
    assert process.planned.seats == 12
    assert [(n.rule, n.code, n.numbers["seats"]) for n in q.notices] == [("S2", "S2.filled", 12)]


def test_S2_a_different_process_count_is_refused_with_the_workspace_count_as_fix() -> None:
    r = only_refusal(ask(TODAY, line("workspace", "standard", Y, 12), line("process", "starter", Y, 7)))
    assert (r.rule, r.code, r.fix.value) == ("S2", "S2.equal", 12)


def test_S2_process_follows_a_workspace_seat_increase_in_the_same_order() -> None:
    holdings = (
        held("workspace", "standard", 5, Y, "2026-01-01", "2027-01-01"),
        held("process", "starter", 5, Y, "2026-01-01", "2027-01-01"),
    )
    r = only_refusal(ask(TODAY, line("workspace", "standard", Y, 8), holdings=holdings))
    assert (r.rule, r.code) == ("S2", "S2.follow")
    assert r.fix.line == {"solution": "process", "tier": "starter", "cycle": "yearly", "seats": 8}


def test_S2_the_fix_points_at_the_corrected_workspace_count_when_S1_also_fails() -> None:
    result = ask(TODAY, line("workspace", "standard", M, 1), line("process", "starter", M, 1))
    assert refused(result) == [("S1", "S1.min"), ("S2", "S2.equal")]
    assert result.refusals[1].fix.value == 2  # type: ignore[union-attr]


def test_S3_app_builder_seats_cannot_exceed_the_workspace() -> None:
    r = only_refusal(ask(TODAY, line("workspace", "standard", Y, 5), line("appbuilder", "starter", Y, 6)))
    assert (r.rule, r.code, r.numbers["max"], r.fix.value) == ("S3", "S3.at_most", 5, 5)


def test_S3_app_builder_may_have_fewer_seats_than_the_workspace() -> None:
    q = ok(ask(TODAY, line("workspace", "standard", Y, 5), line("appbuilder", "starter", Y, 1)))
    assert [x.planned.seats for x in q.lines] == [5, 1]


def test_S4_upgrading_from_a_trial_needs_the_activated_seats() -> None:
    trial = (held("workspace", "standard", 10, M, "2026-11-01", "2026-12-01", Status.TRIAL),)
    r = only_refusal(ask(TODAY, line("workspace", "standard", M, 5), holdings=trial, trial_activated_seats=7))
    assert (r.rule, r.numbers["min"], r.fix.value) == ("S4", 7, 7)
    assert ok(ask(TODAY, line("workspace", "standard", M, 7), holdings=trial, trial_activated_seats=7))


def test_T3_the_trial_seat_floor_is_S4() -> None:
    result = ask(TODAY, line("workspace", "starter", Y, 2), trial_activated_seats=3)
    assert refused(result) == [("S4", "S4.trial_floor")]


def test_S5_a_bundle_keeps_S2_and_S3() -> None:
    result = ask(
        TODAY,
        line("workspace", "standard", Y, 5),
        line("process", "starter", Y, 4),
        line("appbuilder", "starter", Y, 9),
    )
    assert refused(result) == [("S2", "S2.equal"), ("S3", "S3.at_most")]
