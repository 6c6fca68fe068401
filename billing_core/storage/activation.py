"""Apply a paid order to the customer's subscriptions, in the payment's transaction (SQL Core).

- new / cycle_switch: the subscription takes the line's tier, seats, cycle and period;
- upgrade: tier and seats change now, the period stays (P3);
- renewal / next_period of a running subscription: only the paid-until date moves, to the
  line's end; tier, users and cycle change at the boundary, by the change scheduled for it
  (P3, Y3; billing_core/lifecycle.py), which also rolls the period on (Y5 anchor kept). One
  paid after the subscription stopped (a late VNPAY confirmation) takes the line's values too;
- an expired workspace bought again within 7 days (D2) is simply a new period from today;
- add-on blocks join the base solution, except blocks of a period after the base's current
  one (a renewal's), which the customer holds already: they are kept, at least as many as paid;
  quotas (C5) are credited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, insert, select, update

from billing_core.periods import Period, anchor_of
from billing_core.storage.tables import SUBSCRIPTIONS

_KEPT = (
    "id",
    "solution",
    "tier",
    "seats",
    "cycle",
    "period_start",
    "period_end",
    "paid_until",
    "anchor_day",
    "status",
    "renewal_mode",
    "addons",
    "quotas",
)

_WRITTEN = tuple(name for name in _KEPT if name not in ("id", "solution"))
_HELD = select(*(SUBSCRIPTIONS.c[name] for name in _KEPT)).where(
    SUBSCRIPTIONS.c.customer_id == bindparam("customer_id")
)
_CHANGE = (
    update(SUBSCRIPTIONS)
    .where(SUBSCRIPTIONS.c.id == bindparam("sub_id"))
    .values({name: bindparam(f"new_{name}") for name in (*_WRITTEN, "updated_at")})
)
_ADD = insert(SUBSCRIPTIONS).values(
    {
        name: bindparam(f"new_{name}")
        for name in (*_WRITTEN, "solution", "customer_id", "catalogue", "updated_at")
    }
)


class PaidOrder(Protocol):
    @property
    def customer_id(self) -> int: ...
    @property
    def catalogue(self) -> str: ...
    @property
    def renewal_mode(self) -> str: ...


class PaidLine(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def solution(self) -> str | None: ...
    @property
    def addon(self) -> str | None: ...
    @property
    def tier(self) -> str | None: ...
    @property
    def seats(self) -> int | None: ...
    @property
    def quantity(self) -> int | None: ...
    @property
    def cycle(self) -> str: ...
    @property
    def period_end(self) -> dt.date: ...
    @property
    def full_period_start(self) -> dt.date: ...
    @property
    def quotas(self) -> dict[str, Any]: ...


def _apply_line(sub: dict[str, Any], line: PaidLine, renewal_mode: str) -> None:
    extends = line.kind in ("renewal", "next_period") and sub["period_start"] is not None
    if line.kind in ("new", "cycle_switch") or sub["period_start"] is None:
        sub["period_start"], sub["period_end"] = line.full_period_start, line.period_end
        sub["anchor_day"] = anchor_of(Period(line.full_period_start, line.period_end))
        sub["paid_until"] = line.period_end
    elif extends:
        sub["paid_until"] = max(sub["paid_until"], line.period_end)
    if line.kind != "credit" and not (extends and sub["status"] == "active"):
        sub["tier"], sub["seats"], sub["cycle"] = line.tier or sub["tier"], line.seats, line.cycle
    sub["status"], sub["renewal_mode"] = "active", renewal_mode
    if line.quotas:
        credited = dict(sub["quotas"])
        for key, amount in line.quotas.items():
            credited[key] = int(credited.get(key, 0)) + int(amount)
        sub["quotas"] = credited


def activate(
    connection: Connection, order: PaidOrder, lines: Sequence[PaidLine], now: dt.datetime, base_solution: str
) -> None:
    subs = {
        row.solution: dict(row._mapping)
        for row in connection.execute(_HELD, {"customer_id": order.customer_id})
    }
    touched: set[str] = set()
    for line in lines:
        if line.solution is None:
            continue
        blank: dict[str, Any] = {
            **dict.fromkeys(_KEPT),
            "solution": line.solution,
            "addons": {},
            "quotas": {},
        }
        _apply_line(subs.setdefault(line.solution, blank), line, order.renewal_mode)
        touched.add(line.solution)
    base = subs.get(base_solution)
    seen: set[str] = set()
    for line in lines:
        if line.addon and base is not None and line.addon not in seen:  # P2 (b) bills 2 periods
            seen.add(line.addon)
            held, paid = int(base["addons"].get(line.addon, 0)), int(line.quantity or 0)
            renewed = base["period_end"] is not None and line.full_period_start >= base["period_end"]
            base["addons"] = {**base["addons"], line.addon: max(held, paid) if renewed else held + paid}
            touched.add(base_solution)
    for solution in sorted(touched):
        sub = subs[solution]
        values = {f"new_{name}": sub[name] for name in _WRITTEN} | {"new_updated_at": now}
        if sub["id"] is None:
            values |= {
                "new_solution": solution,
                "new_customer_id": order.customer_id,
                "new_catalogue": order.catalogue,
            }
            connection.execute(_ADD, values)
        else:
            connection.execute(_CHANGE, values | {"sub_id": sub["id"]})
