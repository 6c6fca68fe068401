"""Which lines an accepted cart becomes, over which periods, at which full-period prices.

Theory of operation. Every line is priced as `full-period list price × charged days /
days of the period it belongs to` (P1), rounded once (K4); a line that covers its whole
period is simply its list price. The period comes from the line's change:
- a new workspace (or any base line) starts today and runs one cycle, or N prepaid months (Y6);
- a renewal runs the next period after the current one, keeping the anchor day (Y5);
- an upgrade (tier or seats up, P3) covers [today, current end) at the price difference;
- monthly → yearly restarts the period today and credits the unused monthly days;
- a dependent solution (Process, App Builder) bought beside a running workspace ends with the
  workspace's current period (co-terminus, P1); when fewer than `proration_choice_below_days`
  remain, the customer chooses (P2): those days only, or those days plus the next full period
  of the workspace and the new solution.
Add-ons (C4) follow the workspace line of the order, or the running workspace's period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue import Catalogue, Tier, VatRate
from billing_core.holdings import Holding
from billing_core.money import Money
from billing_core.periods import Cycle, Period, anchor_of, billing_period, next_period, period_containing
from billing_core.rules import Change, is_bundle, joins_running_base, months_apply, running


@dataclass(frozen=True, slots=True)
class Price:
    """A full period's list price, and the price after the yearly discount (Y1) if any."""

    list: Money
    yearly_net: Money | None = None  # an explicit yearly price (C5); else the percentage

    def __sub__(self, other: Price) -> Price:
        net = (
            None
            if self.yearly_net is None or other.yearly_net is None
            else self.yearly_net - other.yearly_net
        )
        return Price(self.list - other.list, net)


@dataclass(frozen=True, slots=True)
class PlannedLine:
    kind: str  # new | renewal | upgrade | cycle_switch | credit | next_period | addon
    cycle: Cycle
    period: Period
    full: Price
    charged_days: int
    period_days: int
    vat: VatRate
    solution: str | None = None
    addon: str | None = None
    tier: str | None = None
    seats: int | None = None
    quantity: int | None = None
    quotas: Mapping[str, int] = field(default_factory=dict)

    @property
    def prorated(self) -> bool:
        return self.charged_days != self.period_days

    @property
    def charged(self) -> Period:
        """The days this line pays for: the last `charged_days` of its period (P1)."""
        return Period(self.period.end - dt.timedelta(days=self.charged_days), self.period.end)


@dataclass(frozen=True, slots=True)
class ProrationChoice:
    """P2: the period a dependent line is aligned to, and whether a choice is offered."""

    aligned: Period
    offered: bool


def full_price(tier: Tier, seats: int | None, cycle: Cycle, count: int = 1) -> Price:
    monthly = tier.monthly_price(seats or 1)
    if cycle is Cycle.MONTHLY:
        return Price(monthly * count)
    explicit = tier.explicit_yearly_price(seats or 1)
    return Price(monthly * 12, explicit)


def cycles_in(period: Period, cycle: Cycle) -> int:
    """How many cycles a held or aligned period spans (3 for a 3-month prepaid period, Y6)."""
    return max(1, period.months // cycle.months)


def _quotas(tier: Tier, cycle: Cycle, count: int) -> dict[str, int]:
    months = cycle.months * count
    return {k: v * months for k, v in tier.quotas.items()}


class Planner:
    def __init__(self, catalogue: Catalogue, req: QuoteRequest, changes: Mapping[str, Change]):
        self.c, self.req, self.changes = catalogue, req, changes
        self.today = req.today
        self.base_id = catalogue.base_solution
        self.running_base = running(req, self.base_id)
        # Y4: a bundle that renews the running workspace buys all three for its next period,
        # so the other two join the current period *and* take the next one (no P2 choice).
        self.bundle_renews_base = is_bundle(catalogue, req) and changes.get(self.base_id) is Change.RENEWAL
        self._choices = {line.solution: self._proration(line) for line in req.cart}

    def _tier(self, solution: str, tier_id: str) -> Tier:
        tier = self.c.solutions[solution].tier(tier_id)
        assert tier is not None
        return tier

    def _held_price(self, held: Holding, count: int = 1) -> Price:
        """What the held tier and seats cost over `count` of its cycles."""
        return full_price(self._tier(held.solution, held.tier), held.seats, held.cycle, count)

    def _count(self, line: CartLine) -> int:
        """How many cycles a line that starts or renews its own period buys (Y6)."""
        return self.req.months if months_apply(self.c, self.req, self.changes, line) else 1

    def _line(
        self,
        kind: str,
        line: CartLine | Holding,
        period: Period,
        full: Price,
        charged: Period | None = None,
        count: int | None = 1,
    ) -> PlannedLine:
        """One planned line; `count` cycles of quotas are credited (None: no quotas)."""
        tier = self._tier(line.solution, line.tier)
        return PlannedLine(
            kind=kind,
            cycle=line.cycle,
            period=period,
            full=full,
            charged_days=(charged or period).days,
            period_days=period.days,
            vat=self.c.vat_for(self.c.solutions[line.solution], self.today),
            solution=line.solution,
            tier=line.tier,
            seats=line.seats,
            quotas=_quotas(tier, line.cycle, count) if count else {},
        )

    def proration(self, line: CartLine) -> ProrationChoice | None:
        """For a dependent line joining a running base's period: the period it aligns to."""
        return self._choices[line.solution]

    def _proration(self, line: CartLine) -> ProrationChoice | None:
        base = self.running_base
        if base is None or not joins_running_base(self.c, self.req, self.changes, line):
            return None
        aligned = (
            base.period
            if line.cycle is base.cycle
            else period_containing(base.period, line.cycle, self.today, base.anchor_day)
        )
        remaining = (aligned.end - self.today).days
        return ProrationChoice(
            aligned,
            remaining < self.c.proration_choice_below_days
            and self.changes.get(line.solution) is Change.NEW
            and not self.bundle_renews_base,
        )

    def plan(self, option: str) -> list[PlannedLine]:
        cart = self.plan_cart(option)
        return cart + self._plan_addons(cart)

    def plan_cart(self, option: str) -> list[PlannedLine]:
        lines: list[PlannedLine] = []
        for line in sorted(self.req.cart, key=lambda x: self.c.solutions[x.solution].order):
            lines += [p for p in self._plan_solution(line, option) if p not in lines]
        return sorted(
            lines, key=lambda p: (p.charged.start, self.c.solutions[p.solution].order if p.solution else 99)
        )

    def _plan_solution(self, line: CartLine, option: str) -> list[PlannedLine]:
        change, held = self.changes[line.solution], running(self.req, line.solution)
        tier = self._tier(line.solution, line.tier)
        count = self._count(line)
        price = full_price(tier, line.seats, line.cycle, count)  # new or renewal
        choice = self.proration(line)
        if change is Change.RENEWAL:
            assert held is not None
            # After what is paid already: a second renewal buys the period after (V1).
            anchor = anchor_of(held.period, held.anchor_day)
            period = next_period(held.paid_period, line.cycle, count, anchor)
            return [self._line("renewal", line, period, price, count=count)]
        if change is Change.UPGRADE:
            assert held is not None
            count = cycles_in(held.period, held.cycle)  # both sides over the held period
            diff = full_price(tier, line.seats, line.cycle, count) - self._held_price(held, count)
            return [
                self._line(
                    "upgrade", line, held.period, diff, charged=_rest(held.period, self.today), count=None
                )
            ]
        if choice is not None:  # joins the running base's period (P1), maybe with P2's choice
            cycles = cycles_in(choice.aligned, line.cycle)
            joined = self._line(
                change.value,
                line,
                choice.aligned,
                full_price(tier, line.seats, line.cycle, cycles),
                charged=_rest(choice.aligned, self.today),
                count=cycles,
            )
            out = [joined, *self._credit(line, held)]
            if (choice.offered and option == "current_and_next") or self.bundle_renews_base:
                out.append(
                    self._line(
                        "next_period",
                        line,
                        next_period(choice.aligned, line.cycle, anchor_day=self._base_anchor()),
                        full_price(tier, line.seats, line.cycle),
                    )
                )
                out += self._base_renewal(choice.aligned)
            return out
        # A new base line, or a dependent bought with one: both start today (a monthly
        # dependent of a yearly base runs its own months, Y2).
        period = billing_period(self.today, line.cycle, count=count)
        return [self._line(change.value, line, period, price, count=count), *self._credit(line, held)]

    def _credit(self, line: CartLine, held: Holding | None) -> list[PlannedLine]:
        """Monthly → yearly: the unused days of the running monthly period, credited."""
        if self.changes[line.solution] is not Change.CYCLE_SWITCH or held is None:
            return []
        old = self._held_price(held, cycles_in(held.period, held.cycle))
        return [
            self._line(
                "credit",
                held,
                held.period,
                Price(-old.list),
                charged=_rest(held.period, self.today),
                count=None,
            )
        ]

    def _base_anchor(self) -> int | None:
        return self.running_base.anchor_day if self.running_base else None

    def _base_renewal(self, aligned: Period) -> list[PlannedLine]:
        """P2 (b): the running base's next full period, when it ends with the aligned period:
        as held, or at the upgraded tier and seats when this order upgrades it (a renewal in
        the cart already covers it)."""
        base = self.running_base
        change = self.changes.get(self.base_id)
        if base is None or base.period.end != aligned.end or change not in (None, Change.UPGRADE):
            return []
        period = next_period(base.period, base.cycle, anchor_day=base.anchor_day)
        upgraded = self.req.line(self.base_id)
        if upgraded is None:
            return [self._line("renewal", base, period, self._held_price(base))]
        tier = self._tier(upgraded.solution, upgraded.tier)
        return [self._line("renewal", upgraded, period, full_price(tier, upgraded.seats, upgraded.cycle))]

    def _plan_addons(self, cart: list[PlannedLine]) -> list[PlannedLine]:
        """C4: add-on blocks run with the order's base line, or join the running base (P1)."""
        blocks = sorted(
            ((k, v) for k, v in self.req.addons.items() if v > 0), key=lambda kv: self.c.addons[kv[0]].order
        )
        if not blocks:
            return []
        base_lines = [p for p in cart if p.solution == self.base_id and p.kind not in ("upgrade", "credit")]
        running_base = self.running_base
        spans: list[tuple[Period, Period, Cycle]] = []  # (period, charged part, cycle)
        if running_base is not None and self.changes.get(self.base_id) in (None, Change.UPGRADE):
            spans.append((running_base.period, _rest(running_base.period, self.today), running_base.cycle))
        spans += [(p.period, p.period, p.cycle) for p in base_lines]
        out = []
        for addon_id, qty in blocks:
            addon = self.c.addons[addon_id]
            for period, charged, cycle in spans:
                out.append(
                    PlannedLine(
                        kind="addon",
                        cycle=cycle,
                        period=period,
                        full=Price(addon.price_per_block_month * qty * period.months),
                        charged_days=charged.days,
                        period_days=period.days,
                        vat=self.c.vat_for(addon, self.today),
                        addon=addon_id,
                        quantity=qty,
                    )
                )
        return out


def _rest(period: Period, today: dt.date) -> Period:
    """[today, end) of a running period."""
    return Period(today, period.end)
