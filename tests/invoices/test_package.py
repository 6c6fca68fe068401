"""The package as others see it: its public names, its place in the layers, its translations."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import invoices
from locales import LOCALES_DIR

PACKAGE = Path(invoices.__file__).resolve().parent


def test_the_public_surface_is_what_all_says() -> None:
    public = {name for name in dir(invoices) if not name.startswith("_")}
    modules = {"document", "from_order", "mail", "pdf"}
    assert public - modules == set(invoices.__all__)
    assert invoices.__all__ == sorted(invoices.__all__)


def test_invoices_sits_beside_the_core_and_knows_no_chat() -> None:
    imported: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported & {"aiogram", "telegram", "handlers", "bot", "conversations", "sqlalchemy"} == set()


def _invoice_msgids() -> set[str]:
    found = extract_from_dir(str(PACKAGE), keywords={"N_": None, "gettext": None})
    return {message for _, _, message, *_ in found if isinstance(message, str)}


def test_every_label_of_the_invoice_has_its_vietnamese_wording() -> None:
    """If this fails after `scripts/i18n`, the script no longer extracts from invoices/."""
    with open(LOCALES_DIR / "vi" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale="vi")
    ids = _invoice_msgids()
    assert {"VAT INVOICE", "Amount in words:", "Invoice {label} – {brand}"} <= ids
    missing = sorted(i for i in ids if not (catalog.get(i) and catalog.get(i).string))  # type: ignore[union-attr]
    assert missing == []


def test_no_vietnamese_sentence_is_written_in_the_code() -> None:
    """Vietnamese wording lives in the catalogues; docstrings may quote what gets printed."""
    letters = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        offenders += [
            f"{path.name}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and letters.search(node.value)
        ]
    assert offenders == []
