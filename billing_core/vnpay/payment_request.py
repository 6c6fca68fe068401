"""VNPAY 2.1.0 payment request (``vnp_Command=pay``) and its signed redirect URL. Pure."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from billing_core.vnpay.signing import (
    format_vnp_datetime,
    is_valid_order_info,
    is_valid_txn_ref,
    signed_query,
)

__all__ = [
    "MAX_AMOUNT_VND",
    "SANDBOX_PAYMENT_URL",
    "VNP_VERSION",
    "Locale",
    "PaymentRequest",
    "build_payment_url",
    "payment_fields",
]

VNP_VERSION = "2.1.0"
SANDBOX_PAYMENT_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"

# vnp_Amount is Numeric[1,12] and carries VND x 100.
MAX_AMOUNT_VND = (10**12 - 1) // 100

Locale = Literal["vn", "en"]

_TMN_CODE = re.compile(r"[A-Za-z0-9]{8}")
_CODE = re.compile(r"[A-Za-z0-9_]{1,100}")
_BANK_CODE = re.compile(r"[A-Za-z0-9_]{1,20}")


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    """One payment attempt. Validated on construction (``ValueError`` on bad input).

    ``order_info`` must already be clean (pass it through ``sanitize_order_info``); it is
    validated, never silently rewritten. ``created_at``/``expires_at`` must be aware; they
    are rendered in GMT+7.
    """

    tmn_code: str
    amount_vnd: int
    txn_ref: str
    order_info: str
    locale: Locale
    return_url: str
    ip_addr: str
    created_at: datetime
    expires_at: datetime
    order_type: str = "other"
    bank_code: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.tmn_code, str) or not _TMN_CODE.fullmatch(self.tmn_code):
            raise ValueError(f"tmn_code must be 8 alphanumerics, got {self.tmn_code!r}")
        if (
            isinstance(self.amount_vnd, bool)
            or not isinstance(self.amount_vnd, int)
            or not 0 < self.amount_vnd <= MAX_AMOUNT_VND
        ):
            raise ValueError(f"amount_vnd must be an int in 1..{MAX_AMOUNT_VND}, got {self.amount_vnd!r}")
        if not is_valid_txn_ref(self.txn_ref):
            raise ValueError(f"txn_ref must match [A-Za-z0-9]{{1,100}}, got {self.txn_ref!r}")
        if not is_valid_order_info(self.order_info):
            raise ValueError(
                "order_info must be 1..255 chars of [A-Za-z0-9 ._:,-] "
                f"(use sanitize_order_info), got {self.order_info!r}"
            )
        if self.locale not in ("vn", "en"):
            raise ValueError(f"locale must be 'vn' or 'en', got {self.locale!r}")
        if not isinstance(self.return_url, str) or not 10 <= len(self.return_url) <= 255:
            raise ValueError("return_url must be 10..255 characters")
        if not self.return_url.startswith(("https://", "http://")):
            raise ValueError(f"return_url must be http(s), got {self.return_url!r}")
        if any(ch.isspace() or not ch.isprintable() for ch in self.return_url):
            raise ValueError("return_url must not contain whitespace or control characters")
        if not isinstance(self.ip_addr, str) or not 7 <= len(self.ip_addr) <= 45:
            raise ValueError("ip_addr must be 7..45 characters")
        try:
            ipaddress.ip_address(self.ip_addr)
        except ValueError:
            raise ValueError(f"ip_addr is not an IP address: {self.ip_addr!r}") from None
        for name in ("created_at", "expires_at"):
            value = getattr(self, name)
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise ValueError(f"{name} must be an aware datetime")
        if self.expires_at <= self.created_at:
            raise ValueError("expires_at must be after created_at")
        if not isinstance(self.order_type, str) or not _CODE.fullmatch(self.order_type):
            raise ValueError(f"order_type must match [A-Za-z0-9_]+, got {self.order_type!r}")
        if self.bank_code is not None and (
            not isinstance(self.bank_code, str) or not _BANK_CODE.fullmatch(self.bank_code)
        ):
            raise ValueError(f"bank_code must be None or match [A-Za-z0-9_]{{1,20}}, got {self.bank_code!r}")


def payment_fields(request: PaymentRequest) -> dict[str, str]:
    """The unsigned ``vnp_*`` fields of ``request`` (no vnp_SecureHashType in 2.1.0)."""
    fields = {
        "vnp_Version": VNP_VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": request.tmn_code,
        "vnp_Amount": str(request.amount_vnd * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": request.txn_ref,
        "vnp_OrderInfo": request.order_info,
        "vnp_OrderType": request.order_type,
        "vnp_Locale": request.locale,
        "vnp_ReturnUrl": request.return_url,
        "vnp_IpAddr": request.ip_addr,
        "vnp_CreateDate": format_vnp_datetime(request.created_at),
        "vnp_ExpireDate": format_vnp_datetime(request.expires_at),
    }
    if request.bank_code is not None:
        fields["vnp_BankCode"] = request.bank_code
    return fields


def build_payment_url(base_url: str, request: PaymentRequest, secret: str) -> str:
    """``base_url?<canonical query>&vnp_SecureHash=<hex>`` for ``request``.

    The query is exactly the signed string (one encoder, :func:`encode_query`).
    """
    if not base_url.startswith(("https://", "http://")) or any(c in base_url for c in "?#"):
        raise ValueError(f"base_url must be an http(s) URL without query/fragment: {base_url!r}")
    return f"{base_url}?{signed_query(payment_fields(request), secret)}"
