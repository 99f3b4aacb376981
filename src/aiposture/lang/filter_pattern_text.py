"""Non-JSON flavours of CloudWatch Logs filter patterns: space-delimited (A.8) and terms (A.7).

Space-delimited limits (documented in :mod:`aiposture.lang.filter_pattern`): a slot's conditions
are joined with ``&&`` / ``||`` (``&&`` binds tighter) without parentheses; message fields are
split on runs of spaces, with ``"..."`` and ``[...]`` fields taken whole (delimiters stripped);
without ``...`` the number of fields must equal the number of slots.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiposture.errors import PatternSyntaxError
from aiposture.lang.filter_pattern_common import (
    COMPARE_OPS,
    MAX_REGEXES,
    NUMERIC_LITERAL,
    OPERATOR_CHARS,
    RELATIONAL_OPS,
    WHITESPACE,
    Semantics,
    StarString,
    compare_numbers,
    compile_regex,
    read_quoted,
    read_regex,
    skip_ws,
    to_number,
)
from aiposture.lang.filter_pattern_json import Lit, NumLit, RxLit, StrLit

_FIELD_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


@dataclass(frozen=True)
class FieldCond:
    """``name op value`` inside one delimited slot."""

    op: str
    lit: Lit


@dataclass(frozen=True)
class Slot:
    """One delimited slot: ``...`` (``name`` is ``None``) or a named field with conditions.

    Attributes:
        name: Field name, or ``None`` for the ``...`` wildcard.
        conditions: Disjunction of conjunctions; empty means "any value".

    """

    name: str | None
    conditions: tuple[tuple[FieldCond, ...], ...] = ()

    def accepts(self, value: str, semantics: Semantics) -> bool:
        """Whether a message field satisfies this slot's conditions."""
        if not self.conditions:
            return True
        return any(
            all(_field_matches(value, c, semantics) for c in group) for group in self.conditions
        )


def _field_matches(value: str, cond: FieldCond, semantics: Semantics) -> bool:
    lit = cond.lit
    if isinstance(lit, NumLit):
        if not NUMERIC_LITERAL.fullmatch(value):
            return False
        number = to_number(value, semantics)
        return number is not None and compare_numbers(number, cond.op, lit.value)
    hit = (
        lit.star.matches(value) if isinstance(lit, StrLit) else lit.regex.search(value) is not None
    )
    return hit if cond.op == "=" else not hit


def parse_delimited(text: str, start: int, end: int, semantics: Semantics) -> tuple[Slot, ...]:
    """Parse ``text[start:end]``, which begins with ``[`` and ends with ``]``, into slots.

    Raises:
        PatternSyntaxError: Unbalanced quotes or regex delimiters, empty slots, bad conditions,
            more than two regexes.

    """
    inner_end = end - 1
    pieces: list[tuple[int, int]] = []
    i = piece_start = start + 1
    while i < inner_end:
        ch = text[i]
        if ch == '"':
            _, i = read_quoted(text[:inner_end], i)
        elif ch == "%":
            _, i = read_regex(text[:inner_end], i)
        elif ch == ",":
            pieces.append((piece_start, i))
            i += 1
            piece_start = i
        elif ch in "[]":
            raise PatternSyntaxError(f"unexpected '{ch}' inside a space-delimited pattern", i)
        else:
            i += 1
    pieces.append((piece_start, inner_end))
    if len(pieces) == 1 and not text[start + 1 : inner_end].strip(WHITESPACE):
        if semantics.strict:
            raise PatternSyntaxError("empty space-delimited pattern '[]'", start)
        return (Slot(None),)
    regexes = [0]
    return tuple(_parse_slot(text, a, b, semantics, regexes) for a, b in pieces)


def _parse_slot(text: str, a: int, b: int, semantics: Semantics, regexes: list[int]) -> Slot:
    pos = skip_ws(text, a)
    if pos >= b:
        raise PatternSyntaxError("empty field in a space-delimited pattern", pos)
    if text[pos:b].rstrip(WHITESPACE) == "...":
        return Slot(None)
    groups: list[tuple[FieldCond, ...]] = []
    current: list[FieldCond] = []
    slot_name: str | None = None
    while True:
        name_start = pos
        while pos < b and text[pos] in _FIELD_NAME:
            pos += 1
        name = text[name_start:pos]
        if not name:
            raise PatternSyntaxError("expected a field name", name_start)
        if slot_name is None:
            slot_name = name
        elif name != slot_name and semantics.strict:
            raise PatternSyntaxError("a condition must refer to its own field", name_start)
        pos = skip_ws(text, pos)
        if pos >= b:
            if current or groups:
                raise PatternSyntaxError("missing operator", pos)
            return Slot(slot_name)
        op_start = pos
        while pos < b and text[pos] in OPERATOR_CHARS:
            pos += 1
        op = text[op_start:pos]
        if op not in COMPARE_OPS:
            raise PatternSyntaxError(f"missing or unknown operator '{op}'", op_start)
        lit, pos = _field_value(text, pos, b, op, op_start, semantics, regexes)
        current.append(FieldCond(op, lit))
        pos = skip_ws(text, pos)
        if pos >= b:
            groups.append(tuple(current))
            return Slot(slot_name, tuple(groups))
        two = text[pos : pos + 2]
        if two == "||":
            groups.append(tuple(current))
            current = []
        elif two != "&&":
            raise PatternSyntaxError("expected ',', '&&', '||' or ']'", pos)
        pos = skip_ws(text, pos + 2)


def _field_value(
    text: str, pos: int, b: int, op: str, op_pos: int, semantics: Semantics, regexes: list[int]
) -> tuple[Lit, int]:
    pos = skip_ws(text, pos)
    if pos < b and text[pos] == '"':
        content, end = read_quoted(text[:b], pos)
        if op in RELATIONAL_OPS:
            raise PatternSyntaxError(f"operator '{op}' needs a numeric value", pos)
        return StrLit(StarString(content)), end
    if pos < b and text[pos] == "%":
        body, end = read_regex(text[:b], pos)
        if op not in ("=", "!="):
            raise PatternSyntaxError(
                "a regular expression can only be used with '=' or '!='", op_pos
            )
        regexes[0] += 1
        if regexes[0] > MAX_REGEXES:
            raise PatternSyntaxError(f"more than {MAX_REGEXES} regular expressions", pos)
        return RxLit(body, compile_regex(body, pos + 1, semantics)), end
    end = pos
    while end < b and text[end] not in WHITESPACE and text[end : end + 2] not in ("&&", "||"):
        end += 1
    token = text[pos:end]
    if not token:
        raise PatternSyntaxError("missing value after operator", pos)
    if NUMERIC_LITERAL.fullmatch(token):
        number = to_number(token, semantics)
        if number is not None:
            return NumLit(token, number), end
    if op in RELATIONAL_OPS:
        raise PatternSyntaxError(f"operator '{op}' needs a numeric value", pos)
    return StrLit(StarString(token)), end


def split_fields(message: str) -> list[str]:
    """Split a log message into space-delimited fields (quotes and brackets kept whole)."""
    fields: list[str] = []
    i, n = 0, len(message)
    while True:
        while i < n and message[i] == " ":
            i += 1
        if i >= n:
            return fields
        ch = message[i]
        if ch in '"[':
            close = message.find('"' if ch == '"' else "]", i + 1)
            if close >= 0:
                fields.append(message[i + 1 : close])
                i = close + 1
                continue
        end = message.find(" ", i)
        end = n if end < 0 else end
        fields.append(message[i:end])
        i = end


def match_delimited(slots: tuple[Slot, ...], message: str, semantics: Semantics) -> bool:
    """Positional match of slots against message fields; ``...`` absorbs any number of fields."""
    fields = split_fields(message)
    # reach[j]: the slots consumed so far can end exactly before field j.
    reach = [True] + [False] * len(fields)
    for slot in slots:
        nxt = [False] * (len(fields) + 1)
        if slot.name is None:
            seen = False
            for j in range(len(fields) + 1):
                seen = seen or reach[j]
                nxt[j] = seen
        else:
            for j, value in enumerate(fields):
                if reach[j] and slot.accepts(value, semantics):
                    nxt[j + 1] = True
        reach = nxt
        if not any(reach):
            return False
    return reach[-1]


@dataclass(frozen=True)
class Term:
    """One term of a term/phrase pattern: prefix ``""``, ``"?"`` or ``"-"`` and its text."""

    prefix: str
    text: str

    def present(self, message: str) -> bool:
        """Case-sensitive substring test; a blank quoted phrase is present in every event."""
        return not self.text.strip(" ") or self.text in message


def parse_terms(text: str, start: int, end: int) -> tuple[Term, ...]:
    """Split a term/phrase pattern on whitespace outside double quotes (A.7).

    Raises:
        PatternSyntaxError: A quoted phrase is not closed.

    """
    terms: list[Term] = []
    pos = start
    while True:
        pos = skip_ws(text[:end], pos)
        if pos >= end:
            return tuple(terms)
        prefix = ""
        if text[pos] in "?-" and pos + 1 < end and text[pos + 1] not in WHITESPACE:
            prefix = text[pos]
            pos += 1
        if text[pos] == '"':
            content, pos = read_quoted(text[:end], pos)
            terms.append(Term(prefix, content))
            continue
        token_end = pos
        while token_end < end and text[token_end] not in WHITESPACE:
            token_end += 1
        terms.append(Term(prefix, text[pos:token_end]))
        pos = token_end


def match_terms(terms: tuple[Term, ...], message: str) -> bool:
    """Evaluate terms: all-``?`` means any; otherwise plain terms all present, ``-`` none."""
    if all(t.prefix == "?" for t in terms):
        return any(t.present(message) for t in terms)
    return all(t.present(message) for t in terms if t.prefix == "") and not any(
        t.present(message) for t in terms if t.prefix == "-"
    )
