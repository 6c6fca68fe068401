"""Changes a customer schedules for the end of what is paid (P3, Y3): a lower tier, fewer users,
yearly → monthly, Process or App Builder removed, or everything cancelled.

Nothing is refunded and nothing changes before the boundary: the change takes effect on the
day the paid period ends (`effective_on`), is applied there exactly once, and the next
renewal is quoted on it. A request is judged on what the customer will hold after the
boundary (every change already scheduled, then this one):
- S1: the workspace keeps at least its minimum users;
- S2: Process follows the workspace's users, so fewer workspace users carry Process along
  (said, as a notice); Process's users are never reduced on their own;
- S3: App Builder keeps 1 to the workspace's users, so the workspace cannot go below App
  Builder (refused, with App Builder's count as the fix);
- Y2: a dependent is never on a longer cycle than the workspace, so moving the workspace to
  monthly carries yearly dependents along (said, as a notice);
- D1: the workspace is not removed on its own while Process or App Builder stay: cancelling
  everything is the way (refused, with "cancel" as the fix).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from billing_core.catalogue import Catalogue, Tier
from billing_core.holdings import Holding
from billing_core.periods import Cycle
from billing_core.refusals import Fix, Notice, Refusal, Scalar
from billing_core.rules import seats_refusal

COMMENT_LENGTH = 1000  # the survey's free text, as stored


class ChangeKind(enum.StrEnum):
    TIER = "tier"  # a lower tier (P3)
    SEATS = "seats"  # fewer users (P3, within S1–S3)
    MONTHLY = "monthly"  # yearly → monthly, only at renewal (Y3)
    REMOVE = "remove"  # a dependent solution ends
    CANCEL = "cancel"  # everything ends


@dataclass(frozen=True, slots=True)
class Target:
    """What one solution becomes at the boundary; None keeps what is held."""

    solution: str
    tier: str | None = None
    seats: int | None = None
    cycle: Cycle | None = None
    ends: bool = False

    def then(self, later: Target) -> Target:
        """This change followed by a later one for the same solution."""
        return Target(
            self.solution,
            later.tier or self.tier,
            later.seats if later.seats is not None else self.seats,
            later.cycle or self.cycle,
            self.ends or later.ends,
        )

    def applied(self, held: Holding) -> Holding | None:
        """The holding after the boundary, or None when the solution ends there."""
        if self.ends:
            return None
        return replace(
            held,
            tier=self.tier or held.tier,
            seats=self.seats if self.seats is not None else held.seats,
            cycle=self.cycle or held.cycle,
        )


def merged(targets: Iterable[Target]) -> dict[str, Target]:
    """Changes scheduled one after another, as one target per solution."""
    out: dict[str, Target] = {}
    for target in targets:
        found = out.get(target.solution)
        out[target.solution] = found.then(target) if found else target
    return out


def after_boundary(held: Iterable[Holding], targets: Mapping[str, Target]) -> dict[str, Holding]:
    """What the customer holds once the scheduled changes are applied."""
    out: dict[str, Holding] = {}
    for holding in held:
        target = targets.get(holding.solution)
        after = target.applied(holding) if target else holding
        if after is not None:
            out[holding.solution] = after
    return out


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    kind: ChangeKind
    solution: str = ""  # "" to cancel everything
    value: str | int | None = None  # the tier id (TIER) or the users (SEATS)

    @classmethod
    def parse(cls, kind: str, solution: str, value: str | None) -> ChangeRequest | None:
        """A request as a button, a stored row or an effect carries it (text); None for one
        that is no request (an unknown kind, users that are not a number)."""
        try:
            change = ChangeKind(kind)
        except ValueError:
            return None
        if change is ChangeKind.SEATS:
            return cls(change, solution, int(value)) if value is not None and value.isdigit() else None
        return cls(change, solution, value)


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """A request judged acceptable: the targets to store (the request's first, then those
    carried along by S2 or Y2), the day each takes effect, and what to tell the customer."""

    targets: tuple[Target, ...]
    dates: Mapping[str, dt.date]  # by solution: the end of what is paid (P3)
    notices: tuple[Notice, ...] = ()

    @property
    def effective_on(self) -> dt.date:
        """When the change asked for takes effect (those carried along go with it)."""
        return self.dates[self.targets[0].solution]


def changeable(held: Iterable[Holding]) -> dict[str, Holding]:
    """The paid, running subscriptions a change can be scheduled on."""
    return {h.solution: h for h in held if h.is_paid_and_running}


def lower_tiers(catalogue: Catalogue, holding: Holding, target: Target | None = None) -> tuple[Tier, ...]:
    """The sellable tiers below the one the customer will hold (P3: never `free`, C2)."""
    solution = catalogue.solutions[holding.solution]
    current = solution.tier((target.tier if target else None) or holding.tier)
    if current is None:
        return ()
    return tuple(t for t in solution.sellable_tiers if t.rank < current.rank)


def fewest_seats(
    catalogue: Catalogue, holdings: Mapping[str, Holding], targets: Mapping[str, Target], solution: str
) -> int:
    """The fewest users a solution can go down to: its minimum (S1, S3), and for the base
    the users of a dependent that may not exceed it (S3)."""
    rule = catalogue.solutions[solution].seats
    floor = max((rule.min if rule else None) or 1, 1)
    for other in after_boundary(holdings.values(), targets).values():
        other_rule = catalogue.solutions[other.solution].seats
        if other_rule is not None and other_rule.at_most == solution and other.seats:
            floor = max(floor, other.seats)
    return floor


def kinds_for(
    catalogue: Catalogue, holdings: Mapping[str, Holding], targets: Mapping[str, Target], solution: str
) -> tuple[ChangeKind, ...]:
    """The changes that make sense for one subscription, given what is scheduled already."""
    held = holdings.get(solution)
    target = targets.get(solution)
    if held is None or (target is not None and target.ends):
        return ()
    after = after_boundary((held,), targets)[solution]
    rule = catalogue.solutions[solution].seats
    kinds = []
    if lower_tiers(catalogue, held, target):
        kinds.append(ChangeKind.TIER)
    if (
        rule is not None
        and not rule.equal_to
        and (after.seats or 0) > fewest_seats(catalogue, holdings, targets, solution)
    ):
        kinds.append(ChangeKind.SEATS)
    if after.cycle is Cycle.YEARLY:
        kinds.append(ChangeKind.MONTHLY)
    if catalogue.solutions[solution].requires:
        kinds.append(ChangeKind.REMOVE)
    return tuple(kinds)


def plan_change(
    catalogue: Catalogue,
    held: Iterable[Holding],
    scheduled: Iterable[Target],
    request: ChangeRequest,
) -> PlannedChange | Refusal | None:
    """The targets for `request`, or why it cannot be scheduled; None for a request that does
    not apply (a stale button: nothing running, a kind not offered, a value not lower)."""
    holdings = changeable(held)
    targets = merged(scheduled)
    if request.kind is ChangeKind.CANCEL:
        running = [s for s in holdings if not (s in targets and targets[s].ends)]
        if not running:
            return None
        ends = tuple(Target(s, ends=True) for s in _ordered(catalogue, running))
        return PlannedChange(ends, {s: holdings[s].paid_period.end for s in running})
    holding = holdings.get(request.solution)
    if holding is None or request.kind not in kinds_for(catalogue, holdings, targets, request.solution):
        return _remove_base(catalogue, holdings, targets, request)
    after = after_boundary(holdings.values(), targets)
    planned = _targets(catalogue, holding, after, request)
    if planned is None or isinstance(planned, Refusal):
        return planned
    wanted, notices = planned
    day = holding.paid_period.end  # those carried along change with it (S2, Y2)
    return PlannedChange(wanted, {t.solution: day for t in wanted}, tuple(notices))


def cancel_refused(
    catalogue: Catalogue,
    held: Iterable[Holding],
    pending: Sequence[tuple[int, ChangeRequest, dt.date]],
    request_id: int,
) -> Refusal | None:
    """Why a scheduled request (`pending`: every one still scheduled, oldest first, with the day
    it takes effect) cannot be cancelled, or None: the next period is paid on its terms already
    (P3), or a later request was judged on top of it and would break S1–S3, Y2 or D1 without it
    (each later request is judged again, in order, as when it was made)."""
    holdings = changeable(held)
    found = next(((request, day) for rid, request, day in pending if rid == request_id), None)
    if found is None:
        return None
    asked, day = found
    touched = [h for s, h in holdings.items() if asked.kind is ChangeKind.CANCEL or s == asked.solution]
    if any(h.period.end <= day < h.paid_period.end for h in touched):
        return Refusal(
            "P3", "change", "P3.renewal_paid", asked.solution or None, {"starts_on": day.isoformat()}
        )
    targets: list[Target] = []
    for rid, request, _ in pending:
        if rid == request_id:
            continue
        verdict = plan_change(catalogue, holdings.values(), targets, request)
        if isinstance(verdict, Refusal):
            return verdict
        if verdict is not None:
            targets += verdict.targets
    return None


def _remove_base(
    catalogue: Catalogue,
    holdings: Mapping[str, Holding],
    targets: Mapping[str, Target],
    request: ChangeRequest,
) -> Refusal | None:
    """D1: the workspace removed alone, with dependents staying: cancelling everything is the way."""
    base = catalogue.base_solution
    if request.kind is not ChangeKind.REMOVE or request.solution != base or base not in holdings:
        return None
    staying = [s for s in after_boundary(holdings.values(), targets) if s != base]
    if not staying:
        return None
    return Refusal("D1", "solution", "D1.base_stays", base, {}, Fix("cancel_all"))


def _targets(
    catalogue: Catalogue, holding: Holding, after: Mapping[str, Holding], request: ChangeRequest
) -> tuple[tuple[Target, ...], list[Notice]] | Refusal | None:
    sid = holding.solution
    now = after[sid]
    if request.kind is ChangeKind.TIER:
        lower = {t.id for t in lower_tiers(catalogue, holding, Target(sid, tier=now.tier))}
        return ((Target(sid, tier=str(request.value)),), []) if request.value in lower else None
    if request.kind is ChangeKind.REMOVE:
        return (Target(sid, ends=True),), []
    if request.kind is ChangeKind.MONTHLY:
        carried = [
            h.solution
            for h in after.values()
            if h.solution != sid
            and catalogue.solutions[h.solution].cycle_at_most == sid
            and h.cycle is Cycle.YEARLY
        ]
        notices = [Notice("Y2", "Y2.follows_monthly", s) for s in carried]
        return (Target(sid, cycle=Cycle.MONTHLY), *(Target(s, cycle=Cycle.MONTHLY) for s in carried)), notices
    return _fewer_seats(catalogue, sid, now, after, request.value)


def _fewer_seats(
    catalogue: Catalogue, sid: str, now: Holding, after: Mapping[str, Holding], value: object
) -> tuple[tuple[Target, ...], list[Notice]] | Refusal | None:
    if type(value) is not int or now.seats is None or not 1 <= value < now.seats:
        return None
    rule = catalogue.solutions[sid].seats
    assert rule is not None
    is_base = sid == catalogue.base_solution
    if rule.min is not None and value < rule.min:
        rid = "S1" if is_base else "S3"
        return seats_refusal(rid, f"{rid}.min", sid, {"seats": value, "min": rule.min}, rule.min)
    wanted = [Target(sid, seats=value)]
    notices = []
    for other in after.values():
        other_rule = catalogue.solutions[other.solution].seats
        if other.solution == sid or other_rule is None or other.seats is None:
            continue
        if other_rule.at_most == sid and other.seats > value:
            numbers: dict[str, Scalar] = {"seats": value, "min": other.seats, "dependent": other.solution}
            return seats_refusal("S3", "S3.base_below_dependent", sid, numbers, other.seats)
        if other_rule.equal_to == sid:
            wanted.append(Target(other.solution, seats=value))
            notices.append(Notice("S2", "S2.follows", other.solution, {"seats": value}))
    return tuple(wanted), notices


def _ordered(catalogue: Catalogue, solutions: Iterable[str]) -> list[str]:
    return sorted(solutions, key=lambda s: catalogue.solutions[s].order)
