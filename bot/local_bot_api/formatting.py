"""Text with markup as Telegram reads it: ``parse_mode`` HTML or MarkdownV2 → visible text + entities.

Only what Telegram accepts passes: an unsupported HTML tag, an unclosed one, or an
unescaped reserved MarkdownV2 character is refused with "can't parse entities: …", which is
the mistake a bot makes most with user-provided text. Entity offsets and lengths count UTF-16
code units, as the Bot API does; error offsets count UTF-8 bytes, as its messages do.
Legacy ``Markdown`` is accepted and kept as given (no entities).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.local_bot_api.models import Content, JsonObject, StoredFile

RESERVED_MARKDOWN_V2 = set("_*[]()~`>#+-=|{}.!")

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ESCAPES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTRIBUTE = re.compile(r"""\s*([a-zA-Z][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")

_MARKDOWN_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
    "![": "CustomEmoji",
}
_MARKDOWN_TYPES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}


class MarkupError(ValueError):
    """Why Telegram would refuse the text (the part after "Bad Request: ")."""


@dataclass(frozen=True)
class Formatted:
    text: str
    entities: tuple[JsonObject, ...] = ()


def render(text: str, parse_mode: str | None) -> Formatted:
    """The visible text and entities of ``text`` sent with ``parse_mode``."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode in ("", "markdown"):
        return Formatted(text)
    raise MarkupError("unsupported parse_mode")


def compose(
    *,
    text: str | None = None,
    caption: str | None = None,
    parse_mode: str | None = None,
    entities: list[JsonObject] | None = None,
    media: StoredFile | None = None,
    reply_markup: JsonObject | None = None,
) -> Content:
    """A message's content; explicit ``entities`` are taken as given instead of parsing markup."""
    written = text if text is not None else caption
    if written is None:
        return Content(media=media, reply_markup=reply_markup, parse_mode=parse_mode)
    shown = Formatted(written, tuple(entities)) if entities else render(written, parse_mode)
    return Content(
        text=text,
        caption=caption,
        parse_mode=parse_mode,
        visible=shown.text,
        entities=shown.entities,
        media=media,
        reply_markup=reply_markup,
    )


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Builder:
    """Visible text being assembled, with entity offsets in UTF-16 units."""

    parts: list[str] = field(default_factory=list)
    units: int = 0
    entities: list[JsonObject] = field(default_factory=list)

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.units += utf16_length(chunk)

    def entity(self, start: int, kind: str, *, end: int | None = None, **extra: object) -> None:
        stop = self.units if end is None else end
        if stop > start:
            self.entities.append({"type": kind, "offset": start, "length": stop - start, **extra})

    def result(self) -> Formatted:
        ordered = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return Formatted("".join(self.parts), tuple(ordered))


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _fail(reason: str) -> MarkupError:
    return MarkupError(f"can't parse entities: {reason}")


@dataclass
class _OpenTag:
    name: str
    start: int
    attributes: dict[str, str]


def _parse_html(text: str) -> Formatted:
    out = _Builder()
    stack: list[_OpenTag] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            end = text.find(">", i)
            if end < 0:
                raise _fail(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
            inner = text[i + 1 : end]
            if inner.startswith("/"):
                _close_html_tag(text, i, inner[1:].strip().lower(), stack, out)
            else:
                stack.append(_open_html_tag(text, i, inner, out.units))
            i = end + 1
        elif char == "&":
            i = _html_escape(text, i, out)
        else:
            stop = min((j for j in (text.find("<", i), text.find("&", i)) if j >= 0), default=len(text))
            out.add(text[i:stop])
            i = stop
    if stack:
        raise _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


def _open_html_tag(text: str, index: int, inner: str, start: int) -> _OpenTag:
    match = _TAG_NAME.match(inner)
    name = match.group(0).lower() if match else ""
    attributes = {
        m.group(1).lower(): _unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTRIBUTE.finditer(inner[len(name) :].rstrip("/"))
    }
    if name not in _HTML_ENTITY_TYPES or (name == "span" and attributes.get("class") != "tg-spoiler"):
        raise _fail(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, index)}')
    return _OpenTag(name, start, attributes)


def _close_html_tag(text: str, index: int, name: str, stack: list[_OpenTag], out: _Builder) -> None:
    if not stack:
        raise _fail(f"Unexpected end tag at byte offset {_byte_offset(text, index)}")
    tag = stack.pop()
    if name != tag.name:
        raise _fail(
            f'Unmatched end tag at byte offset {_byte_offset(text, index)}, expected "</{tag.name}>", '
            f'found "</{name}>"'
        )
    language = tag.attributes.get("class", "").removeprefix("language-")
    if tag.name == "code" and stack and stack[-1].name == "pre" and tag.attributes.get("class"):
        stack[-1].attributes["language"] = language
        return
    kind = _HTML_ENTITY_TYPES[tag.name]
    if kind == "text_link":
        if "href" in tag.attributes:
            out.entity(tag.start, kind, url=tag.attributes["href"])
    elif kind == "pre" and "language" in tag.attributes:
        out.entity(tag.start, kind, language=tag.attributes["language"])
    elif kind == "blockquote" and "expandable" in tag.attributes:
        out.entity(tag.start, "expandable_blockquote")
    elif kind == "custom_emoji":
        out.entity(tag.start, kind, custom_emoji_id=tag.attributes.get("emoji-id", ""))
    else:
        out.entity(tag.start, kind)


def _html_escape(text: str, index: int, out: _Builder) -> int:
    """Add the character ``&…;`` at ``index`` stands for (or a plain "&"); the index after it."""
    semicolon = text.find(";", index, index + 12)
    if semicolon > 0:
        decoded = _decode_reference(text[index + 1 : semicolon])
        if decoded is not None:
            out.add(decoded)
            return semicolon + 1
    out.add("&")
    return index + 1


def _decode_reference(name: str) -> str | None:
    if name.startswith("#x") or name.startswith("#X"):
        digits, base = name[2:], 16
    elif name.startswith("#"):
        digits, base = name[1:], 10
    else:
        return _HTML_ESCAPES.get(name)
    try:
        return chr(int(digits, base))
    except (ValueError, OverflowError):
        return None


def _unescape(value: str) -> str:
    out = _Builder()
    i = 0
    while i < len(value):
        if value[i] == "&":
            i = _html_escape(value, i, out)
        else:
            out.add(value[i])
            i += 1
    return out.result().text


@dataclass
class _Opener:
    marker: str
    start: int
    index: int


def _parse_markdown_v2(text: str) -> Formatted:
    out = _Builder()
    stack: list[_Opener] = []
    quote_start: int | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if (i == 0 or text[i - 1] == "\n") and quote_start is not None and char != ">":
            out.entity(quote_start, "blockquote", end=out.units - 1)
            quote_start = None
        if char == "\\":
            if i + 1 < len(text) and 1 <= ord(text[i + 1]) <= 126:
                out.add(text[i + 1])
                i += 2
                continue
            raise _fail(_reserved("\\"))
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            if quote_start is None:
                quote_start = out.units
            i += 1
        elif char == "`":
            i = _markdown_code(text, i, out)
        elif char == "]" and stack and stack[-1].marker in ("[", "!["):
            i = _markdown_link(text, i, stack.pop(), out)
        elif text.startswith("![", i):
            stack.append(_Opener("![", out.units, i))
            i += 2
        elif char == "[":
            stack.append(_Opener("[", out.units, i))
            i += 1
        elif char in "*_~|":
            marker = text[i : i + 2] if text.startswith(("__", "||"), i) else char
            if marker == "|":
                raise _fail(_reserved("|"))
            if stack and stack[-1].marker == marker:
                out.entity(stack.pop().start, _MARKDOWN_TYPES[marker])
            else:
                stack.append(_Opener(marker, out.units, i))
            i += len(marker)
        elif char in RESERVED_MARKDOWN_V2:
            raise _fail(_reserved(char))
        else:
            out.add(char)
            i += 1
    if stack:
        opener = stack[-1]
        name = _MARKDOWN_NAMES[opener.marker]
        raise _fail(f"Can't find end of {name} entity at byte offset {_byte_offset(text, opener.index)}")
    if quote_start is not None:
        out.entity(quote_start, "blockquote")
    return out.result()


def _reserved(char: str) -> str:
    return f"Character '{char}' is reserved and must be escaped with the preceding '\\'"


def _scan_escaped(text: str, start: int, terminator: str) -> tuple[str, int]:
    """Read from ``start`` to ``terminator`` where only backslash escapes count; (text, end index)."""
    chunk: list[str] = []
    i = start
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            chunk.append(text[i + 1])
            i += 2
        elif text.startswith(terminator, i):
            return "".join(chunk), i
        else:
            chunk.append(text[i])
            i += 1
    return "".join(chunk), -1


def _markdown_code(text: str, index: int, out: _Builder) -> int:
    fence = "```" if text.startswith("```", index) else "`"
    body, end = _scan_escaped(text, index + len(fence), fence)
    if end < 0:
        name = "Pre" if fence == "```" else "Code"
        raise _fail(f"Can't find end of {name} entity at byte offset {_byte_offset(text, index)}")
    start = out.units
    if fence == "`":
        out.add(body)
        out.entity(start, "code")
        return end + 1
    language, newline, rest = body.partition("\n")
    if newline and language and " " not in language:
        out.add(rest)
        out.entity(start, "pre", language=language)
    else:
        out.add(body)
        out.entity(start, "pre")
    return end + 3


def _markdown_link(text: str, index: int, opener: _Opener, out: _Builder) -> int:
    if not text.startswith("(", index + 1):
        name = _MARKDOWN_NAMES[opener.marker]
        raise _fail(f"Can't find end of {name} entity at byte offset {_byte_offset(text, index)}")
    url, end = _scan_escaped(text, index + 2, ")")
    if end < 0:
        raise _fail(f"Can't find end of a URL at byte offset {_byte_offset(text, index + 2)}")
    if opener.marker == "![":
        out.entity(opener.start, "custom_emoji", custom_emoji_id=url.rpartition("id=")[2])
    else:
        out.entity(opener.start, "text_link", url=url)
    return end + 1
