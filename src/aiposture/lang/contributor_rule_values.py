"""How a Contributor Insights rule reads a log event: leaf values, JSON selectors, CLF fields (D.3).

A JSON event's numbers keep their source text (:class:`EventNumber`); a selector that resolves to
nothing usable gives :data:`MISSING`. Only leaves (strings, numbers, booleans) are values; a
value's string form is what ``In`` / ``NotIn`` / ``StartsWith`` compare.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final, TypeAlias

__all__ = [
    "MISSING",
    "EventNumber",
    "Leaf",
    "Missing",
    "as_float",
    "json_path",
    "leaf",
    "load_event",
    "operand_text",
    "reject_constant",
    "resolve",
    "split_clf",
    "string_form",
]

_SEGMENT = re.compile(r"\.([^.\[\]\s]+)|\[(\d+)\]")
_NUMERIC_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class EventNumber:
    """A number from an event, remembered by its JSON source text."""

    text: str


class Missing:
    """Marker for a selector that resolves to nothing usable."""


MISSING: Final = Missing()
"""The one :class:`Missing` marker."""
Leaf: TypeAlias = str | bool | EventNumber
"""A value a selector can yield: a string, a boolean or a number."""


def reject_constant(name: str) -> object:
    """Refuse NaN and Infinity, which JSON does not allow (``json.loads`` ``parse_constant``)."""
    raise ValueError(f"non-standard JSON constant {name}")


def load_event(message: str) -> object:
    """Parse a JSON log message, keeping number source text; raise ValueError when unparsable."""
    return json.loads(
        message, parse_int=EventNumber, parse_float=EventNumber, parse_constant=reject_constant
    )


def string_form(value: Leaf) -> str:
    """The text a leaf is compared as: ``true``/``false``, a number's JSON text, a string itself."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, EventNumber):
        return value.text
    return value


def as_float(value: object) -> float | None:
    """The numeric value of a leaf (numbers, numeric strings), or None."""
    if isinstance(value, EventNumber):
        return float(value.text)
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value.strip()):
        return float(value.strip())
    return None


def operand_text(value: object) -> str:
    """The string a list operand is compared as (numbers by their JSON text)."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def json_path(selector: str) -> tuple[str | int, ...] | None:
    """Split ``$.a[0].b`` into ``("a", 0, "b")``; None when the selector is not valid."""
    if not selector.startswith("$") or len(selector) < 2:
        return None
    segments: list[str | int] = []
    position = 1
    while position < len(selector):
        found = _SEGMENT.match(selector, position)
        if found is None:
            return None
        name, index = found.groups()
        segments.append(name if name is not None else int(index))
        position = found.end()
    return tuple(segments)


def resolve(document: object, path: tuple[str | int, ...]) -> object:
    """Follow ``path`` into a parsed event; :data:`MISSING` when a step does not exist."""
    current = document
    for segment in path:
        if isinstance(segment, int):
            if not isinstance(current, list) or segment >= len(current):
                return MISSING
            current = current[segment]
        else:
            if not isinstance(current, dict) or segment not in current:
                return MISSING
            current = current[segment]
    return current


def leaf(value: object) -> Leaf | None:
    """The value itself when it is a leaf; None for objects, arrays, null and MISSING."""
    if isinstance(value, str | bool | EventNumber):
        return value
    return None


def split_clf(message: str) -> list[str] | None:
    """Split a space-delimited line; quoted and bracketed text is one field. None if unbalanced."""
    fields: list[str] = []
    position = 0
    length = len(message)
    while position < length:
        char = message[position]
        if char == " ":
            position += 1
            continue
        if char in '"[':
            closer = '"' if char == '"' else "]"
            end = message.find(closer, position + 1)
            if end < 0:
                return None
            fields.append(message[position + 1 : end])
            position = end + 1
        else:
            end = message.find(" ", position)
            end = length if end < 0 else end
            fields.append(message[position:end])
            position = end
    return fields
