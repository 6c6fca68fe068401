"""What "Gói của tôi" and "Hóa đơn" show: the customer's subscriptions with their renewal mode
(V1), trial end (T1), quotas (C5) and add-on blocks (C4), the changes scheduled for the end of
the paid period (P3, Y3), and the last invoices (V4).

Loaded by the runtime for the LoadAccount effect and kept in the state while one of those two
screens is open, so a screen can be drawn again (a stale button, a typed label) without a read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from billing_core.holdings import Holding
from billing_core.invoice_ids import invoice_label
from billing_core.periods import Cycle
from billing_core.scheduled_changes import Target
from conversations.engine_json import holding_from_json, holding_to_json

MAX_INVOICES = 10  # the screen lists the latest ones; older ones are in the e-mail archive


@dataclass(frozen=True, slots=True)
class Subscribed:
    """One solution the customer holds: its period (Holding) and what the plan screen adds."""

    holding: Holding
    renewal_mode: str
    quotas: tuple[tuple[str, int], ...] = ()
    addons: tuple[tuple[str, int], ...] = ()

    @property
    def solution(self) -> str:
        return self.holding.solution

    def to_json(self) -> dict[str, Any]:
        return {
            "holding": holding_to_json(self.holding),
            "renewal_mode": self.renewal_mode,
            "quotas": [list(q) for q in self.quotas],
            "addons": [list(a) for a in self.addons],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Subscribed:
        return cls(
            holding_from_json(d["holding"]),
            str(d["renewal_mode"]),
            tuple((str(k), int(v)) for k, v in d["quotas"]),
            tuple((str(k), int(v)) for k, v in d["addons"]),
        )


@dataclass(frozen=True, slots=True)
class TrialHeld:
    solution: str
    ends_on: dt.date  # exclusive (T1): the trial's last day is the day before

    @property
    def last_day(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=1)

    def days_left(self, today: dt.date) -> int:
        return max((self.ends_on - today).days, 0)


@dataclass(frozen=True, slots=True)
class InvoiceSummary:
    """One issued invoice: its number as printed and what the order cost."""

    order_id: int
    symbol: str
    number: int
    issued_on: dt.date
    amount: int
    form: str = "1"

    @property
    def label(self) -> str:
        """Form and symbol, then the 8-digit number, as on the PDF (Decree 123/2020)."""
        return invoice_label(self.form, self.symbol, self.number)


@dataclass(frozen=True, slots=True)
class ScheduledItem:
    """A change the customer scheduled and can still cancel (its request, as asked)."""

    request_id: int
    kind: str  # billing_core.scheduled_changes.ChangeKind
    solution: str
    value: str | None
    effective_on: dt.date

    def to_json(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "kind": self.kind,
            "solution": self.solution,
            "value": self.value,
            "effective_on": self.effective_on.isoformat(),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ScheduledItem:
        value = d["value"]
        return cls(
            int(d["request_id"]),
            str(d["kind"]),
            str(d["solution"]),
            None if value is None else str(value),
            dt.date.fromisoformat(d["effective_on"]),
        )


def target_to_json(target: Target) -> dict[str, Any]:
    return {
        "solution": target.solution,
        "tier": target.tier,
        "seats": target.seats,
        "cycle": target.cycle.value if target.cycle else None,
        "ends": target.ends,
    }


def target_from_json(d: Mapping[str, Any]) -> Target:
    seats = d["seats"]
    return Target(
        str(d["solution"]),
        None if d["tier"] is None else str(d["tier"]),
        None if seats is None else int(seats),
        Cycle(d["cycle"]) if d["cycle"] else None,
        bool(d["ends"]),
    )


@dataclass(frozen=True, slots=True)
class Account:
    subscriptions: tuple[Subscribed, ...] = ()
    trials: tuple[TrialHeld, ...] = ()
    invoices: tuple[InvoiceSummary, ...] = ()
    changes: tuple[ScheduledItem, ...] = ()  # scheduled and cancellable, oldest first
    targets: tuple[Target, ...] = ()  # what they make of each subscription, in order

    @property
    def holdings(self) -> tuple[Holding, ...]:
        return tuple(s.holding for s in self.subscriptions)

    def subscription(self, solution: str) -> Subscribed | None:
        return next((s for s in self.subscriptions if s.solution == solution), None)

    def with_renewal(self, solution: str, mode: str) -> Account:
        subscriptions = tuple(
            replace(s, renewal_mode=mode) if s.solution == solution else s for s in self.subscriptions
        )
        return replace(self, subscriptions=subscriptions)

    def to_json(self) -> dict[str, Any]:
        return {
            "subscriptions": [s.to_json() for s in self.subscriptions],
            "trials": [{"solution": t.solution, "ends_on": t.ends_on.isoformat()} for t in self.trials],
            "invoices": [
                {
                    "order_id": i.order_id,
                    "symbol": i.symbol,
                    "number": i.number,
                    "issued_on": i.issued_on.isoformat(),
                    "amount": i.amount,
                    "form": i.form,
                }
                for i in self.invoices
            ],
            "changes": [c.to_json() for c in self.changes],
            "targets": [target_to_json(x) for x in self.targets],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Account:
        return cls(
            tuple(Subscribed.from_json(s) for s in d["subscriptions"]),
            tuple(TrialHeld(str(t["solution"]), dt.date.fromisoformat(t["ends_on"])) for t in d["trials"]),
            tuple(
                InvoiceSummary(
                    int(i["order_id"]),
                    str(i["symbol"]),
                    int(i["number"]),
                    dt.date.fromisoformat(i["issued_on"]),
                    int(i["amount"]),
                    str(i["form"]),
                )
                for i in d["invoices"]
            ),
            tuple(ScheduledItem.from_json(c) for c in d.get("changes", ())),
            tuple(target_from_json(x) for x in d.get("targets", ())),
        )
