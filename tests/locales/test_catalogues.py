"""The gettext catalogues: complete Vietnamese, placeholders kept, .mo in step with .po."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from billing_core.catalogue_loader import BUNDLED, load_bundled
from billing_core.explanations import CYCLE_NAMES, MESSAGES
from locales import LOCALES_DIR, Translator, pick_locale

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _po(lang: str):  # type: ignore[no-untyped-def]
    with open(LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def test_every_vietnamese_entry_is_translated_and_not_fuzzy() -> None:
    catalog = _po("vi")
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_translations_keep_every_placeholder() -> None:
    for m in _po("vi"):
        if m.id:
            assert set(PLACEHOLDER.findall(m.string)) == set(PLACEHOLDER.findall(m.id)), m.id


def test_every_message_the_code_uses_is_in_the_catalogues() -> None:
    ids = {m.id for m in _po("vi")}
    used = set(MESSAGES.values()) | set(CYCLE_NAMES.values())
    for name in BUNDLED:
        used |= set(load_bundled(name).translatable_strings())
    assert used - ids == set()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_compiled_mo_matches_the_po(lang: str) -> None:
    compiled = BytesIO()
    write_mo(compiled, _po(lang))
    committed = (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.mo").read_bytes()
    fresh = read_mo(BytesIO(compiled.getvalue()))
    shipped = read_mo(BytesIO(committed))
    assert {m.id: m.string for m in fresh if m.id} == {m.id: m.string for m in shipped if m.id}, (
        "run scripts/i18n to recompile"
    )


def test_money_and_dates_are_formatted_for_the_reader() -> None:
    import datetime as dt

    vi, en = Translator("vi"), Translator("en")
    assert vi.money(1_200_000) == "1.200.000\xa0₫"
    assert en.money(1_200_000) == "₫1,200,000"
    assert vi.date(dt.date(2024, 1, 15)) == "15/01/2024"
    assert vi.gettext("Digital Workspace") == "Không gian làm việc số"
    assert en.gettext("Digital Workspace") == "Digital Workspace"


@pytest.mark.parametrize(
    ("code", "expected"), [("vi", "vi"), ("en-US", "en"), ("EN", "en"), (None, "vi"), ("fr", "vi")]
)
def test_the_locale_comes_from_telegrams_language_code(code: str | None, expected: str) -> None:
    assert pick_locale(code) == expected


def test_no_user_facing_literal_sentences_outside_the_catalogues() -> None:
    """Vietnamese text in code belongs in the .po files (VNPAY's own reply strings excepted)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("billing_core", "conversations", "handlers", "bot"):
        for path in (root / package).rglob("*.py"):
            # VNPAY's own strings, its stand-in page, and the words of amounts are not ours to translate.
            if "vnpay" in path.parts or path.name in ("amount_in_words.py", "vnpay_sandbox.py"):
                continue
            for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if (
                    re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", text)
                    and not text.lstrip().startswith("#")
                    and '"""' not in text
                ):
                    offenders.append(f"{path.relative_to(root)}:{n}")
    assert offenders == []
