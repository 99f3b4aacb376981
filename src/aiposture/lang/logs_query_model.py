"""The model of a saved Logs Insights query and the evaluation of its row filter.

:mod:`aiposture.lang.logs_query` parses queries into these objects;
:meth:`Query.admits` evaluates the row filter on one CloudTrail record with SQL's
three-valued logic (``None`` when it holds a construct that cannot be evaluated).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, TypeAlias

from aiposture.errors import PatternSyntaxError

Language = Literal["SQL", "CWLI", "PPL"]
"""Logs ``QueryLanguage`` values (botocore ``logs`` service model)."""

LANGUAGES: tuple[Language, ...] = ("SQL", "CWLI", "PPL")


class QuerySyntaxError(PatternSyntaxError):
    """A saved query that cannot be parsed; ``position`` is the character offset."""


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Source:
    """A log group (or set of log groups) a query reads, under an optional alias."""

    name: str
    """The text naming it: a log group name or ARN, or ``logGroups(...)``."""
    alias: str | None = None
    log_groups: tuple[str, ...] = ()
    """The log group identifiers (names or ARNs) it reads; empty when unknown."""

    def label(self) -> str:
        """A short name for messages."""
        return f"{self.name} AS {self.alias}" if self.alias else self.name

    def reads_log_group(self, name: str, arn: str | None = None) -> bool:
        """True when this source reads the log group ``name`` (or its ``arn``)."""
        return any(same_log_group(ident, name, arn) for ident in self.log_groups)


def same_log_group(identifier: str, name: str, arn: str | None = None) -> bool:
    """True when a query's log group ``identifier`` (name or ARN) names ``name`` / ``arn``."""
    ident = identifier.strip().removesuffix(":*")
    if ident == name:
        return True
    if ident.startswith("arn:"):
        if arn is not None and ident == arn.removesuffix(":*"):
            return True
        return ident.split(":log-group:", 1)[-1] == name if ":log-group:" in ident else False
    return False


@dataclass(frozen=True)
class FieldRef:
    """A field of a source: ``qualifier`` is the alias or table name written before it."""

    path: str
    qualifier: str | None = None


@dataclass(frozen=True)
class Literal_:
    """A constant: string, number, boolean or ``None`` (NULL)."""

    value: str | int | float | bool | None


@dataclass(frozen=True)
class Opaque:
    """An expression this module does not evaluate (function, arithmetic, subquery)."""

    text: str
    fields: tuple[FieldRef, ...] = ()


Expr: TypeAlias = FieldRef | Literal_ | Opaque


@dataclass(frozen=True)
class Compare:
    """``left op right`` with op one of ``= != < <= > >=``."""

    left: Expr
    op: str
    right: Expr


@dataclass(frozen=True)
class InList:
    """``expr [NOT] IN (values)``."""

    expr: Expr
    values: tuple[Expr, ...]
    negated: bool = False


@dataclass(frozen=True)
class Like:
    """``expr [NOT] LIKE pattern``: ``kind`` is ``sql`` (% and _), ``text`` or ``regex``."""

    expr: Expr
    pattern: str
    kind: Literal["sql", "text", "regex"]
    negated: bool = False


@dataclass(frozen=True)
class IsNull:
    """``expr IS [NOT] NULL``."""

    expr: Expr
    negated: bool = False


@dataclass(frozen=True)
class BoolOp:
    """``AND`` / ``OR`` of conditions."""

    op: Literal["and", "or"]
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    """``NOT cond``."""

    item: Cond


@dataclass(frozen=True)
class Truthy:
    """A bare expression used as a condition (evaluated only for fields and literals)."""

    expr: Expr


Cond: TypeAlias = Compare | InList | Like | IsNull | BoolOp | Not | Truthy


@dataclass(frozen=True)
class Join:
    """A join between two sources, with the field pairs its ON clause equates."""

    kind: str
    """``INNER``, ``LEFT OUTER``, ``RIGHT OUTER``, ``FULL OUTER`` or ``CROSS``."""
    left: Source
    right: Source
    keys: tuple[tuple[str, str], ...] = ()
    """Field pairs (field of ``left``, field of ``right``) that the ON clause equates."""
    on: Cond | None = None

    def keys_between(self, a: Source, b: Source) -> list[tuple[str, str]]:
        """The key pairs as (field of ``a``, field of ``b``); empty when not joining a and b."""
        if (self.left, self.right) == (a, b):
            return list(self.keys)
        if (self.left, self.right) == (b, a):
            return [(y, x) for x, y in self.keys]
        return []

    def connects(self, a: Source, b: Source) -> bool:
        """True when this join is between ``a`` and ``b`` (either way round)."""
        return {self.left, self.right} == {a, b} and a != b


class _T(Enum):
    TRUE = "true"
    FALSE = "false"
    NULL = "null"
    CANNOT = "cannot"


@dataclass
class Query:
    """A parsed saved query."""

    language: Language
    text: str
    sources: list[Source] = field(default_factory=list)
    """The log groups read, in order (FROM first, then joined sources)."""
    joins: list[Join] = field(default_factory=list)
    where: Cond | None = None
    """The row filter (SQL WHERE; the ``filter`` commands of CWLI joined with AND)."""
    outputs: list[tuple[Source | None, FieldRef]] = field(default_factory=list)
    star: list[Source | None] = field(default_factory=list)
    """Sources whose every field is returned (``SELECT *``, ``x.*``, ``@message``)."""
    unsupported: list[str] = field(default_factory=list)
    """Constructs that make the row filter unevaluable (admits() is None)."""
    derived: set[str] = field(default_factory=set)
    """Fields the query creates (CWLI ``parse``, aliases): never CloudTrail fields."""

    @property
    def evaluated(self) -> bool:
        """False for PPL, which this module recognises but does not evaluate."""
        return self.language != "PPL"

    def source(self, name: str) -> Source | None:
        """The source whose alias (or name, when it has no alias) is ``name``."""
        for src in self.sources:
            if src.alias == name or (src.alias is None and src.name == name):
                return src
        for src in self.sources:
            if src.name == name:
                return src
        return None

    def source_of(self, ref: FieldRef) -> Source | None:
        """The source a field belongs to: its qualifier's, else the first (None with no source)."""
        if ref.qualifier is not None:
            return self.source(ref.qualifier)
        return self.sources[0] if self.sources else None

    def _owns(self, ref: FieldRef, source: Source) -> bool:
        if not self.sources:
            return True
        return self.source_of(ref) == source

    def reads_all(self, source: Source | None = None) -> bool:
        """True when the query returns every field of ``source`` (``SELECT *``, ``@message``)."""
        src = source or (self.sources[0] if self.sources else None)
        return any(s is None or s == src for s in self.star)

    def fields_read(self, source: Source | None = None) -> frozenset[str]:
        """The fields of ``source`` the query returns or groups by (SELECT, GROUP BY, stats).

        ``source`` defaults to the first source. See :meth:`reads_all` for ``SELECT *``.
        """
        src = source or (self.sources[0] if self.sources else None)
        return frozenset(ref.path for s, ref in self.outputs if s is None or s == src)

    def reads(self, path: str, source: Source | None = None) -> bool:
        """True when the query returns ``path`` of ``source`` (directly or through ``*``)."""
        return self.reads_all(source) or path in self.fields_read(source)

    def row_filter(self, source: Source | None = None) -> Cond | None:
        """The conditions that restrict the rows of ``source`` (other sources' dropped)."""
        src = source or (self.sources[0] if self.sources else None)
        parts: list[Cond] = []
        if self.where is not None:
            parts.append(self.where)
        for join in self.joins:
            if join.on is None:
                continue
            filters_right = join.right == src and join.kind in ("INNER", "LEFT OUTER", "CROSS")
            filters_left = join.left == src and join.kind in ("INNER", "RIGHT OUTER", "CROSS")
            if filters_right or filters_left:
                parts.append(join.on)
        restricted = [r for r in (self._restrict(p, src) for p in parts) if r is not None]
        if not restricted:
            return None
        return restricted[0] if len(restricted) == 1 else BoolOp("and", tuple(restricted))

    def _restrict(self, cond: Cond, src: Source | None) -> Cond | None:
        if isinstance(cond, BoolOp):
            items = [r for r in (self._restrict(c, src) for c in cond.items) if r is not None]
            if not items:
                return None
            return items[0] if len(items) == 1 else BoolOp(cond.op, tuple(items))
        if isinstance(cond, Not):
            inner = self._restrict(cond.item, src)
            return None if inner is None else Not(inner)
        refs = list(cond_fields(cond))
        if src is not None and any(not self._owns(r, src) for r in refs):
            return None
        return cond

    def admits(self, event: Mapping[str, Any], source: Source | None = None) -> bool | None:
        """Whether a CloudTrail ``event`` read from ``source`` passes the row filter.

        None when the filter cannot be evaluated (PPL, functions, arithmetic, subqueries,
        fields the query derives itself).
        """
        if not self.evaluated or self.unsupported:
            return None
        cond = self.row_filter(source)
        if cond is None:
            return True
        result = _eval(cond, event, self.derived)
        if result is _T.CANNOT:
            return None
        return result is _T.TRUE

    def why_unevaluable(self) -> str | None:
        """Why :meth:`admits` returns None, or None when the filter is evaluable."""
        if not self.evaluated:
            return "PPL queries are not evaluated"
        if self.unsupported:
            return "; ".join(self.unsupported)
        return None


# --------------------------------------------------------------------------- evaluation


def cond_fields(cond: Cond) -> Iterator[FieldRef]:
    """Every field a condition reads, left to right."""
    if isinstance(cond, BoolOp):
        for c in cond.items:
            yield from cond_fields(c)
    elif isinstance(cond, Not):
        yield from cond_fields(cond.item)
    elif isinstance(cond, Compare):
        yield from expr_fields(cond.left)
        yield from expr_fields(cond.right)
    elif isinstance(cond, InList):
        yield from expr_fields(cond.expr)
        for v in cond.values:
            yield from expr_fields(v)
    else:
        yield from expr_fields(cond.expr)


def expr_fields(expr: Expr) -> Iterator[FieldRef]:
    """Every field an expression reads (a field itself, or those an opaque expression names)."""
    if isinstance(expr, FieldRef):
        yield expr
    elif isinstance(expr, Opaque):
        yield from expr.fields


_MISSING = object()


def lookup(event: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of a CloudTrail record (``resources.0.type``).

    ``@message`` is the record as one JSON line. A missing field is ``None``.
    """
    if path == "@message":
        return json.dumps(event, separators=(",", ":"))
    value: Any = event
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.isdigit():
            idx = int(part)
            value = value[idx] if idx < len(value) else _MISSING
        else:
            value = _MISSING
        if value is _MISSING:
            return None
    return value


def _value(expr: Expr, event: Mapping[str, Any], derived: set[str]) -> Any:
    if isinstance(expr, Literal_):
        return expr.value
    if isinstance(expr, FieldRef):
        if expr.path in derived:
            return _MISSING
        return lookup(event, expr.path)
    return _MISSING


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(a: Any, op: str, b: Any) -> _T:
    if a is _MISSING or b is _MISSING:
        return _T.CANNOT
    if a is None or b is None:
        return _T.NULL
    if isinstance(a, Mapping | list) or isinstance(b, Mapping | list):
        return _T.FALSE
    x: Any
    y: Any
    if isinstance(a, bool) or isinstance(b, bool):
        x, y = str(a).lower(), str(b).lower()
    elif isinstance(a, str) and isinstance(b, str):
        x, y = a, b
    else:
        nx, ny = _number(a), _number(b)
        if nx is None or ny is None:
            x, y = str(a), str(b)
        else:
            x, y = nx, ny
    ok = {
        "=": x == y,
        "!=": x != y,
        "<": x < y,
        "<=": x <= y,
        ">": x > y,
        ">=": x >= y,
    }[op]
    return _T.TRUE if ok else _T.FALSE


def _not(t: _T) -> _T:
    return {_T.TRUE: _T.FALSE, _T.FALSE: _T.TRUE}.get(t, t)


def _all(ts: Sequence[_T]) -> _T:
    if _T.FALSE in ts:
        return _T.FALSE
    if _T.CANNOT in ts:
        return _T.CANNOT
    return _T.NULL if _T.NULL in ts else _T.TRUE


def _any(ts: Sequence[_T]) -> _T:
    if _T.TRUE in ts:
        return _T.TRUE
    if _T.CANNOT in ts:
        return _T.CANNOT
    return _T.NULL if _T.NULL in ts else _T.FALSE


def _sql_like(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _eval(cond: Cond, event: Mapping[str, Any], derived: set[str]) -> _T:
    if isinstance(cond, BoolOp):
        ts = [_eval(c, event, derived) for c in cond.items]
        return _all(ts) if cond.op == "and" else _any(ts)
    if isinstance(cond, Not):
        return _not(_eval(cond.item, event, derived))
    if isinstance(cond, Compare):
        return _compare(
            _value(cond.left, event, derived), cond.op, _value(cond.right, event, derived)
        )
    if isinstance(cond, InList):
        a = _value(cond.expr, event, derived)
        ts = [_compare(a, "=", _value(v, event, derived)) for v in cond.values]
        result = _any(ts)
        return _not(result) if cond.negated else result
    if isinstance(cond, IsNull):
        a = _value(cond.expr, event, derived)
        if a is _MISSING:
            return _T.CANNOT
        result = _T.TRUE if a is None else _T.FALSE
        return _not(result) if cond.negated else result
    if isinstance(cond, Like):
        a = _value(cond.expr, event, derived)
        if a is _MISSING:
            return _T.CANNOT
        if a is None:
            return _T.NULL
        text = a if isinstance(a, str) else json.dumps(a, separators=(",", ":"))
        if cond.kind == "sql":
            hit = _sql_like(cond.pattern).fullmatch(text) is not None
        elif cond.kind == "text":
            hit = cond.pattern in text
        else:
            try:
                hit = re.search(cond.pattern, text) is not None
            except re.error:
                return _T.CANNOT
        result = _T.TRUE if hit else _T.FALSE
        return _not(result) if cond.negated else result
    a = _value(cond.expr, event, derived)
    if a is _MISSING:
        return _T.CANNOT
    if a is None:
        return _T.NULL
    return _T.TRUE if bool(a) else _T.FALSE
