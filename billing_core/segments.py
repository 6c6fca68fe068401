"""Who a broadcast goes to: `all`, `trial` (a trial running), `trial-expiring` (a trial ending
within 7 days), `expired` (a trial ended without buying, or a subscription expired or locked),
`solution:<id>` (holding that solution, paid and running or on trial). Customers who blocked
the bot are never recipients; the preview counts them apart."""

from __future__ import annotations

from dataclasses import dataclass

from billing_core.catalogue import Catalogue

KINDS = ("all", "trial", "trial-expiring", "expired")
SOLUTION_PREFIX = "solution:"
EXPIRING_WITHIN_DAYS = 7


class SegmentError(ValueError):
    """A segment name that means nothing; the message lists what does."""


@dataclass(frozen=True, slots=True)
class Segment:
    kind: str  # one of KINDS, or "solution"
    solution: str | None = None

    def __str__(self) -> str:
        return f"{SOLUTION_PREFIX}{self.solution}" if self.kind == "solution" else self.kind


def parse_segment(text: str, catalogue: Catalogue) -> Segment:
    name = text.strip().lower()
    if name in KINDS:
        return Segment(name)
    if name.startswith(SOLUTION_PREFIX):
        solution = name.removeprefix(SOLUTION_PREFIX)
        if solution in catalogue.solutions:
            return Segment("solution", solution)
    known = [*KINDS, *(f"{SOLUTION_PREFIX}{s}" for s in catalogue.solutions)]
    raise SegmentError(f"unknown segment {text!r}; use one of: {', '.join(known)}")
