"""Reading a rendered invoice back with real PDF tools: pdfminer.six for text, positions, fonts
and metadata, pypdfium2 for pixels."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any

from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text


def raw_text_of(pdf: bytes) -> str:
    """The text as pdfminer extracts it, in its own order of text boxes."""
    return extract_text(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    """The text as a person reads it: the extracted lines grouped by baseline, left to right, top
    to bottom, page after page; every run of whitespace made one space."""
    rows: list[list[Placed]] = []
    for line in sorted(lines_of(pdf), key=lambda x: (x.page, -x.y0, x.x0)):
        if rows and rows[-1][0].page == line.page and abs(rows[-1][0].y0 - line.y0) < 2:
            rows[-1].append(line)
        else:
            rows.append([line])
    text = " ".join(" ".join(x.text for x in sorted(row, key=lambda x: x.x0)) for row in rows)
    return " ".join(text.split())


@dataclass(frozen=True)
class Placed:
    text: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float


def lines_of(pdf: bytes) -> list[Placed]:
    """Every text line with its box, page by page."""
    found = []
    for number, page in enumerate(extract_pages(io.BytesIO(pdf)), 1):
        for box in page:
            if isinstance(box, LTTextContainer):
                for line in box:
                    if isinstance(line, LTTextLine) and line.get_text().strip():
                        found.append(
                            Placed(line.get_text().strip(), number, line.x0, line.y0, line.x1, line.y1)
                        )
    return found


def overlapping(lines: list[Placed], tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of text lines on the same page whose boxes overlap by more than `tolerance` points."""
    pairs = []
    for a, b in itertools.combinations(lines, 2):
        if a.page != b.page:
            continue
        width = min(a.x1, b.x1) - max(a.x0, b.x0)
        height = min(a.y1, b.y1) - max(a.y0, b.y0)
        if width > tolerance and height > tolerance:
            pairs.append((a.text, b.text))
    return pairs


@dataclass(frozen=True)
class EmbeddedFont:
    base_font: str
    subtype: str
    embedded: bool  # a FontFile2 (TrueType program) in its descriptor
    to_unicode: bool


def fonts_of(pdf: bytes) -> list[EmbeddedFont]:
    document = PDFDocument(PDFParser(io.BytesIO(pdf)))
    found = {}
    for page in PDFPage.create_pages(document):
        for ref in resolve1(page.resources.get("Font", {})).values():
            font = resolve1(ref)
            descriptor = resolve1(font.get("FontDescriptor")) or {}
            name = resolve1(font["BaseFont"]).name
            found[name] = EmbeddedFont(
                name, resolve1(font["Subtype"]).name, "FontFile2" in descriptor, "ToUnicode" in font
            )
    return sorted(found.values(), key=lambda f: f.base_font)


def info_of(pdf: bytes) -> dict[str, str]:
    document = PDFDocument(PDFParser(io.BytesIO(pdf)))
    info: dict[str, Any] = document.info[0]
    return {
        key: decode_text(resolve1(value)) for key, value in info.items() if isinstance(resolve1(value), bytes)
    }
