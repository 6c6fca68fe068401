"""Sample invoices built the way production builds them: a real quote, stored as JSON the way
`place_order` stores it, the V2/V3 snapshot as the conversation saves it, and an invoice row."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue import Catalogue
from billing_core.catalogue_loader import load_bundled, parse_catalogue
from billing_core.coupons import Coupon, CouponEntry
from billing_core.holdings import Holding, Status
from billing_core.periods import Cycle, Period
from billing_core.quote import Quote, quote
from billing_core.quote_json import quote_to_json
from conversations.billing_info import BillingProfile, VatDetails
from conversations.effects import PlaceOrder
from invoices import InvoiceDocument, Seller, document_from_quote
from locales import translator

Y = Cycle.YEARLY
CLEEKSY = load_bundled("cleeksy")
SELLER = Seller(
    name="CÔNG TY CỔ PHẦN CÔNG NGHỆ CLEEKSY",
    address="Tầng 12, Tòa nhà Thành Công, 57 Láng Hạ, Phường Thành Công, Quận Ba Đình, Thành phố Hà Nội",
    tax_code="0109876543",
    phone="024 3456 7890",
    email="hoadon@cleeksy.vn",
)
PROFILE = BillingProfile(
    company="Ánh Dương",
    representative="Nguyễn Thị Hồng Nhung",
    phone="0912345678",
    email="nhung@anhduong.vn",
    address="Số 18 Lê Hồng Phong, Ngô Quyền, Hải Phòng",
)
VAT = VatDetails(
    legal_name="CÔNG TY TNHH THƯƠNG MẠI VÀ DỊCH VỤ KỸ THUẬT ÁNH DƯƠNG MIỀN BẮC – CHI NHÁNH HẢI PHÒNG",
    tax_code="0101234567-001",
    address="Số 18 đường Lê Hồng Phong, Phường Đằng Giang, Quận Ngô Quyền, Thành phố Hải Phòng",
    email="ketoan@anhduong.vn",
)
ISSUED_AT = dt.datetime(2026, 1, 15, 2, 30, tzinfo=dt.UTC)  # 09:30 in Hà Nội
TODAY = dt.date(2026, 1, 15)  # the 8% reduction (Resolution 204/2025/QH15) runs until 31/12/2026


def _cleeksy_with_kct_storage() -> Catalogue:
    """The bundled catalogue with document storage not subject to VAT (a tax adviser's call, K3)."""
    text = (resources.files("billing_core") / "catalogues" / "cleeksy.toml").read_text(encoding="utf-8")
    text = text.replace("[addons.storage]\n", '[addons.storage]\nvat = "KCT"\n', 1)
    return parse_catalogue(tomllib.loads(text), "cleeksy (storage KCT)")


CLEEKSY_KCT = _cleeksy_with_kct_storage()


def billing_json(vat: VatDetails | None = VAT, profile: BillingProfile = PROFILE) -> dict[str, Any]:
    """The `orders.billing` snapshot, made by the effect that places the order."""
    request = QuoteRequest(TODAY, ())
    return PlaceOrder(request, "token", profile, vat, "manual").billing_json()


def paid_quote(
    *cart: CartLine,
    catalogue: Catalogue = CLEEKSY,
    today: dt.date = TODAY,
    locale: str = "vi",
    **kw: Any,
) -> dict[str, Any]:
    """The `orders.quote` JSON of a cart, as `place_order` stores it."""
    result = quote(catalogue, QuoteRequest(today, cart, **kw))
    assert isinstance(result, Quote), result
    return quote_to_json(result, catalogue, translator(locale))


def workspace_quote() -> dict[str, Any]:
    """Workspace Standard, 5 users, yearly: 6.000.000 less 20% = 4.800.000, 8% VAT 384.000."""
    return paid_quote(CartLine("workspace", "standard", Y, 5))


def bundle_quote() -> dict[str, Any]:
    """All three solutions yearly with storage (KCT) and Cleeksy Docs, and a 10% coupon:
    every discount step (K1) and two VAT rates (K3)."""
    return paid_quote(
        CartLine("workspace", "standard", Y, 5),
        CartLine("process", "starter", Y),
        CartLine("appbuilder", "starter", Y, 3),
        catalogue=CLEEKSY_KCT,
        addons={"storage": 2, "docs": 1},
        coupon=CouponEntry("TET10", Coupon("TET10", percent_off=10)),
    )


@dataclass(frozen=True)
class InvoiceRow:
    """What the `invoices` table holds for an issued invoice."""

    symbol: str = "C26TAA"
    number: int = 12
    issued_at: dt.datetime = ISSUED_AT
    form: str = "1"


def sample(
    quote_json: dict[str, Any] | None = None,
    billing: dict[str, Any] | None = None,
    locale: str = "vi",
    catalogue: Catalogue | None = CLEEKSY_KCT,
    number: int = 12,
) -> InvoiceDocument:
    return document_from_quote(
        quote_json or bundle_quote(),
        billing if billing is not None else billing_json(),
        symbol="C26TAA",
        number=number,
        issued_at=ISSUED_AT,
        seller=SELLER,
        locale=locale,
        catalogue=catalogue,
    )


def switch_quote() -> dict[str, Any]:
    """A monthly workspace moved to yearly on 15/01/2026: the year, less a credit for the 17
    unused days of January (a negative line), one VAT rate."""
    monthly = Holding(
        "workspace",
        "standard",
        5,
        Cycle.MONTHLY,
        Period(dt.date(2026, 1, 1), dt.date(2026, 2, 1)),
        Status.ACTIVE,
    )
    return paid_quote(CartLine("workspace", "standard", Y, 5), holdings=(monthly,))


def upgrade_quote() -> dict[str, Any]:
    """Premium for 8 users from 15/01/2026 to the yearly period's end: 167 days, prorated (P1/P3)."""
    yearly = Holding(
        "workspace", "standard", 5, Y, Period(dt.date(2025, 7, 1), dt.date(2026, 7, 1)), Status.ACTIVE
    )
    return paid_quote(CartLine("workspace", "premium", Y, 8), holdings=(yearly,))
