"""Tokens of saved Logs Insights queries, and the cursor the SQL and CWLI parsers walk them with."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiposture.lang.logs_query_model import QuerySyntaxError

__all__ = ["Token", "TokenCursor", "tokenize"]


@dataclass(frozen=True)
class Token:
    """One token: its kind, text and character position in the query."""

    kind: str  # ident, quoted (backtick), string, number, regex, op, eof
    text: str
    pos: int

    def kw(self, *words: str) -> bool:
        """True when the token is one of ``words`` as an identifier, case-insensitively."""
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


def tokenize(text: str, *, regex_ok: bool) -> list[Token]:
    """Split a query into tokens, ending with an ``eof`` token.

    ``regex_ok`` (CWLI) reads ``/.../`` after LIKE or ``=~`` as a regular expression and does not
    treat ``#`` as a comment. Raises :class:`QuerySyntaxError` for unterminated text.
    """
    toks: list[Token] = []
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
            toks.append(Token("quoted", text[i + 1 : j], i))
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
            toks.append(Token("string", "".join(buf), i))
            i = j + 1
            continue
        if ch == "/" and regex_ok and (not toks or toks[-1].kw("LIKE") or toks[-1].text == "=~"):
            j = i + 1
            while j < n and text[j] != "/":
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise QuerySyntaxError("unterminated regular expression", i)
            toks.append(Token("regex", text[i + 1 : j].replace("\\/", "/"), i))
            i = j + 1
            continue
        if "0" <= ch <= "9":
            m = re.compile(r"\d+(\.\d+)?([eE][+-]?\d+)?[A-Za-z]*").match(text, i)
            assert m is not None
            toks.append(Token("number", m.group(0), i))
            i = m.end()
            continue
        if ch.isascii() and (ch.isalpha() or ch in "_@$"):
            m = re.compile(r"[A-Za-z0-9_@$]+").match(text, i)
            assert m is not None
            toks.append(Token("ident", m.group(0), i))
            i = m.end()
            continue
        for op in _OPS:
            if text.startswith(op, i):
                toks.append(Token("op", op, i))
                i += len(op)
                break
        else:
            raise QuerySyntaxError(f"unexpected character {ch!r}", i)
    toks.append(Token("eof", "", n))
    return toks


class TokenCursor:
    """A position in a token list, with the helpers both parsers share."""

    def __init__(self, toks: list[Token], text: str) -> None:
        """Start at the first of ``toks``, the tokens of ``text``."""
        self.toks = toks
        self.i = 0
        self.text = text

    @property
    def cur(self) -> Token:
        """The token under the cursor."""
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        """The token ``k`` places ahead (the end token past the end)."""
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self) -> Token:
        """Return the current token and move past it (never past the end)."""
        tok = self.cur
        if tok.kind != "eof":
            self.i += 1
        return tok

    def error(self, what: str, tok: Token | None = None) -> QuerySyntaxError:
        """A syntax error saying what was expected and what was found instead."""
        tok = tok or self.cur
        found = "end of query" if tok.kind == "eof" else repr(tok.text)
        return QuerySyntaxError(f"{what}, found {found}", tok.pos)

    def op(self, *ops: str) -> bool:
        """True when the current token is one of the operators ``ops``."""
        return self.cur.kind == "op" and self.cur.text in ops

    def expect_op(self, o: str) -> Token:
        """Consume the operator ``o``, or raise a syntax error."""
        if not self.op(o):
            raise self.error(f"expected {o!r}")
        return self.next()

    def expect_kw(self, *words: str) -> Token:
        """Consume one of the keywords ``words``, or raise a syntax error."""
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
