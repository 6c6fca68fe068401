"""Our side of a VNPAY payment attempt: the merchant's settings, a fresh `vnp_TxnRef` per
attempt, and the signed link for an order (vnpay-notes §1; VNPAY's PHP/Python demos).

The link carries the order's fixed amount (V5), a diacritic-free order description, the
customer's language, and an expiry no later than the order's own.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from billing_core.vnpay.payment_request import PaymentRequest, build_payment_url
from billing_core.vnpay.signing import sanitize_order_info


@dataclass(frozen=True, slots=True)
class VnpayMerchant:
    tmn_code: str
    hash_secret: str
    payment_url: str  # VNPAY's (or the local stand-in's) paymentv2/vpcpay.html
    return_url: str  # our GET /vnpay/return
    ip_addr: str = "127.0.0.1"  # the customer's IP is unknown to a chat bot: send the server's

    def __repr__(self) -> str:  # never print the secret
        return f"VnpayMerchant(tmn_code={self.tmn_code!r}, payment_url={self.payment_url!r})"


def new_txn_ref(order_id: int, attempt: int, token: str | None = None) -> str:
    """Alphanumeric and unique per attempt, across restarts and database resets:
    `<order>A<attempt>R<random>` (VNPAY refuses a ref repeated within a day)."""
    return f"{order_id}A{attempt}R{token or secrets.token_hex(4).upper()}"


def order_info(order_id: int) -> str:
    return sanitize_order_info(f"Thanh toan don hang Cleeksy so {order_id}")


def payment_link(
    merchant: VnpayMerchant,
    *,
    order_id: int,
    txn_ref: str,
    amount: int,
    language: str,
    created_at: dt.datetime,
    expires_at: dt.datetime,
) -> str:
    request = PaymentRequest(
        tmn_code=merchant.tmn_code,
        amount_vnd=amount,
        txn_ref=txn_ref,
        order_info=order_info(order_id),
        locale="en" if language == "en" else "vn",
        return_url=merchant.return_url,
        ip_addr=merchant.ip_addr,
        created_at=created_at,
        expires_at=expires_at,
    )
    return build_payment_url(merchant.payment_url, request, merchant.hash_secret)
