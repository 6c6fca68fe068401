"""Reading what people type: a count ("12", "12 người", " 12 "), a Vietnamese mobile number,
an e-mail address, a tax code (MST), a line of text. Each returns None when it cannot read it.
And text with its accents taken off, for matching words typed with or without them."""

from __future__ import annotations

import re
import unicodedata

from billing_core.invoice_ids import is_tax_code

# One number, in digits, optionally grouped in thousands, optionally followed by a word or two
# ("12 người dùng", "12 users"); words for numbers ("mười hai") are not read.
_COUNT = re.compile(r"\s*(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:[^\W\d_]+(?:\s+[^\W\d_]+)?)?\s*[.!]?\s*")
_PHONE_NOISE = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"0[35789]\d{8}")  # vietnam-notes: 10 digits, mobile prefixes 03/05/07/08/09
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)*\.[^@\s.]{2,}")
MAX_TEXT = 200
MAX_EMAIL = 254
D_WITH_STROKE = "\u0111"  # a letter of its own, not d with a combining mark


def without_accents(text: str) -> str:
    """Lower case with the accents taken off (đ is d), as people often type Vietnamese."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace(D_WITH_STROKE, "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse_count(text: str) -> int | None:
    """A whole number typed in digits, with an optional unit word after it."""
    found = _COUNT.fullmatch(text)
    return int(re.sub(r"[.,]", "", found.group(1))) if found else None


def normalise_phone(text: str) -> str | None:
    """A Vietnamese mobile number as 0XXXXXXXXX; +84 / 84 prefixes become 0."""
    digits = _PHONE_NOISE.sub("", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.fullmatch(digits) else None


def normalise_email(text: str) -> str | None:
    address = text.strip()
    if len(address) > MAX_EMAIL or not _EMAIL.fullmatch(address):
        return None
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_tax_code(text: str) -> str | None:
    """MST: 10 digits, or 10 digits + "-" + a 3-digit branch; or a 12-digit personal ID."""
    code = re.sub(r"\s", "", text)
    return code if is_tax_code(code) else None


def clean_line(text: str) -> str | None:
    """One line of text with its spaces tidied; None when empty or longer than MAX_TEXT."""
    line = " ".join(text.split())
    return line if 0 < len(line) <= MAX_TEXT else None
