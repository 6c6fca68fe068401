"""Dependencies (D1, D2), cycles (Y1–Y4, Y6) and tiers (C2)."""

from billing_core.explanations import explain
from billing_core.holdings import Status
from locales import translator
from tests.billing_core.conftest import CLEEKSY, M, Y, ask, held, line, ok, only_refusal, refused

TODAY = "2026-11-24"


def test_D1_process_without_a_workspace_offers_a_starter_workspace_line() -> None:
    r = only_refusal(ask(TODAY, line("process", "starter", Y, 5)))
    assert (r.rule, r.field) == ("D1", "solution")
    assert r.fix.as_json() == {
        "action": "add_line",
        "solution": "workspace",
        "line": {"solution": "workspace", "tier": "starter", "cycle": "yearly", "seats": 5},
    }


def test_D1_a_free_workspace_is_not_enough() -> None:
    free = (held("workspace", "free", 5, M, "2026-01-01", "2026-02-01", Status.FREE),)
    assert refused(ask(TODAY, line("appbuilder", "starter", M, 2), holdings=free)) == [
        ("D1", "D1.needs_base")
    ]


def test_D1_add_ons_need_a_workspace_too() -> None:
    r = only_refusal(ask(TODAY, addons={"storage": 1}))
    assert (r.rule, r.field) == ("D1", "addons")


def test_D1_accepted_once_the_workspace_line_is_in_the_cart() -> None:
    q = ok(ask(TODAY, line("workspace", "starter", Y, 5), line("process", "starter", Y)))
    assert {x.planned.solution for x in q.lines} == {"workspace", "process"}


EXPIRED = (held("workspace", "standard", 6, Y, "2025-11-20", "2026-11-20", Status.EXPIRED),)


def test_D2_process_within_seven_days_of_expiry_needs_the_workspace_renewal() -> None:
    r = only_refusal(ask("2026-11-24", line("process", "starter", Y, 6), holdings=EXPIRED))
    assert (r.rule, r.numbers["days"]) == ("D2", 7)
    assert r.fix.line == {"solution": "workspace", "tier": "standard", "cycle": "yearly", "seats": 6}


def test_D2_the_order_then_holds_both_the_renewal_and_process() -> None:
    q = ok(
        ask(
            "2026-11-24", line("workspace", "standard", Y, 6), line("process", "starter", Y), holdings=EXPIRED
        )
    )
    assert [
        (x.planned.solution, x.charged.start.isoformat(), x.charged.end.isoformat()) for x in q.lines
    ] == [("workspace", "2026-11-24", "2027-11-24"), ("process", "2026-11-24", "2027-11-24")]


def test_D2_after_the_window_it_is_D1_again() -> None:
    assert refused(ask("2026-11-27", line("process", "starter", Y, 6), holdings=EXPIRED)) == [
        ("D1", "D1.needs_base")
    ]


def test_Y1_yearly_takes_twenty_percent_off() -> None:
    yearly = ok(ask(TODAY, line("workspace", "standard", Y, 5)))
    assert (yearly.subtotal, yearly.discounts[0].kind, yearly.discounts[0].amount) == (
        6_000_000,
        "yearly",
        1_200_000,
    )
    assert (yearly.before_tax, yearly.total) == (4_800_000, 5_184_000)  # VAT 8% in 2026
    monthly = ok(ask(TODAY, line("workspace", "standard", M, 5)))
    assert (monthly.total, monthly.discounts) == (540_000, ())


def test_Y2_yearly_process_on_a_monthly_workspace_offers_a_yearly_workspace() -> None:
    monthly_ws = (held("workspace", "standard", 5, M, "2026-11-10", "2026-12-10"),)
    r = only_refusal(ask(TODAY, line("process", "starter", Y), holdings=monthly_ws))
    assert (r.rule, r.numbers["base_cycle"]) == ("Y2", "monthly")
    assert r.fix.line == {"solution": "workspace", "tier": "standard", "cycle": "yearly", "seats": 5}


def test_Y2_in_the_same_cart_the_fix_moves_the_workspace_line_to_yearly() -> None:
    r = only_refusal(ask(TODAY, line("workspace", "standard", M, 5), line("process", "starter", Y)))
    assert r.fix.as_json() == {"action": "set_cycle", "solution": "workspace", "value": "yearly"}


def test_Y2_yearly_app_builder_on_a_monthly_workspace_is_offered_monthly() -> None:
    r = only_refusal(ask(TODAY, line("workspace", "standard", M, 5), line("appbuilder", "starter", Y, 2)))
    assert r.fix.as_json() == {"action": "set_cycle", "solution": "appbuilder", "value": "monthly"}


def test_Y2_a_monthly_process_on_a_yearly_workspace_is_allowed() -> None:
    assert ok(ask(TODAY, line("workspace", "standard", Y, 5), line("process", "starter", M)))


def test_Y3_a_yearly_subscription_cannot_upgrade_to_monthly() -> None:
    yearly_ws = (held("workspace", "starter", 5, Y, "2026-01-01", "2027-01-01"),)
    r = only_refusal(ask(TODAY, line("workspace", "standard", M, 5), holdings=yearly_ws))
    assert (r.rule, r.fix.value) == ("Y3", "yearly")


BUNDLE = (
    line("workspace", "standard", Y, 5),
    line("process", "starter", Y),
    line("appbuilder", "starter", Y, 3),
)


def test_Y4_a_bundle_takes_ten_percent_more_after_the_yearly_discount() -> None:
    q = ok(ask(TODAY, *BUNDLE))
    assert q.bundle and q.subtotal == 11_520_000
    assert [(x.kind, x.amount) for x in q.discounts] == [("yearly", 2_304_000), ("bundle", 921_600)]
    assert (q.before_tax, q.vat[0].amount, q.total) == (8_294_400, 663_552, 8_957_952)


def test_Y4_a_bundle_is_yearly_only() -> None:
    monthly = [line(x.solution, x.tier, M, x.seats) for x in BUNDLE]
    r = only_refusal(ask(TODAY, *monthly))
    assert (r.rule, r.code, r.fix.value) == ("Y4", "Y4.bundle_cycle", "yearly")


def test_Y4_a_bundle_cannot_lower_a_tier_in_use() -> None:
    premium = (held("workspace", "premium", 5, Y, "2026-01-01", "2027-01-01"),)
    assert refused(ask(TODAY, *BUNDLE, holdings=premium)) == [("Y4", "Y4.tier_not_lower")]


def test_Y6_monthly_may_be_prepaid_for_the_offered_months() -> None:
    q = ok(ask(TODAY, line("workspace", "standard", M, 5), months=3))
    assert (q.subtotal, q.lines[0].charged.end.isoformat()) == (1_500_000, "2027-02-24")
    r = only_refusal(ask(TODAY, line("workspace", "standard", M, 5), months=4))
    assert (r.rule, r.fix.value) == ("Y6", 3)


def test_C2_free_is_never_sold() -> None:
    r = only_refusal(ask(TODAY, line("workspace", "free", M, 3)))
    assert (r.rule, r.fix.value) == ("C2", "starter")


def test_D1_process_with_seats_left_out_and_no_workspace_is_a_refusal_not_an_error() -> None:
    r = only_refusal(ask(TODAY, line("process", "starter", Y)))
    assert (r.rule, r.fix.line["seats"]) == ("D1", 2)


def test_D2_process_with_seats_left_out_takes_the_expired_workspace_seats() -> None:
    r = only_refusal(ask("2026-11-24", line("process", "starter", Y), holdings=EXPIRED))
    assert (r.rule, r.fix.line["seats"]) == ("D2", 6)


def test_S2_seats_filled_by_the_bot_never_raise_their_own_refusal() -> None:
    result = ask(TODAY, line("workspace", "standard", M, 1), line("process", "starter", M))
    assert refused(result) == [("S1", "S1.min")]


def test_D1_add_ons_alone_have_their_own_sentence_not_the_workspace_needing_itself() -> None:
    r = only_refusal(ask(TODAY, addons={"storage": 1}))
    assert (r.code, r.solution) == ("D1.addons_need_base", None)
    text = explain(translator("vi"), CLEEKSY, r)
    assert text == (
        "Dung lượng mở rộng chỉ dùng kèm Không gian làm việc số; "
        "bạn hãy thêm Không gian làm việc số vào đơn hàng trước."
    )


def test_D2_add_ons_within_the_window_name_the_renewal() -> None:
    r = only_refusal(ask("2026-11-24", addons={"storage": 1}, holdings=EXPIRED))
    assert (r.rule, r.code, r.fix.line["seats"]) == ("D2", "D2.addons_renew_expired_base", 6)


def test_D1_the_fix_keeps_the_trial_floor_S4() -> None:
    r = only_refusal(ask(TODAY, line("process", "starter", Y, 3), trial_activated_seats=8))
    assert (r.rule, r.fix.line["seats"]) == ("D1", 8)


def test_D1_add_ons_fix_offers_the_seats_held_before() -> None:
    locked = (held("workspace", "standard", 9, M, "2026-09-01", "2026-10-01", Status.LOCKED),)
    r = only_refusal(ask(TODAY, addons={"storage": 1}, holdings=locked))
    assert (r.rule, r.fix.line["seats"]) == ("D1", 9)
