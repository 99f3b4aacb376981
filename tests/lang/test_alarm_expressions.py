"""Composite-alarm rules (aiposture.lang.alarm_expressions)."""

from __future__ import annotations

import pytest

from aiposture.errors import PatternSyntaxError
from aiposture.lang.alarm_expressions import (
    BoolOp,
    Const,
    Not,
    StateRef,
    evaluate,
    fires_when,
    parse_rule,
)

OTHERS = ("OK", "INSUFFICIENT_DATA")


def fires(text: str, *in_alarm: str) -> bool:
    """Does the rule certainly fire when exactly ``in_alarm`` are in ALARM?"""
    return fires_when(parse_rule(text), lambda r: r in in_alarm, lambda r: OTHERS)


# --- parsing -------------------------------------------------------------------------------


def test_state_functions_with_quoted_and_bare_names_and_arns() -> None:
    arn = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:Bedrock Unauthorized"
    rule = parse_rule(f'ALARM("my alarm") OR OK(bare-name) OR INSUFFICIENT_DATA({arn})')
    assert rule.readings[0] == BoolOp(
        "OR",
        (
            StateRef("ALARM", "my alarm"),
            StateRef("OK", "bare-name"),
            StateRef("INSUFFICIENT_DATA", arn),
        ),
    )
    assert rule.references() == ["my alarm", "bare-name", arn]
    assert not rule.ambiguous


def test_not_binds_tighter_than_and_which_binds_tighter_than_or() -> None:
    rule = parse_rule("NOT ALARM(a) AND ALARM(b) OR TRUE")
    assert rule.readings[0] == BoolOp(
        "OR",
        (
            BoolOp("AND", (Not(StateRef("ALARM", "a")), StateRef("ALARM", "b"))),
            Const(True),
        ),
    )


def test_parentheses_group() -> None:
    rule = parse_rule("ALARM(a) AND (ALARM(b) OR FALSE)")
    assert rule.readings == (
        BoolOp(
            "AND", (StateRef("ALARM", "a"), BoolOp("OR", (StateRef("ALARM", "b"), Const(False))))
        ),
    )


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("ALARM(a) AND", 12),
        ("ALARM(a) ALARM(b)", 9),
        ("ALARM()", 6),
        ('ALARM("unterminated)', 6),
        ("ALARM a", 6),
        ("(ALARM(a)", 9),
        ("ALARM(a) XOR ALARM(b)", 9),
        ("", 0),
        ("ALARM(a) & ALARM(b)", 9),
    ],
)
def test_syntax_errors_carry_a_position(text: str, position: int) -> None:
    with pytest.raises(PatternSyntaxError) as info:
        parse_rule(text)
    assert info.value.position == position


def test_evaluate() -> None:
    rule = parse_rule("ALARM(a) AND NOT OK(b)").readings[0]
    assert evaluate(rule, {"a": "ALARM", "b": "INSUFFICIENT_DATA"})
    assert not evaluate(rule, {"a": "ALARM", "b": "OK"})
    assert not evaluate(rule, {"a": "OK", "b": "ALARM"})


# --- "does the composite fire when this alarm alone is in ALARM?" ----------------------


def test_or_fires_and_with_another_alarm_does_not() -> None:
    assert fires("ALARM(a) OR ALARM(b)", "a")
    assert not fires("ALARM(a) AND ALARM(b)", "a")
    assert fires("ALARM(a) AND ALARM(b)", "a", "b")


def test_not_alarm_of_another_alarm_holds_when_it_is_not_in_alarm() -> None:
    assert fires("ALARM(a) AND NOT ALARM(deploying)", "a")


def test_a_rule_that_depends_on_ok_versus_insufficient_data_is_not_certain() -> None:
    assert not fires("ALARM(a) AND OK(b)", "a")
    assert fires("ALARM(a) AND (OK(b) OR INSUFFICIENT_DATA(b))", "a")


def test_mixed_and_or_without_parentheses_must_fire_under_both_readings() -> None:
    # Standard: ALARM(a) OR (ALARM(b) AND ALARM(c)) fires; left to right: (a OR b) AND c does not.
    rule = parse_rule("ALARM(a) OR ALARM(b) AND ALARM(c)")
    assert rule.ambiguous
    assert not fires("ALARM(a) OR ALARM(b) AND ALARM(c)", "a")
    assert fires("(ALARM(a) OR ALARM(b)) AND NOT ALARM(c)", "a")
    assert fires("ALARM(b) AND ALARM(c) OR ALARM(a)", "a")  # both readings agree


def test_many_references_fall_back_to_three_valued_logic_soundly() -> None:
    many = " OR ".join(f"OK(x{i})" for i in range(20))
    assert fires(f"ALARM(a) OR ({many})", "a")
    assert not fires(f"ALARM(a) AND ({many})", "a")
