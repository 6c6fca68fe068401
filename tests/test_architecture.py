"""The layers of ARCHITECTURE.md: the core imports no Telegram framework, HTTP client or DB driver."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "aiogram",
    "telegram",
    "aiohttp",
    "httpx",
    "requests",
    "aiosqlite",
    "asyncpg",
    "sqlite3",
    "psycopg",
    "psycopg2",
    "redis",
    "handlers",
    "bot",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["billing_core", "conversations"])
def test_the_core_imports_no_framework_client_or_driver(package: str) -> None:
    bad = {
        f"{p.relative_to(ROOT)}: {m}" for p in (ROOT / package).rglob("*.py") for m in _imports(p) & FORBIDDEN
    }
    assert bad == set()


def test_billing_core_does_not_reach_up_into_the_conversation() -> None:
    bad = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "billing_core").rglob("*.py")
        if "conversations" in _imports(p)
    }
    assert bad == set()
