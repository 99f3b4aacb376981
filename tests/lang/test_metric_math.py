"""Metric-math alarms reduced to linear forms of a metric (aiposture.lang.metric_math)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from aiposture.lang.metric_math import returned_forms


def stat(qid: str, name: str = "BedrockUnauthorizedAccess", **extra: Any) -> dict[str, Any]:
    """A MetricStat query."""
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {"Namespace": "AIWorkloadMetrics", "MetricName": name},
            "Period": 300,
            "Stat": "Sum",
        },
        "ReturnData": False,
        **extra,
    }


def expr(qid: str, text: str) -> dict[str, Any]:
    """An expression query that returns data."""
    return {"Id": qid, "Expression": text, "ReturnData": True}


QUERIES = [stat("m1"), stat("m2", "Other"), {"Id": "e2", "Expression": "m1", "ReturnData": False}]


@pytest.mark.parametrize(
    ("text", "scale", "offset"),
    [
        ("m1", 1, 0),
        ("FILL(m1, 0)", 1, 0),
        ("SUM([m1])", 1, 0),
        ("fill(m1, REPEAT)", 1, 0),
        ("(m1)", 1, 0),
        ("FILL(e2, 0)", 1, 0),
        ("m1 * 2", 2, 0),
        ("2 * m1 - 4", 2, -4),
        ("(m1 + m1) / 4", Fraction(1, 2), 0),
        ("m1 - 100", 1, -100),
        ("-m1", -1, 0),
        ("1e1 * e2 + 0.5", 10, Fraction(1, 2)),
    ],
)
def test_linear_expressions_give_their_exact_form(text: str, scale: Any, offset: Any) -> None:
    found = returned_forms([*QUERIES, expr("e1", text)])
    assert found.problem is None
    form = next(f for f in found.forms if f.stat_id == "m1")
    assert (form.scale, form.offset, form.exact) == (Fraction(scale), Fraction(offset), True)


def test_a_threshold_on_the_expression_is_a_threshold_on_the_metric() -> None:
    form = returned_forms([stat("m1"), expr("e1", "m1 * 2")]).forms[0]
    assert form.metric_threshold(Fraction(20)) == 10
    assert form.describe() == "2 * m1"


def test_max_of_several_series_gives_lower_bounds() -> None:
    found = returned_forms([*QUERIES, expr("e1", "MAX([m1, m2])")])
    assert {(f.stat_id, f.exact) for f in found.forms} == {("m1", False), ("m2", False)}
    assert "at least" in found.forms[0].describe()


def test_fill_records_what_quiet_periods_hold_in_metric_units() -> None:
    form = returned_forms([stat("m1"), expr("e1", "FILL(m1 * 2, 6)")]).forms[0]
    assert (form.fill, form.fill_value) == ("constant", 3)
    assert form.value(Fraction(3)) == 6
    assert returned_forms([stat("m1"), expr("e1", "FILL(m1, REPEAT)")]).forms[0].fill == "repeat"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("m1 * 0", "does not depend on any metric"),
        ("m1 * m2", "multiplies two series"),
        ("m1 / m2", "divides by a metric"),
        ("SUM([m1, m2])", "SUM over 2 series"),
        ("m1 + m2", "two different series"),
        ("RATE(m1)", "function RATE"),
        ("SEARCH('{AIWorkloadMetrics} x', 'Sum', 300)", "not analysed"),
        ("m9", "unknown query id m9"),
        ("m1 / 0", "divides by zero"),
        ("-MAX([m1, m2])", "negated lower bound"),
        ("4", "constant"),
    ],
)
def test_expressions_whose_effect_cannot_be_bounded_say_why(text: str, reason: str) -> None:
    found = returned_forms([stat("m1"), stat("m2", "Other"), expr("e1", text)])
    assert found.forms == []
    assert reason in str(found.problem)


def test_a_returned_metric_stat_is_itself() -> None:
    found = returned_forms([{**stat("m1"), "ReturnData": True}])
    assert [f.stat_id for f in found.forms] == ["m1"]


def test_exactly_one_query_must_return_data() -> None:
    found = returned_forms([{**stat("m1"), "ReturnData": True}, expr("e1", "m1")])
    assert found.forms == []
    assert "2 queries return data" in str(found.problem)


def test_cycles_are_not_analysed() -> None:
    queries = [stat("m1"), {"Id": "e2", "Expression": "e1", "ReturnData": False}, expr("e1", "e2")]
    found = returned_forms(queries)
    assert found.forms == []
    assert "cycle" in str(found.problem)
