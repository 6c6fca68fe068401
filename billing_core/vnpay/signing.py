"""VNPAY 2.1.0 signing primitives (pure: no I/O, standard library only).

Theory of operation. VNPAY signs the *URL-encoded* canonical query, not the raw values:
every non-empty ``vnp_*`` field except ``vnp_SecureHash``/``vnp_SecureHashType``, sorted by
key, rendered as ``key=quote_plus(value)`` (UTF-8, space -> ``+``, uppercase hex) and joined
with ``&``; the signature is the lowercase hex HMAC-SHA512 of that string under the terminal's
secret. The same string is the payment URL's query, so :func:`encode_query` is the single
source of truth for both. Callbacks are verified by re-encoding the *decoded* values the
same way (never by hashing the raw query). Pitfalls: hashing raw or double-encoded values,
``%20`` instead of ``+``, a portal hash type other than SHA512 or a secret with stray spaces
all surface as VNPAY error page code 70 ("Sai chu ky"); ``vnp_Amount`` is VND x 100 and may
be divided only after verification; every date is ``yyyyMMddHHmmss`` in GMT+7
(Asia/Ho_Chi_Minh) whatever the server's TZ. querydr/refund use a different scheme: HMAC over
``"|".join(values)`` in a fixed documented order, without any URL encoding.

Sources followed (keys as in shared/spec/vnpay-notes.md):
- [DOC] sandbox.vnpayment.vn/apis/docs/thanh-toan-pay/pay.html: field rules (TxnRef alnum
  [1,100], OrderInfo [1,255] without diacritics or special characters, Amount x100, dates
  yyyyMMddHHmmss GMT+7), success = ResponseCode "00" and TransactionStatus "00".
- [PY] Rubberduck209/VNPAY-SANDBOX vnpay_python/vnpay.py: ``get_payment_url`` sorts the
  items, joins ``key=quote_plus(str(val))`` with ``&``, HMAC-SHA512 hexdigest over the UTF-8
  encoded string, appends ``&vnp_SecureHash=``; ``validate_response`` pops vnp_SecureHash and
  vnp_SecureHashType, keeps ``vnp_`` keys and compares with ``hmac.compare_digest``.
- [PHP] HoangQuyCoder/SuperCarStore vnpay_php/vnpay_create_payment.php: ``ksort`` then
  ``urlencode(key)=urlencode(value)`` (we encode keys too; a no-op for real ``vnp_`` keys) and
  omits an empty BankCode; huykunptit/PTIT_eCommerce vnpay_php/vnpay_ipn.php: the IPN order
  (checksum -> order -> amount -> pending -> record) and its RspCode/Message strings.
- [LIB] lehuygiang28/vnpay src/utils/payment.util.ts ``buildPaymentUrlSearchParams``: sorted
  keys, values that are undefined/null/"" are dropped, ``URLSearchParams`` (form encoding,
  space -> "+"); src/services/verification.service.ts strips vnp_SecureHash and
  vnp_SecureHashType before hashing; src/services/query.service.ts: querydr/refund pipe orders.
Deliberate differences: the received hash is compared case-insensitively in constant time
([LIB] uses ``===``, the [PHP] IPN ``==``), and a missing/malformed hash is simply "not valid".
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_ORDER_INFO",
    "HASH_FIELD",
    "HASH_TYPE_FIELD",
    "ORDER_INFO_MAX_LEN",
    "VN_TZ",
    "canonical_items",
    "checksum_pipe",
    "encode_query",
    "format_vnp_datetime",
    "hmac_sha512_hex",
    "is_valid_hash",
    "is_valid_order_info",
    "is_valid_txn_ref",
    "parse_vnp_amount",
    "parse_vnp_datetime",
    "sanitize_order_info",
    "sign_fields",
    "signed_query",
    "verify_fields",
    "verify_hash",
]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
"""GMT+7, no DST. Not ``Etc/GMT+7``, which is UTC-7 (POSIX sign inversion)."""

HASH_FIELD = "vnp_SecureHash"
HASH_TYPE_FIELD = "vnp_SecureHashType"
_EXCLUDED_FIELDS = frozenset({HASH_FIELD, HASH_TYPE_FIELD})
_FIELD_PREFIX = "vnp_"

DEFAULT_ORDER_INFO = "Thanh toan don hang"
ORDER_INFO_MAX_LEN = 255

_HEX_SHA512 = re.compile(r"[0-9a-fA-F]{128}")
_TXN_REF = re.compile(r"[A-Za-z0-9]{1,100}")
_ORDER_INFO = re.compile(r"[A-Za-z0-9 ._:,\-]{1,255}")
_ORDER_INFO_FORBIDDEN = re.compile(r"[^A-Za-z0-9 ._:,\-]")
_SPACES = re.compile(r" {2,}")
_VNP_DATETIME = re.compile(r"[0-9]{14}")
_AMOUNT = re.compile(r"[0-9]{1,12}")


def _check_secret(secret: str) -> bytes:
    """Reject secrets that can only be configuration mistakes (empty, stray whitespace)."""
    if not secret:
        raise ValueError("VNPAY secret is empty")
    if secret != secret.strip():
        raise ValueError("VNPAY secret has leading/trailing whitespace (causes code 70)")
    return secret.encode("utf-8")


def hmac_sha512_hex(secret: str, data: str) -> str:
    """Lowercase hex HMAC-SHA512 of the UTF-8 bytes of ``data`` under ``secret``."""
    return hmac.new(_check_secret(secret), data.encode("utf-8"), hashlib.sha512).hexdigest()


def canonical_items(fields: Mapping[str, str]) -> list[tuple[str, str]]:
    """The signed ``(key, value)`` pairs in signing order.

    Keeps keys starting with ``vnp_``, drops ``vnp_SecureHash``/``vnp_SecureHashType`` and
    empty values, sorts by key code point (stable, so a duplicated key from a multi-dict
    stays duplicated and simply fails verification).
    """
    kept = [
        (key, value)
        for key, value in fields.items()
        if key.startswith(_FIELD_PREFIX) and key not in _EXCLUDED_FIELDS and value != ""
    ]
    kept.sort(key=lambda item: item[0])
    return kept


def encode_query(fields: Mapping[str, str]) -> str:
    """The canonical string: ``k=quote_plus(v)`` joined by ``&``; both the data to sign and
    the payment URL's query (without the hash)."""
    return "&".join(f"{quote_plus(key)}={quote_plus(value)}" for key, value in canonical_items(fields))


def sign_fields(fields: Mapping[str, str], secret: str) -> str:
    """vnp_SecureHash for ``fields``: lowercase hex HMAC-SHA512 of :func:`encode_query`."""
    return hmac_sha512_hex(secret, encode_query(fields))


def signed_query(fields: Mapping[str, str], secret: str) -> str:
    """``<canonical query>&vnp_SecureHash=<hex>``: :func:`encode_query` plus its signature.

    A ``vnp_SecureHash`` already in ``fields`` is ignored (never signed, never copied).
    """
    query = encode_query(fields)
    return f"{query}&{HASH_FIELD}={hmac_sha512_hex(secret, query)}"


def is_valid_hash(value: object) -> bool:
    """True for a 128-digit hex string (either case)."""
    return isinstance(value, str) and _HEX_SHA512.fullmatch(value) is not None


def verify_hash(received: object, expected: str) -> bool:
    """Constant-time, case-insensitive comparison; False for a missing/malformed hash."""
    if not isinstance(received, str) or not is_valid_hash(received):
        return False
    return hmac.compare_digest(received.lower(), expected.lower())


def verify_fields(fields: Mapping[str, str], secret: str) -> bool:
    """True iff ``fields["vnp_SecureHash"]`` signs the other ``vnp_*`` fields.

    ``fields`` are the *decoded* query values (aiohttp's ``request.query``). A missing or
    malformed hash gives False, never an exception; ``vnp_SecureHashType`` is ignored.
    """
    received = fields.get(HASH_FIELD)
    if not is_valid_hash(received):
        return False
    return verify_hash(received, sign_fields(fields, secret))


def checksum_pipe(values: Sequence[str], secret: str) -> str:
    """querydr/refund checksum: HMAC-SHA512 over ``"|".join(values)``, no URL encoding."""
    if isinstance(values, str):
        raise TypeError("checksum_pipe expects a sequence of strings, not a string")
    return hmac_sha512_hex(secret, "|".join(values))


def sanitize_order_info(text: str) -> str:
    """Make ``text`` a safe vnp_OrderInfo: Vietnamese without diacritics, no specials.

    NFD, drop combining marks, ``đ->d``/``Đ->D``, every character outside
    ``[A-Za-z0-9 ._:,-]`` becomes a space, runs of spaces collapse, trimmed, at most 255
    characters; falls back to ``"Thanh toan don hang"`` when nothing is left.
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    cleaned = _SPACES.sub(" ", _ORDER_INFO_FORBIDDEN.sub(" ", stripped)).strip()
    cleaned = cleaned[:ORDER_INFO_MAX_LEN].rstrip()
    return cleaned or DEFAULT_ORDER_INFO


def is_valid_order_info(text: object) -> bool:
    """True when ``text`` is 1..255 characters of ``[A-Za-z0-9 ._:,-]`` and not blank."""
    return isinstance(text, str) and _ORDER_INFO.fullmatch(text) is not None and text.strip() != ""


def is_valid_txn_ref(ref: object) -> bool:
    """True for ``[A-Za-z0-9]{1,100}`` (ASCII only)."""
    return isinstance(ref, str) and _TXN_REF.fullmatch(ref) is not None


def parse_vnp_amount(text: str) -> int | None:
    """VND of a ``vnp_Amount`` (VND x 100); None unless Numeric[1,12] and a multiple of 100.

    Only for values whose signature has already been checked (§5 pitfalls).
    """
    if _AMOUNT.fullmatch(text) is None:
        return None
    amount_x100 = int(text)
    return amount_x100 // 100 if amount_x100 % 100 == 0 else None


def format_vnp_datetime(dt: datetime) -> str:
    """``yyyyMMddHHmmss`` of ``dt`` in Asia/Ho_Chi_Minh; naive datetimes are refused."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware datetime (e.g. datetime.now(UTC))")
    local = dt.astimezone(VN_TZ)
    return (
        f"{local.year:04d}{local.month:02d}{local.day:02d}"
        f"{local.hour:02d}{local.minute:02d}{local.second:02d}"
    )


def parse_vnp_datetime(text: str) -> datetime:
    """Parse ``yyyyMMddHHmmss`` (GMT+7) into an aware datetime in Asia/Ho_Chi_Minh."""
    if not isinstance(text, str) or _VNP_DATETIME.fullmatch(text) is None:
        raise ValueError(f"not a yyyyMMddHHmmss timestamp: {text!r}")
    return datetime(
        int(text[0:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[8:10]),
        int(text[10:12]),
        int(text[12:14]),
        tzinfo=VN_TZ,
    )
