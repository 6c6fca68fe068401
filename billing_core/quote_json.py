"""The `quote` request and answer as JSON (../shared/spec/interfaces.md), validated at the edge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from billing_core.amount_in_words import amount_in_words
from billing_core.cart import CartLine, QuoteRequest, RequestError
from billing_core.catalogue import Catalogue
from billing_core.coupons import Coupon, CouponEntry, CouponUsage, normalise_code
from billing_core.explanations import explain
from billing_core.holdings import Holding, Status
from billing_core.periods import Cycle, Period
from billing_core.quote import Blocked, Quote
from locales import Translator

CouponLookup = Callable[[str], CouponEntry]


REQUEST_KEYS = frozenset({"today", "customer", "cart", "addons", "months", "coupon", "proration_option"})
CUSTOMER_KEYS = frozenset({"subscriptions", "trial_activated_seats"})
HOLDING_KEYS = frozenset(
    {"solution", "tier", "seats", "cycle", "period_start", "period_end", "status", "anchor_day", "paid_until"}
)
CART_LINE_KEYS = frozenset({"solution", "tier", "cycle", "seats"})
COUPON_KEYS = frozenset(
    {
        "code",
        "percent_off",
        "amount_off",
        "valid_from",
        "valid_until",
        "max_redemptions",
        "max_per_customer",
        "solutions",
        "tiers",
        "cycles",
        "min_order",
        "usage",
    }
)
USAGE_KEYS = frozenset({"total", "by_customer"})


def _known(data: Mapping[str, Any], keys: frozenset[str], where: str) -> None:
    """Refuse a key the engine does not read: a typo must not be silently ignored."""
    for key in data:
        if key not in keys:
            raise RequestError(f"{where}{key}: unknown field (known: {', '.join(sorted(keys))})")


def _field(data: Mapping[str, Any], key: str, kind: type, where: str, required: bool = True) -> Any:
    if key not in data or data[key] is None:
        if required:
            raise RequestError(f"{where}{key}: missing")
        return None
    value = data[key]
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise RequestError(f"{where}{key}: must be {kind.__name__}, not {value!r}")
    return value


def _date(data: Mapping[str, Any], key: str, where: str) -> dt.date:
    text = _field(data, key, str, where)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RequestError(f"{where}{key}: not a date (YYYY-MM-DD): {text!r}") from None


def _enum(value: str, enum: type[Cycle] | type[Status], where: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise RequestError(
            f"{where}: unknown {value!r} (known: {', '.join(e.value for e in enum)})"
        ) from None


def _holding(item: Any, i: int) -> Holding:
    where = f"customer.subscriptions[{i}]."
    if not isinstance(item, dict):
        raise RequestError(f"{where[:-1]}: must be an object")
    _known(item, HOLDING_KEYS, where)
    anchor_day = _field(item, "anchor_day", int, where, required=False)
    if anchor_day is not None and not 1 <= anchor_day <= 31:
        raise RequestError(f"{where}anchor_day: must be a day of the month, 1 to 31")
    start, end = _date(item, "period_start", where), _date(item, "period_end", where)
    if end <= start:
        raise RequestError(f"{where}period_end: must be after period_start")
    paid_until = _date(item, "paid_until", where) if item.get("paid_until") is not None else None
    if paid_until is not None and paid_until < end:
        raise RequestError(f"{where}paid_until: must not be before period_end")
    return Holding(
        solution=_field(item, "solution", str, where),
        tier=_field(item, "tier", str, where),
        seats=_field(item, "seats", int, where, required=False),
        cycle=_enum(_field(item, "cycle", str, where), Cycle, where + "cycle"),
        period=Period(start, end),
        status=_enum(_field(item, "status", str, where), Status, where + "status"),
        anchor_day=anchor_day,
        paid_until=paid_until,
    )


def _cart_line(item: Any, i: int) -> CartLine:
    where = f"cart[{i}]."
    if not isinstance(item, dict):
        raise RequestError(f"cart[{i}]: must be an object")
    _known(item, CART_LINE_KEYS, where)
    return CartLine(
        solution=_field(item, "solution", str, where),
        tier=_field(item, "tier", str, where),
        cycle=_enum(_field(item, "cycle", str, where), Cycle, where + "cycle"),
        seats=_field(item, "seats", int, where, required=False),
    )


def _inline_coupon(item: Mapping[str, Any]) -> CouponEntry:
    where = "coupon."
    _known(item, COUPON_KEYS, where)
    code = normalise_code(_field(item, "code", str, where))
    if not code:
        raise RequestError("coupon.code: must not be blank")
    until = _date(item, "valid_until", where) if item.get("valid_until") else None
    since = _date(item, "valid_from", where) if item.get("valid_from") else None
    try:
        coupon = Coupon(
            code=code,
            percent_off=_field(item, "percent_off", int, where, False),
            amount_off=_field(item, "amount_off", int, where, False),
            valid_from=since,
            valid_until=until,
            max_redemptions=_field(item, "max_redemptions", int, where, False),
            max_per_customer=_field(item, "max_per_customer", int, where, False),
            solutions=_names(item, "solutions"),
            tiers=_names(item, "tiers"),
            cycles=_names(item, "cycles"),
            min_order=_field(item, "min_order", int, where, False) or 0,
        )
    except RequestError:
        raise
    except ValueError as exc:  # the Coupon's own checks (one of percent/amount, ranges)
        raise RequestError(f"coupon: {exc}") from None
    usage = _field(item, "usage", dict, where, False) or {}
    _known(usage, USAGE_KEYS, "coupon.usage.")
    total = _field(usage, "total", int, "coupon.usage.", False) or 0
    mine = _field(usage, "by_customer", int, "coupon.usage.", False) or 0
    return CouponEntry(code, coupon, CouponUsage(total, mine))


def _names(item: Mapping[str, Any], key: str) -> frozenset[str]:
    values = item.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RequestError(f"coupon.{key}: must be a list of ids")
    return frozenset(values)


def parse_request(data: Any, lookup: CouponLookup | None = None) -> QuoteRequest:
    """A QuoteRequest from the JSON document, or RequestError naming the bad field."""
    if not isinstance(data, dict):
        raise RequestError("request: must be a JSON object")
    customer = data.get("customer") or {}
    if not isinstance(customer, dict):
        raise RequestError("customer: must be an object")
    _known(data, REQUEST_KEYS, "")
    _known(customer, CUSTOMER_KEYS, "customer.")
    subs, cart, addons = customer.get("subscriptions") or [], data.get("cart") or [], data.get("addons") or {}
    if not isinstance(subs, list) or not isinstance(cart, list) or not isinstance(addons, dict):
        raise RequestError("customer.subscriptions and cart must be lists, addons an object")
    coupon_data = data.get("coupon")
    coupon: CouponEntry | None = None
    if isinstance(coupon_data, str) and coupon_data.strip():
        code = normalise_code(coupon_data)
        coupon = lookup(code) if lookup else CouponEntry(code, None)
    elif isinstance(coupon_data, dict):
        coupon = _inline_coupon(coupon_data)
    elif coupon_data not in (None, ""):
        raise RequestError("coupon: must be a code, an object or null")
    for key, blocks in addons.items():
        if type(blocks) is not int:
            raise RequestError(f"addons.{key}: must be a whole number of blocks")
    return QuoteRequest(
        today=_date(data, "today", ""),
        holdings=tuple(_holding(s, i) for i, s in enumerate(subs)),
        trial_activated_seats=_field(customer, "trial_activated_seats", int, "customer.", False),
        cart=tuple(_cart_line(c, i) for i, c in enumerate(cart)),
        addons=dict(addons),
        months=_months(data),
        coupon=coupon,
        proration_option=_field(data, "proration_option", str, "", False),
    )


def _months(data: Mapping[str, Any]) -> int:
    months = _field(data, "months", int, "", False)
    return 1 if months is None else int(months)


def _period(p: Period) -> dict[str, str]:
    return p.as_json()


def quote_to_json(result: Quote | Blocked, catalogue: Catalogue, t: Translator) -> dict[str, Any]:
    """The answer documented in interfaces.md: amounts in VND, ISO dates, half-open periods."""
    if isinstance(result, Blocked):
        return {
            "ok": False,
            "blocked": [
                {
                    "rule": r.rule,
                    "field": r.field,
                    "solution": r.solution,
                    "code": r.code,
                    "numbers": dict(r.numbers),
                    "reason": explain(t, catalogue, r),
                    "fix": r.fix.as_json() if r.fix else None,
                }
                for r in result.refusals
            ],
        }
    lines = []
    for q in result.lines:
        p = q.planned
        lines.append(
            {
                "kind": p.kind,
                "solution": p.solution,
                "addon": p.addon,
                "tier": p.tier,
                "seats": p.seats,
                "quantity": p.quantity,
                "cycle": p.cycle.value,
                "period": _period(q.charged),
                "prorated": p.prorated,
                "days": p.charged_days,
                "period_days": p.period_days,
                "full_period": _period(p.period),
                "full_period_amount": p.full.list,
                "amount": q.amount,
                "yearly_discount": q.yearly_discount,
                "bundle_discount": q.bundle_discount,
                "coupon_discount": q.coupon_discount,
                "net": q.net,
                "vat_rate": p.vat.code,
            }
        )
    return {
        "ok": True,
        "catalogue": catalogue.id,
        "options": [
            {"id": o.id, "total": o.total, "periods": [_period(p) for p in o.periods]} for o in result.options
        ],
        "proration_option": result.proration_option,
        "lines": lines,
        "subtotal": result.subtotal,
        "discounts": [
            {"kind": d.kind, "percent": d.percent, "code": d.code, "amount": d.amount}
            for d in result.discounts
        ],
        "before_tax": result.before_tax,
        "vat": [{"rate": v.rate.code, "base": v.base, "amount": v.amount} for v in result.vat],
        "total": result.total,
        "total_in_words": amount_in_words(result.total, t.locale),
        "periods": [_period(p) for p in result.periods],
        "quotas": dict(result.quotas),
        "notices": [
            {"rule": n.rule, "code": n.code, "message": explain(t, catalogue, n)} for n in result.notices
        ],
    }
