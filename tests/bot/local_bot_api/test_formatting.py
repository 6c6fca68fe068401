"""HTML and MarkdownV2 read as Telegram reads them: visible text, entities in UTF-16 units, refusals."""

from __future__ import annotations

import pytest

from bot.local_bot_api.formatting import Formatted, MarkupError, render


def entities(formatted: Formatted) -> list[tuple[str, int, int]]:
    return [(e["type"], e["offset"], e["length"]) for e in formatted.entities]


def test_html_tags_become_entities_and_escapes_characters() -> None:
    shown = render('<b>Tổng</b> &lt;1&gt; <a href="https://x.vn/?a=1&amp;b=2">link</a> &#128512;', "HTML")
    assert shown.text == "Tổng <1> link 😀"
    assert entities(shown) == [("bold", 0, 4), ("text_link", 9, 4)]
    assert shown.entities[1]["url"] == "https://x.vn/?a=1&b=2"


def test_offsets_count_utf16_units() -> None:
    assert entities(render("😀 <i>x</i>", "html")) == [("italic", 3, 1)]


def test_pre_with_a_language_and_nested_tags() -> None:
    shown = render('<pre><code class="language-python">x = 1</code></pre><b>a<i>b</i></b>', "HTML")
    assert shown.text == "x = 1ab"
    assert shown.entities[0] == {"type": "pre", "offset": 0, "length": 5, "language": "python"}
    assert entities(shown)[1:] == [("bold", 5, 2), ("italic", 6, 1)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("Giá < 5", "Unclosed start tag at byte offset 5"),  # "á" is two bytes
        ("x</b>", "Unexpected end tag at byte offset 1"),
    ],
)
def test_html_telegram_cannot_parse(text: str, reason: str) -> None:
    with pytest.raises(MarkupError) as refused:
        render(text, "HTML")
    assert str(refused.value) == f"can't parse entities: {reason}"


def test_markdown_v2_entities_and_escapes() -> None:
    shown = render(r"*Tổng* 1\.200\.000 ₫ __u__ ||s|| `a\`b` [VNPAY](https://pay.vn/\)x)", "MarkdownV2")
    assert shown.text == "Tổng 1.200.000 ₫ u s a`b VNPAY"
    assert entities(shown) == [
        ("bold", 0, 4),
        ("underline", 17, 1),
        ("spoiler", 19, 1),
        ("code", 21, 3),
        ("text_link", 25, 5),
    ]
    assert shown.entities[-1]["url"] == "https://pay.vn/)x"


def test_markdown_v2_quotes_and_pre() -> None:
    shown = render(">quoted\n>twice\nplain ```python\nprint(1)```", "MarkdownV2")
    assert shown.text == "quoted\ntwice\nplain print(1)"
    assert entities(shown) == [("blockquote", 0, 12), ("pre", 19, 8)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.200.000", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("a - b", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("`code", "Can't find end of Code entity at byte offset 0"),
    ],
)
def test_markdown_v2_telegram_cannot_parse(text: str, reason: str) -> None:
    with pytest.raises(MarkupError, match="can't parse entities") as refused:
        render(text, "MarkdownV2")
    assert str(refused.value) == f"can't parse entities: {reason}"


def test_no_parse_mode_or_legacy_markdown_keeps_the_text() -> None:
    assert render("*a* <b>", None) == Formatted("*a* <b>")
    assert render("*a*", "Markdown") == Formatted("*a*")
    with pytest.raises(MarkupError, match="unsupported parse_mode"):
        render("x", "BBCode")
