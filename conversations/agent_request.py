"""What an agent types after /quote in a support topic, read into a cart.

    /quote workspace standard 12 yearly + process starter yearly coupon TET10 months 3

A solution's id, its tier's id, the number of users (left out where a rule fixes it, S2) and
the cycle (`monthly` / `yearly`, or `thang` / `nam`); `+` starts the next solution; `coupon
CODE` and `months N` (Y6) may come anywhere. Case and accents do not matter. The engine then
judges the cart as it judges the customer's own (billing_core.quote).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.periods import Cycle
from conversations.inputs import without_accents
from locales import N_

CYCLES = {"monthly": Cycle.MONTHLY, "thang": Cycle.MONTHLY, "yearly": Cycle.YEARLY, "nam": Cycle.YEARLY}
USAGE = N_(
    "Write it as: /quote workspace standard 12 yearly [+ process starter yearly] [coupon CODE] [months 3]"
)


class AgentRequestError(ValueError):
    """A request the agent should write again; `reason` is a msgid with `{word}` in it."""

    def __init__(self, reason: str, word: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.word = word


@dataclass(frozen=True, slots=True)
class AgentRequest:
    cart: tuple[CartLine, ...]
    coupon: str | None = None
    months: int = 1

    def request(self, today: dt.date) -> QuoteRequest:
        """The cart as the engine reads it (the customer's holdings are added by the caller)."""
        return QuoteRequest(today=today, cart=self.cart, months=self.months)

    def to_json(self) -> dict[str, Any]:
        cart = [
            {"solution": x.solution, "tier": x.tier, "seats": x.seats, "cycle": x.cycle.value}
            for x in self.cart
        ]
        return {"cart": cart, "coupon": self.coupon, "months": self.months}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> AgentRequest:
        cart = tuple(CartLine(x["solution"], x["tier"], Cycle(x["cycle"]), x["seats"]) for x in d["cart"])
        return cls(cart, d["coupon"], int(d["months"]))


def read_agent_request(catalogue: Catalogue, text: str) -> AgentRequest:
    words = without_accents(text).replace("+", " + ").split()
    coupon: str | None = None
    months = 1
    lines: list[list[str]] = [[]]
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("coupon", "months") and i + 1 < len(words):
            if word == "coupon":
                coupon = words[i + 1].upper()
            elif words[i + 1].isdigit():
                months = int(words[i + 1])
            else:
                raise AgentRequestError(N_("“{word}” is not a number of months."), words[i + 1])
            i += 2
            continue
        if word == "+":
            lines.append([])
        else:
            lines[-1].append(word)
        i += 1
    cart = tuple(_line(catalogue, words) for words in lines if words)
    if not cart:
        raise AgentRequestError(USAGE)
    return AgentRequest(cart, coupon, months)


def _line(catalogue: Catalogue, words: list[str]) -> CartLine:
    solution = catalogue.solutions.get(words[0])
    if solution is None:
        raise AgentRequestError(N_("“{word}” is not a solution of the catalogue."), words[0])
    tiers = {tier.id for tier in solution.tiers}
    tier = next((w for w in words[1:] if w in tiers), None)
    cycle = next((CYCLES[w] for w in words[1:] if w in CYCLES), None)
    seats = next((int(w) for w in words[1:] if w.isdigit()), None)
    unknown = next((w for w in words[1:] if w not in tiers and w not in CYCLES and not w.isdigit()), None)
    if unknown is not None or tier is None or cycle is None:
        raise AgentRequestError(
            USAGE if unknown is None else N_("“{word}” is not understood here."), unknown or ""
        )
    return CartLine(solution.id, tier, cycle, seats)
