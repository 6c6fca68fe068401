"""Where a conversation stands: a step, and what it is about (a solution, a form field)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Step(enum.StrEnum):
    """The steps of conversation.md "Customer: buying", plus the menu, the language picker and
    "Customer: after buying" (my plan, invoices)."""

    MENU = "menu"
    LANGUAGE = "lang"
    MY_PLAN = "plan"
    INVOICES = "invoices"
    CHANGE = "change"  # from My plan: what to change at the end of the period (P3, Y3)
    CHANGE_VALUE = "change_to"  # the lower tier, or the fewer users
    SURVEY = "survey"  # why (reason buttons), then a free comment
    CHANGE_CONFIRM = "change_ok"  # what changes and from which day
    SOLUTION = "solution"
    TIER = "tier"
    SEATS = "seats"
    ADDONS = "addons"
    CYCLE = "cycle"
    MONTHS = "months"
    PRORATION = "prorate"
    COUPON = "coupon"
    SAVED_BILLING = "saved"
    BILLING = "billing"
    VAT = "vat"
    INVOICE = "invoice"
    RENEWAL = "renewal"
    REVIEW = "review"
    PLACING = "placing"
    PAYMENT = "payment"


@dataclass(frozen=True, slots=True)
class At:
    """A position: `tier` for `workspace`, `billing` for `phone`, or a step with no subject."""

    step: Step
    subject: str = ""

    @property
    def key(self) -> str:
        """The compact form kept in the state and in callback data ("tier:workspace")."""
        return f"{self.step.value}:{self.subject}" if self.subject else self.step.value

    @classmethod
    def parse(cls, key: str) -> At:
        """The position of a key; ValueError for one that names no step."""
        step, _, subject = key.partition(":")
        return cls(Step(step), subject)
