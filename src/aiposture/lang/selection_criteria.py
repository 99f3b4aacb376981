"""``fieldSelectionCriteria``: which log events a metric or subscription filter processes.

PutMetricFilter and PutSubscriptionFilter (botocore ``logs`` model, 1.44) take an optional
filter expression "that specifies which log events should be processed by this metric
filter based on system fields such as source account and source region", with "operators
like ``=``, ``!=``, ``AND``, ``OR``, ``IN``, ``NOT IN``", for example
``@aws.region = "us-east-1"`` or ``@aws.account IN ["123456789012", "987654321098"]``;
at most 2,000 characters. A log event the criteria reject never reaches the filter pattern.

:func:`parse_criteria` reads that language (plus ``NOT`` and parentheses, which compose the
documented operators); :func:`admits` evaluates it for given system-field values. Only the
two system fields AWS names are known: ``@aws.account`` and ``@aws.region``. An unknown
field makes the criteria unjudgeable (:class:`~aiposture.errors.PatternSyntaxError` from
:func:`parse_criteria`), never "admitted".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from aiposture.errors import PatternSyntaxError

SYSTEM_FIELDS = ("@aws.account", "@aws.region")
"""The system fields the API reference names for selection criteria."""

MAX_LENGTH = 2000

_TOKEN = re.compile(
    r'\s*(?:(?P<field>@[A-Za-z0-9_.]+)|(?P<string>"(?:[^"\\]|\\.)*")'
    r"|(?P<op>!=|=|\(|\)|\[|\]|,)|(?P<word>[A-Za-z]+))"
)


@dataclass(frozen=True)
class Compare:
    """``field = "v"`` / ``field != "v"`` / ``field IN [...]`` / ``field NOT IN [...]``."""

    field: str
    op: Literal["=", "!=", "IN", "NOT IN"]
    values: tuple[str, ...]


@dataclass(frozen=True)
class Logic:
    """``AND`` / ``OR`` over operands, or ``NOT`` over one."""

    op: Literal["AND", "OR", "NOT"]
    operands: tuple[Criteria, ...]


Criteria = Compare | Logic


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise PatternSyntaxError(
                f"unexpected character {text[pos]!r} in selection criteria", pos
            )
        kind = next(k for k in ("field", "string", "op", "word") if m.group(k) is not None)
        value = m.group(kind)
        out.append(_Tok(kind, value.upper() if kind == "word" else value, m.start(kind)))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self, kind: str | None = None, text: str | None = None) -> _Tok:
        tok = self.peek()
        if (kind and tok.kind != kind) or (text and tok.text != text):
            want = text or kind
            raise PatternSyntaxError(f"expected {want} in selection criteria", tok.pos)
        self.i += 1
        return tok

    def parse(self) -> Criteria:
        expr = self.disjunction()
        if self.peek().kind != "end":
            raise PatternSyntaxError("unexpected text in selection criteria", self.peek().pos)
        return expr

    def disjunction(self) -> Criteria:
        parts = [self.conjunction()]
        while self.peek().kind == "word" and self.peek().text == "OR":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Logic("OR", tuple(parts))

    def conjunction(self) -> Criteria:
        parts = [self.negation()]
        while self.peek().kind == "word" and self.peek().text == "AND":
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else Logic("AND", tuple(parts))

    def negation(self) -> Criteria:
        if self.peek().kind == "word" and self.peek().text == "NOT":
            self.take()
            return Logic("NOT", (self.negation(),))
        if self.peek().text == "(":
            self.take()
            inner = self.disjunction()
            self.take(text=")")
            return inner
        return self.comparison()

    def comparison(self) -> Criteria:
        field = self.take("field")
        if field.text not in SYSTEM_FIELDS:
            raise PatternSyntaxError(
                f"unknown system field {field.text} (known: {', '.join(SYSTEM_FIELDS)})", field.pos
            )
        tok = self.peek()
        if tok.text in ("=", "!="):
            self.take()
            value = self.take("string")
            return Compare(field.text, tok.text, (_unquote(value.text),))  # type: ignore[arg-type]
        negated = False
        if tok.kind == "word" and tok.text == "NOT":
            self.take()
            negated = True
        self.take("word", "IN")
        self.take(text="[")
        values = [_unquote(self.take("string").text)]
        while self.peek().text == ",":
            self.take()
            values.append(_unquote(self.take("string").text))
        self.take(text="]")
        return Compare(field.text, "NOT IN" if negated else "IN", tuple(values))


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def parse_criteria(text: str) -> Criteria:
    """Parse ``fieldSelectionCriteria``; raise PatternSyntaxError when it cannot be judged."""
    if len(text) > MAX_LENGTH:
        raise PatternSyntaxError(f"selection criteria longer than {MAX_LENGTH} characters", 0)
    return _Parser(text).parse()


def admits(criteria: Criteria, fields: Mapping[str, str]) -> bool:
    """Whether a log event with system-field values ``fields`` passes ``criteria``."""
    if isinstance(criteria, Compare):
        value = fields.get(criteria.field, "")
        if criteria.op == "=":
            return value == criteria.values[0]
        if criteria.op == "!=":
            return value != criteria.values[0]
        inside = value in criteria.values
        return inside if criteria.op == "IN" else not inside
    if criteria.op == "NOT":
        return not admits(criteria.operands[0], fields)
    results = (admits(c, fields) for c in criteria.operands)
    return all(results) if criteria.op == "AND" else any(results)
