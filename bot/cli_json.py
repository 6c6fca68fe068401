"""JSON on the command line: an argument given inline or as `@file.json`, an answer printed;
and the whole-number arguments the commands take."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
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


def print_json(answer: Any) -> None:
    """A command's answer on stdout, readable and in Vietnamese as it is (not \\u escapes)."""
    sys.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2) + "\n")


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be positive: {text!r}" if minimum == 1 else f"must not be negative: {text!r}"
            )
        return value

    return parse
