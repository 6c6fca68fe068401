"""The seller printed on invoices in tests (SELLER_* settings): sample values, not a real company."""

SELLER = {
    "SELLER_NAME": "CÔNG TY CỔ PHẦN CÔNG NGHỆ CLEEKSY",
    "SELLER_ADDRESS": "Tầng 12, 57 Láng Hạ, Phường Thành Công, Quận Ba Đình, Hà Nội",
    "SELLER_TAX_CODE": "0109876543",
}
