"""The sentence for every refusal and notice, in the reader's language, with its numbers.

Keys are `Refusal.code` ("S2.equal"); every key names a rule id that exists in the spec.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from billing_core.catalogue import Catalogue
from billing_core.refusals import Notice, Refusal, Scalar
from locales import N_, Translator

MESSAGES: Mapping[str, str] = {
    "C2.not_sold": N_("The {tier} tier is free and is not sold; please choose a paid tier."),
    "S1.min": N_("{solution} needs at least {min} users; you chose {seats}."),
    "S2.equal": N_("{solution} must have {seats} users — the same number as {base}."),
    "S2.filled": N_("{solution} has {seats} users — always the same number as {base}."),
    "S2.follow": N_("{base} will have {seats} users, so {solution} must have {seats} users too."),
    "S2.follows": N_("{solution} follows {base}: it will have {seats} users too."),
    "S3.base_below_dependent": N_(
        "{solution} keeps at least {min} users while {dependent} has {min}; you chose {seats}. "
        "Reduce the users of {dependent} first, or keep {min}."
    ),
    "S3.min": N_("{solution} needs at least {min} user; you chose {seats}."),
    "S3.at_most": N_("{solution} can have at most {max} users — no more than {base}; you chose {seats}."),
    "S4.trial_floor": N_(
        "You activated {min} users during the trial, so the paid plan needs at "
        "least {min} users; you chose {seats}."
    ),
    "D1.needs_base": N_("{solution} needs {base} on the {tier} tier or higher."),
    "D1.base_stays": N_(
        "{base} cannot end while other solutions stay: they need it. To stop everything, cancel your plan."
    ),
    "D1.addons_need_base": N_("Add-ons extend {base}; please add {base} to your order first."),
    "D2.addons_renew_expired_base": N_(
        "Your {base} expired on {expired_on}. Within {days} days of that, add-ons are "
        "bought together with the {base} renewal."
    ),
    "D2.renew_expired_base": N_(
        "Your {base} expired on {expired_on}. Within {days} days of that, "
        "{solution} is bought together with the {base} renewal."
    ),
    "Y2.above_base": N_(
        "{solution} cannot be billed {cycle} while {base} is billed {base_cycle}: "
        "its cycle cannot be longer than that of {base}."
    ),
    "Y2.follows_monthly": N_("{solution} moves to monthly billing with {base}: its cycle cannot be longer."),
    "Y3.no_yearly_to_monthly": N_("{solution} is billed yearly and cannot switch to monthly when upgrading."),
    "Y4.bundle_cycle": N_("The bundle of all three solutions is billed yearly only."),
    "Y4.tier_not_lower": N_("In the bundle, {solution} cannot be lower than the tier you use now ({tier})."),
    "Y6.not_offered": N_("Monthly billing can be prepaid for {choices} months, not {months}."),
    "Y6.months_not_applied": N_(
        "Prepaying {months} months applies only to monthly plans that start a new period, "
        "so it does not change this order."
    ),
    "P3.lower_tier_at_period_end": N_(
        "A move down from {tier} takes effect at the end of the "
        "current period ({period_end}); schedule it from My plan."
    ),
    "P3.renewal_paid": N_(
        "The period from {starts_on} is paid already on the changed terms, so this change can no "
        "longer be cancelled."
    ),
    "P3.fewer_seats_at_period_end": N_(
        "Fewer than {seats} users takes effect at the end of the "
        "current period ({period_end}); schedule it from My plan."
    ),
    "K2.unknown": N_("The code {code} does not exist. Please check it, or skip."),
    "K2.disabled": N_("The code {code} is no longer valid."),
    "K2.not_started": N_("The code {code} can be used from {valid_from}."),
    "K2.expired": N_("The code {code} expired on {valid_until}."),
    "K2.used_up": N_("The code {code} has been used up."),
    "K2.customer_limit": N_("You have already used the code {code} {limit} times, its limit per customer."),
    "K2.not_applicable": N_("The code {code} does not apply to what is in your cart."),
    "K2.min_order": N_("The code {code} needs an order of at least {min_order} before tax."),
}

CYCLE_NAMES: Mapping[str, str] = {"monthly": N_("monthly"), "yearly": N_("yearly")}
LINE_KINDS: Mapping[str, str] = {  # what a quote line does, where it is not a plain purchase
    "renewal": N_("Renewal"),
    "upgrade": N_("Upgrade"),
    "cycle_switch": N_("Switch to yearly"),
    "credit": N_("Credit for unused days"),
    "next_period": N_("Next period"),
}
_DISCOUNTS = {
    "yearly": N_("Yearly discount ({percent}%)"),
    "bundle": N_("Bundle discount ({percent}%)"),
    "coupon": N_("Discount code {code}"),
}
# A plan's own yearly price (C5) is a discount with no percentage.
_UNPERCENTED = {"yearly": N_("Yearly price discount"), "bundle": N_("Bundle price discount")}


def discount_label(t: Translator, kind: str, percent: int | None, code: str | None) -> str:
    """A discount step's name (K1), in the chat's quote and on the invoice alike."""
    template = _DISCOUNTS[kind] if percent or kind not in _UNPERCENTED else _UNPERCENTED[kind]
    return t.gettext(template).format(percent=percent, code=code or "")


def _value(t: Translator, catalogue: Catalogue, key: str, value: Scalar) -> str:
    if key in ("expired_on", "valid_from", "valid_until", "period_end", "starts_on") and isinstance(
        value, str
    ):
        day = dt.date.fromisoformat(value)
        return t.date(day - dt.timedelta(days=1) if key in ("period_end", "expired_on") else day)
    if key in ("cycle", "base_cycle") and isinstance(value, str):
        return t.gettext(CYCLE_NAMES[value])
    if key == "min_order" and isinstance(value, int):
        return t.money(value)
    if key == "dependent" and isinstance(value, str):
        found = catalogue.solutions.get(value)
        return t.gettext(found.name) if found else value
    if key == "tier" and isinstance(value, str):
        tiers = {tier.id: tier.name for s in catalogue.solutions.values() for tier in s.tiers}
        return t.gettext(tiers.get(value, value))
    return t.number(value) if isinstance(value, int) else str(value)


def explain(t: Translator, catalogue: Catalogue, item: Refusal | Notice) -> str:
    """The one-sentence reason (or notice) in the reader's language, numbers filled in."""
    solution = catalogue.solutions.get(item.solution or "")
    base = catalogue.base
    words = {k: _value(t, catalogue, k, v) for k, v in item.numbers.items()}
    words["solution"] = t.gettext(solution.name) if solution else ""
    words["base"] = t.gettext(base.name)
    return t.gettext(MESSAGES[item.code]).format(**words)
