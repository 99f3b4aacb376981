"""The one Markdown escaper: hostile AWS names render as literal text on GitHub.

Rendering uses cmark-gfm (``cmarkgfm``), GitHub's own fork of cmark with its GFM
extensions (tables, autolinks, strikethrough, tag filter). GitHub's post-processing
(``@mentions``, ``#123`` references) and its math (``$``) are not in cmark-gfm: the tests
check the rendered text for what those would match.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from aiposture.markdown_text import md_code, md_fence, md_text

HOSTILE = [
    "@aws/security-team",
    "ping @octocat and @github/security please",
    "www.evil.example",
    "WWW.EVIL.EXAMPLE/path",
    "a@b.example",
    "mailto:a@b.example",
    "xmpp:foo@bar.example",
    "https://evil.example/x?y=1",
    "ftp://evil.example",
    "$$x^2$$ and $y$",
    "costs $5 or $6",
    "#1",
    "fixes #123 and GH#4",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<https://evil.example>",
    "| pipe | in | cell |",
    "line one\nline two\r\nline three",
    "[click](https://evil.example) ![img](https://evil.example/i.png)",
    "*em* **strong** _u_ ~~struck~~",
    "`code` ``more``",
    "&amp; &#64; &lt;b&gt;",
    "1. numbered",
    "- bullet",
    "# heading",
    "> quote",
    "back\\slash\\",
    "esc \x1b[31m red, rlo \u202e, zwsp \u200b, nel \x85, bom \ufeff",
    "arn:aws:iam::123456789012:role/x",
]

_ALLOWED_TAGS = {"p", "table", "thead", "tbody", "tr", "th", "td", "span"}


def _github(markdown: str) -> str:
    """HTML as cmark-gfm renders it with GitHub's extensions (raw HTML kept for ``span``)."""
    return str(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(rendered: str) -> _Text:
    parser = _Text()
    parser.feed(rendered)
    parser.close()
    return parser


def _shown(value: str) -> str:
    """What a reader should see: the value on one line, hidden characters as escapes."""
    one_line = re.sub(r"\r\n|[\n\r\x85]", " ", value)
    return "".join(
        f"\\x{ord(c):02x}"
        if c in "\x1b"
        else f"\\u{ord(c):04x}"
        if c in "\u202e\u200b\ufeff"
        else c
        for c in one_line
    )


def _assert_literal(text: str, value: str) -> None:
    # GitHub's @mention and #reference filters need the name or number right after the sign.
    assert re.search(r"(?:^|\W)@[A-Za-z0-9]", text) is None, text
    assert re.search(r"(?:^|\W)#\d", text) is None, text
    assert text.replace("\u200b", "") == _shown(value)


@pytest.mark.parametrize("value", HOSTILE)
def test_md_text_renders_literally_in_a_paragraph_and_a_table_cell(value: str) -> None:
    escaped = md_text(value)
    assert "\n" not in escaped
    # GitHub math reads the Markdown source: every "$" is inside a span.
    assert "$" not in escaped.replace("<span>$</span>", "")
    for markdown in (f"Why: {escaped}", escaped, f"| a | b |\n|---|---|\n| {escaped} | x |"):
        rendered = _github(markdown)
        parsed = _parse(rendered)
        assert set(parsed.tags) <= _ALLOWED_TAGS, (markdown, rendered)
        assert parsed.tags.count("td") in (0, 2), rendered  # the row keeps its two cells
        text = "".join(parsed.text).strip()
        if "td" in parsed.tags:
            cells = re.findall(r"<td>(.*?)</td>", rendered, re.DOTALL)
            first, second = ("".join(_parse(cell).text) for cell in cells)
            assert second == "x"
            text = first
        elif markdown.startswith("Why: "):
            text = text.removeprefix("Why: ")
        _assert_literal(text, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_md_code_renders_the_value_in_one_code_span(value: str) -> None:
    for markdown, in_table in (
        (md_code(value), False),
        (f"| {md_code(value, in_table=True)} |\n|---|", True),
    ):
        rendered = _github(markdown)
        codes = re.findall(r"<code>(.*?)</code>", rendered, re.DOTALL)
        assert len(codes) == 1, rendered
        assert "<a " not in rendered and "<img" not in rendered
        shown = html.unescape(codes[0])
        assert shown == _shown(value), (in_table, shown)


def test_md_fence_keeps_a_fence_inside_the_value() -> None:
    content = "```\n<img src=x>\n````\n@team $$x$$ www.evil.example\n"
    rendered = _github(md_fence(content))
    (code,) = re.findall(r"<pre><code>(.*?)</code></pre>", rendered, re.DOTALL)
    assert html.unescape(code) == content


def test_a_limit_cuts_before_escaping() -> None:
    assert md_text("@team-with-a-long-name", 6) == "@&#8203;team\u2026"
    assert md_text("x" * 10, 10) == "x" * 10
