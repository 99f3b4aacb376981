"""Shared pieces of the CloudWatch Logs filter-pattern engine: semantics flags, literals, regexes.

The public entry point is :mod:`aiposture.lang.filter_pattern`; this module holds what the JSON,
space-delimited and term flavours have in common (the :class:`Semantics` switchboard for the open
questions of the reference, numeric-literal typing, ``*`` wildcard strings and the ``%regex%``
dialect).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from aiposture.errors import PatternSyntaxError

MAX_PATTERN_LENGTH = 1024
"""Longest ``filterPattern`` the CloudWatch Logs API accepts (A.1)."""

MAX_REGEXES = 2
"""Most ``%regex%`` values allowed in one JSON or space-delimited pattern (A.1)."""

WHITESPACE = " \t\n\r\f\v"
"""ASCII whitespace; the only whitespace the pattern grammar treats as a separator."""

NUMERIC_LITERAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
"""A bare token that fully matches this is a numeric literal (A.3.2)."""

CompareOp = Literal["=", "!=", "<", ">", "<=", ">="]
"""The six comparison operators."""

COMPARE_OPS: frozenset[str] = frozenset({"=", "!=", "<", ">", "<=", ">="})
"""The comparison operators as a set, for validation."""

RELATIONAL_OPS: frozenset[str] = frozenset({"<", ">", "<=", ">="})
"""The operators that only accept numeric literals (A.3.3 item 4)."""


@dataclass(frozen=True)
class Semantics:
    """Every behaviour the AWS documentation leaves open (reference §7, Q1-Q11), in one place.

    The defaults are the reference's recommended defaults. ``strict`` selects between rejecting
    anything the docs do not show as valid (``True``) and accepting it with the derived rule.

    Attributes:
        strict: Strict mode (Q4, Q7). Strict requires upper-case keywords (``IS NULL``), rejects
            an empty JSON body ``{}``, a selector that does not start with ``$.``, property
            names outside ``[A-Za-z0-9_-]``, regex escapes outside the documented set and an
            empty delimited pattern ``[]``. Lenient folds keyword case, treats ``{}`` as "any
            JSON object", accepts ``$[0]`` / ``$`` / ``$.@timestamp`` and any regex Python
            compiles from the allowed character set, and treats ``[]`` like ``[...]``.
        numeric_literal_matches_numeric_string: Q1, first half. When true, a numeric literal
            compared with a string node coerces strings that look like numbers
            (``{ $.code = 400 }`` matches ``"code": "400"``). Default: every operator is false.
        string_literal_compares_number_source_text: Q1, second half. When true, a string
            literal compared with a number node is compared with the number's source text
            (``{ $.code = "400" }`` and ``4*`` match ``"code": 400``). When false it is false.
        wildcard_not_equal_any: Q3. When true, ``!=`` on a selector with ``[*]`` / ``.*`` is
            existential like every other condition (some element differs). When false it
            requires every resolved element to differ (and at least one to exist).
        star_matches_non_values: Q5. When true, ``= *`` (or ``= "*"``) also matches ``null``,
            booleans, arrays and objects, not only string and number nodes.
        null_matches_missing: Whether ``IS NULL`` is true for a missing property. Default false
            (CDK: "matches if the field exists and has the special value null").
        parse_json_after_prefix: Q6. When true, a message that is not JSON is retried from its
            first ``{`` (Lambda's ``timestamp requestId INFO {...}`` lines). Default: no match.
        duplicate_keys_last_wins: Q8. Duplicate keys in the event keep the last value (Python's
            default) when true, the first value when false.
        decimal_numbers: Q9. Compare numbers as :class:`decimal.Decimal` instead of IEEE doubles,
            so that large integers keep their precision.
        regex_allows_space: Q11. Accept a space inside ``%regex%``.
        regex_allows_colon: Q11. Accept ``:`` inside ``%regex%``.

    """

    strict: bool = True
    numeric_literal_matches_numeric_string: bool = False
    string_literal_compares_number_source_text: bool = True
    wildcard_not_equal_any: bool = True
    star_matches_non_values: bool = False
    null_matches_missing: bool = False
    parse_json_after_prefix: bool = False
    duplicate_keys_last_wins: bool = True
    decimal_numbers: bool = False
    regex_allows_space: bool = True
    regex_allows_colon: bool = True


DEFAULT_SEMANTICS = Semantics()
"""The reference's recommended defaults (§7)."""

Number = float | Decimal
"""A numeric value as compared: an IEEE double, or a Decimal under ``decimal_numbers``."""


def to_number(text: str, semantics: Semantics) -> Number | None:
    """Convert numeric source text to the comparison type; ``None`` if it is not a number."""
    if semantics.decimal_numbers:
        try:
            value = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
        return None if value.is_nan() else value
    try:
        number = float(text)
    except (ValueError, OverflowError):
        return None
    return None if number != number else number  # NaN never compares


def compare_numbers(left: Number, op: str, right: Number) -> bool:
    """Apply a comparison operator to two numbers of the same kind."""
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    return left >= right


@dataclass(frozen=True)
class StarString:
    """A string literal with the ``*`` rules of A.4.4: alone = any, leading = suffix, etc.

    Attributes:
        text: The literal as written (quotes and escapes already removed).

    """

    text: str

    @property
    def is_any(self) -> bool:
        """True for ``*`` alone, which matches any value."""
        return self.text == "*"

    def matches(self, value: str) -> bool:
        """Whether ``value`` equals the literal under the wildcard rules (case-sensitive)."""
        text = self.text
        if text == "*":
            return True
        lead = text.startswith("*")
        trail = len(text) > 1 and text.endswith("*")
        if lead and trail:
            return text[1:-1] in value
        if lead:
            return value.endswith(text[1:])
        if trail:
            return value.startswith(text[:-1])
        return value == text


_REGEX_SYMBOLS = frozenset("_#=@/;,-")
_REGEX_OPERATORS = frozenset("^$?[]{}|\\*+.")
_REGEX_CLASS_ESCAPES = frozenset("dDsSwW")
_HEX = frozenset("0123456789abcdefABCDEF")


def compile_regex(body: str, position: int, semantics: Semantics) -> re.Pattern[str]:
    """Validate a ``%regex%`` body against the A.6 dialect and compile it for ``re.search``.

    Args:
        body: The text between the two ``%`` delimiters.
        position: Index of ``body[0]`` in the whole pattern, for error positions.
        semantics: Q11 (space, colon) and strict escape checking.

    Raises:
        PatternSyntaxError: The body is empty, contains a forbidden character (``(``, ``)``,
            non-ASCII, other symbols), a forbidden escape, or does not compile.

    """
    if not body:
        raise PatternSyntaxError("empty regular expression", position - 1)
    i = 0
    while i < len(body):
        ch = body[i]
        where = position + i
        if ch in "()":
            raise PatternSyntaxError(
                f"'{ch}' is not allowed in a regular expression (use \\x28 / \\x29)", where
            )
        if not ch.isascii():
            raise PatternSyntaxError("non-ASCII character in a regular expression", where)
        if ch == "\\":
            if i + 1 >= len(body):
                raise PatternSyntaxError("dangling backslash in a regular expression", where)
            nxt = body[i + 1]
            if nxt == "x":
                digits = body[i + 2 : i + 4]
                if len(digits) != 2 or not set(digits) <= _HEX:
                    raise PatternSyntaxError("\\x needs two hex digits", where)
                i += 4
                continue
            if nxt in _REGEX_CLASS_ESCAPES or nxt in _REGEX_OPERATORS or nxt in _REGEX_SYMBOLS:
                i += 2
                continue
            if nxt in "()" or not nxt.isascii():
                raise PatternSyntaxError(
                    f"'{nxt}' is not allowed in a regular expression", where + 1
                )
            if semantics.strict or not (nxt.isalnum() or nxt in " :"):
                raise PatternSyntaxError(
                    f"unsupported escape '\\{nxt}' in a regular expression", where
                )
            i += 2
            continue
        allowed = (
            ch.isalnum()
            or ch in _REGEX_SYMBOLS
            or ch in _REGEX_OPERATORS
            or (ch == " " and semantics.regex_allows_space)
            or (ch == ":" and semantics.regex_allows_colon)
        )
        if not allowed:
            raise PatternSyntaxError(f"'{ch}' is not allowed in a regular expression", where)
        i += 1
    try:
        return re.compile(body)
    except (re.error, RecursionError, OverflowError) as exc:
        raise PatternSyntaxError(f"invalid regular expression: {exc}", position) from None


def skip_ws(text: str, pos: int) -> int:
    """Index of the first non-whitespace character at or after ``pos``."""
    while pos < len(text) and text[pos] in WHITESPACE:
        pos += 1
    return pos


def read_quoted(text: str, pos: int) -> tuple[str, int]:
    r"""Read a double-quoted string starting at ``text[pos] == '"'``.

    ``\"`` and ``\\`` are escapes; any other backslash is kept literally.

    Returns:
        The unescaped content and the index just past the closing quote.

    Raises:
        PatternSyntaxError: The closing quote is missing (position of the opening quote).

    """
    out: list[str] = []
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
            out.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise PatternSyntaxError("unterminated quoted string", pos)


def read_regex(text: str, pos: int) -> tuple[str, int]:
    """Read a ``%regex%`` starting at ``text[pos] == '%'``; returns the body and the end index.

    Raises:
        PatternSyntaxError: The closing ``%`` is missing (position of the opening ``%``).

    """
    end = text.find("%", pos + 1)
    if end < 0:
        raise PatternSyntaxError("unterminated regular expression (missing closing '%')", pos)
    return text[pos + 1 : end], end + 1


OPERATOR_CHARS = frozenset("=!<>~")
"""Characters that make up a comparison operator (``=``, ``!=``, ``<=``, ...); ``~`` is lexed to reject ``=~``."""
