"""Proration (P1–P3) and the monthly → yearly switch."""

from dataclasses import replace

from tests.billing_core.conftest import M, Y, ask, held, line, ok, only_refusal

WS_2026 = (held("workspace", "standard", 5, Y, "2026-01-01", "2027-01-01"),)


def test_P1_process_mid_period_is_charged_by_day_to_the_workspace_end() -> None:
    q = ok(ask("2026-11-24", line("process", "starter", Y), holdings=WS_2026))
    (process,) = q.lines
    assert (process.charged.start.isoformat(), process.charged.end.isoformat()) == (
        "2026-11-24",
        "2027-01-01",
    )
    assert (process.planned.charged_days, process.planned.period_days) == (38, 365)
    assert process.amount == 312_329  # round_half_up(3_000_000 * 38 / 365)
    assert process.yearly_discount == 62_466  # round_half_up(312_329 * 20%)
    assert q.options == ()  # 38 days left: no P2 choice


def test_P2_seed_example_offers_five_days_or_five_days_and_the_next_year() -> None:
    ws = (held("workspace", "standard", 12, Y, "2023-01-15", "2024-01-15"),)
    short = ok(ask("2024-01-10", line("process", "starter", Y), holdings=ws))
    assert [o.id for o in short.options] == ["current_period", "current_and_next"]
    assert short.proration_option == "current_period"
    assert [(p.start.isoformat(), p.end.isoformat()) for p in short.options[0].periods] == [
        ("2024-01-10", "2024-01-15")
    ]
    assert short.lines[0].planned.charged_days == 5
    both = ok(
        ask("2024-01-10", line("process", "starter", Y), holdings=ws, proration_option="current_and_next")
    )
    assert [
        (x.planned.kind, x.planned.solution, x.charged.start.isoformat(), x.charged.end.isoformat())
        for x in both.lines
    ] == [
        ("new", "process", "2024-01-10", "2024-01-15"),
        ("renewal", "workspace", "2024-01-15", "2025-01-15"),
        ("next_period", "process", "2024-01-15", "2025-01-15"),
    ]
    assert both.total == short.options[1].total == 19_094_794
    assert short.total == both.options[0].total == 86_794


def test_P3_an_upgrade_pays_the_difference_for_the_rest_of_the_period() -> None:
    starter = (held("workspace", "starter", 5, Y, "2026-01-01", "2027-01-01"),)
    q = ok(ask("2026-11-24", line("workspace", "standard", Y, 5), holdings=starter))
    (upgrade,) = q.lines
    assert upgrade.planned.kind == "upgrade"
    assert upgrade.amount == 249_863  # (100k-60k) x 5 x 12 x 38/365
    assert upgrade.yearly_discount == 49_973


def test_P3_more_seats_pay_only_for_the_added_seats() -> None:
    q = ok(ask("2026-11-24", line("workspace", "standard", Y, 7), holdings=WS_2026))
    assert q.lines[0].amount == 249_863  # 2 more seats x 100k x 12 x 38/365


def test_P3_a_lower_tier_is_refused_until_the_period_ends() -> None:
    r = only_refusal(ask("2026-11-24", line("workspace", "starter", Y, 5), holdings=WS_2026))
    assert (r.rule, r.code, r.numbers["period_end"]) == ("P3", "P3.lower_tier_at_period_end", "2027-01-01")


def test_P3_fewer_seats_are_refused_until_the_period_ends() -> None:
    r = only_refusal(ask("2026-11-24", line("workspace", "standard", Y, 3), holdings=WS_2026))
    assert (r.rule, r.code, r.fix.value) == ("P3", "P3.fewer_seats_at_period_end", 5)


def test_the_same_tier_seats_and_cycle_renew_the_next_period_keeping_the_anchor_day() -> None:
    ws = (held("workspace", "standard", 5, M, "2024-02-29", "2024-03-31"),)
    q = ok(ask("2024-03-25", line("workspace", "standard", M, 5), holdings=ws))
    assert q.lines[0].planned.kind == "renewal"
    assert (q.lines[0].charged.start.isoformat(), q.lines[0].charged.end.isoformat()) == (
        "2024-03-31",
        "2024-04-30",
    )


def test_monthly_to_yearly_restarts_today_and_credits_the_unused_month() -> None:
    monthly = (held("workspace", "standard", 5, M, "2026-11-10", "2026-12-10"),)
    q = ok(ask("2026-11-24", line("workspace", "standard", Y, 5), holdings=monthly))
    assert [(x.planned.kind, x.amount) for x in q.lines] == [
        ("cycle_switch", 6_000_000),
        ("credit", -266_667),
    ]
    assert q.before_tax == 6_000_000 - 1_200_000 - 266_667


def test_add_ons_join_a_running_workspace_pro_rata() -> None:
    q = ok(ask("2026-11-24", addons={"storage": 2}, holdings=WS_2026))
    (storage,) = q.lines
    assert (storage.planned.addon, storage.planned.quantity) == ("storage", 2)
    assert storage.amount == 124_932  # 50k x 2 x 12 x 38/365
    assert storage.yearly_discount == 24_986


def test_add_ons_bought_with_a_new_workspace_run_its_period() -> None:
    q = ok(ask("2026-11-24", line("workspace", "standard", M, 5), addons={"docs": 1}, months=3))
    assert [(x.planned.addon, x.amount) for x in q.lines] == [(None, 1_500_000), ("docs", 90_000)]


def test_no_proration_option_is_asked_for_a_new_workspace() -> None:
    q = ok(ask("2026-11-24", line("workspace", "standard", Y, 5), proration_option="current_and_next"))
    assert q.options == () and q.proration_option is None


def test_a_dependent_line_refuses_an_unknown_workspace_state_with_refusal_not_crash() -> None:
    r = only_refusal(
        ask(
            "2026-11-24",
            line("process", "standard", Y, 5),
            holdings=(held("workspace", "standard", 5, M, "2026-11-10", "2026-12-10"),),
        )
    )
    assert r.rule == "Y2"


PREPAID_3 = (held("workspace", "standard", 5, M, "2024-01-15", "2024-04-15"),)  # 91 days, 86 left on 20/01


def test_P3_an_upgrade_of_a_prepaid_period_prices_both_sides_over_that_period() -> None:
    for months in (1, 3):  # the request's months do not change what the held period costs
        q = ok(ask("2024-01-20", line("workspace", "premium", M, 5), holdings=PREPAID_3, months=months))
        assert q.lines[0].amount == 708_791  # (150k-100k) x 5 x 3 months x 86/91


def test_P1_process_joining_a_prepaid_period_pays_for_that_period() -> None:
    q = ok(ask("2024-01-20", line("process", "starter", M), holdings=PREPAID_3))
    assert q.lines[0].amount == 708_791  # 50k x 5 x 3 months x 86/91


def test_monthly_to_yearly_credits_the_unused_part_of_a_prepaid_period() -> None:
    q = ok(ask("2024-01-20", line("workspace", "standard", Y, 5), holdings=PREPAID_3))
    assert [x.amount for x in q.lines if x.planned.kind == "credit"] == [-1_417_582]


def test_P2_next_period_with_a_workspace_upgrade_renews_the_workspace_at_the_new_seats() -> None:
    ws = (held("workspace", "standard", 12, Y, "2023-01-15", "2024-01-15"),)
    both = ok(
        ask(
            "2024-01-10",
            line("workspace", "standard", Y, 14),
            line("process", "starter", Y),
            holdings=ws,
            proration_option="current_and_next",
        )
    )
    kinds = [
        (x.planned.kind, x.planned.solution, x.planned.seats, x.charged.end.isoformat()) for x in both.lines
    ]
    assert kinds == [
        ("upgrade", "workspace", 14, "2024-01-15"),
        ("new", "process", 14, "2024-01-15"),
        ("renewal", "workspace", 14, "2025-01-15"),
        ("next_period", "process", 14, "2025-01-15"),
    ]


def test_P2_next_period_with_a_workspace_renewal_in_the_cart_renews_it_once() -> None:
    ws = (held("workspace", "standard", 12, Y, "2023-01-15", "2024-01-15"),)
    both = ok(
        ask(
            "2024-01-10",
            line("workspace", "standard", Y, 12),
            line("process", "starter", Y),
            holdings=ws,
            proration_option="current_and_next",
        )
    )
    assert [x.planned.kind for x in both.lines if x.planned.solution == "workspace"] == ["renewal"]


def test_Y5_a_stored_anchor_day_survives_periods_clamped_at_both_ends() -> None:
    # Yearly from 29/02/2024: [2026-02-28, 2027-02-28) cannot tell it was anchored on the 29th.
    yearly = held("workspace", "standard", 5, Y, "2026-02-28", "2027-02-28")
    renew = line("workspace", "standard", Y, 5)
    assert ok(ask("2027-02-20", renew, holdings=(yearly,))).lines[0].charged.end.isoformat() == "2028-02-28"
    kept = ok(ask("2027-02-20", renew, holdings=(replace(yearly, anchor_day=29),)))
    assert kept.lines[0].charged.end.isoformat() == "2028-02-29"
    # Three prepaid months from 31/08/2025: [2025-11-30, 2026-02-28) has lost the 31st.
    prepaid = held("workspace", "standard", 5, M, "2025-11-30", "2026-02-28")
    monthly = line("workspace", "standard", M, 5)
    guessed = ok(ask("2026-02-20", monthly, holdings=(prepaid,), months=3))
    kept = ok(ask("2026-02-20", monthly, holdings=(replace(prepaid, anchor_day=31),), months=3))
    assert guessed.lines[0].charged.end.isoformat() == "2026-05-30"
    assert kept.lines[0].charged.end.isoformat() == "2026-05-31"


def test_Y6_months_do_not_apply_to_a_monthly_process_joining_the_workspace_period() -> None:
    ws = (held("workspace", "standard", 5, M, "2026-11-10", "2026-12-10"),)
    q = ok(ask("2026-11-24", line("process", "starter", M), holdings=ws, months=5))
    assert [(n.rule, n.code) for n in q.notices] == [("S2", "S2.filled"), ("Y6", "Y6.months_not_applied")]
    assert q.lines[0].charged.end.isoformat() == "2026-12-10"
    three = ok(ask("2026-11-24", line("process", "starter", M), holdings=ws, months=3))
    assert three.total == q.total


def test_Y6_months_still_count_for_a_new_monthly_workspace() -> None:
    q = ok(ask("2026-11-24", line("workspace", "standard", M, 5), months=3))
    assert q.notices == ()
    assert q.lines[0].charged.end.isoformat() == "2027-02-24"


def test_Y4_a_bundle_renewing_the_workspace_gives_all_three_the_same_next_period() -> None:
    ws = (held("workspace", "standard", 5, Y, "2026-01-01", "2027-01-01"),)
    q = ok(
        ask(
            "2026-11-24",
            line("workspace", "standard", Y, 5),
            line("process", "starter", Y),
            line("appbuilder", "starter", Y, 3),
            holdings=ws,
        )
    )
    assert q.bundle and q.options == ()
    ends = {(x.planned.solution, x.charged.end.isoformat()) for x in q.lines}
    assert ends == {
        ("workspace", "2028-01-01"),
        ("process", "2027-01-01"),
        ("process", "2028-01-01"),
        ("appbuilder", "2027-01-01"),
        ("appbuilder", "2028-01-01"),
    }
