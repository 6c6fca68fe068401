"""VNPAY 2.1.0 signing layer: pure functions and frozen values, no I/O.

See :mod:`billing_core.vnpay.signing` for the theory of operation.
"""

from billing_core.vnpay.callback import (
    BadSignature,
    CallbackResult,
    IpnAction,
    IpnDecision,
    IpnReply,
    MalformedCallback,
    OrderView,
    VerifiedCallback,
    VnpayCallback,
    decide_ipn,
    parse_callback,
)
from billing_core.vnpay.payment_request import (
    SANDBOX_PAYMENT_URL,
    PaymentRequest,
    build_payment_url,
    payment_fields,
)
from billing_core.vnpay.querydr import (
    SANDBOX_API_URL,
    build_querydr_request,
    build_refund_request,
    verify_querydr_response,
    verify_refund_response,
)
from billing_core.vnpay.signing import (
    VN_TZ,
    checksum_pipe,
    encode_query,
    format_vnp_datetime,
    is_valid_txn_ref,
    parse_vnp_amount,
    parse_vnp_datetime,
    sanitize_order_info,
    sign_fields,
    signed_query,
    verify_fields,
)

__all__ = [
    "SANDBOX_API_URL",
    "SANDBOX_PAYMENT_URL",
    "VN_TZ",
    "BadSignature",
    "CallbackResult",
    "IpnAction",
    "IpnDecision",
    "IpnReply",
    "MalformedCallback",
    "OrderView",
    "PaymentRequest",
    "VerifiedCallback",
    "VnpayCallback",
    "build_payment_url",
    "build_querydr_request",
    "build_refund_request",
    "checksum_pipe",
    "decide_ipn",
    "encode_query",
    "format_vnp_datetime",
    "is_valid_txn_ref",
    "parse_callback",
    "parse_vnp_amount",
    "parse_vnp_datetime",
    "payment_fields",
    "sanitize_order_info",
    "sign_fields",
    "signed_query",
    "verify_fields",
    "verify_querydr_response",
    "verify_refund_response",
]
