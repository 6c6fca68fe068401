"""Changes scheduled for the end of the paid period (P3, Y3), judged on what the customer holds
after the boundary (S1–S3, Y2, D1); and renewals quoted after what is paid already (V1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from billing_core.cart import QuoteRequest
from billing_core.quote import Quote, quote
from billing_core.scheduled_changes import (
    ChangeKind,
    ChangeRequest,
    PlannedChange,
    Target,
    after_boundary,
    kinds_for,
    merged,
    plan_change,
)
from tests.billing_core.conftest import CLEEKSY, M, Y, d, held, line

WS = held("workspace", "standard", 12, Y, "2026-01-15", "2027-01-15")
PROCESS = held("process", "starter", 12, Y, "2026-01-15", "2027-01-15")
APPS = held("appbuilder", "starter", 8, Y, "2026-01-15", "2027-01-15")
MONTHLY_APPS = held("appbuilder", "starter", 3, M, "2026-11-15", "2026-12-15")


def judge(*holdings: object, kind: ChangeKind, solution: str = "", value: object = None, scheduled=()):  # type: ignore[no-untyped-def]
    return plan_change(CLEEKSY, holdings, scheduled, ChangeRequest(kind, solution, value))  # type: ignore[arg-type]


def test_P3_a_lower_tier_takes_effect_on_the_day_the_paid_period_ends() -> None:
    planned = judge(WS, kind=ChangeKind.TIER, solution="workspace", value="starter")
    assert isinstance(planned, PlannedChange)
    assert planned.targets == (Target("workspace", tier="starter"),)
    assert planned.effective_on == d("2027-01-15")


def test_P3_a_tier_that_is_not_lower_or_not_sold_is_not_a_downgrade() -> None:
    assert judge(WS, kind=ChangeKind.TIER, solution="workspace", value="premium") is None
    assert judge(WS, kind=ChangeKind.TIER, solution="workspace", value="free") is None  # C2
    assert judge(WS, kind=ChangeKind.TIER, solution="workspace", value="standard") is None


def test_S2_fewer_workspace_users_carry_process_with_a_notice() -> None:
    planned = judge(WS, PROCESS, kind=ChangeKind.SEATS, solution="workspace", value=8)
    assert isinstance(planned, PlannedChange)
    assert planned.targets == (Target("workspace", seats=8), Target("process", seats=8))
    assert [(n.rule, n.code, n.solution) for n in planned.notices] == [("S2", "S2.follows", "process")]


def test_S2_process_users_are_never_reduced_on_their_own() -> None:
    assert ChangeKind.SEATS not in kinds_for(CLEEKSY, {"process": PROCESS, "workspace": WS}, {}, "process")
    assert judge(WS, PROCESS, kind=ChangeKind.SEATS, solution="process", value=8) is None


def test_S1_the_workspace_keeps_its_minimum_users() -> None:
    refusal = judge(WS, kind=ChangeKind.SEATS, solution="workspace", value=1)
    assert refusal is not None and not isinstance(refusal, PlannedChange)
    assert (refusal.rule, refusal.code, refusal.fix and refusal.fix.value) == ("S1", "S1.min", 2)


def test_S3_the_workspace_cannot_go_below_app_builder() -> None:
    refusal = judge(WS, APPS, kind=ChangeKind.SEATS, solution="workspace", value=5)
    assert refusal is not None and not isinstance(refusal, PlannedChange)
    assert (refusal.rule, refusal.code, refusal.fix and refusal.fix.value) == (
        "S3",
        "S3.base_below_dependent",
        8,
    )
    # ...unless App Builder's own reduction is scheduled first: then 5 is fine.
    first = judge(WS, APPS, kind=ChangeKind.SEATS, solution="appbuilder", value=4)
    assert isinstance(first, PlannedChange)
    then = judge(WS, APPS, kind=ChangeKind.SEATS, solution="workspace", value=5, scheduled=first.targets)
    assert isinstance(then, PlannedChange)


def test_Y3_yearly_to_monthly_at_renewal_carries_yearly_dependents_Y2() -> None:
    planned = judge(WS, PROCESS, kind=ChangeKind.MONTHLY, solution="workspace")
    assert isinstance(planned, PlannedChange)
    assert planned.targets == (Target("workspace", cycle=M), Target("process", cycle=M))
    assert [n.code for n in planned.notices] == ["Y2.follows_monthly"]
    assert (
        judge(replace(WS, cycle=M), kind=ChangeKind.MONTHLY, solution="workspace") is None
    )  # monthly already


def test_D1_the_workspace_ends_only_with_everything() -> None:
    refusal = judge(WS, PROCESS, kind=ChangeKind.REMOVE, solution="workspace")
    assert refusal is not None and not isinstance(refusal, PlannedChange)
    assert (refusal.rule, refusal.fix and refusal.fix.action) == ("D1", "cancel_all")
    removed = judge(WS, PROCESS, kind=ChangeKind.REMOVE, solution="process")
    assert isinstance(removed, PlannedChange) and removed.targets == (Target("process", ends=True),)


def test_cancel_ends_each_solution_at_the_end_of_its_own_paid_period() -> None:
    ws = held("workspace", "standard", 3, Y, "2026-01-15", "2027-01-15")
    planned = judge(ws, MONTHLY_APPS, kind=ChangeKind.CANCEL)
    assert isinstance(planned, PlannedChange)
    assert [t.solution for t in planned.targets] == ["workspace", "appbuilder"]
    assert planned.dates == {"workspace": d("2027-01-15"), "appbuilder": d("2026-12-15")}
    assert judge(ws, kind=ChangeKind.CANCEL, scheduled=(Target("workspace", ends=True),)) is None


def test_changes_scheduled_one_after_another_merge_per_solution() -> None:
    targets = merged((Target("workspace", tier="starter"), Target("workspace", seats=5)))
    assert targets == {"workspace": Target("workspace", tier="starter", seats=5)}
    after = after_boundary((WS, PROCESS), targets | {"process": Target("process", ends=True)})
    assert list(after) == ["workspace"]
    assert (after["workspace"].tier, after["workspace"].seats) == ("starter", 5)


def test_nothing_is_changed_on_a_plan_that_is_not_running() -> None:
    expired = replace(WS, status=WS.status.EXPIRED)
    assert judge(expired, kind=ChangeKind.TIER, solution="workspace", value="starter") is None
    assert judge(expired, kind=ChangeKind.CANCEL) is None


def test_V1_a_renewal_is_quoted_after_what_is_paid_already() -> None:
    ws = held("workspace", "standard", 12, M, "2026-11-15", "2026-12-15")
    request = QuoteRequest(d("2026-11-24"), (line("workspace", "standard", M, 12),), (ws,))
    first = quote(CLEEKSY, request)
    paid_ahead = replace(request, holdings=(replace(ws, paid_until=dt.date(2027, 1, 15)),))
    second = quote(CLEEKSY, paid_ahead)
    assert isinstance(first, Quote) and isinstance(second, Quote)
    assert [p.as_json() for p in first.periods] == [{"start": "2026-12-15", "end": "2027-01-15"}]
    assert [p.as_json() for p in second.periods] == [{"start": "2027-01-15", "end": "2027-02-15"}]


def test_S3_cancelling_a_change_a_later_one_needs_is_refused_P3_and_so_is_one_paid_for() -> None:
    from billing_core.scheduled_changes import cancel_refused

    apps = ChangeRequest(ChangeKind.SEATS, "appbuilder", 4)
    ws = ChangeRequest(ChangeKind.SEATS, "workspace", 5)
    pending = [(1, apps, d("2027-01-15")), (2, ws, d("2027-01-15"))]
    refusal = cancel_refused(CLEEKSY, (WS, APPS), pending, 1)
    assert refusal is not None and refusal.code == "S3.base_below_dependent"
    assert cancel_refused(CLEEKSY, (WS, APPS), pending, 2) is None  # the later one goes freely
    paid = replace(WS, paid_until=d("2028-01-15"))  # the next period is paid already
    refusal = cancel_refused(
        CLEEKSY, (paid,), [(3, ChangeRequest(ChangeKind.TIER, "workspace", "starter"), d("2027-01-15"))], 3
    )
    assert refusal is not None and (refusal.rule, refusal.code) == ("P3", "P3.renewal_paid")
    assert cancel_refused(CLEEKSY, (WS,), pending, 99) is None  # not scheduled: nothing to refuse
