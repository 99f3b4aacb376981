"""CloudWatch composite-alarm rules: whether a composite certainly goes to ALARM.

A composite alarm's ``AlarmRule`` (PutCompositeAlarm): ``ALARM(x)``, ``OK(x)``,
``INSUFFICIENT_DATA(x)`` with an alarm name or ARN, quoted or not; ``TRUE``, ``FALSE``;
``AND``, ``OR``, ``NOT`` and parentheses. :func:`parse_rule` parses it and
:func:`fires_when` decides whether the composite is *certainly* in ALARM when a given set of
alarms is in ALARM and every other alarm may be in any other state. AWS does not document
the precedence of ``AND`` over ``OR``; an expression that mixes them without parentheses is
evaluated under both readings (``NOT`` > ``AND`` > ``OR``, and left to right) and fires only
when both agree. Metric-math alarms are :mod:`aiposture.lang.metric_math`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from aiposture.errors import PatternSyntaxError

State = Literal["ALARM", "OK", "INSUFFICIENT_DATA"]
STATES: tuple[State, ...] = ("ALARM", "OK", "INSUFFICIENT_DATA")


# --- composite alarm rules ----------------------------------------------------------------


@dataclass(frozen=True)
class StateRef:
    """``ALARM(x)``, ``OK(x)`` or ``INSUFFICIENT_DATA(x)``: true when alarm ``x`` is in that state."""

    state: State
    alarm: str
    """The alarm's name or ARN, as written (quotes removed)."""


@dataclass(frozen=True)
class Const:
    """``TRUE`` or ``FALSE``."""

    value: bool


@dataclass(frozen=True)
class Not:
    """``NOT operand``."""

    operand: RuleExpr


@dataclass(frozen=True)
class BoolOp:
    """``AND`` or ``OR`` over two or more operands."""

    op: Literal["AND", "OR"]
    operands: tuple[RuleExpr, ...]


RuleExpr = StateRef | Const | Not | BoolOp
"""A parsed ``AlarmRule``."""


@dataclass(frozen=True)
class AlarmRule:
    """A parsed composite ``AlarmRule``: one tree per plausible reading of its precedence."""

    text: str
    readings: tuple[RuleExpr, ...]
    """The standard reading first; a left-to-right reading when AND and OR mix unbracketed."""

    @property
    def ambiguous(self) -> bool:
        """True when AND and OR are mixed without parentheses (AWS documents no precedence)."""
        return len(self.readings) > 1

    def references(self) -> list[str]:
        """Every alarm name or ARN the rule names, once, in order."""
        seen: dict[str, None] = {}
        for reading in self.readings[:1]:
            for ref in _refs(reading):
                seen.setdefault(ref.alarm, None)
        return list(seen)


_TOKEN = re.compile(r"\s*(?:(?P<punct>[()])|(?P<word>[A-Za-z_]+))")
_FUNCTIONS: dict[str, State] = {s: s for s in STATES}


@dataclass(frozen=True)
class _Tok:
    kind: Literal["(", ")", "WORD", "REF", "END"]
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i = 0
    n = len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            toks.append(_Tok("END", "", i))
            return toks
        m = _TOKEN.match(text, i)
        if m is None:
            raise PatternSyntaxError(f"unexpected character {text[i]!r} in alarm rule", i)
        start = m.start("punct") if m.group("punct") else m.start("word")
        if m.group("punct"):
            toks.append(_Tok(m.group("punct"), m.group("punct"), start))  # type: ignore[arg-type]
            i = m.end()
            continue
        word = m.group("word").upper()
        i = m.end()
        if word in _FUNCTIONS:
            toks.append(_Tok("WORD", word, start))
            ref, i = _read_ref(text, i, word)
            toks.append(_Tok("REF", ref, start))
            continue
        if word not in ("AND", "OR", "NOT", "TRUE", "FALSE"):
            raise PatternSyntaxError(f"unknown word {m.group('word')!r} in alarm rule", start)
        toks.append(_Tok("WORD", word, start))


def _read_ref(text: str, i: int, function: str) -> tuple[str, int]:
    """Read ``( name )`` or ``( "name" )`` after a state function; return (name, next index)."""
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    if i >= n or text[i] != "(":
        raise PatternSyntaxError(f"{function} must be followed by '('", i)
    i += 1
    while i < n and text[i].isspace():
        i += 1
    if i < n and text[i] == '"':
        end = text.find('"', i + 1)
        if end < 0:
            raise PatternSyntaxError("unterminated quoted alarm name", i)
        name = text[i + 1 : end]
        i = end + 1
        while i < n and text[i].isspace():
            i += 1
        if i >= n or text[i] != ")":
            raise PatternSyntaxError(f"expected ')' after the alarm name of {function}", i)
    else:
        end = text.find(")", i)
        if end < 0:
            raise PatternSyntaxError(f"unclosed {function}(", i)
        name = text[i:end].strip()
        if "(" in name or '"' in name:
            raise PatternSyntaxError(f"bad alarm name in {function}(...)", i)
        i = end
    if not name:
        raise PatternSyntaxError(f"{function}() names no alarm", i)
    return name, i + 1


class _Parser:
    """Recursive descent; ``flat`` gives AND and OR equal precedence, left to right."""

    def __init__(self, toks: list[_Tok], *, flat: bool) -> None:
        self.toks = toks
        self.i = 0
        self.flat = flat

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> RuleExpr:
        expr = self.flat_chain() if self.flat else self.or_expr()
        tok = self.peek()
        if tok.kind != "END":
            raise PatternSyntaxError(f"unexpected {tok.text or tok.kind!r} in alarm rule", tok.pos)
        return expr

    def _is(self, word: str) -> bool:
        tok = self.peek()
        return tok.kind == "WORD" and tok.text == word

    def flat_chain(self) -> RuleExpr:
        left = self.unary()
        while self._is("AND") or self._is("OR"):
            op: Literal["AND", "OR"] = "AND" if self.take().text == "AND" else "OR"
            left = BoolOp(op, (left, self.unary()))
        return left

    def or_expr(self) -> RuleExpr:
        parts = [self.and_expr()]
        while self._is("OR"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("OR", tuple(parts))

    def and_expr(self) -> RuleExpr:
        parts = [self.unary()]
        while self._is("AND"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else BoolOp("AND", tuple(parts))

    def unary(self) -> RuleExpr:
        if self._is("NOT"):
            self.take()
            return Not(self.unary())
        return self.atom()

    def atom(self) -> RuleExpr:
        tok = self.take()
        if tok.kind == "(":
            inner = self.flat_chain() if self.flat else self.or_expr()
            close = self.take()
            if close.kind != ")":
                raise PatternSyntaxError("expected ')' in alarm rule", close.pos)
            return inner
        if tok.kind == "WORD" and tok.text in ("TRUE", "FALSE"):
            return Const(tok.text == "TRUE")
        if tok.kind == "WORD" and tok.text in _FUNCTIONS:
            ref = self.take()
            return StateRef(_FUNCTIONS[tok.text], ref.text)
        what = "end of rule" if tok.kind == "END" else repr(tok.text)
        raise PatternSyntaxError(
            f"expected a state function, TRUE, FALSE or '(' at {what}", tok.pos
        )


def parse_rule(text: str) -> AlarmRule:
    """Parse a composite alarm's ``AlarmRule``; raise ``PatternSyntaxError`` when AWS would not."""
    toks = _tokenize(text)
    standard = _Parser(toks, flat=False)
    tree = standard.parse()
    if _detect_mixing(toks):
        flat = _Parser(toks, flat=True).parse()
        if flat != tree:
            return AlarmRule(text, (tree, flat))
    return AlarmRule(text, (tree,))


def _detect_mixing(toks: list[_Tok]) -> bool:
    """True when AND and OR appear at the same parenthesis depth."""
    depth = 0
    seen: dict[int, set[str]] = {}
    for tok in toks:
        if tok.kind == "(":
            depth += 1
        elif tok.kind == ")":
            seen.pop(depth, None)
            depth -= 1
        elif tok.kind == "WORD" and tok.text in ("AND", "OR"):
            ops = seen.setdefault(depth, set())
            ops.add(tok.text)
            if len(ops) > 1:
                return True
    return False


def _refs(expr: RuleExpr) -> Iterable[StateRef]:
    if isinstance(expr, StateRef):
        yield expr
    elif isinstance(expr, Not):
        yield from _refs(expr.operand)
    elif isinstance(expr, BoolOp):
        for operand in expr.operands:
            yield from _refs(operand)


def evaluate(expr: RuleExpr, states: Mapping[str, State]) -> bool:
    """The rule's value when each referenced alarm is in ``states[name]``."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, StateRef):
        return states[expr.alarm] == expr.state
    if isinstance(expr, Not):
        return not evaluate(expr.operand, states)
    values = (evaluate(o, states) for o in expr.operands)
    return all(values) if expr.op == "AND" else any(values)


MAX_ENUMERATION = 4096
"""Above this many state combinations, :func:`fires_when` uses three-valued logic."""


def fires_when(
    rule: AlarmRule,
    in_alarm: Callable[[str], bool],
    possible: Callable[[str], Iterable[State]],
) -> bool:
    """True when the rule is certainly true, in every reading, given the alarms' states.

    ``in_alarm(ref)`` says whether the named alarm is known to be in ALARM; for the others,
    ``possible(ref)`` gives the states they may be in. The rule fires only when it is true
    for every combination of those states (exactly, by enumeration when small; otherwise by
    three-valued logic, which may answer False for a rule that is in fact always true).
    """
    refs = rule.references()
    domains: dict[str, tuple[State, ...]] = {}
    for ref in refs:
        domains[ref] = ("ALARM",) if in_alarm(ref) else tuple(possible(ref))
        if not domains[ref]:
            domains[ref] = STATES
    size = 1
    for dom in domains.values():
        size *= len(dom)
    for reading in rule.readings:
        if size <= MAX_ENUMERATION:
            names = list(domains)
            for combo in itertools.product(*(domains[n] for n in names)):
                if not evaluate(reading, dict(zip(names, combo, strict=True))):
                    return False
        elif _kleene(reading, domains) is not True:
            return False
    return True


def _kleene(expr: RuleExpr, domains: Mapping[str, Sequence[State]]) -> bool | None:
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, StateRef):
        dom = domains[expr.alarm]
        hits = {s == expr.state for s in dom}
        return hits.pop() if len(hits) == 1 else None
    if isinstance(expr, Not):
        inner = _kleene(expr.operand, domains)
        return None if inner is None else not inner
    values = [_kleene(o, domains) for o in expr.operands]
    if expr.op == "AND":
        if False in values:
            return False
        return True if all(v is True for v in values) else None
    if True in values:
        return True
    return False if all(v is False for v in values) else None
