"""Billing details (V2) and VAT-invoice details (V3) as the customer gave them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Self


class _Record:
    """A record of text fields that round-trips through JSON (None for an incomplete one)."""

    __slots__ = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Self | None:
        if not isinstance(data, Mapping):
            return None
        values = {f.name: data.get(f.name) for f in fields(cls)}  # type: ignore[arg-type]
        if not all(isinstance(v, str) and v for v in values.values()):
            return None
        return cls(**values)

    def to_json(self) -> dict[str, str]:
        return asdict(self)  # type: ignore[call-overload, no-any-return]


@dataclass(frozen=True, slots=True)
class BillingProfile(_Record):
    """V2: all required; saved and offered again next time."""

    company: str
    representative: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True, slots=True)
class VatDetails(_Record):
    """V3: the company's legal name, tax code (MST), address and the e-mail for the invoice."""

    legal_name: str
    tax_code: str
    address: str
    email: str
