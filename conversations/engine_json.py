"""JSON for the engine's values a conversation keeps: holdings, a looked-up coupon, a fix.

Readers raise KeyError/TypeError/ValueError on a malformed document; `State.from_json`
turns any of them into a fresh state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from billing_core.coupons import Coupon, CouponEntry, CouponUsage
from billing_core.holdings import Holding, Status
from billing_core.periods import Cycle, Period
from billing_core.refusals import Fix


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def holding_to_json(h: Holding) -> dict[str, Any]:
    return {
        "solution": h.solution,
        "tier": h.tier,
        "seats": h.seats,
        "cycle": h.cycle.value,
        "start": h.period.start.isoformat(),
        "end": h.period.end.isoformat(),
        "status": h.status.value,
        "anchor_day": h.anchor_day,
        "paid_until": _iso(h.paid_until),
    }


def holding_from_json(d: dict[str, Any]) -> Holding:
    start, end = _date(d["start"]), _date(d["end"])
    if start is None or end is None:
        raise ValueError("holding without a period")
    return Holding(
        _text(d["solution"]),
        _text(d["tier"]),
        _optional_int(d.get("seats")),
        Cycle(d["cycle"]),
        Period(start, end),
        Status(d["status"]),
        _optional_int(d.get("anchor_day")),
        _date(d.get("paid_until")),
    )


def coupon_to_json(entry: CouponEntry) -> dict[str, Any]:
    c = entry.coupon
    terms = None
    if c is not None:
        terms = {
            "code": c.code,
            "percent_off": c.percent_off,
            "amount_off": c.amount_off,
            "valid_from": _iso(c.valid_from),
            "valid_until": _iso(c.valid_until),
            "max_redemptions": c.max_redemptions,
            "max_per_customer": c.max_per_customer,
            "solutions": sorted(c.solutions),
            "tiers": sorted(c.tiers),
            "cycles": sorted(c.cycles),
            "min_order": c.min_order,
            "active": c.active,
        }
    return {"code": entry.code, "terms": terms, "usage": [entry.usage.total, entry.usage.by_customer]}


def coupon_from_json(d: dict[str, Any]) -> CouponEntry:
    t = d["terms"]
    coupon = None
    if t is not None:
        coupon = Coupon(
            code=_text(t["code"]),
            percent_off=_optional_int(t["percent_off"]),
            amount_off=_optional_int(t["amount_off"]),
            valid_from=_date(t["valid_from"]),
            valid_until=_date(t["valid_until"]),
            max_redemptions=_optional_int(t["max_redemptions"]),
            max_per_customer=_optional_int(t["max_per_customer"]),
            solutions=frozenset(map(_text, t["solutions"])),
            tiers=frozenset(map(_text, t["tiers"])),
            cycles=frozenset(map(_text, t["cycles"])),
            min_order=int(t["min_order"]),
            active=bool(t["active"]),
        )
    total, mine = d["usage"]
    return CouponEntry(_text(d["code"]), coupon, CouponUsage(int(total), int(mine)))


def fix_to_json(fix: Fix) -> dict[str, Any]:
    return fix.as_json()


def fix_from_json(d: dict[str, Any]) -> Fix:
    line = d.get("line")
    return Fix(
        _text(d["action"]),
        d.get("solution"),
        d.get("value"),
        {str(k): v for k, v in line.items()} if line is not None else None,
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    if type(value) is not int:
        raise TypeError(f"expected a whole number, got {value!r}")
    return value
