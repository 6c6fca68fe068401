"""The conversation's state: an immutable tree, stored as one JSON document per chat.

`State.to_json()` writes a versioned document; `State.from_json()` reads it back, and turns
a document it cannot read (another schema version, a damaged row) into a fresh state, so a
customer is never stuck behind a bad row: they see the menu again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from billing_core.coupons import CouponEntry
from billing_core.holdings import Holding
from billing_core.periods import Cycle
from billing_core.refusals import Fix
from conversations.account import Account
from conversations.billing_info import BillingProfile, VatDetails
from conversations.engine_json import (
    coupon_from_json,
    coupon_to_json,
    fix_from_json,
    fix_to_json,
    holding_from_json,
    holding_to_json,
)
from conversations.positions import At, Step
from locales import DEFAULT, SUPPORTED

SCHEMA_VERSION = 1
AT_MENU = At(Step.MENU)
MAX_HISTORY = 40


@dataclass(frozen=True, slots=True)
class Line:
    """One solution in the cart; what is not chosen yet is None."""

    solution: str
    tier: str | None = None
    seats: int | None = None
    cycle: Cycle | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "solution": self.solution,
            "tier": self.tier,
            "seats": self.seats,
            "cycle": self.cycle.value if self.cycle else None,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Line:
        seats = d["seats"]
        if seats is not None and type(seats) is not int:
            raise TypeError("seats")
        return cls(str(d["solution"]), d["tier"], seats, Cycle(d["cycle"]) if d["cycle"] else None)


@dataclass(frozen=True, slots=True)
class Cart:
    """What is being bought: solutions, add-on blocks, prepaid months, the P2 option, the
    coupon (as looked up) and the renewal mode."""

    lines: tuple[Line, ...] = ()
    addons: tuple[tuple[str, int], ...] = ()
    months: int | None = None
    proration: str | None = None
    coupon: CouponEntry | None = None
    renewal: str | None = None
    renewing: dt.date | None = None  # a renewal for the period from that day (with its changes)

    def line(self, solution: str) -> Line | None:
        return next((x for x in self.lines if x.solution == solution), None)

    @property
    def chosen(self) -> bool:
        """Every solution has its tier and cycle: the cart can be quoted without stand-ins."""
        return bool(self.lines) and all(x.tier and x.cycle for x in self.lines)

    def replace_line(self, solution: str, **changes: Any) -> Cart:
        return replace(
            self, lines=tuple(replace(x, **changes) if x.solution == solution else x for x in self.lines)
        )

    def blocks(self, addon: str) -> int:
        return dict(self.addons).get(addon, 0)

    def with_blocks(self, addon: str, count: int) -> Cart:
        kept = tuple((a, n) for a, n in self.addons if a != addon)
        return replace(self, addons=(*kept, (addon, count)) if count else kept)

    @property
    def solutions(self) -> tuple[str, ...]:
        return tuple(x.solution for x in self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "lines": [x.to_json() for x in self.lines],
            "addons": dict(self.addons),
            "months": self.months,
            "proration": self.proration,
            "coupon": coupon_to_json(self.coupon) if self.coupon else None,
            "renewal": self.renewal,
            "renewing": self.renewing.isoformat() if self.renewing else None,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Cart:
        return cls(
            tuple(Line.from_json(x) for x in d["lines"]),
            tuple((str(k), int(v)) for k, v in d["addons"].items()),
            d["months"],
            d["proration"],
            coupon_from_json(d["coupon"]) if d["coupon"] else None,
            d["renewal"],
            dt.date.fromisoformat(d["renewing"]) if d.get("renewing") else None,
        )


@dataclass(frozen=True, slots=True)
class Customer:
    """What the runtime loaded about the customer (CustomerLoaded); `trials` names the
    solutions they have had a trial of, running or ended (T1)."""

    holdings: tuple[Holding, ...] = ()
    trial_activated_seats: int | None = None
    billing: BillingProfile | None = None
    vat: VatDetails | None = None
    trials: tuple[str, ...] = ()
    renewal_mode: str | None = None  # the base subscription's (V1): a renewal keeps it
    addons: tuple[tuple[str, int], ...] = ()  # add-on blocks held (C4): a renewal keeps them
    renewing: dt.date | None = None  # the day the running plan renews, when changes are due then
    renewed: tuple[Holding, ...] = ()  # what it holds from that day (P3, Y3): a renewal's lines

    def holding(self, solution: str) -> Holding | None:
        return next((h for h in self.holdings if h.solution == solution), None)

    def renewal_holdings(self, cart: Cart) -> tuple[Holding, ...] | None:
        """What a renewal cart is judged on: the plan as it will be on the day it renews,
        when changes are scheduled for that day (P3, Y3) and the cart renews exactly those
        lines; None otherwise (judged on what is held now)."""
        if cart.renewing is None or cart.renewing != self.renewing:
            return None
        renewed = {h.solution: h for h in self.renewed}
        same = all(
            (h := renewed.get(x.solution)) is not None
            and (x.tier, x.seats, x.cycle) == (h.tier, h.seats, h.cycle)
            for x in cart.lines
        )
        return self.renewed if same and len(cart.lines) == len(renewed) else None

    @property
    def is_new(self) -> bool:
        """Holds no plan and never had a trial: the free trial is theirs to start (T1)."""
        return not self.holdings and not self.trials

    def to_json(self) -> dict[str, Any]:
        return {
            "holdings": [holding_to_json(h) for h in self.holdings],
            "trial_activated_seats": self.trial_activated_seats,
            "billing": self.billing.to_json() if self.billing else None,
            "vat": self.vat.to_json() if self.vat else None,
            "trials": list(self.trials),
            "renewal_mode": self.renewal_mode,
            "addons": [list(a) for a in self.addons],
            "renewing": self.renewing.isoformat() if self.renewing else None,
            "renewed": [holding_to_json(h) for h in self.renewed],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Customer:
        trials = d.get("trials", [])  # absent from a state stored before trials were loaded
        if not isinstance(trials, list):
            raise TypeError("trials")
        return cls(
            tuple(holding_from_json(h) for h in d["holdings"]),
            d["trial_activated_seats"],
            BillingProfile.from_mapping(d["billing"]),
            VatDetails.from_mapping(d["vat"]),
            tuple(str(s) for s in trials),
            d.get("renewal_mode"),
            tuple((str(k), int(v)) for k, v in d.get("addons", ())),
            dt.date.fromisoformat(d["renewing"]) if d.get("renewing") else None,
            tuple(holding_from_json(h) for h in d.get("renewed", ())),
        )


@dataclass(frozen=True, slots=True)
class ChangeDraft:
    """A change being scheduled from My plan (P3, Y3): what, then why (the survey)."""

    kind: str
    solution: str = ""
    value: str | None = None
    reason: str | None = None
    comment: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "solution": self.solution,
            "value": self.value,
            "reason": self.reason,
            "comment": self.comment,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ChangeDraft:
        def text(key: str) -> str | None:
            return None if d[key] is None else str(d[key])

        return cls(str(d["kind"]), str(d["solution"]), text("value"), text("reason"), text("comment"))


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """The order this conversation placed, and how its payment went."""

    order_id: int
    amount: int
    payment_url: str
    expires_at: dt.datetime
    failure: str | None = None  # a VNPAY response code, or "expired"

    def to_json(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "amount": self.amount,
            "payment_url": self.payment_url,
            "expires_at": self.expires_at.isoformat(),
            "failure": self.failure,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PlacedOrder:
        expires = dt.datetime.fromisoformat(d["expires_at"])
        if expires.tzinfo is None:
            raise ValueError("naive expiry")
        return cls(
            int(d["order_id"]),
            int(d["amount"]),
            str(d["payment_url"]),
            expires,
            d["failure"],
        )


@dataclass(frozen=True, slots=True)
class State:
    """One chat's conversation.

    `done` holds the keys of the steps answered (or passed as not needed) in this purchase;
    `history` the steps shown, for Back; `offered` the fixes the buttons on screen refer to
    by index; `misunderstood` counts inputs in a row the bot could not use.
    """

    locale: str = DEFAULT
    at: At = AT_MENU
    cart: Cart = Cart()
    form: tuple[tuple[str, str], ...] = ()
    wants_vat: bool | None = None
    done: frozenset[str] = field(default_factory=frozenset)
    history: tuple[str, ...] = ()
    misunderstood: int = 0
    keyboard_message_id: int | None = None
    nonce: str = ""
    customer: Customer | None = None
    pending_entry: str | None = None
    pending_coupon: str | None = None
    offered: tuple[Fix, ...] = ()
    order: PlacedOrder | None = None
    order_attempt: int = 0
    account: Account | None = None  # while "My plan" or "Invoices" is open
    change: ChangeDraft | None = None  # while a change is being scheduled from My plan
    support: int | None = None  # the open support ticket: messages go to the agents

    def value(self, key: str) -> str | None:
        """A billing or VAT-invoice field as typed (after checking)."""
        return dict(self.form).get(key)

    def with_value(self, key: str, value: str) -> State:
        return replace(self, form=(*((k, v) for k, v in self.form if k != key), (key, value)))

    def to_json(self) -> dict[str, Any]:
        return {
            "v": SCHEMA_VERSION,
            "locale": self.locale,
            "at": self.at.key,
            "cart": self.cart.to_json(),
            "form": dict(self.form),
            "wants_vat": self.wants_vat,
            "done": sorted(self.done),
            "history": list(self.history),
            "misunderstood": self.misunderstood,
            "keyboard_message_id": self.keyboard_message_id,
            "nonce": self.nonce,
            "customer": self.customer.to_json() if self.customer else None,
            "pending_entry": self.pending_entry,
            "pending_coupon": self.pending_coupon,
            "offered": [fix_to_json(f) for f in self.offered],
            "order": self.order.to_json() if self.order else None,
            "order_attempt": self.order_attempt,
            "account": self.account.to_json() if self.account else None,
            "support": self.support,
            "change": self.change.to_json() if self.change else None,
        }

    @classmethod
    def from_json(cls, data: object) -> State:
        """The state of a stored document; a fresh state for one this version cannot read."""
        if not isinstance(data, Mapping) or data.get("v") != SCHEMA_VERSION:
            return cls(locale=_locale_of(data))
        try:
            return cls._read(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls(locale=_locale_of(data))

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> State:
        for key in (*d["history"], *d["done"]):
            At.parse(key)
        locale = d["locale"]
        if locale not in SUPPORTED:
            raise ValueError("locale")
        return cls(
            locale=locale,
            at=At.parse(d["at"]),
            cart=Cart.from_json(d["cart"]),
            form=tuple((str(k), str(v)) for k, v in d["form"].items()),
            wants_vat=d["wants_vat"],
            done=frozenset(d["done"]),
            history=tuple(d["history"])[-MAX_HISTORY:],
            misunderstood=int(d["misunderstood"]),
            keyboard_message_id=d["keyboard_message_id"],
            nonce=str(d["nonce"]),
            customer=Customer.from_json(d["customer"]) if d["customer"] else None,
            pending_entry=d["pending_entry"],
            pending_coupon=d["pending_coupon"],
            offered=tuple(fix_from_json(f) for f in d["offered"]),
            order=PlacedOrder.from_json(d["order"]) if d["order"] else None,
            order_attempt=int(d["order_attempt"]),
            account=Account.from_json(d["account"]) if d.get("account") else None,
            support=int(d["support"]) if d.get("support") is not None else None,
            change=ChangeDraft.from_json(d["change"]) if d.get("change") else None,
        )


def _locale_of(data: object) -> str:
    locale = data.get("locale") if isinstance(data, Mapping) else None
    return locale if isinstance(locale, str) and locale in SUPPORTED else DEFAULT
