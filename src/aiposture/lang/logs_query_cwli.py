"""The CWLI parser of saved Logs Insights queries: fields, filter, stats, parse and the other commands.

Filter expressions reuse the SQL expression grammar
(:class:`~aiposture.lang.logs_query_expressions.ExpressionParser`); a query's log groups are the
definition's ``logGroupNames``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aiposture.lang.logs_query_expressions import ExpressionParser
from aiposture.lang.logs_query_model import (
    BoolOp,
    Compare,
    Cond,
    Expr,
    InList,
    Like,
    QuerySyntaxError,
    Source,
    Truthy,
)

__all__ = ["CwliParser"]

_CWLI_IGNORED = frozenset({"sort", "limit", "dedup", "unmask"})
_CWLI_UNEVALUATED = frozenset({"pattern", "diff", "anomaly", "unnest", "lookup", "filterindex"})


class CwliParser(ExpressionParser):
    """CWLI commands; filter expressions reuse the SQL expression grammar."""

    def parse_pipeline(self, log_groups: Sequence[str]) -> None:
        """Parse a whole CWLI query: commands separated by ``|``."""
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
        """Skip the rest of the current command."""
        while not (self.op("|") or self.cur.kind == "eof"):
            if self.op("("):
                self.skip_balanced()
            else:
                self.next()

    def cwli_items(self) -> list[Expr]:
        """Parse the comma-separated items of fields, display or stats, with AS names."""
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
        """Parse a ``parse`` command, recording the fields it makes."""
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
        """Parse one CWLI predicate: ``in [...]``, ``like``/``=~``, a comparison or a value."""
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
