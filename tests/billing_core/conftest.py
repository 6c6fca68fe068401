from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.catalogue_loader import load_bundled
from billing_core.holdings import Holding, Status
from billing_core.periods import Cycle, Period
from billing_core.quote import Blocked, Quote, quote

CLEEKSY = load_bundled("cleeksy")
DOCAI = load_bundled("docai")
M, Y = Cycle.MONTHLY, Cycle.YEARLY


@pytest.fixture
def cleeksy() -> Catalogue:
    return CLEEKSY


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def held(
    solution: str,
    tier: str,
    seats: int | None,
    cycle: Cycle,
    start: str,
    end: str,
    status: Status = Status.ACTIVE,
) -> Holding:
    return Holding(solution, tier, seats, cycle, Period(d(start), d(end)), status)


def line(solution: str, tier: str, cycle: Cycle, seats: int | None = None) -> CartLine:
    return CartLine(solution, tier, cycle, seats)


def ask(
    today: str, *cart: CartLine, holdings: tuple[Holding, ...] = (), catalogue: Catalogue = CLEEKSY, **kw: Any
) -> Quote | Blocked:
    return quote(catalogue, QuoteRequest(today=d(today), cart=cart, holdings=holdings, **kw))


def ok(result: Quote | Blocked) -> Quote:
    assert isinstance(result, Quote), f"expected a quote, got {result}"
    return result


def refused(result: Quote | Blocked) -> list[tuple[str, str]]:
    """The (rule, code) pairs of a blocked cart."""
    assert isinstance(result, Blocked), f"expected a refusal, got a quote of {getattr(result, 'total', '?')}"
    return [(r.rule, r.code) for r in result.refusals]


def only_refusal(result: Quote | Blocked) -> Any:
    assert isinstance(result, Blocked) and len(result.refusals) == 1, result
    return result.refusals[0]
