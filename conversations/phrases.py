"""Small phrases several screens share: names from the catalogue, users, periods, cycles."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from billing_core.catalogue import Catalogue
from billing_core.explanations import CYCLE_NAMES
from billing_core.periods import VIETNAM_TZ, Cycle, Period
from locales import N_, Translator


@lru_cache(maxsize=4096)
def money(t: Translator, amount: int) -> str:
    """t.money, remembered: Babel parses the locale on every call (~35 µs), and a screen shows
    the same catalogue prices and totals again and again."""
    return t.money(amount)


@lru_cache(maxsize=4096)
def number(t: Translator, value: int) -> str:
    return t.number(value)


def solution_name(t: Translator, catalogue: Catalogue, solution: str) -> str:
    return t.gettext(catalogue.solutions[solution].name)


def tier_name(t: Translator, catalogue: Catalogue, solution: str, tier: str) -> str:
    found = catalogue.solutions[solution].tier(tier)
    return t.gettext(found.name) if found else tier


def cycle_name(t: Translator, cycle: Cycle | str) -> str:
    """ "monthly"/"yearly" as the engine's explanations word them ("theo năm")."""
    return t.gettext(CYCLE_NAMES[Cycle(cycle).value])


def users(t: Translator, count: int) -> str:
    return _counted(t, N_("{count} user"), N_("{count} users"), count)


def months(t: Translator, count: int) -> str:
    return _counted(t, N_("{count} month"), N_("{count} months"), count)


def days(t: Translator, count: int) -> str:
    return _counted(t, N_("{count} day"), N_("{count} days"), count)


def _counted(t: Translator, one: str, many: str, count: int) -> str:
    """One msgid per English form (Vietnamese has one): the catalogue tests read every entry
    as a single string, so there are no ngettext entries."""
    return t.gettext(one if count == 1 else many).format(count=number(t, count))


def period(t: Translator, p: Period) -> str:
    """A half-open period as people read it, with its inclusive last day (Y5)."""
    return t.gettext("{start} – {end}").format(start=t.date(p.start), end=t.date(p.last_day))


def moment(t: Translator, instant: dt.datetime) -> tuple[str, str]:
    """(time, date) of an instant in Vietnam, e.g. ("10:15", "24/11/2026")."""
    local = instant.astimezone(VIETNAM_TZ)
    return local.strftime("%H:%M"), t.date(local.date())


def line_summary(
    t: Translator,
    catalogue: Catalogue,
    solution: str,
    tier: str | None,
    seats: int | None,
    cycle: Cycle | None,
) -> str:
    """ "Digital Workspace Standard · 5 users · yearly", leaving out what is not known."""
    parts = [
        solution_name(t, catalogue, solution)
        + (" " + tier_name(t, catalogue, solution, tier) if tier else "")
    ]
    if seats:
        parts.append(users(t, seats))
    if cycle:
        parts.append(cycle_name(t, cycle))
    return " · ".join(parts)
