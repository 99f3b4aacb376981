r"""HCL text for the Terraform fix plan: exactly escaped strings, comments, laid-out blocks.

Every string is an HCL quoted string, escaped exactly (:func:`hcl_string`): ``\``, ``"``,
control characters, and the template sequences ``${`` and ``%{`` (doubled), so a value from
AWS stays inert. :class:`HclBlock` lays a block out as ``terraform fmt`` does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["HclBlock", "hcl_comment", "hcl_string"]

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def hcl_string(value: str) -> str:
    r"""``value`` as an HCL quoted string literal that evaluates to exactly ``value``.

    ``\`` and ``"`` are escaped; every character that is not printable
    (:meth:`str.isprintable`: C0 and C1 controls, U+0085, U+2028, U+2029, U+FEFF, bidi
    and other format characters) is written as an HCL ``\uNNNN`` / ``\UNNNNNNNN`` escape,
    so the file holds no invisible or line-breaking character and no byte order mark; the
    template sequences ``${`` and ``%{`` are doubled (``$${``, ``%%{``: HCL native syntax
    specification, "Template Literals"). A value is never written as a heredoc. One limit
    that no escape lifts: Terraform keeps every string in Unicode normalization form C, so
    a value in another form (a letter and a combining accent) is composed when Terraform
    reads it.
    """
    out: list[str] = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif not ch.isprintable():
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    text = "".join(out)
    # A template sequence starts at "${" or "%{"; doubling the sign makes it literal.
    text = text.replace("${", "$${").replace("%{", "%%{")
    return f'"{text}"'


def hcl_comment(text: str) -> str:
    r"""``text`` on one comment line (no newline can end the comment early).

    Whitespace runs become one space; any other character that is not printable (an
    escape sequence, a bidi override) is shown as a ``\uNNNN`` escape.
    """
    flat = " ".join(str(text).split())
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in flat)


def _value(value: Any) -> str:
    """``value`` (a bool, number, string, list or mapping of those) as an HCL expression."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{hcl_string(str(k))} = {_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"no HCL form for {type(value).__name__}")


class HclBlock:
    """An HCL block being written: attributes and nested blocks, laid out as ``terraform fmt``.

    Consecutive attributes form a group whose ``=`` signs line up; a comment or a nested
    block ends the group.
    """

    def __init__(self, header: str) -> None:
        self.header = header
        self.items: list[tuple[str, str]] = []
        """(attribute name, expression), or ("", a line of text already laid out)."""

    def attr(self, name: str, value: Any) -> HclBlock:
        """Add the attribute ``name = value`` (as :func:`_value`); nothing if ``None``."""
        if value is not None:
            self.items.append((name, _value(value)))
        return self

    def raw(self, name: str, expression: str) -> HclBlock:
        """Add the attribute ``name = expression``, the expression written as given."""
        self.items.append((name, expression))
        return self

    def comment(self, text: str) -> HclBlock:
        """Add a comment line (:func:`hcl_comment`)."""
        self.items.append(("", f"# {hcl_comment(text)}"))
        return self

    def block(self, child: HclBlock) -> HclBlock:
        """Add ``child`` as a nested block."""
        self.items.extend(("", line) for line in child.render().splitlines())
        return self

    def render(self) -> str:
        """The block as text, ending in a newline."""
        lines: list[str] = []
        group: list[tuple[str, str]] = []

        def flush() -> None:
            width = max((len(n) for n, _ in group), default=0)
            lines.extend(f"{n.ljust(width)} = {e}" for n, e in group)
            group.clear()

        for name, text in self.items:
            if name:
                group.append((name, text))
            else:
                flush()
                lines.append(text)
        flush()
        body = "".join(f"  {line}\n" for line in lines)
        return f"{self.header} {{\n{body}}}\n"
