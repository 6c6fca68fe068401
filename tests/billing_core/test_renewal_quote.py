"""The renewal's quote request, priced by the real engine (V1, P3, Y3, Y5, D2): the next period
of what ends together, as it will be held after the changes scheduled for that day."""

from __future__ import annotations

from dataclasses import replace

from billing_core.cart import QuoteRequest
from billing_core.holdings import Holding, Status
from billing_core.lifecycle import Scheduled
from billing_core.periods import Period
from billing_core.quote import Quote, quote
from billing_core.renewal_quote import renewal_request, restart_request
from billing_core.scheduled_changes import Target

from .conftest import CLEEKSY, M, Y, d, held, ok

ENDS = d("2026-12-01")
TODAY = d("2026-11-28")
WORKSPACE = replace(held("workspace", "standard", 5, M, "2026-11-01", "2026-12-01"), anchor_day=1)
PROCESS = replace(held("process", "starter", 5, M, "2026-11-01", "2026-12-01"), anchor_day=1)
APPBUILDER = replace(held("appbuilder", "starter", 2, M, "2026-11-01", "2026-12-01"), anchor_day=1)


def request(
    *holdings: Holding, scheduled: tuple[Scheduled, ...] = (), addons: dict[str, int] | None = None
) -> QuoteRequest:
    found = renewal_request(CLEEKSY, holdings, scheduled, addons or {}, ENDS, TODAY)
    assert found is not None
    return found


def priced(req: QuoteRequest) -> Quote:
    return ok(quote(CLEEKSY, req))


def change(
    id: int, solution: str = "workspace", effective_on: str = "2026-12-01", **target: object
) -> Scheduled:
    return Scheduled(id, d(effective_on), Target(solution, **target))  # type: ignore[arg-type]


def lines(q: Quote) -> list[tuple[str, str | None, str | None, int | None, Period]]:
    return [
        (
            x.planned.kind,
            x.planned.solution or x.planned.addon,
            x.planned.tier,
            x.planned.seats,
            x.planned.period,
        )
        for x in q.lines
    ]


NEXT = Period(d("2026-12-01"), d("2027-01-01"))


def test_V1_every_line_ending_together_renews_for_the_next_period_with_the_addons() -> None:
    q = priced(request(WORKSPACE, PROCESS, addons={"storage": 2, "docs": 0}))
    assert lines(q) == [
        ("renewal", "workspace", "standard", 5, NEXT),
        ("renewal", "process", "starter", 5, NEXT),
        ("addon", "storage", None, None, NEXT),
    ]
    assert q.request.today == TODAY


def test_V1_the_next_period_costs_what_a_month_costs() -> None:
    q = priced(request(WORKSPACE))
    assert q.before_tax == 5 * 100_000
    assert q.total == 540_000  # 8 % VAT until the end of 2026 (K3)


def test_P3_a_lower_tier_is_quoted_for_the_next_period() -> None:
    q = priced(request(WORKSPACE, scheduled=(change(1, tier="starter"),)))
    assert lines(q) == [("renewal", "workspace", "starter", 5, NEXT)]


def test_P3_fewer_users_carry_process_along_S2() -> None:
    scheduled = (change(1, seats=3), change(1, "process", seats=3))
    q = priced(request(WORKSPACE, PROCESS, scheduled=scheduled))
    assert [(s, seats) for _, s, _, seats, _ in lines(q)] == [("workspace", 3), ("process", 3)]


def test_Y3_yearly_to_monthly_renews_one_month() -> None:
    yearly = replace(held("workspace", "standard", 5, Y, "2025-12-01", "2026-12-01"), anchor_day=1)
    q = priced(request(yearly, scheduled=(change(2, cycle=M),)))
    assert lines(q) == [("renewal", "workspace", "standard", 5, NEXT)]
    assert q.lines[0].planned.cycle is M


def test_P3_a_removed_process_is_dropped_from_the_cart_and_the_holdings() -> None:
    req = request(WORKSPACE, PROCESS, scheduled=(change(3, "process", ends=True),))
    assert [line.solution for line in req.cart] == ["workspace"]
    assert [h.solution for h in req.holdings] == ["workspace"]
    assert lines(priced(req)) == [("renewal", "workspace", "standard", 5, NEXT)]


def test_P3_nothing_to_renew_when_everything_is_cancelled() -> None:
    cancel = (change(4, ends=True), change(4, "process", ends=True))
    assert renewal_request(CLEEKSY, (WORKSPACE, PROCESS), cancel, {}, ENDS, TODAY) is None


def test_a_cancelled_or_later_change_is_not_quoted() -> None:
    """Only the changes still scheduled are given; one for a later boundary waits for it."""
    q = priced(request(WORKSPACE, scheduled=(change(5, effective_on="2027-01-01", tier="starter"),)))
    assert lines(q)[0][2] == "standard"


def test_V1_a_renewal_paid_ahead_is_not_asked_again() -> None:
    renewed = replace(WORKSPACE, paid_until=d("2027-01-01"))
    assert renewal_request(CLEEKSY, (renewed,), (), {}, ENDS, TODAY) is None
    req = request(renewed, PROCESS)
    assert [line.solution for line in req.cart] == ["process"]


def test_V1_what_ends_on_another_day_is_not_in_the_cart_but_is_held() -> None:
    """A monthly App Builder beside a yearly workspace renews on its own (Y2)."""
    yearly = replace(held("workspace", "standard", 5, Y, "2026-06-01", "2027-06-01"), anchor_day=1)
    req = request(yearly, APPBUILDER, addons={"storage": 2})
    assert [line.solution for line in req.cart] == ["appbuilder"]
    assert req.addons == {}  # the workspace's blocks renew with the workspace
    assert lines(priced(req)) == [("renewal", "appbuilder", "starter", 2, NEXT)]


def test_Y5_the_renewal_keeps_the_31st_as_anchor_day() -> None:
    january = replace(held("workspace", "standard", 5, M, "2024-01-31", "2024-02-29"), anchor_day=31)
    req = renewal_request(CLEEKSY, (january,), (), {}, d("2024-02-29"), d("2024-02-26"))
    assert req is not None
    assert priced(req).lines[0].planned.period == Period(d("2024-02-29"), d("2024-03-31"))


def test_D2_buying_again_after_expiry_includes_the_workspace_with_process() -> None:
    expired = (replace(WORKSPACE, status=Status.EXPIRED), replace(PROCESS, status=Status.EXPIRED))
    req = restart_request(CLEEKSY, expired, ["workspace", "process"], {"storage": 1}, d("2026-12-03"))
    assert req is not None
    q = priced(req)
    assert [(k, s) for k, s, *_ in lines(q)] == [
        ("new", "workspace"),
        ("new", "process"),
        ("addon", "storage"),
    ]
    assert q.lines[0].planned.period == Period(d("2026-12-03"), d("2027-01-03"))
