"""An amount of VND in words, as printed on a Vietnamese VAT invoice ("Số tiền viết bằng chữ").

Vietnamese (accounting style) reads the amount in groups of three digits: units, nghìn, triệu,
tỷ. The leading group is read as short as possible ("năm", "mười lăm", "một trăm"); every later
non-zero group is read in full, so a zero hundreds digit is "không trăm" and a zero tens digit
before a non-zero unit is "linh" ("một triệu không trăm linh năm"); all-zero groups are skipped.
After "mươi" (tens >= 2) the units 1, 4, 5 are "mốt", "tư", "lăm"; after "mười" only 5 is "lăm".
From 10^12 up the number of tỷ (at most 999 999) is itself read as a number with "nghìn", so
10^12 is "Một nghìn tỷ đồng" and 1 500 000 000 000 is "Một nghìn năm trăm tỷ đồng".
English uses the short scale (thousand, million, billion, trillion), hyphenates twenty-one to
ninety-nine and uses no "and".
"""

from __future__ import annotations

import unicodedata

MAX_AMOUNT = 999_999_999_999_999
_BILLION = 1_000_000_000

_VI_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_VI_SCALES = ("", "nghìn", "triệu")  # groups below a tỷ; tỷ itself is handled in _vi_words
_VI_UNITS_AFTER_MUOI = {1: "mốt", 4: "tư", 5: "lăm"}  # after "hai mươi" .. "chín mươi"
_VI_UNITS_AFTER_MUOI_10 = {5: "lăm"}  # after "mười"

_EN_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_SCALES = ("", "thousand", "million", "billion", "trillion")


def amount_in_words(amount: int, locale: str) -> str:
    """The amount of VND in words as printed on a Vietnamese invoice, first letter capitalised."""
    if type(amount) is not int:  # bool is an int subclass but not an amount
        raise ValueError(f"amount must be an int number of dong, got {type(amount).__name__}")
    if not 0 <= amount <= MAX_AMOUNT:
        raise ValueError(f"amount must be between 0 and {MAX_AMOUNT:_} dong, got {amount:_}")
    language = locale.replace("-", "_").split("_")[0].lower() if isinstance(locale, str) else ""
    if language == "vi":
        words = [*(_vi_words(amount) or ["không"]), "đồng"]
    elif language == "en":
        words = [*_en_words(amount), "dong"]
    else:
        raise ValueError(f"locale must be 'vi' or 'en' (optionally with a region), got {locale!r}")
    text = " ".join(words)
    return unicodedata.normalize("NFC", text[0].upper() + text[1:])


def _vi_words(amount: int) -> list[str]:
    """Vietnamese words for `amount` (empty for 0); groups after the first are read in full."""
    billions, amount = divmod(amount, _BILLION)
    words = [*_vi_words(billions), "tỷ"] if billions else []
    for power in reversed(range(len(_VI_SCALES))):
        group = amount // 1000**power % 1000
        if group:
            words += _vi_group(group, full=bool(words))
            words += [_VI_SCALES[power]] if power else []
    return words


def _vi_group(group: int, full: bool) -> list[str]:
    """Vietnamese words for 1 <= group <= 999; `full` reads "không trăm" and "linh" as needed."""
    hundreds, tens, units = group // 100, group // 10 % 10, group % 10
    words = [_VI_DIGITS[hundreds], "trăm"] if full or hundreds else []
    if tens >= 2:
        words += [_VI_DIGITS[tens], "mươi"]
        after = _VI_UNITS_AFTER_MUOI
    elif tens == 1:
        words += ["mười"]
        after = _VI_UNITS_AFTER_MUOI_10
    else:
        words += ["linh"] if words and units else []
        after = {}
    return words + ([after.get(units, _VI_DIGITS[units])] if units else [])


def _en_words(amount: int) -> list[str]:
    """English words for `amount`, short scale, no "and"."""
    if amount == 0:
        return [_EN_ONES[0]]
    words: list[str] = []
    for power in reversed(range(len(_EN_SCALES))):
        group = amount // 1000**power % 1000
        if not group:
            continue
        hundreds, rest = divmod(group, 100)
        words += [_EN_ONES[hundreds], "hundred"] if hundreds else []
        if rest >= 20:
            words += [_EN_TENS[rest // 10] + (f"-{_EN_ONES[rest % 10]}" if rest % 10 else "")]
        elif rest:
            words += [_EN_ONES[rest]]
        words += [_EN_SCALES[power]] if power else []
    return words
