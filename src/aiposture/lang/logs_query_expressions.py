"""The expression grammar saved Logs Insights queries share: SQL conditions and values.

:class:`ExpressionParser` reads conditions (AND/OR/NOT, comparisons, IN, LIKE, BETWEEN, IS) and
values (literals, fields, functions, arithmetic, CASE) into the model of
:mod:`~aiposture.lang.logs_query_model`; what it cannot evaluate becomes opaque. The SQL statement
parser (:mod:`~aiposture.lang.logs_query_sql`) and the CWLI command parser
(:mod:`~aiposture.lang.logs_query_cwli`) build on it.
"""

from __future__ import annotations

from aiposture.lang.logs_query_model import (
    BoolOp,
    Compare,
    Cond,
    Expr,
    FieldRef,
    InList,
    IsNull,
    Like,
    Literal_,
    Not,
    Opaque,
    Query,
    QuerySyntaxError,
    Truthy,
    expr_fields,
)
from aiposture.lang.logs_query_tokens import Token, TokenCursor

__all__ = ["SQL_RESERVED", "ExpressionParser"]

SQL_RESERVED = frozenset(
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
"""Words that end an expression or a name: they are never read as a field or an alias."""


class ExpressionParser(TokenCursor):
    """Parses conditions and values into a :class:`Query`'s model, recording what it reads."""

    def __init__(self, toks: list[Token], text: str, query: Query) -> None:
        """Read ``toks`` (of ``text``) into ``query``."""
        super().__init__(toks, text)
        self.q = query
        self.aliases: set[str] = set()
        self.qualifiers: set[str] = set()

    def name_token(self) -> str:
        """Consume a name (identifier, backticked or quoted) and return its text."""
        tok = self.cur
        if tok.kind not in ("ident", "quoted", "string"):
            raise self.error("expected a name")
        self.next()
        return tok.text

    def add_output(self, expr: Expr) -> None:
        """Record the fields an output expression reads (not the SELECT aliases)."""
        for ref in expr_fields(expr):
            if ref.qualifier is None and ref.path in self.aliases:
                continue
            src = self.q.source_of(ref)
            if ref.path == "@message":
                self.q.star.append(src)
            self.q.outputs.append((src, ref))

    def expr_list(self) -> list[Expr]:
        """Parse a comma-separated list of expressions."""
        out = [self.additive()]
        while self.op(","):
            self.next()
            out.append(self.additive())
        return out

    def condition(self) -> Cond:
        """Parse an OR of AND-conditions."""
        items = [self.and_cond()]
        while self.cur.kw("OR"):
            self.next()
            items.append(self.and_cond())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items))

    def and_cond(self) -> Cond:
        """Parse an AND of NOT-conditions."""
        items = [self.not_cond()]
        while self.cur.kw("AND"):
            self.next()
            items.append(self.not_cond())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def not_cond(self) -> Cond:
        """Parse an optionally negated predicate."""
        if self.cur.kw("NOT"):
            self.next()
            return Not(self.not_cond())
        return self.predicate()

    def predicate(self) -> Cond:
        """Parse one predicate: a comparison, IN, LIKE, BETWEEN, IS, EXISTS or a bare value."""
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
                return Truthy(Opaque("LIKE", tuple(expr_fields(left))))
            return Like(left, pat.value, "sql", negated)
        if tok.kw("RLIKE", "REGEXP"):
            self.next()
            pat = self.additive()
            if not isinstance(pat, Literal_) or not isinstance(pat.value, str):
                return Truthy(Opaque("RLIKE", tuple(expr_fields(left))))
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
        """Parse ``+``, ``-`` and ``||`` (not evaluated: an opaque expression)."""
        left = self.term()
        while self.op("+", "-", "||"):
            self.next()
            right = self.term()
            left = Opaque("arithmetic", (*expr_fields(left), *expr_fields(right)))
        return left

    def term(self) -> Expr:
        """Parse ``*``, ``/`` and ``%`` (not evaluated: an opaque expression)."""
        left = self.unary()
        while self.op("*", "/", "%"):
            self.next()
            right = self.unary()
            left = Opaque("arithmetic", (*expr_fields(left), *expr_fields(right)))
        return left

    def unary(self) -> Expr:
        """Parse a unary minus (folded into numeric literals)."""
        if self.op("-"):
            self.next()
            inner = self.unary()
            if isinstance(inner, Literal_) and isinstance(inner.value, int | float):
                return Literal_(-inner.value)
            return Opaque("negation", tuple(expr_fields(inner)))
        return self.primary()

    def primary(self) -> Expr:
        """Parse a literal, CASE, a parenthesised expression or subquery, a function or a field."""
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
        if tok.kind in ("ident", "quoted") and not tok.kw(*SQL_RESERVED):
            return self.field_ref()
        raise self.error("expected a field, a value or a function")

    def case(self) -> Expr:
        """Skip a CASE expression, keeping the fields it reads."""
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
            if tok.kind in ("ident", "quoted") and not tok.kw(*SQL_RESERVED):
                if self.peek().text == "(":
                    self.next()
                    continue
                fields.extend(expr_fields(self.field_ref()))
                continue
            self.next()
        return Opaque("CASE", tuple(fields))

    def function(self) -> Expr:
        """Parse a function call (opaque), keeping the fields its arguments read."""
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
        refs = tuple(r for a in args for r in expr_fields(a))
        return Opaque(f"{name}()", refs)

    def field_ref(self) -> FieldRef:
        """Parse a dotted field name, splitting off a source qualifier."""
        parts = [self.next().text]
        while self.op(".") and self.peek().kind in ("ident", "quoted", "number"):
            self.next()
            parts.append(self.next().text)
        if len(parts) > 1 and parts[0] in self.qualifiers:
            return FieldRef(".".join(parts[1:]), parts[0])
        return FieldRef(".".join(parts))
