"""JSON flavour of CloudWatch Logs filter patterns: the syntax tree and its parser (A.3).

:mod:`~aiposture.lang.filter_pattern_json_eval` evaluates the tree against events (A.4).

The parser is an iterative operator-precedence (shunting-yard) parser, so deeply parenthesised
patterns cannot exhaust the Python stack. Selectors are tuples of steps: ``str`` is a property
key, ``int`` an array index and ``None`` a wildcard (``.*`` or ``[*]``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NoReturn

from aiposture.errors import PatternSyntaxError
from aiposture.lang.filter_pattern_common import (
    COMPARE_OPS,
    MAX_REGEXES,
    NUMERIC_LITERAL,
    OPERATOR_CHARS,
    RELATIONAL_OPS,
    WHITESPACE,
    Number,
    Semantics,
    StarString,
    compile_regex,
    read_quoted,
    read_regex,
    skip_ws,
    to_number,
)

MAX_WILDCARDS_PER_SELECTOR = 1
"""Wildcard selectors (``[*]`` / ``.*``) allowed inside one property selector (A.1)."""

MAX_WILDCARDS_PER_PATTERN = 3
"""Wildcard selectors allowed in one pattern (A.1)."""

Step = str | int | None
"""One selector step: property key, array index, or wildcard (``None``)."""

Selector = tuple[Step, ...]
"""A parsed property selector, without the leading ``$``."""

_STRICT_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_LENIENT_NAME_STOP = frozenset(WHITESPACE + ".[]()=!<>~&|\"%{}'*")
_BARE_STOP = frozenset(WHITESPACE + '()"%{}')


@dataclass(frozen=True)
class NumLit:
    """A numeric literal, e.g. ``400`` or ``1e-3``; keeps its source text."""

    text: str
    value: Number


@dataclass(frozen=True)
class StrLit:
    """A string literal (quoted or bare) with the ``*`` wildcard rules."""

    star: StarString


@dataclass(frozen=True)
class RxLit:
    """A ``%regex%`` literal, compiled for unanchored search."""

    text: str
    regex: re.Pattern[str]


Lit = NumLit | StrLit | RxLit
"""Any comparison value."""


@dataclass(frozen=True)
class Cmp:
    """``selector op value``."""

    selector: Selector
    op: str
    lit: Lit


@dataclass(frozen=True)
class IsKw:
    """``selector IS NULL|TRUE|FALSE``."""

    selector: Selector
    keyword: Literal["NULL", "TRUE", "FALSE"]


@dataclass(frozen=True)
class NotExists:
    """``selector NOT EXISTS``."""

    selector: Selector


@dataclass(frozen=True)
class And:
    """Conjunction of two or more expressions."""

    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    """Disjunction of two or more expressions."""

    items: tuple[Expr, ...]


Expr = Cmp | IsKw | NotExists | And | Or
"""A parsed JSON-flavour expression."""


class _Parser:
    """Parses the body of a JSON pattern; positions refer to the whole pattern string."""

    def __init__(self, text: str, semantics: Semantics) -> None:
        self.text = text
        self.sem = semantics
        self.wildcards = 0
        self.regexes = 0

    def fail(self, message: str, pos: int) -> NoReturn:
        raise PatternSyntaxError(message, pos)

    # --- expression structure -------------------------------------------------------------
    def parse(self, start: int) -> tuple[Expr | None, int]:
        """Parse from just after ``{``; return the expression and the index after ``}``."""
        text = self.text
        pos = skip_ws(text, start)
        if pos < len(text) and text[pos] == "}":
            if self.sem.strict:
                self.fail("empty pattern body '{}'", pos)
            return None, pos + 1
        operands: list[Expr] = []
        ops: list[tuple[str, int]] = []

        def reduce() -> None:
            op, _ = ops.pop()
            right = operands.pop()
            left = operands.pop()
            operands.append(_combine(op, left, right))

        expect_operand = True
        while True:
            pos = skip_ws(text, pos)
            if expect_operand:
                if pos < len(text) and text[pos] == "(":
                    ops.append(("(", pos))
                    pos += 1
                    continue
                cond, pos = self.condition(pos)
                operands.append(cond)
                expect_operand = False
                continue
            if pos >= len(text):
                self.fail("missing closing '}'", pos)
            ch = text[pos]
            two = text[pos : pos + 2]
            if two == "&&":
                while ops and ops[-1][0] == "&&":
                    reduce()
                ops.append(("&&", pos))
                pos += 2
                expect_operand = True
            elif two == "||":
                while ops and ops[-1][0] in ("&&", "||"):
                    reduce()
                ops.append(("||", pos))
                pos += 2
                expect_operand = True
            elif ch == ")":
                while ops and ops[-1][0] != "(":
                    reduce()
                if not ops:
                    self.fail("unbalanced ')'", pos)
                ops.pop()
                pos += 1
            elif ch == "}":
                while ops:
                    if ops[-1][0] == "(":
                        self.fail("unbalanced '('", ops[-1][1])
                    reduce()
                return operands[0], pos + 1
            else:
                self.fail("expected '&&', '||', ')' or '}'", pos)

    # --- one condition --------------------------------------------------------------------
    def condition(self, pos: int) -> tuple[Expr, int]:
        text = self.text
        if pos >= len(text):
            self.fail("missing closing '}'", pos)
        if text[pos] != "$":
            if text[pos] in ")}":
                self.fail("expected a condition", pos)
            self.fail("expected a property selector starting with '$.'", pos)
        selector, pos = self.selector(pos)
        after_selector = pos
        pos = skip_ws(text, pos)
        if pos < len(text) and text[pos] in OPERATOR_CHARS:
            op_start = pos
            while pos < len(text) and text[pos] in OPERATOR_CHARS:
                pos += 1
            op = text[op_start:pos]
            if op not in COMPARE_OPS:
                self.fail(f"unknown operator '{op}'", op_start)
            lit, pos = self.value(pos, op, op_start)
            return Cmp(selector, op, lit), pos
        word, word_pos, pos = self.word(pos)
        if not word:
            self.fail("missing or unknown operator", word_pos)
        if word_pos == after_selector:
            self.fail("expected whitespace before keyword", word_pos)
        if word == "IS":
            second, second_pos, end = self.word(pos)
            if second_pos == pos:
                self.fail("expected NULL, TRUE or FALSE after IS", second_pos)
            if second == "NOT":
                self.fail("'IS NOT' is not supported; use '!=' or 'NOT EXISTS'", second_pos)
            if second == "NULL":
                return IsKw(selector, "NULL"), end
            if second == "TRUE":
                return IsKw(selector, "TRUE"), end
            if second == "FALSE":
                return IsKw(selector, "FALSE"), end
            self.fail("expected NULL, TRUE or FALSE after IS", second_pos)
        if word == "NOT":
            second, second_pos, end = self.word(pos)
            if second != "EXISTS" or second_pos == pos:
                self.fail("expected EXISTS after NOT", second_pos)
            return NotExists(selector), end
        if word == "EXISTS":
            self.fail("'EXISTS' on its own is not supported; use '= *' or 'NOT EXISTS'", word_pos)
        self.fail("missing or unknown operator", word_pos)

    def word(self, pos: int) -> tuple[str, int, int]:
        """Read a keyword after optional whitespace: (normalised word, start, end)."""
        text = self.text
        start = skip_ws(text, pos)
        end = start
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        word = text[start:end]
        if not self.sem.strict:
            word = word.upper()
        return word, start, end

    def value(self, pos: int, op: str, op_pos: int) -> tuple[Lit, int]:
        text = self.text
        pos = skip_ws(text, pos)
        if pos < len(text) and text[pos] == '"':
            content, end = read_quoted(text, pos)
            if op in RELATIONAL_OPS:
                self.fail(f"operator '{op}' needs a numeric value", pos)
            return StrLit(StarString(content)), end
        if pos < len(text) and text[pos] == "%":
            body, end = read_regex(text, pos)
            if op not in ("=", "!="):
                self.fail(
                    f"a regular expression can only be used with '=' or '!=', not '{op}'", op_pos
                )
            self.regexes += 1
            if self.regexes > MAX_REGEXES:
                self.fail(f"more than {MAX_REGEXES} regular expressions in one pattern", pos)
            return RxLit(body, compile_regex(body, pos + 1, self.sem)), end
        end = pos
        while (
            end < len(text)
            and text[end] not in _BARE_STOP
            and text[end : end + 2] not in ("&&", "||")
        ):
            end += 1
        token = text[pos:end]
        if not token:
            self.fail("missing value after operator", pos)
        if NUMERIC_LITERAL.fullmatch(token):
            number = _literal_number(token, self.sem)
            if number is not None:
                return NumLit(token, number), end
        if op in RELATIONAL_OPS:
            self.fail(f"operator '{op}' needs a numeric value", pos)
        return StrLit(StarString(token)), end

    # --- selectors ------------------------------------------------------------------------
    def selector(self, pos: int) -> tuple[Selector, int]:
        text = self.text
        n = len(text)
        i = pos + 1
        steps: list[Step] = []
        wild_here = 0
        while i < n:
            ch = text[i]
            if ch == ".":
                nxt = text[i + 1] if i + 1 < n else ""
                if nxt == "*":
                    wild_here = self.count_wildcard(i, wild_here)
                    steps.append(None)
                    i += 2
                elif nxt == "[":
                    if self.sem.strict and text[i + 2 : i + 3] != "'":
                        self.fail("expected a quoted key after '.['", i + 1)
                    step, i = self.bracket(i + 1)
                    if step is None:
                        wild_here = self.count_wildcard(i - 3, wild_here)
                    steps.append(step)
                else:
                    name, i = self.name(i + 1)
                    steps.append(name)
            elif ch == "[":
                if not steps and self.sem.strict:
                    self.fail("a selector must start with '$.'", i)
                step, i = self.bracket(i)
                if step is None:
                    wild_here = self.count_wildcard(i - 3, wild_here)
                steps.append(step)
            else:
                break
        if not steps and self.sem.strict:
            self.fail("a selector must start with '$.'", pos + 1)
        return tuple(steps), i

    def count_wildcard(self, pos: int, wild_here: int) -> int:
        wild_here += 1
        self.wildcards += 1
        if wild_here > MAX_WILDCARDS_PER_SELECTOR:
            self.fail("more than one wildcard selector in one property selector", pos)
        if self.wildcards > MAX_WILDCARDS_PER_PATTERN:
            self.fail(
                f"more than {MAX_WILDCARDS_PER_PATTERN} wildcard selectors in one pattern", pos
            )
        return wild_here

    def name(self, pos: int) -> tuple[str, int]:
        text = self.text
        end = pos
        if self.sem.strict:
            while end < len(text) and text[end] in _STRICT_NAME:
                end += 1
        else:
            while end < len(text) and text[end] not in _LENIENT_NAME_STOP:
                end += 1
        if end == pos:
            self.fail("expected a property name", pos)
        return text[pos:end], end

    def bracket(self, pos: int) -> tuple[Step, int]:
        """Parse ``[n]``, ``[*]`` or ``['key']`` at ``text[pos] == '['``."""
        text = self.text
        if text.startswith("[*]", pos):
            return None, pos + 3
        if text.startswith("['", pos):
            close = text.find("'", pos + 2)
            if close < 0 or text[close + 1 : close + 2] != "]":
                self.fail('unterminated bracket key (expected "\']")', pos)
            return text[pos + 2 : close], close + 2
        end = pos + 1
        while end < len(text) and "0" <= text[end] <= "9":
            end += 1
        if end == pos + 1 or text[end : end + 1] != "]":
            self.fail("expected an array index, '*' or a quoted key inside '[...]'", pos)
        return int(text[pos + 1 : end]), end + 1


def _literal_number(token: str, semantics: Semantics) -> Number | None:
    return to_number(token, semantics)


def _combine(op: str, left: Expr, right: Expr) -> Expr:
    if op == "&&":
        lhs = left.items if isinstance(left, And) else (left,)
        return And((*lhs, right))
    lhs = left.items if isinstance(left, Or) else (left,)
    return Or((*lhs, right))


def parse_json_body(text: str, brace: int, semantics: Semantics) -> Expr | None:
    """Parse a JSON pattern whose ``{`` is at ``text[brace]``.

    Returns:
        The expression, or ``None`` for an empty body (lenient mode only).

    Raises:
        PatternSyntaxError: Any A.3.3 violation, with the character position.

    """
    parser = _Parser(text, semantics)
    expr, end = parser.parse(brace + 1)
    rest = skip_ws(text, end)
    if rest < len(text):
        raise PatternSyntaxError("text after the closing '}'", rest)
    return expr


def iter_conditions(expr: Expr) -> Sequence[Cmp | IsKw | NotExists]:
    """All leaf conditions of an expression, left to right."""
    out: list[Cmp | IsKw | NotExists] = []
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, And | Or):
            stack.extend(reversed(node.items))
        else:
            out.append(node)
    return out
