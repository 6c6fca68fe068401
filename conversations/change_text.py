"""How a scheduled change reads (P3, Y3): its button, its one-line description ("Không gian làm
việc số: Standard → Starter"), and the survey's reasons."""

from __future__ import annotations

from billing_core.catalogue import Catalogue
from billing_core.holdings import Holding
from billing_core.scheduled_changes import ChangeKind
from conversations.phrases import solution_name, tier_name, users
from locales import N_, Translator

KIND_LABELS = {
    ChangeKind.TIER: N_("{solution}: a lower tier"),
    ChangeKind.SEATS: N_("{solution}: fewer users"),
    ChangeKind.MONTHLY: N_("{solution}: monthly billing"),
    ChangeKind.REMOVE: N_("{solution}: stop using it"),
    ChangeKind.CANCEL: N_("Cancel my whole plan"),
}
DESCRIPTIONS = {
    ChangeKind.TIER: N_("{solution}: {old} → {new}"),
    ChangeKind.SEATS: N_("{solution}: {old} → {new}"),
    ChangeKind.MONTHLY: N_("{solution}: yearly → monthly billing"),
    ChangeKind.REMOVE: N_("{solution}: stops"),
    ChangeKind.CANCEL: N_("Your whole plan ends"),
}
REASONS = {  # the survey's buttons, stored by key
    "price": N_("It costs too much"),
    "fewer_users": N_("We need fewer users"),
    "features": N_("It lacks features we need"),
    "little_use": N_("We rarely use it"),
    "other_service": N_("We are moving to another service"),
    "other": N_("Another reason"),
}


def kind_label(t: Translator, catalogue: Catalogue, kind: ChangeKind, solution: str) -> str:
    name = solution_name(t, catalogue, solution) if solution else ""
    return t.gettext(KIND_LABELS[kind]).format(solution=name)


def describe(
    t: Translator, catalogue: Catalogue, kind: str, solution: str, value: str | None, held: Holding | None
) -> str:
    """One line for a change, as asked; `held` gives the "before" where there is one."""
    change = ChangeKind(kind)
    name = solution_name(t, catalogue, solution) if solution in catalogue.solutions else ""
    old = new = ""
    if change is ChangeKind.TIER and value:
        old = tier_name(t, catalogue, solution, held.tier) if held else ""
        new = tier_name(t, catalogue, solution, value)
    if change is ChangeKind.SEATS and value and value.isdigit():
        old = users(t, held.seats) if held and held.seats else ""
        new = users(t, int(value))
    return t.gettext(DESCRIPTIONS[change]).format(solution=name, old=old, new=new)
