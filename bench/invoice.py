"""Median milliseconds per invoice PDF and bytes per file (targets ≤ 10 ms, ≤ 60 KB):
`python bench/invoice.py [renders]` (default 200, after a warm-up that registers the font).

The documents are built as the bot builds them, from a real quote and billing snapshot."""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time

from billing_core.cart import CartLine, QuoteRequest
from billing_core.catalogue_loader import load_bundled
from billing_core.coupons import Coupon, CouponEntry
from billing_core.periods import Cycle
from billing_core.quote import Quote, quote
from billing_core.quote_json import quote_to_json
from invoices import InvoiceDocument, Seller, document_from_quote, render
from locales import translator

CATALOGUE = load_bundled("cleeksy")
Y = Cycle.YEARLY
TODAY = dt.date(2026, 1, 15)
SELLER = Seller(
    "CÔNG TY CỔ PHẦN CÔNG NGHỆ CLEEKSY",
    "Tầng 12, Tòa nhà Thành Công, 57 Láng Hạ, Phường Thành Công, Quận Ba Đình, Thành phố Hà Nội",
    "0109876543",
)
BILLING = {
    "company": "Ánh Dương",
    "representative": "Nguyễn Thị Hồng Nhung",
    "phone": "0912345678",
    "email": "nhung@anhduong.vn",
    "address": "Số 18 Lê Hồng Phong, Ngô Quyền, Hải Phòng",
    "vat_invoice": {
        "legal_name": "CÔNG TY TNHH THƯƠNG MẠI VÀ DỊCH VỤ KỸ THUẬT ÁNH DƯƠNG MIỀN BẮC – CHI NHÁNH HẢI PHÒNG",
        "tax_code": "0101234567-001",
        "address": "Số 18 đường Lê Hồng Phong, Phường Đằng Giang, Quận Ngô Quyền, Thành phố Hải Phòng",
        "email": "ketoan@anhduong.vn",
    },
}
CASES = {
    "workspace, yearly, 5 users": QuoteRequest(TODAY, (CartLine("workspace", "standard", Y, 5),)),
    "bundle + coupon + add-ons": QuoteRequest(
        TODAY,
        (
            CartLine("workspace", "standard", Y, 5),
            CartLine("process", "starter", Y),
            CartLine("appbuilder", "starter", Y, 3),
        ),
        addons={"storage": 2, "docs": 1},
        coupon=CouponEntry("TET10", Coupon("TET10", percent_off=10)),
    ),
}


def document(request: QuoteRequest, locale: str) -> InvoiceDocument:
    result = quote(CATALOGUE, request)
    assert isinstance(result, Quote)
    return document_from_quote(
        quote_to_json(result, CATALOGUE, translator(locale)),
        BILLING,
        symbol="C26TAA",
        number=12,
        issued_at=dt.datetime(2026, 1, 15, 2, 30, tzinfo=dt.UTC),
        seller=SELLER,
        locale=locale,
    )


def measure(doc: InvoiceDocument, rounds: int) -> tuple[float, float]:
    """(median, p95) of one render in milliseconds."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        render(doc)
        samples.append(time.perf_counter_ns() - start)
    samples.sort()
    return statistics.median(samples) / 1e6, samples[int(len(samples) * 0.95)] / 1e6


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    start = time.perf_counter()
    render(document(CASES["workspace, yearly, 5 users"], "vi"))
    print(f"first invoice (font registered): {(time.perf_counter() - start) * 1000:.0f} ms")
    print(f"{'case':<34} {'median':>9} {'p95':>9} {'bytes':>8}")
    for name, request in CASES.items():
        for locale in ("vi", "en"):
            doc = document(request, locale)
            for _ in range(20):  # warm-up
                render(doc)
            median, p95 = measure(doc, rounds)
            size = len(render(doc))
            print(f"{name + f' ({locale})':<34} {median:>6.2f} ms {p95:>6.2f} ms {size:>8,}")
    print("target: ≤ 10 ms per invoice, ≤ 60 KB per file")
