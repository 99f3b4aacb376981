"""Metric-math alarms: what the returned expression does to the metric a filter publishes.

An alarm on ``Metrics`` (a list of MetricDataQuery) evaluates the one query with
``ReturnData``. :func:`returned_forms` reduces that query, through the expressions it
references, to *linear forms* of the MetricStat queries: ``scale * m + offset``. A form is
**exact** when the returned series equals it, or a **lower bound** when the series is at
least that large (``MAX([m, other])``). Either way, when ``scale > 0`` the alarm's
``> T`` fires whenever ``m > (T - offset) / scale`` (:meth:`LinearForm.metric_threshold`),
which is how an alarm on ``e1 = m1 * 2`` with threshold 20 is judged as ``m1 > 10``.

Supported, per the CloudWatch metric-math reference
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html):
numbers, query ids, ``+ - * /`` with constants, unary minus, parentheses, ``FILL(x, c)``
(and ``FILL(x, REPEAT)``/``FILL(x, LINEAR)``), and ``SUM``/``MIN``/``AVG``/``AVERAGE`` of a
one-element array and ``MAX`` of an array (each element a lower bound). Anything else
(a product or quotient of two series, ``RATE``, ``SEARCH``, ``METRICS()``, Metrics Insights,
``IF``...) has an effect this module does not bound: :class:`MathForms` then carries the
reason and no form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

FillKind = Literal["constant", "repeat", "linear"]

_MAX_DEPTH = 20
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[-+*/(),\[\]]))"
)


@dataclass(frozen=True)
class LinearForm:
    """``scale * stat + offset``: the returned series in terms of one MetricStat query."""

    stat_id: str
    """The Id of the MetricStat query."""
    scale: Fraction
    offset: Fraction
    exact: bool = True
    """False when the returned series is only known to be at least this large."""
    fill: FillKind | None = None
    """How the series fills periods where the metric has no datapoint (``FILL``)."""
    fill_value: Fraction | None = None
    """The value ``FILL(x, c)`` puts in those periods (in the metric's own units)."""

    def value(self, metric: Fraction) -> Fraction:
        """The returned value (or its lower bound) when the metric is ``metric``."""
        return self.scale * metric + self.offset

    def metric_threshold(self, threshold: Fraction) -> Fraction:
        """The metric value at which the form reaches ``threshold`` (``scale`` must be non-zero)."""
        return (threshold - self.offset) / self.scale

    def describe(self) -> str:
        """The form as a short formula, for messages."""
        text = self.stat_id
        if self.scale != 1:
            text = f"{_num(self.scale)} * {text}"
        if self.offset > 0:
            text = f"{text} + {_num(self.offset)}"
        elif self.offset < 0:
            text = f"{text} - {_num(-self.offset)}"
        return text if self.exact else f"at least {text}"


@dataclass(frozen=True)
class MathForms:
    """The linear forms of an alarm's returned expression, or why there are none."""

    returned_id: str | None
    forms: list[LinearForm]
    problem: str | None = None


class _Unbounded(Exception):
    pass


@dataclass(frozen=True)
class _Value:
    """A partial result: a constant, or linear forms of MetricStat queries."""

    const: Fraction | None = None
    forms: tuple[LinearForm, ...] = ()

    @property
    def is_const(self) -> bool:
        return self.const is not None


def _num(value: Fraction) -> str:
    return str(int(value)) if value.denominator == 1 else str(float(value))


def returned_forms(queries: Sequence[Mapping[str, Any]]) -> MathForms:
    """The linear forms of the one query of ``queries`` that returns data."""
    by_id = {str(q.get("Id")): q for q in queries if q.get("Id")}
    returned = [q for q in queries if q.get("ReturnData", True) is not False]
    if len(returned) != 1:
        return MathForms(None, [], f"{len(returned)} queries return data (expected exactly 1)")
    top = returned[0]
    top_id = str(top.get("Id"))
    try:
        value = _query(top, by_id, 0)
    except _Unbounded as exc:
        return MathForms(top_id, [], str(exc))
    if value.is_const:
        return MathForms(top_id, [], "the returned expression is a constant: no metric moves it")
    forms = [f for f in value.forms if f.scale != 0]
    if not forms:
        return MathForms(top_id, [], "the returned expression does not depend on any metric")
    return MathForms(top_id, forms)


def _query(query: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]], depth: int) -> _Value:
    if depth > _MAX_DEPTH:
        raise _Unbounded("the expressions reference each other in a cycle")
    if query.get("MetricStat"):
        return _Value(forms=(LinearForm(str(query.get("Id")), Fraction(1), Fraction(0)),))
    text = query.get("Expression")
    if not isinstance(text, str) or not text.strip():
        raise _Unbounded(f"query {query.get('Id')} has neither MetricStat nor Expression")
    return _Parser(text, by_id, depth).parse()


class _Parser:
    """Recursive descent over one expression, resolving query ids as it goes."""

    def __init__(self, text: str, by_id: Mapping[str, Mapping[str, Any]], depth: int) -> None:
        self.text = text
        self.by_id = by_id
        self.depth = depth
        self.toks = self._tokenize(text)
        self.i = 0

    def _tokenize(self, text: str) -> list[str]:
        toks: list[str] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise _Unbounded(f"expression {text!r} has a construct that is not analysed")
            toks.append(m.group("num") or m.group("name") or m.group("punct"))
            pos = m.end()
        return toks

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise _Unbounded(f"expression {self.text!r} could not be read")
        self.i += 1
        return tok

    def parse(self) -> _Value:
        value = self.expr()
        if self.peek() is not None:
            raise _Unbounded(f"expression {self.text!r} could not be read")
        return value

    def expr(self) -> _Value:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            right = self.term()
            value = _add(value, right if op == "+" else _scale(right, Fraction(-1)))
        return value

    def term(self) -> _Value:
        value = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()
            right = self.unary()
            if op == "*":
                value = _multiply(value, right, self.text)
            else:
                if not right.is_const:
                    raise _Unbounded(
                        f"expression {self.text!r} divides by a metric, which is not linear"
                    )
                assert right.const is not None
                if right.const == 0:
                    raise _Unbounded(f"expression {self.text!r} divides by zero")
                value = _scale(value, 1 / right.const)
        return value

    def unary(self) -> _Value:
        if self.peek() == "-":
            self.take()
            return _scale(self.unary(), Fraction(-1))
        if self.peek() == "+":
            self.take()
            return self.unary()
        return self.primary()

    def primary(self) -> _Value:
        tok = self.take()
        if tok == "(":
            value = self.expr()
            self.take(")")
            return value
        if tok[0].isdigit() or tok[0] == ".":
            return _Value(const=Fraction(tok))
        if not (tok[0].isalpha() or tok[0] == "_"):
            raise _Unbounded(f"expression {self.text!r} could not be read")
        if self.peek() == "(":
            return self.function(tok.upper())
        if tok not in self.by_id:
            raise _Unbounded(f"expression references unknown query id {tok}")
        return _query(self.by_id[tok], self.by_id, self.depth + 1)

    def function(self, name: str) -> _Value:
        self.take("(")
        if name == "FILL":
            inner = self.expr()
            self.take(",")
            fill_tok = self.take()
            fill: FillKind
            fill_value: Fraction | None = None
            if fill_tok.upper() in ("REPEAT", "LINEAR"):
                fill = "repeat" if fill_tok.upper() == "REPEAT" else "linear"
            else:
                sign = Fraction(1)
                if fill_tok == "-":
                    sign, fill_tok = Fraction(-1), self.take()
                try:
                    fill_value = sign * Fraction(fill_tok)
                except ValueError as exc:
                    raise _Unbounded(f"FILL value {fill_tok!r} is not analysed") from exc
                fill = "constant"
            self.take(")")
            return _fill(inner, fill, fill_value, self.text)
        if name in ("SUM", "MIN", "MAX", "AVG", "AVERAGE"):
            self.take("[")
            items = [self.expr()]
            while self.peek() == ",":
                self.take()
                items.append(self.expr())
            self.take("]")
            self.take(")")
            if len(items) == 1:
                return items[0]
            if name != "MAX":
                raise _Unbounded(
                    f"{name} over {len(items)} series is not analysed (the other series may "
                    f"lower the result)"
                )
            forms = tuple(replace(f, exact=False) for item in items for f in item.forms)
            if not forms:
                raise _Unbounded(f"no element of MAX in {self.text!r} depends on a metric")
            return _Value(forms=forms)
        raise _Unbounded(
            f"function {name} in {self.text!r} is not analysed (its effect on the metric is not "
            f"bounded)"
        )


def _scale(value: _Value, factor: Fraction) -> _Value:
    if value.is_const:
        assert value.const is not None
        return _Value(const=value.const * factor)
    forms = []
    for f in value.forms:
        if not f.exact and factor < 0:
            raise _Unbounded("a negated lower bound (MAX of several series) is not analysed")
        forms.append(replace(f, scale=f.scale * factor, offset=f.offset * factor))
    return _Value(forms=tuple(forms))


def _add(left: _Value, right: _Value) -> _Value:
    if left.is_const and right.is_const:
        assert left.const is not None and right.const is not None
        return _Value(const=left.const + right.const)
    if right.is_const or left.is_const:
        const, series = (right, left) if right.is_const else (left, right)
        assert const.const is not None
        return _Value(forms=tuple(replace(f, offset=f.offset + const.const) for f in series.forms))
    if len(left.forms) == 1 and len(right.forms) == 1:
        a, b = left.forms[0], right.forms[0]
        if a.stat_id == b.stat_id and a.exact and b.exact and a.fill == b.fill:
            return _Value(forms=(replace(a, scale=a.scale + b.scale, offset=a.offset + b.offset),))
    raise _Unbounded(
        "a sum or difference of two different series is not analysed (the other series may "
        "move the result either way)"
    )


def _multiply(left: _Value, right: _Value, text: str) -> _Value:
    if left.is_const:
        assert left.const is not None
        return _scale(right, left.const)
    if right.is_const:
        assert right.const is not None
        return _scale(left, right.const)
    raise _Unbounded(f"expression {text!r} multiplies two series, which is not linear")


def _fill(inner: _Value, kind: FillKind, value: Fraction | None, text: str) -> _Value:
    if inner.is_const:
        return inner
    forms = []
    for f in inner.forms:
        if f.fill is not None:
            forms.append(f)
            continue
        filled = None
        if value is not None:
            # FILL acts on the series before the outer arithmetic: express it in metric units.
            filled = (value - f.offset) / f.scale if f.scale != 0 else None
            if filled is None:
                raise _Unbounded(f"FILL in {text!r} fills a series that does not move")
        forms.append(replace(f, fill=kind, fill_value=filled))
    return _Value(forms=tuple(forms))
