"""The catalogue files (C1–C5) and their validation errors, which name file, key and problem."""

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from billing_core.catalogue_loader import CatalogueError, load_catalogue, parse_catalogue
from tests.billing_core.conftest import CLEEKSY, DOCAI

SOURCE = (resources.files("billing_core") / "catalogues" / "cleeksy.toml").read_text("utf-8")


def test_C1_three_solutions_in_order() -> None:
    assert [(s.id, s.name) for s in sorted(CLEEKSY.solutions.values(), key=lambda s: s.order)] == [
        ("workspace", "Digital Workspace"),
        ("process", "Process"),
        ("appbuilder", "App Builder"),
    ]


def test_C2_tiers_in_order_and_free_not_sellable() -> None:
    assert [t.id for t in CLEEKSY.solutions["workspace"].tiers] == ["free", "starter", "standard", "premium"]
    assert [t.id for t in CLEEKSY.solutions["process"].tiers] == ["starter", "standard"]
    assert [t.id for t in CLEEKSY.solutions["workspace"].sellable_tiers] == ["starter", "standard", "premium"]


def test_C3_prices_are_whole_dong_per_seat_per_month_with_features() -> None:
    for solution in CLEEKSY.solutions.values():
        for tier in solution.tiers:
            assert isinstance(tier.price_per_seat_month, int) and tier.features


def test_C4_four_add_ons_sold_in_blocks() -> None:
    assert list(CLEEKSY.addons) == ["storage", "docs", "automation_runs", "data_records"]
    assert all(a.price_per_block_month > 0 and a.block for a in CLEEKSY.addons.values())


def test_C5_the_quota_catalogue_has_flat_plans_with_quotas() -> None:
    pro = DOCAI.solutions["assistant"].tier("pro")
    assert pro is not None and not pro.per_seat and pro.quotas == {"tokens": 5_000_000, "documents": 1000}


def _edited(find: str, replace: str) -> dict[str, object]:
    assert find in SOURCE, find
    return tomllib.loads(SOURCE.replace(find, replace, 1))


@pytest.mark.parametrize(
    ("find", "replace", "message"),
    [
        (
            "price_per_seat_month = 60000",
            "price_per_seat_mont = 60000",
            "solutions.workspace.tiers[1].price_per_seat_mont: unknown key (a typo?)",
        ),
        (
            "price_per_seat_month = 60000",
            'price_per_seat_month = "60000"',
            "solutions.workspace.tiers[1].price_per_seat_month: must be a whole number, not '60000'",
        ),
        (
            "price_per_seat_month = 60000",
            "",
            "solutions.workspace.tiers[1]: needs exactly one of price_per_seat_month or price_month",
        ),
        ('default = "10"', 'default = "12"', "vat.default: must be one of 10, 8, 5, 0, KCT, not '12'"),
        (
            'requires = "workspace"',
            'requires = "workspaces"',
            "solutions.process.requires: names an unknown solution 'workspaces'",
        ),
        ("yearly_percent = 20", "yearly_percent = 120", "discounts.yearly_percent: must be at most 100"),
        ("trial_days = 30", "trial_days = 0", "catalogue.trial_days: must be at least 1, not 0"),
        ("prepay_months = [1, 3, 6]", "prepay_months = [3, 6]", "catalogue.prepay_months: must include 1"),
        (
            'dependent_min_base_tier = "starter"',
            'dependent_min_base_tier = "gold"',
            "rules.dependent_min_base_tier: is not a tier of the base solution",
        ),
    ],
)
def test_a_bad_catalogue_names_the_file_key_and_problem(find: str, replace: str, message: str) -> None:
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(_edited(find, replace), "shop.toml")
    assert str(err.value) == f"shop.toml: {message}"


def test_invalid_toml_and_missing_files_are_catalogue_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[catalogue\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"broken.toml: not valid TOML"):
        load_catalogue(broken)
    with pytest.raises(CatalogueError, match=r"missing.toml: cannot read"):
        load_catalogue(tmp_path / "missing.toml")


def test_a_missing_table_is_named() -> None:
    data = tomllib.loads(SOURCE)
    del data["discounts"]
    with pytest.raises(CatalogueError, match=r"^x.toml: discounts: missing$"):
        parse_catalogue(data, "x.toml")
