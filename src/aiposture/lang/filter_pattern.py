r"""Exact, offline CloudWatch Logs filter-pattern parser and evaluator.

Implements Part A of ``aws-config-languages.md``: flavour recognition (A.2), the JSON flavour's
grammar, static validation and semantics (A.3, A.4, A.6), term/phrase patterns (A.7),
space-delimited patterns (A.8) and standalone ``%regex%`` patterns. Every behaviour the docs
leave open (§7, Q1-Q11) is a flag of :class:`Semantics`.

Usage::

    pattern = parse('{ $.eventName = "ConsoleLogin" && $.errorMessage = * }')
    pattern.matches(message)          # never raises

Limits and choices:

* Pattern length is counted in characters (the API's 1024 limit); patterns are trimmed of ASCII
  whitespace before the flavour is recognised.
* Quoted strings: ``\"`` and ``\\`` are escapes; any other backslash is kept literally. The
  ``*`` wildcard rules apply to quoted strings too (``"*"`` means "any value").
* Regexes are validated against the documented character set and then run with Python's ``re``
  (``re.search``); Python-specific behaviour (``$`` before a final newline) is not emulated.
* Space-delimited: conditions in one slot join with ``&&`` / ``||`` without parentheses; message
  fields are split on runs of spaces, ``"..."`` and ``[...]`` fields are taken whole without their
  delimiters; without ``...`` the field count must equal the slot count; numeric literals compare
  numerically against fields that are numeric literals, otherwise they are false.
* Terms: case-sensitive substring tests; ``?`` / ``-`` prefixes per A.7; a blank quoted phrase
  matches every event. Unterminated quotes are syntax errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from aiposture.errors import PatternSyntaxError
from aiposture.lang.filter_pattern_common import (
    DEFAULT_SEMANTICS,
    MAX_PATTERN_LENGTH,
    WHITESPACE,
    Semantics,
    compile_regex,
)
from aiposture.lang.filter_pattern_json import parse_json_body
from aiposture.lang.filter_pattern_json_eval import evaluate, load_event
from aiposture.lang.filter_pattern_text import (
    match_delimited,
    match_terms,
    parse_delimited,
    parse_terms,
)

__all__ = [
    "DEFAULT_SEMANTICS",
    "MAX_PATTERN_LENGTH",
    "Flavour",
    "Pattern",
    "PatternSyntaxError",
    "Semantics",
    "classify",
    "matches",
    "parse",
]

Flavour = Literal["empty", "json", "delimited", "regex", "terms"]
"""The five pattern flavours of A.2."""


def _bounds(pattern: str) -> tuple[int, int]:
    start = len(pattern) - len(pattern.lstrip(WHITESPACE))
    end = len(pattern.rstrip(WHITESPACE))
    return start, max(start, end)


def classify(pattern: str) -> Flavour:
    """Recognise a pattern's flavour from its first character after trimming (A.2)."""
    start, end = _bounds(pattern)
    body = pattern[start:end]
    if not body:
        return "empty"
    if body[0] == "{":
        return "json"
    if body[0] == "[":
        return "delimited"
    if len(body) >= 2 and body[0] == "%" and body[-1] == "%" and "%" not in body[1:-1]:
        return "regex"
    return "terms"


@dataclass(frozen=True)
class Pattern:
    """A parsed, immutable filter pattern; build it with :func:`parse`.

    Attributes:
        flavour: Which of the five flavours the pattern is.
        text: The pattern exactly as given.
        semantics: The open-question choices it was parsed and is evaluated with.

    """

    flavour: Flavour
    text: str
    semantics: Semantics = DEFAULT_SEMANTICS
    _match: Callable[[str], bool] = field(repr=False, compare=False, default=bool)

    def matches(self, message: str) -> bool:
        """Whether a raw log message matches; never raises, whatever the message."""
        return self._match(message)


def _json_matcher(pattern: str, start: int, semantics: Semantics) -> Callable[[str], bool]:
    expr = parse_json_body(pattern, start, semantics)

    def match(message: str) -> bool:
        event = load_event(message, semantics)
        if event is None:
            return False
        return True if expr is None else evaluate(expr, event, semantics)

    return match


def _regex_matcher(regex: re.Pattern[str]) -> Callable[[str], bool]:
    def match(message: str) -> bool:
        return regex.search(message) is not None

    return match


def parse(pattern: str, semantics: Semantics = DEFAULT_SEMANTICS) -> Pattern:
    """Parse and validate a filter pattern.

    Args:
        pattern: The ``filterPattern`` text, as stored on a metric or subscription filter.
        semantics: Choices for the open questions; defaults per §7.

    Returns:
        The parsed pattern.

    Raises:
        PatternSyntaxError: Only for patterns AWS would reject (A.3.3, A.6, length over 1024),
            with the character position of the problem in ``pattern``.

    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternSyntaxError(
            f"pattern is longer than {MAX_PATTERN_LENGTH} characters", MAX_PATTERN_LENGTH
        )
    flavour = classify(pattern)
    start, end = _bounds(pattern)
    matcher: Callable[[str], bool]
    if flavour == "empty":
        matcher = _always
    elif flavour == "json":
        matcher = _json_matcher(pattern, start, semantics)
    elif flavour == "delimited":
        if pattern[end - 1] != "]" or end - start < 2:
            raise PatternSyntaxError("missing closing ']'", end)
        slots = parse_delimited(pattern, start, end, semantics)

        def matcher(message: str) -> bool:
            return match_delimited(slots, message, semantics)

    elif flavour == "regex":
        matcher = _regex_matcher(compile_regex(pattern[start + 1 : end - 1], start + 1, semantics))
    else:
        terms = parse_terms(pattern, start, end)

        def matcher(message: str) -> bool:
            return match_terms(terms, message)

    return Pattern(flavour, pattern, semantics, matcher)


def _always(message: str) -> bool:
    return True


def matches(pattern: str, message: str, semantics: Semantics = DEFAULT_SEMANTICS) -> bool:
    """Parse ``pattern`` and test one message; raises :class:`PatternSyntaxError` if invalid."""
    return parse(pattern, semantics).matches(message)
