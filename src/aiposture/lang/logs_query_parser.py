"""Parsers of saved Logs Insights queries: the tokenizer, OpenSearch SQL and CWLI."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from aiposture.lang.logs_query_model import (
    BoolOp,
    Compare,
    Cond,
    Expr,
    FieldRef,
    InList,
    IsNull,
    Join,
    Like,
    Literal_,
    Not,
    Opaque,
    Query,
    QuerySyntaxError,
    Source,
    Truthy,
    _cond_fields,
    _expr_fields,
)

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
