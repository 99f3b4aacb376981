r"""Untrusted text as Markdown that GitHub shows literally: the project's one escaper.

Every string read from AWS or from a results file reaches a Markdown page (``report.md``,
``aiposture diff --format markdown``, the fix plan's README pages) only through this
module: :func:`md_text` for inline text and table cells, :func:`md_code` for code spans,
:func:`md_fence` for fenced blocks. Pull-request comments and issues render with GitHub's
GFM extensions and then GitHub's own post-processing, so escaping CommonMark is not enough:

- CommonMark syntax (emphasis, code, links, images, raw HTML, ``<...>`` autolinks, entity
  references, table pipes, strikethrough, headings, block quotes, list markers at the start):
  a backslash before the ASCII punctuation character (CommonMark spec, "Backslash
  escapes"), so the reader shows the character itself; ``<`` is written ``&lt;``, so the
  source holds no tag either.
- GFM extended autolinks (``www.``, ``http://``, ``https://``, e-mail addresses,
  ``mailto:``/``xmpp:``; GFM spec 6.9): a zero-width space (``&#8203;``) goes after the
  ``@``, between ``www`` and ``.`` and between ``:`` and ``//``, so none of the patterns
  can match. A backslash would not do: it leaves the text node unchanged.
- GitHub ``@mentions`` and ``#123`` references are found after rendering, in the HTML
  text (a backslash escape is gone by then): ``@&#8203;team`` and ``#&#8203;123`` match
  neither (the name or number must follow the sign directly). This is the form Renovate's
  ``sanitizeMarkdown`` uses in the pull requests it writes on GitHub.
- GitHub math (``$...$``, ``$$...$$``): GitHub's documentation ("Writing mathematical
  expressions", dollar signs outside a math expression) says to put span tags around a
  ``$`` that is not a delimiter; a backslash does not stop it. Each ``$`` is written
  ``<span>$</span>``.
- Line breaks and tabs become spaces (a table row is one line); any other invisible or
  control character (Unicode categories Cc, Cf, Zl, Zp, Cs, Co: ESC, bidi overrides, zero
  widths, U+FEFF) is shown as an escape such as ``\x1b`` or ``\u202e``, so a reader sees it.

Inside a code span no autolink, mention, reference or math is made (GitHub skips code),
so :func:`md_code` only needs a fence longer than any backtick run in the value.
``:emoji:`` shortcodes are left alone: GitHub draws the emoji, which changes no meaning, and
breaking them would put invisible characters into every ARN (``arn:aws:...``).

This module is a bottom layer: it imports nothing from the rest of the package.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["md_code", "md_fence", "md_text"]

ZWSP = "&#8203;"
"""A zero-width space as an entity: visible in the Markdown source, invisible rendered."""

_BREAKS = re.compile(r"\r\n|[\n\r\t\v\f\x1c-\x1e\x85\u2028\u2029]")
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})
_BACKTICKS = re.compile(r"`+")
_INLINE = re.compile(
    r"(?P<punct>[\\`*_\[\]<>|~!&#])"  # CommonMark / GFM punctuation
    r"|(?P<at>@)"  # mentions, e-mail autolinks
    r"|(?P<dollar>\$)"  # math
    r"|(?P<scheme>:(?=//))"  # http:// https:// ftp:// autolinks
    r"|(?P<www>(?<=[wW]{3})\.)"  # www. autolinks
)
# A list marker, a numbered item or a setext underline at the start of a line.
_LEADING = re.compile(r"^(?:(?P<mark>[-+=])(?=[ =-]|$)|(?P<number>\d{1,9})(?P<dot>[.)])(?= |$))")


def _visible(text: str) -> str:
    """Line breaks and tabs as spaces; every other hidden character as an escape."""
    text = _BREAKS.sub(" ", text)
    if all(unicodedata.category(c) not in _HIDDEN for c in text):
        return text
    out: list[str] = []
    for c in text:
        if unicodedata.category(c) in _HIDDEN:
            code = ord(c)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(c)
    return "".join(out)


def _inline(match: re.Match[str]) -> str:
    kind = match.lastgroup
    char = match.group()
    if kind == "punct":
        # "#" before a digit is a GitHub issue reference: a zero-width space breaks it.
        after = match.string[match.end() : match.end() + 1]
        if char == "#" and after.isdigit():
            return f"#{ZWSP}"
        # "<" as an entity: the source itself holds no tag, for any reader.
        return "&lt;" if char == "<" else "\\" + char
    if kind == "at":
        return f"@{ZWSP}"
    if kind == "dollar":
        return "<span>$</span>"
    if kind == "scheme":
        return f":{ZWSP}"
    return f"{ZWSP}."  # www.


def md_text(value: object, limit: int | None = None) -> str:
    """Return ``value`` as inert GitHub Markdown on one line, cut to ``limit`` characters.

    Usable as a sentence fragment or a table cell; GitHub shows the value's characters
    (line breaks as spaces, hidden characters as escapes) and makes nothing of them: no
    HTML, link, autolink, mention, issue reference, math, emphasis, code or table break.
    """
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "\u2026"
    text = _visible(text)
    lead = _LEADING.match(text)
    prefix = ""
    if lead:
        if lead.group("mark"):
            prefix, text = "\\" + lead.group("mark"), text[1:]
        else:
            number = lead.group("number")
            prefix, text = f"{number}\\{lead.group('dot')}", text[len(number) + 1 :]
    return prefix + _INLINE.sub(_inline, text)


def md_code(value: object, *, in_table: bool = False) -> str:
    """Return ``value`` as a code span whose fence is longer than any backtick run in it.

    Line breaks become spaces and hidden characters escapes (as in :func:`md_text`). A
    value that starts or ends with a backtick, or starts and ends with a space, is padded
    with one space on each side, which CommonMark removes. ``in_table``: escape ``|`` as a
    GFM table needs even inside a code span (the table removes the backslash).
    """
    text = _visible(str(value))
    if not text.strip(" "):
        return md_text(text) if text else "(empty)"
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " "):
        text = f" {text} "
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def md_fence(content: str, info: str = "") -> str:
    """Return ``content`` in a fenced code block whose fence is longer than any in it.

    ``info`` is the block's language (a constant of the caller, never a value).
    """
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * max(3, longest + 1)
    body = content if content.endswith("\n") else content + "\n"
    return f"{fence}{info}\n{body}{fence}"
