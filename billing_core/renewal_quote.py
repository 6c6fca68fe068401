"""The quote requests of a renewal (V1, P3, Y3), for the real engine (`billing_core.quote.quote`).

- `renewal_request`: the next period of the subscriptions that end together on day E, as the
  customer will hold them after the changes scheduled for E: a lower tier, fewer users, monthly
  instead of yearly, a solution removed (dropped from the holdings and the cart). Each kept
  subscription is a cart line of its own tier, users and cycle, and the workspace's add-on
  blocks go with it, so the engine classifies every line as a RENEWAL and prices the period
  after what is paid (Y5; after a yearly → monthly switch, one month).
- `restart_request`: buying again what expired, as held (D2: within the window the workspace
  comes with it), for the expiry notice's "what renewing costs".
- `renewal_facts`: what the messages about a renewal show of the engine's answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.holdings import Holding
from billing_core.lifecycle import Scheduled, due_targets
from billing_core.quote import Blocked, Quote
from billing_core.scheduled_changes import after_boundary


def renewing(held: Iterable[Holding], ends_on: dt.date) -> tuple[Holding, ...]:
    """The subscriptions that renew on `ends_on`: running, ending then, the next period not paid yet."""
    return tuple(h for h in held if h.is_paid_and_running and h.period.end == ends_on and not h.renewed_ahead)


def renewal_request(
    catalogue: Catalogue,
    held: Sequence[Holding],
    scheduled: Iterable[Scheduled],
    addons: Mapping[str, int],
    ends_on: dt.date,
    today: dt.date,
) -> QuoteRequest | None:
    """The next period of what ends on `ends_on`, after the changes taking effect then; None
    when nothing is left to renew (everything ends as asked, or was renewed already)."""
    after = after_boundary(held, due_targets(scheduled, ends_on))
    kept = [after[h.solution] for h in renewing(held, ends_on) if h.solution in after]
    return _request(catalogue, kept, tuple(after.values()), addons, today)


def restart_request(
    catalogue: Catalogue,
    held: Sequence[Holding],
    solutions: Iterable[str],
    addons: Mapping[str, int],
    today: dt.date,
) -> QuoteRequest | None:
    """Buying `solutions` again as they were held (tier, users, cycle), from `today`."""
    wanted = set(solutions)
    return _request(catalogue, [h for h in held if h.solution in wanted], tuple(held), addons, today)


def _request(
    catalogue: Catalogue,
    lines: Sequence[Holding],
    holdings: tuple[Holding, ...],
    addons: Mapping[str, int],
    today: dt.date,
) -> QuoteRequest | None:
    """A cart of `lines` as held; the workspace's add-on blocks go with the workspace (C4)."""
    if not lines:
        return None
    ordered = sorted(lines, key=lambda h: catalogue.solutions[h.solution].order)
    with_base = any(h.solution == catalogue.base_solution for h in ordered)
    return QuoteRequest(
        today=today,
        cart=tuple(CartLine(h.solution, h.tier, h.cycle, h.seats) for h in ordered),
        holdings=holdings,
        addons={k: int(v) for k, v in addons.items() if int(v) > 0} if with_base else {},
    )


def renewal_facts(request: QuoteRequest, result: Quote | Blocked) -> dict[str, Any]:
    """What a message about a renewal shows, as JSON for the outbox: the plan (each line's tier,
    users and cycle), the period(s) it buys and the total with VAT (None when the engine
    refuses the cart)."""
    if isinstance(result, Quote):
        request = result.request  # the users filled in (S2)
    periods = (
        dict.fromkeys(q.planned.period for q in result.lines if q.planned.solution)
        if isinstance(result, Quote)
        else {}
    )
    return {
        "lines": [
            {"solution": x.solution, "tier": x.tier, "seats": x.seats, "cycle": x.cycle.value}
            for x in request.cart
        ],
        "periods": [p.as_json() for p in periods],
        "total": result.total if isinstance(result, Quote) else None,
    }
