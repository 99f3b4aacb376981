"""Hypothesis properties of the filter-pattern parser and evaluator."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aiposture.errors import PatternSyntaxError
from aiposture.lang.filter_pattern import Pattern, Semantics, parse

PATTERN_ALPHABET = st.sampled_from(
    [
        *list("{}[]()$.*'\"%&|=!<>~ \t\\,-_:@#/;^?+0123456789abcxyzISNOTULREXF"),
        "&&",
        "||",
        "IS ",
        "NOT EXISTS",
        "é",
    ]
)
PATTERNISH = st.lists(PATTERN_ALPHABET, max_size=40).map("".join)
JSON_PREFIXED = PATTERNISH.map(lambda s: "{ $." + s)
DELIMITED_PREFIXED = PATTERNISH.map(lambda s: "[" + s)

CONDITIONS = [
    "$.a = 1",
    "$.a != 1",
    "$.a > 0",
    "$.a <= 2",
    '$.b = "x"',
    "$.b = x*",
    "$.b != *y",
    "$.b = %^x%",
    "$.c[*] = 1",
    "$.c[0] != 2",
    "$.d.e = *",
    "$.d.* = %1%",
    "$.f IS NULL",
    "$.f IS TRUE",
    "$.f IS FALSE",
    "$.g NOT EXISTS",
    "$.a NOT EXISTS",
]

EVENTS = [
    "{}",
    '{"a":1,"b":"x","c":[1,2],"d":{"e":"v"},"f":null}',
    '{"a":2,"b":"xy","c":[2],"d":{"e":1},"f":true,"g":0}',
    '{"a":"1","b":"yx","c":[],"d":[],"f":false}',
    '{"a":0.5,"b":"","c":[1,1],"d":{"e":null,"k":"1"},"g":{"h":1}}',
    '{"a":[1],"b":["x"],"c":{"0":1},"d":"e","f":"null"}',
    "not json",
    "[1,2]",
]

SEMANTICS = st.builds(
    Semantics,
    strict=st.booleans(),
    numeric_literal_matches_numeric_string=st.booleans(),
    string_literal_compares_number_source_text=st.booleans(),
    wildcard_not_equal_any=st.booleans(),
    star_matches_non_values=st.booleans(),
    null_matches_missing=st.booleans(),
    parse_json_after_prefix=st.booleans(),
    duplicate_keys_last_wins=st.booleans(),
    decimal_numbers=st.booleans(),
)

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from([*list("abcdefg"), "cluster.name"]), children, max_size=4)
    ),
    max_leaves=12,
)
JSON_OBJECTS = st.dictionaries(st.sampled_from(list("abcdefg")), JSON_VALUES, max_size=6).map(
    json.dumps
)

POOL_PATTERNS = [
    *(f"{{ {c} }}" for c in CONDITIONS),
    "{ ($.a = 1 || $.b = x) && $.c[*] != 2 }",
    "{ $.* = %1% }",
    "",
    "ERROR -DEBUG",
    "?a ?b",
    '" "',
    "%^a|b$%",
    "[a, ..., b = 1* || b > 2]",
    "[..., c = %x%]",
]

MESSAGES = st.text(max_size=60) | JSON_OBJECTS | st.sampled_from(EVENTS)


def _parse_or_error(text: str, semantics: Semantics) -> Pattern | None:
    try:
        return parse(text, semantics)
    except PatternSyntaxError as exc:
        assert exc.position is None or 0 <= exc.position <= len(text)
        return None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60) | PATTERNISH | JSON_PREFIXED | DELIMITED_PREFIXED, SEMANTICS)
def test_parse_raises_only_pattern_syntax_error(text: str, semantics: Semantics) -> None:
    pattern = _parse_or_error(text, semantics)
    if pattern is not None:
        for event in EVENTS:
            assert isinstance(pattern.matches(event), bool)


@settings(max_examples=100, deadline=None)
@given(PATTERNISH.map(lambda s: "{ $.a = 1 && (" + s + ") }"), SEMANTICS)
def test_parse_nested_garbage_raises_only_pattern_syntax_error(
    text: str, semantics: Semantics
) -> None:
    _parse_or_error(text, semantics)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(POOL_PATTERNS), MESSAGES, SEMANTICS)
def test_matches_never_raises(pattern: str, message: str, semantics: Semantics) -> None:
    assert isinstance(parse(pattern, semantics).matches(message), bool)


def _m(body: str, event: str) -> bool:
    return parse("{ " + body + " }").matches(event)


condition = st.sampled_from(CONDITIONS)
event = st.sampled_from(EVENTS)


@settings(max_examples=150, deadline=None)
@given(condition, condition, event)
def test_parentheses_are_transparent(a: str, b: str, ev: str) -> None:
    assert _m(f"({a})", ev) == _m(a, ev)
    assert _m(f"(({a} && {b}))", ev) == _m(f"{a} && {b}", ev)


@settings(max_examples=150, deadline=None)
@given(condition, condition, event)
def test_and_or_commute(a: str, b: str, ev: str) -> None:
    assert _m(f"{a} && {b}", ev) == _m(f"{b} && {a}", ev)
    assert _m(f"{a} || {b}", ev) == _m(f"{b} || {a}", ev)
    assert _m(f"{a} && {b}", ev) == (_m(a, ev) and _m(b, ev))
    assert _m(f"{a} || {b}", ev) == (_m(a, ev) or _m(b, ev))


@settings(max_examples=200, deadline=None)
@given(condition, condition, condition, event)
def test_and_binds_tighter_than_or(a: str, b: str, c: str, ev: str) -> None:
    assume(sum("%" in x for x in (a, b, c)) <= 2)  # at most two regexes per pattern
    flat = _m(f"{a} && {b} || {c}", ev)
    assert flat == _m(f"({a} && {b}) || {c}", ev)
    assert flat == ((_m(a, ev) and _m(b, ev)) or _m(c, ev))
    assert _m(f"{c} || {a} && {b}", ev) == (_m(c, ev) or (_m(a, ev) and _m(b, ev)))


@settings(max_examples=100, deadline=None)
@given(condition, st.sampled_from(EVENTS[-2:]))
def test_non_object_messages_never_match_json_patterns(a: str, ev: str) -> None:
    assert not _m(a, ev)


@settings(max_examples=100, deadline=None)
@given(JSON_OBJECTS)
def test_not_exists_is_complement_of_existence(message: str) -> None:
    data: dict[str, Any] = json.loads(message)
    assert parse("{ $.a NOT EXISTS }").matches(message) == ("a" not in data)
    is_value = isinstance(data.get("a"), str | int | float) and not isinstance(data.get("a"), bool)
    assert parse("{ $.a = * }").matches(message) == is_value
