"""A "no" as data: the rule id, the field, the numbers involved and the fix, if one exists.

The sentence a person reads is chosen at the edge from `Refusal.code` (see `explanations`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

# Every rule id in ../shared/spec/billing-rules.md. A refusal may only cite one of these.
_SPEC_IDS = """
C1 C2 C3 C4 C5  S1 S2 S3 S4 S5  D1 D2  Y1 Y2 Y3 Y4 Y5 Y6  P1 P2 P3  T1 T2 T3  K1 K2 K3 K4  V1 V2 V3 V4 V5
"""
RULE_IDS = frozenset(_SPEC_IDS.split())

Scalar = str | int


@dataclass(frozen=True, slots=True)
class Fix:
    """The change that unblocks a refusal, e.g. set_seats(process, 12) or add_line(workspace)."""

    action: str  # set_seats | set_cycle | set_tier | set_months | add_line | remove_coupon
    solution: str | None = None
    value: Scalar | None = None
    line: Mapping[str, Scalar] | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action}
        if self.solution is not None:
            out["solution"] = self.solution
        if self.value is not None:
            out["value"] = self.value
        if self.line is not None:
            out["line"] = dict(self.line)
        return out


@dataclass(frozen=True, slots=True)
class Refusal:
    rule: str
    field: str
    code: str
    solution: str | None = None
    numbers: Mapping[str, Scalar] = dataclass_field(default_factory=dict)
    fix: Fix | None = None

    def __post_init__(self) -> None:
        if self.rule not in RULE_IDS:
            raise ValueError(f"unknown rule id {self.rule}")


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the engine decided for the customer and must say (e.g. S2 seats filled in)."""

    rule: str
    code: str
    solution: str | None = None
    numbers: Mapping[str, Scalar] = dataclass_field(default_factory=dict)
