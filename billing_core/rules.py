"""Every "no" of a quote request, as `Refusal` data: tiers (C2), seats (S1–S5), dependencies
(D1–D2), cycles (Y2–Y4, Y6) and changes to what is already held (P3, Y3).

The rules are judged on the *target*: what the customer will hold once the order is paid,
i.e. each cart line over the subscription it replaces. Coupons (K2) are judged in pricing,
where the amounts are known.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from billing_core.cart import PRORATION_OPTIONS, CartLine, QuoteRequest, RequestError
from billing_core.catalogue import Catalogue, Solution, Tier
from billing_core.holdings import Holding, Status
from billing_core.periods import Cycle
from billing_core.refusals import Fix, Notice, Refusal, Scalar
from billing_core.trials import fall_back_day

MAX_QUANTITY = 100_000  # seats or add-on blocks in one line
MAX_MONTHS = 120  # Y6: months prepaid in one order, at most
MIN_YEAR, MAX_YEAR = 2000, 2999


class Change(enum.StrEnum):
    """What a cart line does to the customer's subscription of that solution."""

    NEW = "new"  # nothing running (none, trial, free, locked, expired)
    RENEWAL = "renewal"  # the same tier, seats and cycle, for the next period
    UPGRADE = "upgrade"  # a higher tier and/or more seats, same cycle (P3)
    CYCLE_SWITCH = "cycle_switch"  # monthly to yearly (the reverse is Y3)


@dataclass(frozen=True, slots=True)
class Target:
    """What the customer will hold of one solution after this order."""

    tier: Tier
    seats: int | None
    cycle: Cycle
    in_cart: bool


def check_shape(catalogue: Catalogue, req: QuoteRequest) -> None:
    """Refuse a request the engine cannot read, naming the field (not a rule's "no")."""
    if not req.cart and not any(req.addons.values()):
        raise RequestError("cart: empty, nothing to quote")
    seen: set[str] = set()
    for i, line in enumerate(req.cart):
        solution = catalogue.solutions.get(line.solution)
        if solution is None:
            raise RequestError(
                f"cart[{i}].solution: unknown {line.solution!r} (known: {', '.join(catalogue.solutions)})"
            )
        if line.solution in seen:
            raise RequestError(f"cart[{i}].solution: {line.solution!r} appears twice")
        seen.add(line.solution)
        if solution.tier(line.tier) is None:
            raise RequestError(
                f"cart[{i}].tier: unknown {line.tier!r} for {line.solution} "
                f"(known: {', '.join(t.id for t in solution.tiers)})"
            )
        if line.seats is not None and line.seats > MAX_QUANTITY:
            raise RequestError(f"cart[{i}].seats: at most {MAX_QUANTITY}")
        if line.seats is not None and (solution.seats is None or line.seats < 1):
            raise RequestError(
                f"cart[{i}].seats: {line.solution} is not sold by seat"
                if solution.seats is None
                else f"cart[{i}].seats: must be at least 1"
            )
    for addon, blocks in req.addons.items():
        if addon not in catalogue.addons:
            raise RequestError(f"addons.{addon}: unknown (known: {', '.join(catalogue.addons)})")
        if not 0 <= blocks <= MAX_QUANTITY:
            raise RequestError(f"addons.{addon}: must be between 0 and {MAX_QUANTITY}")
    if not 1 <= req.months <= MAX_MONTHS:
        raise RequestError(f"months: must be between 1 and {MAX_MONTHS}")
    if not MIN_YEAR <= req.today.year <= MAX_YEAR:
        raise RequestError(f"today: must be between {MIN_YEAR} and {MAX_YEAR}")
    if req.proration_option not in (None, *PRORATION_OPTIONS):
        raise RequestError(f"proration_option: must be one of {', '.join(PRORATION_OPTIONS)}")
    held: set[str] = set()
    for h in req.holdings:
        if h.solution in held:
            raise RequestError(f"customer.subscriptions: {h.solution} appears twice")
        held.add(h.solution)
        if h.solution not in catalogue.solutions or catalogue.solutions[h.solution].tier(h.tier) is None:
            raise RequestError(f"customer.subscriptions: unknown {h.solution}/{h.tier}")
        if h.status is Status.ACTIVE and not h.period.contains(req.today):
            raise RequestError(
                f"customer.subscriptions: {h.solution} is active but its period "
                f"{h.period.start}..{h.period.end} does not contain {req.today}"
            )


def running(req: QuoteRequest, solution: str) -> Holding | None:
    h = req.holding(solution)
    return h if h is not None and h.is_paid_and_running else None


def fill_seats(catalogue: Catalogue, req: QuoteRequest) -> tuple[QuoteRequest, list[Notice]]:
    """Fill omitted seats: S2 copies the workspace's count; otherwise keep the held count."""
    notices: list[Notice] = []
    lines = []
    for line in req.cart:
        rule = catalogue.solutions[line.solution].seats
        if line.seats is None and rule is not None:
            if rule.equal_to:
                base_seats = _target_seats(req, rule.equal_to)
                if base_seats is None:  # no running base: D1/D2 will say so; start from what was held
                    held_base = req.holding(rule.equal_to)
                    base_seats = held_base.seats if held_base else None
                seats: int | None = _allowed_seats(catalogue, rule.equal_to, base_seats or 0) or None
                if running(req, rule.equal_to) or req.line(rule.equal_to):
                    notices.append(Notice("S2", "S2.filled", line.solution, {"seats": seats or 0}))
            else:
                held = req.holding(line.solution)
                seats = held.seats if held else None
            if seats is None:
                raise RequestError(f"cart: seats missing for {line.solution}")
            line = replace(line, seats=seats)
        lines.append(line)
    return replace(req, cart=tuple(lines)), notices


def _target_seats(req: QuoteRequest, solution: str) -> int | None:
    line, held = req.line(solution), running(req, solution)
    if line is not None:
        return line.seats
    return held.seats if held else None


def classify(catalogue: Catalogue, req: QuoteRequest, line: CartLine) -> Change | Refusal:
    """How a line changes what is held, or why it cannot (Y3, P3; Y4 inside a bundle)."""
    held = running(req, line.solution)
    if held is None:
        return Change.NEW
    solution = catalogue.solutions[line.solution]
    tier, held_tier = solution.tier(line.tier), solution.tier(held.tier)
    assert tier is not None and held_tier is not None
    if line.cycle.rank < held.cycle.rank:
        return Refusal(
            "Y3",
            "cycle",
            "Y3.no_yearly_to_monthly",
            line.solution,
            fix=Fix("set_cycle", line.solution, held.cycle.value),
        )
    if tier.rank < held_tier.rank:
        in_bundle = is_bundle(catalogue, req)
        return Refusal(
            "Y4" if in_bundle else "P3",
            "tier",
            "Y4.tier_not_lower" if in_bundle else "P3.lower_tier_at_period_end",
            line.solution,
            {"tier": held.tier, "period_end": held.period.end.isoformat()},
            Fix("set_tier", line.solution, held.tier),
        )
    if held.seats is not None and line.seats is not None and line.seats < held.seats:
        return Refusal(
            "P3",
            "seats",
            "P3.fewer_seats_at_period_end",
            line.solution,
            {"seats": held.seats, "period_end": held.period.end.isoformat()},
            Fix("set_seats", line.solution, held.seats),
        )
    if line.cycle.rank > held.cycle.rank:
        return Change.CYCLE_SWITCH
    if tier.rank == held_tier.rank and line.seats == held.seats:
        return Change.RENEWAL
    return Change.UPGRADE


def is_bundle(catalogue: Catalogue, req: QuoteRequest) -> bool:
    """Y4: every solution of the bundle bought in one order."""
    return covers_bundle(catalogue, [line.solution for line in req.cart])


def covers_bundle(catalogue: Catalogue, solutions: Collection[str]) -> bool:
    """Y4: these solutions include every solution of the bundle."""
    return bool(catalogue.bundle_solutions) and set(catalogue.bundle_solutions) <= set(solutions)


def targets(catalogue: Catalogue, req: QuoteRequest) -> dict[str, Target]:
    found: dict[str, Target] = {}
    for sid, solution in catalogue.solutions.items():
        line, held = req.line(sid), running(req, sid)
        if line is not None:
            found[sid] = Target(_tier(solution, line.tier), line.seats, line.cycle, True)
        elif held is not None:
            found[sid] = Target(_tier(solution, held.tier), held.seats, held.cycle, False)
    return found


def _tier(solution: Solution, tier_id: str) -> Tier:
    tier = solution.tier(tier_id)
    assert tier is not None
    return tier


def _line_json(solution: str, tier: str, cycle: Cycle, seats: int | None) -> dict[str, str | int]:
    out: dict[str, str | int] = {"solution": solution, "tier": tier, "cycle": cycle.value}
    if seats is not None:
        out["seats"] = seats
    return out


@dataclass(frozen=True, slots=True)
class _Need:
    """Something in the cart that needs the base: a dependent line, or add-on blocks (None)."""

    solution: str | None
    cycle: Cycle
    seats: int | None


def check_dependencies(catalogue: Catalogue, req: QuoteRequest, found: dict[str, Target]) -> list[Refusal]:
    """D1: a dependent solution (or an add-on) needs the base at the minimum tier; D2: an
    expired base within its window must be renewed in the same order."""
    base = catalogue.base
    minimum = _tier(base, catalogue.dependent_min_base_tier)
    base_target = found.get(base.id)
    if base_target and base_target.tier.rank >= minimum.rank:
        return []
    dependent = next((x for x in req.cart if catalogue.solutions[x.solution].requires), None)
    if dependent is not None:
        need = _Need(dependent.solution, dependent.cycle, dependent.seats)
    elif any(req.addons.values()) and base_target is None:
        need = _Need(None, Cycle.MONTHLY, None)
    else:
        return []
    held = req.holding(base.id)
    field = "solution" if need.solution else "addons"
    if held and held.status is Status.EXPIRED and req.today < fall_back_day(catalogue, held.period.end):
        return [
            Refusal(
                "D2",
                field,
                "D2.renew_expired_base" if need.solution else "D2.addons_renew_expired_base",
                need.solution,
                {"expired_on": held.period.end.isoformat(), "days": catalogue.expired_renewal_window_days},
                Fix("add_line", base.id, line=_line_json(base.id, held.tier, held.cycle, held.seats)),
            )
        ]
    # The base line to add: the dependent's seats (S2), else what was held, never below the
    # base's minimum (S1) or the seats activated during the trial (S4).
    wanted = need.seats if need.seats is not None else (held.seats if held else None)
    seats = max(_allowed_seats(catalogue, base.id, wanted or 0), req.trial_activated_seats or 0) or None
    return [
        Refusal(
            "D1",
            field,
            "D1.needs_base" if need.solution else "D1.addons_need_base",
            need.solution,
            {"tier": minimum.id},
            Fix("add_line", base.id, line=_line_json(base.id, minimum.id, need.cycle, seats)),
        )
    ]


def seats_refusal(rule: str, code: str, solution: str, numbers: Mapping[str, Scalar], seats: int) -> Refusal:
    """A seat count refused, with the allowed count as the fix."""
    return Refusal(rule, "seats", code, solution, numbers, Fix("set_seats", solution, seats))


def check_seats(catalogue: Catalogue, req: QuoteRequest, found: dict[str, Target]) -> list[Refusal]:
    """S1 (base minimum), S2 (equal to the base), S3 (1..base), S4 (trial floor); S5 in bundles."""
    refusals = []
    for sid, t in found.items():
        rule = catalogue.solutions[sid].seats
        if rule is None or t.seats is None:
            continue
        is_base = sid == catalogue.base_solution
        if t.in_cart and rule.min is not None and t.seats < rule.min:
            rid = "S1" if is_base else "S3"
            refusals.append(
                seats_refusal(rid, f"{rid}.min", sid, {"seats": t.seats, "min": rule.min}, rule.min)
            )
            continue
        floor = req.trial_activated_seats
        if is_base and t.in_cart and floor and running(req, sid) is None and t.seats < floor:
            refusals.append(
                seats_refusal("S4", "S4.trial_floor", sid, {"seats": t.seats, "min": floor}, floor)
            )
        ref_id = rule.equal_to or rule.at_most or ""
        ref = found.get(ref_id)
        if ref is None or ref.seats is None:
            continue
        ref_seats = _allowed_seats(catalogue, ref_id, ref.seats)  # after the base's own fix
        if rule.equal_to and t.seats != ref_seats:
            if t.in_cart:
                refusals.append(seats_refusal("S2", "S2.equal", sid, {"seats": ref_seats}, ref_seats))
            else:
                refusals.append(
                    Refusal(
                        "S2",
                        "seats",
                        "S2.follow",
                        sid,
                        {"seats": ref_seats},
                        Fix("add_line", sid, line=_line_json(sid, t.tier.id, t.cycle, ref_seats)),
                    )
                )
        if rule.at_most and t.in_cart and t.seats > ref_seats:
            refusals.append(
                seats_refusal("S3", "S3.at_most", sid, {"seats": t.seats, "max": ref_seats}, ref_seats)
            )
    return refusals


def _allowed_seats(catalogue: Catalogue, solution: str, seats: int) -> int:
    rule = catalogue.solutions[solution].seats
    return max(seats, rule.min or 0) if rule else seats


def joins_running_base(
    catalogue: Catalogue, req: QuoteRequest, changes: Mapping[str, Change], line: CartLine
) -> bool:
    """A dependent line that joins the running base's period (co-terminus, P1)."""
    base_id = catalogue.base_solution
    return (
        bool(catalogue.solutions[line.solution].requires)
        and running(req, base_id) is not None
        and changes.get(base_id) not in (Change.NEW, Change.CYCLE_SWITCH)
    )


def months_apply(
    catalogue: Catalogue, req: QuoteRequest, changes: Mapping[str, Change], line: CartLine
) -> bool:
    """Y6: prepaid months count for a monthly line that starts or renews a period of its own;
    an upgrade keeps the held period and a joining line ends with the base's period."""
    change = changes.get(line.solution)
    if line.cycle is not Cycle.MONTHLY or change not in (Change.NEW, Change.RENEWAL):
        return False
    return change is Change.RENEWAL or not joins_running_base(catalogue, req, changes, line)


def months_notice(catalogue: Catalogue, req: QuoteRequest, changes: Mapping[str, Change]) -> list[Notice]:
    """Y6: say so when the prepaid months asked for change nothing in this order."""
    if req.months == 1 or any(months_apply(catalogue, req, changes, line) for line in req.cart):
        return []
    return [Notice("Y6", "Y6.months_not_applied", None, {"months": req.months})]


def check_cycles(
    catalogue: Catalogue, req: QuoteRequest, found: dict[str, Target], changes: Mapping[str, Change]
) -> list[Refusal]:
    """Y2 (not above the base's cycle), Y4 (bundle cycles), Y6 (prepaid months offered)."""
    refusals = []
    for sid, t in found.items():
        solution = catalogue.solutions[sid]
        ref = found.get(solution.cycle_at_most or "")
        if ref is None or not t.in_cart or t.cycle.rank <= ref.cycle.rank:
            continue
        assert solution.cycle_at_most is not None
        base_id = solution.cycle_at_most
        if not solution.raise_base_cycle:
            fix = Fix("set_cycle", sid, ref.cycle.value)
        elif ref.in_cart:
            fix = Fix("set_cycle", base_id, t.cycle.value)
        else:
            fix = Fix("add_line", base_id, line=_line_json(base_id, ref.tier.id, t.cycle, ref.seats))
        refusals.append(
            Refusal(
                "Y2",
                "cycle",
                "Y2.above_base",
                sid,
                {"cycle": t.cycle.value, "base_cycle": ref.cycle.value},
                fix,
            )
        )
    if is_bundle(catalogue, req):
        allowed = catalogue.bundle_cycles
        if allowed and any(line.cycle.value not in allowed for line in req.cart):
            refusals.append(
                Refusal(
                    "Y4",
                    "cycle",
                    "Y4.bundle_cycle",
                    None,
                    {"cycle": allowed[0]},
                    Fix("set_cycle", None, allowed[0]),
                )
            )
    if req.months not in catalogue.prepay_months and any(
        months_apply(catalogue, req, changes, line) for line in req.cart
    ):
        lower = max(m for m in catalogue.prepay_months if m <= req.months)
        refusals.append(
            Refusal(
                "Y6",
                "months",
                "Y6.not_offered",
                None,
                {"months": req.months, "choices": ", ".join(map(str, catalogue.prepay_months))},
                Fix("set_months", None, lower),
            )
        )
    return refusals


def check_tiers(catalogue: Catalogue, req: QuoteRequest) -> list[Refusal]:
    """C2: a tier such as free is never sold through payment."""
    refusals = []
    for line in req.cart:
        solution = catalogue.solutions[line.solution]
        if not _tier(solution, line.tier).sellable:
            first = solution.sellable_tiers[0]
            refusals.append(
                Refusal(
                    "C2",
                    "tier",
                    "C2.not_sold",
                    line.solution,
                    {"tier": line.tier},
                    Fix("set_tier", line.solution, first.id),
                )
            )
    return refusals


def check(catalogue: Catalogue, req: QuoteRequest) -> tuple[dict[str, Change], list[Refusal]]:
    """Every refusal of a (shape-checked, seat-filled) request, and each line's change."""
    refusals = check_tiers(catalogue, req)
    changes: dict[str, Change] = {}
    for line in req.cart:
        verdict = classify(catalogue, req, line)
        if isinstance(verdict, Refusal):
            refusals.append(verdict)
        else:
            changes[line.solution] = verdict
    found = targets(catalogue, req)
    refusals += check_dependencies(catalogue, req, found)
    refusals += check_seats(catalogue, req, found)
    refusals += check_cycles(catalogue, req, found, changes)
    unique = {(r.rule, r.code, r.solution): r for r in reversed(refusals)}
    return changes, [r for r in refusals if unique[(r.rule, r.code, r.solution)] is r]
