"""Saved CloudWatch Logs Insights queries: what they read and which rows they admit.

A saved query (Logs ``DescribeQueryDefinitions``) is judged by what it does, never by its
name. :func:`parse` reads the two languages users save for the guide's queries:

* ``SQL``: the OpenSearch SQL subset CloudWatch Logs Insights runs: a SELECT list (aliases,
  backticked dotted fields, ``*``, ``COUNT(*)`` and other functions), ``FROM`` a log group
  (backticked name or ARN, or ``logGroups(logGroupIdentifier: [...])``) with an optional
  alias, ``[INNER | LEFT [OUTER]] JOIN ... ON ...``, ``WHERE`` with AND/OR/NOT, comparisons,
  ``[NOT] IN (...)``, ``[NOT] LIKE``, ``IS [NOT] NULL``, then GROUP BY, HAVING, ORDER BY
  and LIMIT.
* ``CWLI``: the Logs Insights query language: ``fields``, ``display``, ``filter`` (``=``,
  ``!=``, ``<``, ``>``, ``in [...]``, ``not in``, ``like /regex/`` or ``"text"``, ``=~``,
  ``and``/``or``/``not``), ``stats ... by ...``, ``sort``, ``limit``, ``dedup`` and ``parse``.
  Its log groups are the definition's ``logGroupNames``.

``PPL`` is recognised but not evaluated: its queries never satisfy a requirement.

:meth:`Query.admits` evaluates the row filter on one CloudTrail record with SQL's
three-valued logic. It returns ``None`` when the filter holds a construct this module cannot
evaluate (a function, arithmetic, a subquery, a field made by ``parse``): such a query is
never counted as covering an event. Conditions on the other side of a join do not restrict
the rows admitted from a source; the joins themselves are recorded in :attr:`Query.joins`.
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

    def _resolve(self, ref: FieldRef) -> Source | None:
        if ref.qualifier is not None:
            return self.source(ref.qualifier)
        return self.sources[0] if self.sources else None

    def _owns(self, ref: FieldRef, source: Source) -> bool:
        if not self.sources:
            return True
        return self._resolve(ref) == source

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
        refs = list(_cond_fields(cond))
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


def _cond_fields(cond: Cond) -> Iterator[FieldRef]:
    if isinstance(cond, BoolOp):
        for c in cond.items:
            yield from _cond_fields(c)
    elif isinstance(cond, Not):
        yield from _cond_fields(cond.item)
    elif isinstance(cond, Compare):
        yield from _expr_fields(cond.left)
        yield from _expr_fields(cond.right)
    elif isinstance(cond, InList):
        yield from _expr_fields(cond.expr)
        for v in cond.values:
            yield from _expr_fields(v)
    else:
        yield from _expr_fields(cond.expr)


def _expr_fields(expr: Expr) -> Iterator[FieldRef]:
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


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Tok:
    kind: str  # ident, quoted (backtick), string, number, regex, op, eof
    text: str
    pos: int

    def kw(self, *words: str) -> bool:
        return self.kind == "ident" and self.text.upper() in words


_OPS = (
    "<=",
    ">=",
    "!=",
    "<>",
    "=~",
    "||",
    "==",
    "=",
    "<",
    ">",
    "(",
    ")",
    ",",
    ".",
    "*",
    "/",
    "+",
    "-",
    "%",
    "[",
    "]",
    ";",
    "|",
    ":",
)


def _tokenize(text: str, *, regex_ok: bool) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if text.startswith("--", i) or (ch == "#" and not regex_ok):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if ch == "`":
            j = text.find("`", i + 1)
            if j < 0:
                raise QuerySyntaxError("unterminated backtick", i)
            toks.append(_Tok("quoted", text[i + 1 : j], i))
            i = j + 1
            continue
        if ch in "'\"":
            buf, j = [], i + 1
            while True:
                if j >= n:
                    raise QuerySyntaxError("unterminated string", i)
                c = text[j]
                if c == "\\" and j + 1 < n:
                    buf.append(text[j + 1])
                    j += 2
                    continue
                if c == ch:
                    if j + 1 < n and text[j + 1] == ch and not regex_ok:
                        buf.append(ch)
                        j += 2
                        continue
                    break
                buf.append(c)
                j += 1
            toks.append(_Tok("string", "".join(buf), i))
            i = j + 1
            continue
        if ch == "/" and regex_ok and (not toks or toks[-1].kw("LIKE") or toks[-1].text == "=~"):
            j = i + 1
            while j < n and text[j] != "/":
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise QuerySyntaxError("unterminated regular expression", i)
            toks.append(_Tok("regex", text[i + 1 : j].replace("\\/", "/"), i))
            i = j + 1
            continue
        if "0" <= ch <= "9":
            m = re.compile(r"\d+(\.\d+)?([eE][+-]?\d+)?[A-Za-z]*").match(text, i)
            assert m is not None
            toks.append(_Tok("number", m.group(0), i))
            i = m.end()
            continue
        if ch.isascii() and (ch.isalpha() or ch in "_@$"):
            m = re.compile(r"[A-Za-z0-9_@$]+").match(text, i)
            assert m is not None
            toks.append(_Tok("ident", m.group(0), i))
            i = m.end()
            continue
        for op in _OPS:
            if text.startswith(op, i):
                toks.append(_Tok("op", op, i))
                i += len(op)
                break
        else:
            raise QuerySyntaxError(f"unexpected character {ch!r}", i)
    toks.append(_Tok("eof", "", n))
    return toks


class _Parser:
    def __init__(self, toks: list[_Tok], text: str) -> None:
        self.toks = toks
        self.i = 0
        self.text = text

    @property
    def cur(self) -> _Tok:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> _Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self) -> _Tok:
        tok = self.cur
        if tok.kind != "eof":
            self.i += 1
        return tok

    def error(self, what: str, tok: _Tok | None = None) -> QuerySyntaxError:
        tok = tok or self.cur
        found = "end of query" if tok.kind == "eof" else repr(tok.text)
        return QuerySyntaxError(f"{what}, found {found}", tok.pos)

    def op(self, *ops: str) -> bool:
        return self.cur.kind == "op" and self.cur.text in ops

    def expect_op(self, o: str) -> _Tok:
        if not self.op(o):
            raise self.error(f"expected {o!r}")
        return self.next()

    def expect_kw(self, *words: str) -> _Tok:
        if not self.cur.kw(*words):
            raise self.error(f"expected {' '.join(words)}")
        return self.next()

    def skip_balanced(self) -> str:
        """Skip a parenthesised group starting at '(' and return its text."""
        start = self.expect_op("(")
        depth = 1
        while depth:
            tok = self.next()
            if tok.kind == "eof":
                raise QuerySyntaxError("unbalanced parenthesis", start.pos)
            if tok.kind == "op" and tok.text == "(":
                depth += 1
            elif tok.kind == "op" and tok.text == ")":
                depth -= 1
        return self.text[start.pos : self.toks[self.i - 1].pos + 1]


# --------------------------------------------------------------------------- SQL

_SQL_RESERVED = frozenset(
    [
        "SELECT",
        "FROM",
        "WHERE",
        "GROUP",
        "BY",
        "HAVING",
        "ORDER",
        "LIMIT",
        "OFFSET",
        "JOIN",
        "INNER",
        "LEFT",
        "RIGHT",
        "FULL",
        "OUTER",
        "CROSS",
        "ON",
        "AND",
        "OR",
        "NOT",
        "IN",
        "LIKE",
        "IS",
        "NULL",
        "AS",
        "ASC",
        "DESC",
        "UNION",
        "BETWEEN",
        "CASE",
        "WHEN",
        "THEN",
        "ELSE",
        "END",
        "DISTINCT",
    ]
)

_LOG_GROUPS_FORM = re.compile(r"^\s*logGroups\s*\((?P<body>.*)\)\s*$", re.DOTALL | re.IGNORECASE)


def _source_from_quoted(text: str, alias: str | None) -> Source:
    m = _LOG_GROUPS_FORM.match(text)
    if m:
        names = tuple(re.findall(r"'([^']*)'|\"([^\"]*)\"", m.group("body")))
        idents = tuple(a or b for a, b in names)
        return Source(text, alias, idents)
    if text.strip().lower().startswith("filterindex("):
        return Source(text, alias, ())
    return Source(text, alias, (text,))


class _SqlParser(_Parser):
    def __init__(self, toks: list[_Tok], text: str, query: Query) -> None:
        super().__init__(toks, text)
        self.q = query
        self.aliases: set[str] = set()
        self.qualifiers: set[str] = set()

    # expressions ---------------------------------------------------------
    def parse_query(self) -> None:
        self.scan_qualifiers()
        self.expect_kw("SELECT")
        if self.cur.kw("DISTINCT", "ALL"):
            self.next()
        items = self.select_list()
        self.expect_kw("FROM")
        self.q.sources.append(self.from_item())
        while self.cur.kw("JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS"):
            self.join()
        if self.cur.kw("WHERE"):
            self.next()
            self.q.where = self.condition()
        self.resolve_outputs(items)
        if self.cur.kw("GROUP"):
            self.next()
            self.expect_kw("BY")
            for expr in self.expr_list():
                self.add_output(expr)
        if self.cur.kw("HAVING"):
            self.next()
            self.condition()
        if self.cur.kw("ORDER"):
            self.next()
            self.expect_kw("BY")
            while True:
                self.additive()
                if self.cur.kw("ASC", "DESC"):
                    self.next()
                if self.cur.kw("NULLS"):
                    self.next()
                    self.expect_kw("FIRST", "LAST")
                if not self.op(","):
                    break
                self.next()
        if self.cur.kw("LIMIT"):
            self.next()
            if self.cur.kind != "number":
                raise self.error("expected a number after LIMIT")
            self.next()
            if self.cur.kw("OFFSET"):
                self.next()
                if self.cur.kind != "number":
                    raise self.error("expected a number after OFFSET")
                self.next()
        if self.op(";"):
            self.next()
        if self.cur.kind != "eof":
            raise self.error("unexpected text after the query")

    def select_list(self) -> list[Expr | str]:
        items: list[Expr | str] = []
        while True:
            if self.op("*"):
                self.next()
                items.append("*")
            elif (
                self.cur.kind in ("ident", "quoted")
                and self.peek().text == "."
                and self.peek(2).text == "*"
            ):
                items.append(self.next().text + ".*")
                self.next()
                self.next()
            else:
                expr = self.additive()
                items.append(expr)
                if self.cur.kw("AS"):
                    self.next()
                    self.aliases.add(self.name_token())
                elif self.cur.kind in ("ident", "quoted") and not self.cur.kw(*_SQL_RESERVED):
                    self.aliases.add(self.name_token())
            if not self.op(","):
                return items
            self.next()

    def name_token(self) -> str:
        tok = self.cur
        if tok.kind not in ("ident", "quoted", "string"):
            raise self.error("expected a name")
        self.next()
        return tok.text

    def resolve_outputs(self, items: list[Expr | str]) -> None:
        for item in items:
            if isinstance(item, str):
                self.q.star.append(None if item == "*" else self.q.source(item[:-2]))
            else:
                self.add_output(item)

    def add_output(self, expr: Expr) -> None:
        for ref in _expr_fields(expr):
            if ref.qualifier is None and ref.path in self.aliases:
                continue
            src = self.q._resolve(ref)
            if ref.path == "@message":
                self.q.star.append(src)
            self.q.outputs.append((src, ref))

    def from_item(self) -> Source:
        tok = self.cur
        if self.op("("):
            text = self.skip_balanced()
            self.q.unsupported.append(f"a subquery in FROM ({text[:60]}) is not evaluated")
            src = Source(text, None, ())
        elif tok.kind in ("quoted", "ident") and not tok.kw(*_SQL_RESERVED):
            self.next()
            src = _source_from_quoted(tok.text, None)
        else:
            raise self.error("expected a log group after FROM")
        alias = None
        if self.cur.kw("AS"):
            self.next()
            alias = self.name_token()
        elif self.cur.kind in ("ident", "quoted") and not self.cur.kw(*_SQL_RESERVED):
            alias = self.name_token()
        return Source(src.name, alias, src.log_groups)

    def join(self) -> None:
        kind = "INNER"
        if self.cur.kw("LEFT", "RIGHT", "FULL"):
            kind = self.next().text.upper() + " OUTER"
            if self.cur.kw("OUTER"):
                self.next()
        elif self.cur.kw("INNER"):
            self.next()
        elif self.cur.kw("CROSS"):
            self.next()
            kind = "CROSS"
        self.expect_kw("JOIN")
        right = self.from_item()
        self.q.sources.append(right)
        on: Cond | None = None
        if self.cur.kw("ON"):
            self.next()
            on = self.condition()
        elif kind != "CROSS":
            raise self.error("expected ON after the joined log group")
        left = self.q.sources[0]
        for ref in _cond_fields(on) if on is not None else ():
            s = self.q._resolve(ref)
            if s is not None and s != right:
                left = s
                break
        keys: list[tuple[str, str]] = []
        for a, b in _equalities(on):
            sa, sb = self.q._resolve(a), self.q._resolve(b)
            if (sa, sb) == (left, right):
                keys.append((a.path, b.path))
            elif (sa, sb) == (right, left):
                keys.append((b.path, a.path))
        self.q.joins.append(Join(kind, left, right, tuple(keys), on))

    def expr_list(self) -> list[Expr]:
        out = [self.additive()]
        while self.op(","):
            self.next()
            out.append(self.additive())
        return out

    def condition(self) -> Cond:
        items = [self.and_cond()]
        while self.cur.kw("OR"):
            self.next()
            items.append(self.and_cond())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items))

    def and_cond(self) -> Cond:
        items = [self.not_cond()]
        while self.cur.kw("AND"):
            self.next()
            items.append(self.not_cond())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def not_cond(self) -> Cond:
        if self.cur.kw("NOT"):
            self.next()
            return Not(self.not_cond())
        return self.predicate()

    def predicate(self) -> Cond:
        if self.op("(") and self._paren_is_condition():
            self.next()
            cond = self.condition()
            self.expect_op(")")
            return cond
        if self.cur.kw("EXISTS"):
            self.next()
            text = self.skip_balanced()
            self.q.unsupported.append(f"EXISTS {text[:60]} is not evaluated")
            return Truthy(Opaque(text))
        left = self.additive()
        negated = False
        if self.cur.kw("NOT") and self.peek().kw("IN", "LIKE", "BETWEEN", "RLIKE", "REGEXP"):
            self.next()
            negated = True
        tok = self.cur
        if self.op("=", "==", "!=", "<>", "<", "<=", ">", ">="):
            op = {"<>": "!=", "==": "="}.get(tok.text, tok.text)
            self.next()
            return Compare(left, op, self.additive())
        if tok.kw("IN"):
            self.next()
            if self.peek().kw("SELECT"):
                text = self.skip_balanced()
                self.q.unsupported.append(f"IN {text[:60]} is not evaluated")
                return Truthy(Opaque(text))
            self.expect_op("(")
            values = self.expr_list()
            self.expect_op(")")
            return InList(left, tuple(values), negated)
        if tok.kw("LIKE"):
            self.next()
            pat = self.additive()
            if not isinstance(pat, Literal_) or not isinstance(pat.value, str):
                return Truthy(Opaque("LIKE", tuple(_expr_fields(left))))
            return Like(left, pat.value, "sql", negated)
        if tok.kw("RLIKE", "REGEXP"):
            self.next()
            pat = self.additive()
            if not isinstance(pat, Literal_) or not isinstance(pat.value, str):
                return Truthy(Opaque("RLIKE", tuple(_expr_fields(left))))
            return Like(left, pat.value, "regex", negated)
        if tok.kw("BETWEEN"):
            self.next()
            low = self.additive()
            self.expect_kw("AND")
            high = self.additive()
            between: Cond = BoolOp("and", (Compare(left, ">=", low), Compare(left, "<=", high)))
            return Not(between) if negated else between
        if tok.kw("IS"):
            self.next()
            neg = False
            if self.cur.kw("NOT"):
                self.next()
                neg = True
            if self.cur.kw("NULL"):
                self.next()
                return IsNull(left, neg)
            if self.cur.kw("TRUE", "FALSE"):
                val = self.next().text.upper() == "TRUE"
                c: Cond = Compare(left, "=", Literal_(val))
                return Not(c) if neg else c
            raise self.error("expected NULL after IS")
        return Truthy(left)

    def _paren_is_condition(self) -> bool:
        depth = 0
        j = self.i
        while True:
            tok = self.toks[j]
            if tok.kind == "eof":
                return True
            if tok.kind == "op" and tok.text == "(":
                depth += 1
            elif tok.kind == "op" and tok.text == ")":
                depth -= 1
                if depth == 0:
                    nxt = self.toks[j + 1]
                    return not (
                        nxt.kind == "op" and nxt.text in ("=", "!=", "<>", "<", ">", "<=", ">=")
                    ) and not nxt.kw("IN", "LIKE", "IS", "BETWEEN")
            elif (depth == 1 and tok.kw("AND", "OR", "NOT", "IN", "LIKE", "IS")) or (
                depth == 1 and tok.kind == "op" and tok.text in ("=", "!=", "<>", "<", ">")
            ):
                return True
            j += 1

    def additive(self) -> Expr:
        left = self.term()
        while self.op("+", "-", "||"):
            self.next()
            right = self.term()
            left = Opaque("arithmetic", (*_expr_fields(left), *_expr_fields(right)))
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self.op("*", "/", "%"):
            self.next()
            right = self.unary()
            left = Opaque("arithmetic", (*_expr_fields(left), *_expr_fields(right)))
        return left

    def unary(self) -> Expr:
        if self.op("-"):
            self.next()
            inner = self.unary()
            if isinstance(inner, Literal_) and isinstance(inner.value, int | float):
                return Literal_(-inner.value)
            return Opaque("negation", tuple(_expr_fields(inner)))
        return self.primary()

    def primary(self) -> Expr:
        tok = self.cur
        if tok.kind == "string":
            self.next()
            return Literal_(tok.text)
        if tok.kind == "number":
            self.next()
            try:
                num = float(tok.text)
            except ValueError:
                return Opaque(tok.text)
            return Literal_(int(num) if num.is_integer() and "." not in tok.text else num)
        if tok.kw("NULL"):
            self.next()
            return Literal_(None)
        if tok.kw("TRUE", "FALSE"):
            self.next()
            return Literal_(tok.text.upper() == "TRUE")
        if tok.kw("CASE"):
            return self.case()
        if self.op("("):
            if self.peek().kw("SELECT"):
                text = self.skip_balanced()
                self.q.unsupported.append(f"subquery {text[:60]} is not evaluated")
                return Opaque(text)
            self.next()
            inner = self.additive()
            self.expect_op(")")
            return inner
        if tok.kind == "ident" and self.peek().text == "(" and self.peek().kind == "op":
            return self.function()
        if tok.kind in ("ident", "quoted") and not tok.kw(*_SQL_RESERVED):
            return self.field_ref()
        raise self.error("expected a field, a value or a function")

    def case(self) -> Expr:
        start = self.next()
        depth = 1
        fields: list[FieldRef] = []
        while depth:
            tok = self.cur
            if tok.kind == "eof":
                raise QuerySyntaxError("CASE without END", start.pos)
            if tok.kw("CASE"):
                depth += 1
            elif tok.kw("END"):
                depth -= 1
            if tok.kind in ("ident", "quoted") and not tok.kw(*_SQL_RESERVED):
                if self.peek().text == "(":
                    self.next()
                    continue
                fields.extend(_expr_fields(self.field_ref()))
                continue
            self.next()
        return Opaque("CASE", tuple(fields))

    def function(self) -> Expr:
        name = self.next().text
        self.expect_op("(")
        args: list[Expr] = []
        if self.op("*"):
            self.next()
        elif not self.op(")"):
            if self.cur.kw("DISTINCT"):
                self.next()
            args = self.expr_list()
            if self.cur.kw("AS"):  # CAST(x AS type)
                self.next()
                self.name_token()
        self.expect_op(")")
        refs = tuple(r for a in args for r in _expr_fields(a))
        return Opaque(f"{name}()", refs)

    def field_ref(self) -> FieldRef:
        parts = [self.next().text]
        while self.op(".") and self.peek().kind in ("ident", "quoted", "number"):
            self.next()
            parts.append(self.next().text)
        if len(parts) > 1 and parts[0] in self.qualifiers:
            return FieldRef(".".join(parts[1:]), parts[0])
        return FieldRef(".".join(parts))

    def scan_qualifiers(self) -> None:
        """Collect the FROM / JOIN names and aliases before the SELECT list is read."""
        toks = self.toks
        for j, tok in enumerate(toks[:-1]):
            if not tok.kw("FROM", "JOIN") or toks[j + 1].kind not in ("ident", "quoted"):
                continue
            self.qualifiers.add(toks[j + 1].text)
            k = j + 2
            if toks[k].kw("AS"):
                k += 1
            if toks[k].kind in ("ident", "quoted") and not toks[k].kw(*_SQL_RESERVED):
                self.qualifiers.add(toks[k].text)


def _equalities(cond: Cond | None) -> Iterator[tuple[FieldRef, FieldRef]]:
    if cond is None:
        return
    if isinstance(cond, BoolOp) and cond.op == "and":
        for c in cond.items:
            yield from _equalities(c)
    elif (
        isinstance(cond, Compare)
        and cond.op == "="
        and isinstance(cond.left, FieldRef)
        and isinstance(cond.right, FieldRef)
    ):
        yield cond.left, cond.right


# --------------------------------------------------------------------------- CWLI

_CWLI_IGNORED = frozenset({"sort", "limit", "dedup", "unmask"})
_CWLI_UNEVALUATED = frozenset({"pattern", "diff", "anomaly", "unnest", "lookup", "filterindex"})


class _CwliParser(_SqlParser):
    """CWLI commands; filter expressions reuse the SQL expression grammar."""

    def parse_pipeline(self, log_groups: Sequence[str]) -> None:
        self.q.sources = [Source(g, None, (g,)) for g in log_groups]
        wheres: list[Cond] = []
        shown = False
        while self.cur.kind != "eof":
            if self.op("|"):
                self.next()
                continue
            tok = self.cur
            if tok.kind != "ident":
                raise self.error("expected a command")
            cmd = tok.text.lower()
            self.next()
            if cmd == "filter":
                wheres.append(self.condition())
            elif cmd in ("fields", "display"):
                shown = True
                for expr in self.cwli_items():
                    self.add_output(expr)
            elif cmd == "stats":
                shown = True
                for expr in self.cwli_items():
                    self.add_output(expr)
                if self.cur.kw("BY"):
                    self.next()
                    for expr in self.cwli_items():
                        self.add_output(expr)
            elif cmd == "parse":
                self.parse_command()
            elif cmd == "source":
                self.q.unsupported.append("the SOURCE command is not evaluated")
                self.skip_command()
            elif cmd in _CWLI_IGNORED:
                self.skip_command()
            elif cmd in _CWLI_UNEVALUATED:
                self.q.unsupported.append(f"the {cmd} command is not evaluated")
                self.skip_command()
            else:
                raise QuerySyntaxError(f"unknown command {tok.text!r}", tok.pos)
            if not (self.op("|") or self.cur.kind == "eof"):
                raise self.error("expected '|' between commands")
        if not shown:
            self.q.star.append(None)
        if wheres:
            self.q.where = wheres[0] if len(wheres) == 1 else BoolOp("and", tuple(wheres))

    def skip_command(self) -> None:
        while not (self.op("|") or self.cur.kind == "eof"):
            if self.op("("):
                self.skip_balanced()
            else:
                self.next()

    def cwli_items(self) -> list[Expr]:
        out: list[Expr] = []
        while True:
            expr = self.additive()
            out.append(expr)
            if self.cur.kw("AS"):
                self.next()
                name = self.name_token()
                self.aliases.add(name)
                self.q.derived.add(name)
            if not self.op(","):
                return out
            self.next()

    def parse_command(self) -> None:
        if self.cur.kind in ("ident", "quoted") and self.peek().kind in ("string", "regex"):
            self.field_ref()
        tok = self.next()
        if tok.kind == "regex":
            for name in re.findall(r"\?<([A-Za-z_][A-Za-z0-9_]*)>", tok.text):
                self.q.derived.add(name)
        elif tok.kind != "string":
            raise self.error("expected a pattern after parse", tok)
        if self.cur.kw("AS"):
            self.next()
            while True:
                self.q.derived.add(self.name_token())
                if not self.op(","):
                    break
                self.next()

    def predicate(self) -> Cond:
        if self.op("(") and self._paren_is_condition():
            return super().predicate()
        left_start = self.cur
        if self.cur.kind == "ident" and self.peek().text == "(" and self.peek().kind == "op":
            return super().predicate()
        left = self.additive()
        negated = False
        if self.cur.kw("NOT") and self.peek().kw("IN", "LIKE"):
            self.next()
            negated = True
        if self.cur.kw("IN"):
            self.next()
            close = "]" if self.op("[") else ")"
            if not self.op("[", "("):
                raise self.error("expected '[' after in")
            self.next()
            values = self.expr_list()
            self.expect_op(close)
            return InList(left, tuple(values), negated)
        if self.cur.kw("LIKE") or self.op("=~"):
            self.next()
            tok = self.next()
            if tok.kind == "regex":
                return Like(left, tok.text, "regex", negated)
            if tok.kind == "string":
                return Like(left, tok.text, "text", negated)
            raise self.error("expected /regex/ or a string", tok)
        if self.op("=", "==", "!=", "<>", "<", "<=", ">", ">="):
            op = {"<>": "!=", "==": "="}.get(self.cur.text, self.cur.text)
            self.next()
            return Compare(left, op, self.additive())
        if left_start.kind == "eof":
            raise self.error("expected a condition")
        return Truthy(left)


# --------------------------------------------------------------------------- entry point


def parse(query_string: str, language: str = "CWLI", log_group_names: Sequence[str] = ()) -> Query:
    """Parse a saved query of ``language`` (``SQL``, ``CWLI`` or ``PPL``).

    ``log_group_names`` is the definition's ``logGroupNames``: the sources of CWLI and PPL
    queries (SQL names its log groups in FROM and JOIN). Raises :class:`QuerySyntaxError`
    with the character position for malformed text. PPL is returned unparsed with
    ``evaluated`` False.
    """
    lang = (language or "CWLI").upper()
    if lang not in LANGUAGES:
        raise QuerySyntaxError(f"unknown query language {language!r}", 0)
    if lang == "PPL":
        return Query(
            "PPL",
            query_string,
            sources=[Source(g, None, (g,)) for g in log_group_names],
            unsupported=["PPL queries are not evaluated"],
        )
    if lang == "SQL":
        query = Query("SQL", query_string)
        toks = _tokenize(query_string, regex_ok=False)
        _SqlParser(toks, query_string, query).parse_query()
        return query
    query = Query("CWLI", query_string)
    toks = _tokenize(query_string, regex_ok=True)
    _CwliParser(toks, query_string, query).parse_pipeline(log_group_names)
    return query


def parse_definition(definition: Mapping[str, Any]) -> Query:
    """Parse one DescribeQueryDefinitions entry (``queryString``, ``queryLanguage``, ...)."""
    names = definition.get("logGroupNames") or []
    return parse(
        str(definition.get("queryString") or ""),
        str(definition.get("queryLanguage") or "CWLI"),
        [str(n) for n in names],
    )
