"""CloudWatch Contributor Insights rule definitions: a validator and a local evaluator (Part D).

``validate_rule`` runs the D.2 checklist and returns every issue it finds; ``parse_rule`` turns a
definition without ERROR issues into a :class:`ContributorRule`, which evaluates single log events
the way D.3 describes.

Semantic choices (D.3, with the Q15 defaults):

* JSON format: the whole message must be a JSON object (NaN/Infinity literals make it unparsable;
  duplicate keys: last wins). Selectors are ``$`` followed by ``.name`` and ``[n]`` segments;
  ``$.resources[0].type`` takes element 0 of the ``resources`` array, then its ``type``. An index
  into a non-array, an index out of range, or a name on a non-object resolves to *missing*.
* A *value* is a leaf: a string, a number or a boolean. Objects and arrays are not values, and JSON
  ``null`` counts as missing. The string form of a number is its JSON source text (``401``,
  ``1.50``), of a boolean ``true``/``false``.
* ``In`` / ``NotIn`` / ``StartsWith`` compare the field's string form, case-sensitively. ``NotIn`` on
  a missing field fails. Numbers inside these lists (the guide's Rule 14 ``"In": [401, 403]``) draw
  a WARNING, since AWS documents strings, and are compared by their JSON text, so ``[401, 403]``
  behaves like ``["401", "403"]``.
* ``GreaterThan`` / ``LessThan`` / ``EqualTo`` / ``NotEqualTo`` compare as IEEE doubles after
  coercing numeric strings (``"200"``); a missing or non-numeric field fails all four.
* ``IsPresent: true`` passes when the selector resolves to a leaf value; ``false`` otherwise.
* Keys: the tuple of the keys' string forms; any missing key means the event is not counted.
* ``Count`` contributes 1.0; ``Sum`` contributes the (coerced) numeric ``ValueOf`` and skips
  events where it is missing or not numeric.
* CLF: the message is split on runs of spaces; text in ``"..."`` or ``[...]`` is one field with the
  quotes or brackets stripped; an unterminated quote or bracket makes the message unparsable.
  Fields are numbered from 1; a selector is a position (``"4"``) or an alias from ``Fields``.
* Sum without ``ValueOf`` is an ERROR; ``ValueOf`` with ``Count`` is a WARNING (ignored).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias

from aiposture.errors import AiPostureError

__all__ = [
    "ContributorRule",
    "RuleDefinitionError",
    "RuleFilter",
    "RuleIssue",
    "RuleIssueSeverity",
    "parse_rule",
    "validate_rule",
]

MAX_DEFINITION_CHARS: Final = 8192
MAX_KEYS: Final = 4
MAX_FILTERS: Final = 4
MAX_LIST_VALUES: Final = 10

LIST_OPERATORS: Final = ("In", "NotIn", "StartsWith")
NUMERIC_OPERATORS: Final = ("GreaterThan", "LessThan", "EqualTo", "NotEqualTo")
OPERATORS: Final = (*LIST_OPERATORS, *NUMERIC_OPERATORS, "IsPresent")
SCHEMA: Final = MappingProxyType({"Name": "CloudWatchLogRule", "Version": 1})

_TOP_LEVEL_KEYS: Final = frozenset(
    {
        "Schema",
        "LogGroupNames",
        "LogGroupARNs",
        "LogFormat",
        "Fields",
        "Contribution",
        "AggregateOn",
    }
)
_CONTRIBUTION_KEYS: Final = frozenset({"Keys", "ValueOf", "Filters"})
_ROOT: Final = "RuleDefinition"

_SEGMENT = re.compile(r"\.([^.\[\]\s]+)|\[(\d+)\]")
_NUMERIC_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_LOG_GROUP_NAME = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")
_LOG_GROUP_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):logs:(?P<region>[a-z0-9-]+):(?P<account>[^:]*)"
    r":log-group:(?P<name>[^:]+)(?::\*)?"
)
_ACCOUNT = re.compile(r"\d{12}")


class RuleDefinitionError(AiPostureError):
    """A Contributor Insights rule definition has at least one ERROR-level issue."""

    exit_code = 2


class RuleIssueSeverity(StrEnum):
    """How bad a validator finding is: ERROR means AWS would reject or the rule cannot work."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class RuleIssue:
    """One validator finding: its severity, where in the definition, and what is wrong."""

    severity: RuleIssueSeverity
    path: str
    message: str


@dataclass(frozen=True)
class RuleFilter:
    """One ``Contribution.Filters`` entry: a selector, an operator name and its operand.

    List operands are stored as tuples; numbers inside them keep their JSON text form.
    """

    match: str
    operator: str
    operand: object


# --- event values --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Number:
    """A number from an event, remembered by its JSON source text."""

    text: str


class _Missing:
    """Marker for a selector that resolves to nothing usable."""


_MISSING: Final = _Missing()
_Leaf: TypeAlias = str | bool | _Number


def _reject_constant(name: str) -> object:
    raise ValueError(f"non-standard JSON constant {name}")


def _load_event(message: str) -> object:
    """Parse a JSON log message, keeping number source text; raise ValueError when unparsable."""
    return json.loads(
        message, parse_int=_Number, parse_float=_Number, parse_constant=_reject_constant
    )


def _string_form(value: _Leaf) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Number):
        return value.text
    return value


def _as_float(value: object) -> float | None:
    """The numeric value of a leaf (numbers, numeric strings), or None."""
    if isinstance(value, _Number):
        return float(value.text)
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value.strip()):
        return float(value.strip())
    return None


def _operand_text(value: object) -> str:
    """The string a list operand is compared as (numbers by their JSON text)."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


# --- selectors -----------------------------------------------------------------------------------


def _json_path(selector: str) -> tuple[str | int, ...] | None:
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


def _resolve(document: object, path: tuple[str | int, ...]) -> object:
    current = document
    for segment in path:
        if isinstance(segment, int):
            if not isinstance(current, list) or segment >= len(current):
                return _MISSING
            current = current[segment]
        else:
            if not isinstance(current, dict) or segment not in current:
                return _MISSING
            current = current[segment]
    return current


def _leaf(value: object) -> _Leaf | None:
    if isinstance(value, str | bool | _Number):
        return value
    return None


def _split_clf(message: str) -> list[str] | None:
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


# --- the rule ------------------------------------------------------------------------------------


def _log_group_name_matches(pattern: str, name: str) -> bool:
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    return name == pattern


@dataclass(frozen=True)
class ContributorRule:
    """A validated Contributor Insights rule that can evaluate single log events locally."""

    log_group_names: tuple[str, ...]
    log_group_arns: tuple[str, ...]
    log_format: Literal["JSON", "CLF"]
    keys: tuple[str, ...]
    value_of: str | None
    filters: tuple[RuleFilter, ...]
    aggregate_on: Literal["Count", "Sum"]
    fields: Mapping[int, str] = field(default_factory=dict, hash=False)

    # event access

    def _event(self, message: str) -> object:
        """The parsed event (a dict or a list of CLF fields), or _MISSING when unparsable."""
        if self.log_format == "CLF":
            split = _split_clf(message)
            return _MISSING if split is None else split
        try:
            event = _load_event(message)
        except (ValueError, RecursionError):
            return _MISSING
        return event if isinstance(event, dict) else _MISSING

    def _lookup(self, event: object, selector: str) -> _Leaf | None:
        if isinstance(event, list):
            return self._clf_lookup(event, selector)
        path = _json_path(selector)
        if path is None:
            return None
        return _leaf(_resolve(event, path))

    def _clf_lookup(self, event: list[str], selector: str) -> str | None:
        position: int | None = None
        if selector.isdigit():
            position = int(selector)
        else:
            for number, alias in self.fields.items():
                if alias == selector:
                    position = number
                    break
        if position is None or position < 1 or position > len(event):
            return None
        return event[position - 1]

    def _passes(self, event: object, rule_filter: RuleFilter) -> bool:
        value = self._lookup(event, rule_filter.match)
        operator, operand = rule_filter.operator, rule_filter.operand
        if operator == "IsPresent":
            return (value is not None) is bool(operand)
        if value is None:
            return False
        if operator in LIST_OPERATORS:
            text = _string_form(value)
            options = operand if isinstance(operand, tuple) else ()
            if operator == "In":
                return text in options
            if operator == "NotIn":
                return text not in options
            return any(text.startswith(str(option)) for option in options)
        number = _as_float(value)
        if number is None or not isinstance(operand, int | float):
            return False
        limit = float(operand)
        if operator == "GreaterThan":
            return number > limit
        if operator == "LessThan":
            return number < limit
        if operator == "EqualTo":
            return number == limit
        return number != limit

    def _key(self, event: object) -> tuple[str, ...] | None:
        if event is _MISSING:
            return None
        if not all(self._passes(event, rule_filter) for rule_filter in self.filters):
            return None
        values: list[str] = []
        for selector in self.keys:
            value = self._lookup(event, selector)
            if value is None:
                return None
            values.append(_string_form(value))
        return tuple(values)

    def _amount(self, event: object) -> float | None:
        if self.aggregate_on == "Count":
            return 1.0
        if self.value_of is None:
            return None
        value = self._lookup(event, self.value_of)
        return None if value is None else _as_float(value)

    # public evaluation

    def contribution(self, message: str) -> tuple[str, ...] | None:
        """The contributor key of a log event, or None when the event is not counted.

        None when the message cannot be parsed, a filter fails, a key is missing, or (for
        ``Sum``) ``ValueOf`` is missing or not numeric. An unparsable message is "not
        counted"; any other exception is a bug and propagates (it must never read as a
        verdict).
        """
        event = self._event(message)
        key = self._key(event)
        if key is None or self._amount(event) is None:
            return None
        return key

    def accepts(self, message: str) -> bool:
        """True when the message parses, every filter passes and every key is present."""
        return self._key(self._event(message)) is not None

    def value(self, message: str) -> float | None:
        """What the event adds to its contributor: 1.0 for Count, ``ValueOf`` for Sum.

        None when the event is not counted (see :meth:`contribution`).
        """
        event = self._event(message)
        if self._key(event) is None:
            return None
        return self._amount(event)

    def applies_to_log_group(
        self, name: str, account_id: str | None = None, region: str | None = None
    ) -> bool:
        """Whether the rule reads the log group ``name``.

        ``LogGroupNames`` entries match exactly or, with a trailing ``*``, by prefix. For
        ``LogGroupARNs`` the name part matches the same way, a ``*`` account matches any account,
        and a concrete account or region must equal ``account_id`` / ``region`` when those are
        given (None means unknown and is not checked).
        """
        if any(_log_group_name_matches(p, name) for p in self.log_group_names):
            return True
        for arn in self.log_group_arns:
            parts = _LOG_GROUP_ARN.fullmatch(arn)
            if parts is None or not _log_group_name_matches(parts["name"], name):
                continue
            account = parts["account"]
            if account_id is not None and account != "*" and account != account_id:
                continue
            if region is not None and parts["region"] != region:
                continue
            return True
        return False


# --- validation ----------------------------------------------------------------------------------


class _Issues:
    def __init__(self) -> None:
        self.items: list[RuleIssue] = []

    def error(self, path: str, message: str) -> None:
        self.items.append(RuleIssue(RuleIssueSeverity.ERROR, path, message))

    def warning(self, path: str, message: str) -> None:
        self.items.append(RuleIssue(RuleIssueSeverity.WARNING, path, message))


def _load_definition(
    definition: str | Mapping[str, Any], issues: _Issues
) -> Mapping[str, Any] | None:
    """Turn the input into a mapping, checking size and ASCII; None when that is impossible."""
    if isinstance(definition, str):
        text = definition
    elif isinstance(definition, Mapping):
        try:
            text = json.dumps(definition, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            issues.error(_ROOT, f"the definition does not serialise to JSON: {exc}")
            return None
    else:
        issues.error(_ROOT, f"expected JSON text or a mapping, got {type(definition).__name__}")
        return None
    if not text:
        issues.error(_ROOT, "the definition is empty")
        return None
    if len(text) > MAX_DEFINITION_CHARS:
        issues.error(
            _ROOT, f"the definition is {len(text)} characters (max {MAX_DEFINITION_CHARS})"
        )
    if not text.isascii():
        issues.error(_ROOT, "the definition must contain ASCII characters only")
    if not isinstance(definition, str):
        return definition
    try:
        loaded = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        issues.error(_ROOT, f"the definition is not valid JSON: {exc}")
        return None
    if not isinstance(loaded, dict):
        issues.error(_ROOT, "the definition must be a JSON object")
        return None
    return loaded


def _check_log_groups(rule: Mapping[str, Any], issues: _Issues) -> None:
    has_names, has_arns = "LogGroupNames" in rule, "LogGroupARNs" in rule
    if has_names == has_arns:
        issues.error(_ROOT, "exactly one of LogGroupNames and LogGroupARNs is required")
    for key in ("LogGroupNames", "LogGroupARNs"):
        if key not in rule:
            continue
        entries = rule[key]
        if not isinstance(entries, list | tuple) or not entries:
            issues.error(key, "must be a non-empty list of strings")
            continue
        for i, entry in enumerate(entries):
            path = f"{key}[{i}]"
            if not isinstance(entry, str):
                issues.error(path, "must be a string")
            elif key == "LogGroupNames":
                _check_log_group_name(path, entry, issues)
            else:
                _check_log_group_arn(path, entry, issues)


def _check_log_group_name(path: str, entry: str, issues: _Issues) -> bool:
    base = entry[:-1] if entry.endswith("*") else entry
    if "*" in base:
        issues.error(path, f"{entry!r}: '*' is allowed only as a trailing suffix")
        return False
    if base and not _LOG_GROUP_NAME.fullmatch(base):
        issues.error(path, f"{entry!r} is not a valid log group name")
        return False
    if not base:
        issues.warning(path, f"{entry!r} matches every log group")
    return True


def _check_log_group_arn(path: str, entry: str, issues: _Issues) -> None:
    parts = _LOG_GROUP_ARN.fullmatch(entry)
    if parts is None:
        issues.error(path, f"{entry!r} is not a log group ARN")
        return
    account = parts["account"]
    if account != "*" and not _ACCOUNT.fullmatch(account):
        issues.error(path, f"account {account!r} must be 12 digits or '*' (no partial wildcards)")
    _check_log_group_name(path, parts["name"], issues)


def _check_fields(rule: Mapping[str, Any], issues: _Issues) -> dict[int, str]:
    log_format = rule.get("LogFormat")
    if "LogFormat" not in rule:
        issues.error("LogFormat", "LogFormat is required (JSON or CLF)")
    elif log_format not in ("JSON", "CLF"):
        issues.error("LogFormat", f"{log_format!r} is not JSON or CLF")
    aliases: dict[int, str] = {}
    if "Fields" not in rule:
        return aliases
    if log_format != "CLF":
        issues.error("Fields", "Fields is allowed only with LogFormat CLF")
    fields = rule["Fields"]
    if not isinstance(fields, Mapping):
        issues.error("Fields", "must be an object of position -> alias")
        return aliases
    for raw_position, alias in fields.items():
        path = f"Fields.{raw_position}"
        text = str(raw_position)
        if isinstance(raw_position, bool) or not text.isdigit() or int(text) < 1:
            issues.error(path, f"position {raw_position!r} must be a positive integer")
            continue
        if not isinstance(alias, str) or not alias:
            issues.error(path, "the alias must be a non-empty string")
            continue
        if alias in aliases.values():
            issues.warning(path, f"alias {alias!r} is defined more than once")
        aliases[int(text)] = alias
    return aliases


def _check_selector(
    path: str, selector: object, log_format: object, aliases: Mapping[int, str], issues: _Issues
) -> bool:
    if not isinstance(selector, str) or not selector:
        issues.error(path, "a selector must be a non-empty string")
        return False
    if log_format == "CLF":
        if selector.isdigit() and int(selector) >= 1:
            return True
        if selector in aliases.values():
            return True
        issues.error(path, f"{selector!r} is neither a field position nor an alias from Fields")
        return False
    if log_format != "JSON":
        return True  # LogFormat itself is already reported
    path_segments = _json_path(selector)
    if path_segments is None:
        issues.error(path, f"{selector!r} is not a JSON selector like $.a.b or $.a[0].b")
        return False
    if isinstance(path_segments[0], int):
        issues.warning(path, f"{selector!r} indexes the top level, which is always an object")
    return True


def _check_filter(
    path: str, raw: object, log_format: object, aliases: Mapping[int, str], issues: _Issues
) -> None:
    if not isinstance(raw, Mapping):
        issues.error(path, "a filter must be an object")
        return
    if "Match" not in raw:
        issues.error(path, "the filter has no Match")
    else:
        _check_selector(f"{path}.Match", raw["Match"], log_format, aliases, issues)
    operators = [key for key in raw if key != "Match"]
    unknown = [key for key in operators if key not in OPERATORS]
    for key in unknown:
        issues.error(f"{path}.{key}", f"unknown filter operator {key!r}")
    known = [key for key in operators if key in OPERATORS]
    if len(operators) != 1:
        issues.error(path, f"a filter needs exactly one operator, found {len(operators)}")
    for operator in known:
        _check_operand(f"{path}.{operator}", operator, raw[operator], issues)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_operand(path: str, operator: str, operand: object, issues: _Issues) -> None:
    if operator == "IsPresent":
        if not isinstance(operand, bool):
            issues.error(path, "IsPresent takes true or false")
        return
    if operator in NUMERIC_OPERATORS:
        if not _is_number(operand):
            issues.error(path, f"{operator} takes a number")
        return
    if not isinstance(operand, list | tuple) or not operand:
        issues.error(path, f"{operator} takes a non-empty list of strings")
        return
    if len(operand) > MAX_LIST_VALUES:
        issues.error(path, f"{operator} has {len(operand)} values (max {MAX_LIST_VALUES})")
    for i, value in enumerate(operand):
        if isinstance(value, str):
            continue
        if _is_number(value):
            issues.warning(
                f"{path}[{i}]",
                f"{value!r} is a number; AWS documents strings, it is compared as {json.dumps(value)!r}",
            )
        else:
            issues.error(f"{path}[{i}]", f"{operator} values must be strings")


def _check_contribution(
    rule: Mapping[str, Any], aliases: Mapping[int, str], issues: _Issues
) -> None:
    log_format = rule.get("LogFormat")
    aggregate = rule.get("AggregateOn")
    if "AggregateOn" not in rule:
        issues.error("AggregateOn", "AggregateOn is required (Count or Sum)")
    elif aggregate not in ("Count", "Sum"):
        issues.error("AggregateOn", f"{aggregate!r} is not Count or Sum")
    contribution = rule.get("Contribution")
    if not isinstance(contribution, Mapping):
        issues.error("Contribution", "Contribution is required and must be an object")
        return
    for key in contribution:
        if key not in _CONTRIBUTION_KEYS:
            issues.warning(f"Contribution.{key}", f"unknown field {key!r}")
    keys = contribution.get("Keys")
    if not isinstance(keys, list | tuple) or not 1 <= len(keys) <= MAX_KEYS:
        issues.error("Contribution.Keys", f"Keys must be a list of 1 to {MAX_KEYS} selectors")
    if isinstance(keys, list | tuple):
        for i, selector in enumerate(keys):
            _check_selector(f"Contribution.Keys[{i}]", selector, log_format, aliases, issues)
    if "ValueOf" in contribution:
        _check_selector(
            "Contribution.ValueOf", contribution["ValueOf"], log_format, aliases, issues
        )
        if aggregate == "Count":
            issues.warning("Contribution.ValueOf", "ValueOf is ignored when AggregateOn is Count")
    elif aggregate == "Sum":
        issues.error("Contribution.ValueOf", "AggregateOn Sum needs a ValueOf selector")
    filters = contribution.get("Filters", [])
    if not isinstance(filters, list | tuple):
        issues.error("Contribution.Filters", "Filters must be a list")
        return
    if len(filters) > MAX_FILTERS:
        issues.error("Contribution.Filters", f"{len(filters)} filters (max {MAX_FILTERS})")
    for i, raw in enumerate(filters):
        _check_filter(f"Contribution.Filters[{i}]", raw, log_format, aliases, issues)


def _validate(
    definition: str | Mapping[str, Any],
) -> tuple[list[RuleIssue], Mapping[str, Any] | None, dict[int, str]]:
    issues = _Issues()
    rule = _load_definition(definition, issues)
    aliases: dict[int, str] = {}
    if rule is None:
        return issues.items, None, aliases
    for key in rule:
        if key not in _TOP_LEVEL_KEYS:
            issues.warning(str(key), f"unknown field {key!r}")
    schema = rule.get("Schema")
    if not (
        isinstance(schema, Mapping)
        and dict(schema) == dict(SCHEMA)
        and type(schema.get("Version")) is int
    ):
        issues.error("Schema", 'Schema must be {"Name": "CloudWatchLogRule", "Version": 1}')
    _check_log_groups(rule, issues)
    aliases = _check_fields(rule, issues)
    _check_contribution(rule, aliases, issues)
    return issues.items, rule, aliases


def validate_rule(definition: str | Mapping[str, Any]) -> list[RuleIssue]:
    """Run the D.2 checklist over a rule definition (JSON text or a mapping); never raises."""
    try:
        return _validate(definition)[0]
    except Exception as exc:  # noqa: BLE001 - the validator reports, it does not raise
        return [RuleIssue(RuleIssueSeverity.ERROR, _ROOT, f"cannot validate: {exc}")]


def _list_operand(values: list[Any] | tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(_operand_text(value) for value in values)


def parse_rule(definition: str | Mapping[str, Any]) -> ContributorRule:
    """Build a :class:`ContributorRule`; raise :class:`RuleDefinitionError` on the first ERROR."""
    try:
        issues, rule, aliases = _validate(definition)
    except Exception as exc:  # re-raised as the documented error
        raise RuleDefinitionError(f"{_ROOT}: cannot validate: {exc}") from exc
    for issue in issues:
        if issue.severity is RuleIssueSeverity.ERROR:
            raise RuleDefinitionError(f"{issue.path}: {issue.message}")
    if rule is None:  # unreachable: an unloadable definition always carries an ERROR
        raise RuleDefinitionError(f"{_ROOT}: the definition could not be loaded")
    contribution = rule["Contribution"]
    filters: list[RuleFilter] = []
    for raw in contribution.get("Filters", []):
        operator = next(key for key in raw if key != "Match")
        operand = raw[operator]
        if operator in LIST_OPERATORS:
            operand = _list_operand(operand)
        filters.append(RuleFilter(match=raw["Match"], operator=operator, operand=operand))
    value_of = contribution.get("ValueOf") if rule["AggregateOn"] == "Sum" else None
    return ContributorRule(
        log_group_names=tuple(rule.get("LogGroupNames", ())),
        log_group_arns=tuple(rule.get("LogGroupARNs", ())),
        log_format=rule["LogFormat"],
        keys=tuple(contribution["Keys"]),
        value_of=value_of,
        filters=tuple(filters),
        aggregate_on=rule["AggregateOn"],
        fields=MappingProxyType(dict(aliases)),
    )
