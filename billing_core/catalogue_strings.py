"""A Babel extractor for catalogue TOML files: every name and feature becomes a msgid."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from billing_core.catalogue_loader import parse_catalogue


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield (line, function, message, comments) as Babel's extractors do."""
    text = fileobj.read().decode("utf-8")
    catalogue = parse_catalogue(tomllib.loads(text), getattr(fileobj, "name", "catalogue"))
    lines = text.splitlines()
    for message in catalogue.translatable_strings():
        lineno = next((i + 1 for i, line in enumerate(lines) if f'"{message}"' in line), 0)
        yield lineno, None, message, [f"catalogue {catalogue.id}"]
