"""The OpenSearch SQL parser of saved Logs Insights queries: SELECT, FROM, JOIN, WHERE and the rest.

It records into a :class:`~aiposture.lang.logs_query_model.Query` what the query reads and
returns and its row filter; constructs it cannot evaluate (subqueries, functions, arithmetic,
CASE) become opaque and are listed as unsupported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aiposture.lang.logs_query_expressions import SQL_RESERVED, ExpressionParser
from aiposture.lang.logs_query_model import (
    BoolOp,
    Compare,
    Cond,
    Expr,
    FieldRef,
    Join,
    Source,
    cond_fields,
)

__all__ = ["SqlParser"]

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


class SqlParser(ExpressionParser):
    """Parses one OpenSearch SQL statement into a :class:`Query`: SELECT, FROM, JOIN, WHERE, ..."""

    def parse_query(self) -> None:
        """Parse a whole SELECT statement into the query."""
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
        """Parse the SELECT list: expressions, ``*`` and ``source.*`` items; record aliases."""
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
                elif self.cur.kind in ("ident", "quoted") and not self.cur.kw(*SQL_RESERVED):
                    self.aliases.add(self.name_token())
            if not self.op(","):
                return items
            self.next()

    def resolve_outputs(self, items: list[Expr | str]) -> None:
        """Record what the SELECT list returns, once the sources are known."""
        for item in items:
            if isinstance(item, str):
                self.q.star.append(None if item == "*" else self.q.source(item[:-2]))
            else:
                self.add_output(item)

    def from_item(self) -> Source:
        """Parse a log group (or a subquery) after FROM or JOIN, with its alias."""
        tok = self.cur
        if self.op("("):
            text = self.skip_balanced()
            self.q.unsupported.append(f"a subquery in FROM ({text[:60]}) is not evaluated")
            src = Source(text, None, ())
        elif tok.kind in ("quoted", "ident") and not tok.kw(*SQL_RESERVED):
            self.next()
            src = _source_from_quoted(tok.text, None)
        else:
            raise self.error("expected a log group after FROM")
        alias = None
        if self.cur.kw("AS"):
            self.next()
            alias = self.name_token()
        elif self.cur.kind in ("ident", "quoted") and not self.cur.kw(*SQL_RESERVED):
            alias = self.name_token()
        return Source(src.name, alias, src.log_groups)

    def join(self) -> None:
        """Parse a JOIN clause and record the join with its equality keys."""
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
        for ref in cond_fields(on) if on is not None else ():
            s = self.q.source_of(ref)
            if s is not None and s != right:
                left = s
                break
        keys: list[tuple[str, str]] = []
        for a, b in _equalities(on):
            sa, sb = self.q.source_of(a), self.q.source_of(b)
            if (sa, sb) == (left, right):
                keys.append((a.path, b.path))
            elif (sa, sb) == (right, left):
                keys.append((b.path, a.path))
        self.q.joins.append(Join(kind, left, right, tuple(keys), on))

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
            if toks[k].kind in ("ident", "quoted") and not toks[k].kw(*SQL_RESERVED):
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
