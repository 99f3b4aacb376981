"""Bash text for the fix plan's script: quoting, comments and AWS CLI calls.

Every value in a plan comes from AWS and is untrusted: each one is quoted by
:func:`quote` (and JSON arguments are quoted JSON text), names in JMESPath filters are
JSON literals (:func:`jmespath_literal`), and text in comments cannot end the comment
line (:func:`comment`). :class:`AwsCall` writes one AWS CLI call with every argument
quoted.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

_PARAMFILE_PREFIXES = ("file://", "fileb://", "http://", "https://")
"""Values the AWS CLI would read as a file or URL instead of taking them literally."""

_CONT = " \\\n    "


def quote(value: object) -> str:
    r"""Quote ``value`` (made a string) as one inert bash word: the only quoting in the script.

    A printable value is single-quoted (:func:`shlex.quote`): bash expands nothing inside
    single quotes. A value with any character that is not printable (a line break, U+0085,
    U+2028, an escape sequence, a bidi override that would reorder the line a reviewer
    reads) is written as a bash ANSI-C string ``$'...'``: each such character is its UTF-8
    bytes as ``\xHH`` escapes (exact in any locale, unlike ``\u``), and only ``\`` and
    ``'`` are escaped besides, so the script text stays printable and the word is the
    same. (No bash word can hold a NUL: ``\x00`` ends the word there.)
    """
    text = str(value)
    if text.isprintable():
        return shlex.quote(text)
    out: list[str] = []
    for ch in text:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append("".join(f"\\x{b:02x}" for b in ch.encode("utf-8", "surrogatepass")))
    return "$'" + "".join(out) + "'"


def dump_json(value: Any) -> str:
    """Compact JSON text of ``value`` (keys in their order, non-ASCII kept)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def jmespath_literal(value: str) -> str:
    """``value`` as a JMESPath JSON literal (backticks escaped), exact for any text."""
    return "`" + json.dumps(value).replace("`", "\\`") + "`"


def printable(text: str) -> str:
    """``text`` with every character that is not printable shown as an escape.

    For comments, messages and progress lines, what a reviewer or a terminal shows: control
    characters (terminal escape sequences), line separators and format characters (a bidi
    override would reorder the line).
    """
    return "".join(
        c if c.isprintable() else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        for c in text
    )


def comment(*lines: str, indent: str = "") -> list[str]:
    """Comment lines: each line of each text prefixed with ``#``, nothing can end a comment."""
    out: list[str] = []
    for text in lines:
        for line in str(text).splitlines() or [""]:
            out.append(f"{indent}# {printable(line)}".rstrip())
    return out


class AwsCall:
    """One AWS CLI call with every argument quoted.

    A string that the CLI would take as a file or URL (``file://...``) goes through
    ``--cli-input-json`` instead, where the CLI takes values as they are.
    """

    def __init__(self, service: str, operation: str, region: str) -> None:
        self.head = f"aws {service} {operation}"
        self.options: list[str] = []
        self._input: dict[str, Any] = {}
        self._option("--region", region)

    def _option(self, flag: str, value: str) -> None:
        sep = "=" if value.startswith("-") else " "
        self.options.append(f"{flag}{sep}{quote(value)}")

    def text(self, flag: str, member: str, value: str) -> AwsCall:
        """A string parameter (``member``: its name in the API, for ``--cli-input-json``)."""
        if value.lower().startswith(_PARAMFILE_PREFIXES):
            self._input[member] = value
        else:
            self._option(flag, value)
        return self

    def json(self, flag: str, value: Any) -> AwsCall:
        """A list or structure parameter (or a string holding JSON), as JSON text."""
        self._option(flag, dump_json(value))
        return self

    def number(self, flag: str, value: float) -> AwsCall:
        """A numeric parameter."""
        self._option(flag, repr(value))
        return self

    def raw(self, option: str) -> AwsCall:
        """An option written as bash text as it is (a flag, or a flag and a variable)."""
        self.options.append(option)
        return self

    def query(self, expression: str, output: str) -> AwsCall:
        """A client-side JMESPath query and output format."""
        self._option("--query", expression)
        self._option("--output", output)
        return self

    def render(self) -> str:
        """The call as bash text, one option per line."""
        options = list(self.options)
        if self._input:
            options.append(f"--cli-input-json {quote(dump_json(self._input))}")
        return _CONT.join([self.head, *options])


def indent_first(text: str, prefix: str = "  ") -> list[str]:
    """Indent the first line of ``text`` only: a quoted value may span lines, unchanged."""
    return [prefix + text]
