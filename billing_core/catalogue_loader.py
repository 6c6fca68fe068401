"""Load and validate a catalogue TOML file; every error names the file, the key and the problem."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from billing_core.catalogue import (
    VAT_RATES,
    Addon,
    Catalogue,
    ReducedVat,
    SeatRule,
    Solution,
    Tier,
    VatRate,
    VatSchedule,
)
from billing_core.periods import Cycle

BUNDLED = ("cleeksy", "docai")


class CatalogueError(ValueError):
    """A catalogue file that cannot be used, with the file, the key and the problem."""


class _Table:
    """A TOML table that knows its dotted key, for error messages, and refuses unknown keys."""

    def __init__(self, source: str, key: str, data: object, allowed: Iterable[str]) -> None:
        self.source, self.key = source, key
        if not isinstance(data, dict):
            raise self.error("", "must be a table")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise self.error(unknown[0], "unknown key (a typo?)")
        self.data: dict[str, Any] = data

    def error(self, name: str, problem: str) -> CatalogueError:
        where = ".".join(part for part in (self.key, name) if part) or "(top level)"
        return CatalogueError(f"{self.source}: {where}: {problem}")

    def _get(self, name: str, kind: type | tuple[type, ...], default: object) -> Any:
        if name not in self.data:
            if default is _REQUIRED:
                raise self.error(name, "missing")
            return default
        value = self.data[name]
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            raise self.error(name, f"must be {_kind_name(kind)}, not {value!r}")
        return value

    def text(self, name: str, default: object = None) -> Any:
        value = self._get(name, str, _REQUIRED if default is None else default)
        if isinstance(value, str) and not value.strip():
            raise self.error(name, "must not be empty")
        return value

    def optional_text(self, name: str) -> str | None:
        return self._get(name, str, None)  # type: ignore[no-any-return]

    def integer(self, name: str, minimum: int = 0, default: object = None) -> Any:
        value = self._get(name, int, _REQUIRED if default is None else default)
        if isinstance(value, int) and value < minimum:
            raise self.error(name, f"must be at least {minimum}, not {value}")
        return value

    def optional_integer(self, name: str, minimum: int = 0) -> int | None:
        return self.integer(name, minimum, default=_NONE) if name in self.data else None

    def flag(self, name: str, default: bool) -> bool:
        return self._get(name, bool, default)  # type: ignore[no-any-return]

    def date(self, name: str) -> dt.date:
        value = self._get(name, dt.date, _REQUIRED)
        if isinstance(value, dt.datetime):
            raise self.error(name, "must be a date, not a date-time")
        return value  # type: ignore[no-any-return]

    def strings(self, name: str, default: object = None) -> tuple[str, ...]:
        value = self._get(name, list, _REQUIRED if default is None else default)
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(name, "must be a list of non-empty strings")
        return tuple(value)

    def table(self, name: str, allowed: Iterable[str], required: bool = True) -> _Table | None:
        if name not in self.data and not required:
            return None
        return _Table(self.source, _join(self.key, name), self._get(name, dict, _REQUIRED), allowed)

    def tables(self, name: str, allowed: Iterable[str]) -> list[tuple[str, _Table]]:
        """A table of named sub-tables, in file order."""
        outer = self._get(name, dict, _REQUIRED)
        if not outer:
            raise self.error(name, "must not be empty")
        return [(k, _Table(self.source, _join(self.key, name, k), v, allowed)) for k, v in outer.items()]

    def array_of_tables(self, name: str, allowed: Iterable[str], required: bool = True) -> list[_Table]:
        items = self._get(name, list, _REQUIRED if required else [])
        if required and not items:
            raise self.error(name, "must not be empty")
        return [_Table(self.source, f"{_join(self.key, name)}[{i}]", v, allowed) for i, v in enumerate(items)]


_REQUIRED, _NONE = object(), None


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "a whole number",
        bool: "true or false",
        list: "a list",
        dict: "a table",
        dt.date: "a date (YYYY-MM-DD)",
    }
    return names.get(kind, str(kind)) if isinstance(kind, type) else "a value"


def _vat(table: _Table, name: str) -> VatRate | None:
    code = table.optional_text(name)
    if code is None:
        return None
    if code not in VAT_RATES:
        raise table.error(name, f"must be one of {', '.join(VAT_RATES)}, not {code!r}")
    return VatRate(code)


def _required_vat(table: _Table, name: str) -> VatRate:
    rate = _vat(table, name)
    if rate is None:
        raise table.error(name, "missing")
    return rate


def _tier(t: _Table, rank: int, quota_ids: set[str]) -> Tier:
    per_seat, month = t.optional_integer("price_per_seat_month"), t.optional_integer("price_month")
    if (per_seat is None) == (month is None):
        raise t.error("", "needs exactly one of price_per_seat_month or price_month")
    quotas = t.table("quotas", quota_ids, required=False)
    return Tier(
        id=t.text("id"),
        name=t.text("name"),
        rank=rank,
        sellable=t.flag("sellable", True),
        features=t.strings("features"),
        price_per_seat_month=per_seat,
        price_month=month,
        price_year=t.optional_integer("price_year"),
        quotas={k: quotas.integer(k) for k in quotas.data} if quotas else {},
    )


_SOLUTION_KEYS = (
    "name",
    "order",
    "tiers",
    "requires",
    "seats",
    "cycle_at_most",
    "raise_base_cycle",
    "after_trial",
    "vat",
)
_TIER_KEYS = (
    "id",
    "name",
    "sellable",
    "features",
    "price_per_seat_month",
    "price_month",
    "price_year",
    "quotas",
)


def _solution(solution_id: str, s: _Table, quota_ids: set[str]) -> Solution:
    tiers = tuple(_tier(t, rank, quota_ids) for rank, t in enumerate(s.array_of_tables("tiers", _TIER_KEYS)))
    if len({t.id for t in tiers}) != len(tiers):
        raise s.error("tiers", "tier ids must be unique")
    if not any(t.sellable for t in tiers):
        raise s.error("tiers", "at least one tier must be sellable")
    seats = s.table("seats", ("min", "equal_to", "at_most"), required=False)
    after_trial = s.text("after_trial")
    if after_trial not in ("free", "locked"):
        raise s.error("after_trial", f"must be free or locked, not {after_trial!r}")
    return Solution(
        id=solution_id,
        name=s.text("name"),
        order=s.integer("order"),
        tiers=tiers,
        after_trial=after_trial,
        requires=s.optional_text("requires"),
        seats=SeatRule(
            seats.optional_integer("min", 1), seats.optional_text("equal_to"), seats.optional_text("at_most")
        )
        if seats
        else None,
        cycle_at_most=s.optional_text("cycle_at_most"),
        raise_base_cycle=s.flag("raise_base_cycle", False),
        vat=_vat(s, "vat"),
    )


def _check_references(top: _Table, c: Catalogue) -> None:
    def known(value: str | None, where: str) -> None:
        if value is not None and value not in c.solutions:
            raise top.error(where, f"names an unknown solution {value!r}")

    known(c.base_solution, "catalogue.base_solution")
    for s in c.solutions.values():
        for ref, name in ((s.requires, "requires"), (s.cycle_at_most, "cycle_at_most")):
            known(ref, f"solutions.{s.id}.{name}")
        if s.seats:
            known(s.seats.equal_to, f"solutions.{s.id}.seats.equal_to")
            known(s.seats.at_most, f"solutions.{s.id}.seats.at_most")
        for t in s.tiers:
            if t.sellable and t.price_per_seat_month is not None and s.seats is None:
                raise top.error(f"solutions.{s.id}.seats", "a per-seat price needs a seats rule")
    for sid in c.bundle_solutions:
        known(sid, "bundle.solutions")
    if c.base.tier(c.dependent_min_base_tier) is None:
        raise top.error("rules.dependent_min_base_tier", "is not a tier of the base solution")
    for cycle in c.bundle_cycles:
        if cycle not in set(Cycle):
            raise top.error("bundle.cycles", f"unknown cycle {cycle!r}")
    if 1 not in c.prepay_months:
        raise top.error("catalogue.prepay_months", "must include 1")


def parse_catalogue(data: Mapping[str, Any], source: str) -> Catalogue:
    """Validate a parsed TOML document into a Catalogue."""
    top = _Table(
        source,
        "",
        dict(data),
        ("catalogue", "discounts", "rules", "bundle", "vat", "solutions", "addons", "quotas"),
    )
    head = top.table("catalogue", ("id", "name", "base_solution", "trial_days", "prepay_months"))
    discounts = top.table("discounts", ("yearly_percent", "bundle_percent"))
    rules = top.table(
        "rules", ("dependent_min_base_tier", "expired_renewal_window_days", "proration_choice_below_days")
    )
    bundle = top.table("bundle", ("solutions", "cycles"), required=False)
    vat = top.table("vat", ("default", "reduced"))
    assert head and discounts and rules and vat
    quotas = {k: q.text("name") for k, q in top.tables("quotas", ("name",))} if "quotas" in top.data else {}
    solutions = {k: _solution(k, s, set(quotas)) for k, s in top.tables("solutions", _SOLUTION_KEYS)}
    addons = {
        k: Addon(
            id=k,
            name=a.text("name"),
            block=a.text("block"),
            price_per_block_month=a.integer("price_per_block_month"),
            order=a.integer("order"),
            vat=_vat(a, "vat"),
        )
        for k, a in (
            top.tables("addons", ("name", "block", "price_per_block_month", "order", "vat"))
            if "addons" in top.data
            else []
        )
    }
    months = head.data.get("prepay_months")
    if not isinstance(months, list) or not all(type(m) is int and m > 0 for m in months):
        raise head.error("prepay_months", "must be a list of positive whole numbers")
    for p in ("yearly_percent", "bundle_percent"):
        if discounts.integer(p) > 100:
            raise discounts.error(p, "must be at most 100")
    catalogue = Catalogue(
        id=head.text("id"),
        name=head.text("name"),
        source=source,
        base_solution=head.text("base_solution"),
        trial_days=head.integer("trial_days", 1),
        prepay_months=tuple(months),
        yearly_percent=discounts.integer("yearly_percent"),
        bundle_percent=discounts.integer("bundle_percent"),
        dependent_min_base_tier=rules.text("dependent_min_base_tier"),
        expired_renewal_window_days=rules.integer("expired_renewal_window_days"),
        proration_choice_below_days=rules.integer("proration_choice_below_days"),
        bundle_solutions=bundle.strings("solutions") if bundle else (),
        bundle_cycles=bundle.strings("cycles") if bundle else (),
        vat=VatSchedule(
            default=_required_vat(vat, "default"),
            reduced=tuple(
                ReducedVat(_required_vat(r, "rate"), r.date("from"), r.date("until"))
                for r in vat.array_of_tables("reduced", ("rate", "from", "until"), False)
            ),
        ),
        solutions=solutions,
        addons=addons,
        quotas=quotas,
    )
    _check_references(top, catalogue)
    return catalogue


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and validate a catalogue file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path}: not valid TOML: {exc}") from exc
    return parse_catalogue(data, str(path))


def bundled_catalogue_path(name: str = "cleeksy") -> Path:
    if name not in BUNDLED:
        raise CatalogueError(f"{name}: no such bundled catalogue (known: {', '.join(BUNDLED)})")
    return Path(str(resources.files("billing_core") / "catalogues" / f"{name}.toml"))


def load_bundled(name: str = "cleeksy") -> Catalogue:
    return load_catalogue(bundled_catalogue_path(name))
