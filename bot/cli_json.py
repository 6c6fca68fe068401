"""A JSON argument of the command line: inline text, or `@file.json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.errors import UsageError


def read_json_arg(value: str) -> Any:
    text = value
    if value.startswith("@"):
        try:
            text = Path(value[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{value[1:]}: cannot read: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"request: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
