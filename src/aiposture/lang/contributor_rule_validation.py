"""The D.2 checklist for Contributor Insights rule definitions: what AWS rejects, what is odd.

:func:`validate_rule` returns every issue (ERROR: AWS would reject the rule or it cannot work;
WARNING: it works but probably not as meant) and never raises; :func:`check_definition` also
returns the loaded definition and the CLF field aliases, for
:func:`~aiposture.lang.contributor_rules.parse_rule`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from aiposture.lang.contributor_rule_values import json_path, reject_constant

__all__ = [
    "LIST_OPERATORS",
    "LOG_GROUP_ARN",
    "MAX_DEFINITION_CHARS",
    "MAX_FILTERS",
    "MAX_KEYS",
    "MAX_LIST_VALUES",
    "NUMERIC_OPERATORS",
    "OPERATORS",
    "ROOT",
    "SCHEMA",
    "RuleIssue",
    "RuleIssueSeverity",
    "check_definition",
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
ROOT: Final = "RuleDefinition"
"""The path issues about the definition as a whole carry."""

_LOG_GROUP_NAME = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")
LOG_GROUP_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):logs:(?P<region>[a-z0-9-]+):(?P<account>[^:]*)"
    r":log-group:(?P<name>[^:]+)(?::\*)?"
)
"""A log group ARN, its name part possibly ending in ``*`` (a prefix)."""
_ACCOUNT = re.compile(r"\d{12}")


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


class _Issues:
    """The findings so far, in the order the checklist meets them."""

    def __init__(self) -> None:
        """Start with no findings."""
        self.items: list[RuleIssue] = []

    def error(self, path: str, message: str) -> None:
        """Record an ERROR at ``path``."""
        self.items.append(RuleIssue(RuleIssueSeverity.ERROR, path, message))

    def warning(self, path: str, message: str) -> None:
        """Record a WARNING at ``path``."""
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
            issues.error(ROOT, f"the definition does not serialise to JSON: {exc}")
            return None
    else:
        issues.error(ROOT, f"expected JSON text or a mapping, got {type(definition).__name__}")
        return None
    if not text:
        issues.error(ROOT, "the definition is empty")
        return None
    if len(text) > MAX_DEFINITION_CHARS:
        issues.error(ROOT, f"the definition is {len(text)} characters (max {MAX_DEFINITION_CHARS})")
    if not text.isascii():
        issues.error(ROOT, "the definition must contain ASCII characters only")
    if not isinstance(definition, str):
        return definition
    try:
        loaded = json.loads(text, parse_constant=reject_constant)
    except (ValueError, RecursionError) as exc:
        issues.error(ROOT, f"the definition is not valid JSON: {exc}")
        return None
    if not isinstance(loaded, dict):
        issues.error(ROOT, "the definition must be a JSON object")
        return None
    return loaded


def _check_log_groups(rule: Mapping[str, Any], issues: _Issues) -> None:
    has_names, has_arns = "LogGroupNames" in rule, "LogGroupARNs" in rule
    if has_names == has_arns:
        issues.error(ROOT, "exactly one of LogGroupNames and LogGroupARNs is required")
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
    parts = LOG_GROUP_ARN.fullmatch(entry)
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
    path_segments = json_path(selector)
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


def check_definition(
    definition: str | Mapping[str, Any],
) -> tuple[list[RuleIssue], Mapping[str, Any] | None, dict[int, str]]:
    """Run the checklist; return the issues, the loaded definition and the CLF field aliases.

    The definition is None when it could not be loaded (an ERROR says why). May raise on input
    the checks did not foresee; :func:`validate_rule` turns that into an ERROR.
    """
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
        return check_definition(definition)[0]
    except Exception as exc:  # noqa: BLE001 - the validator reports, it does not raise
        return [RuleIssue(RuleIssueSeverity.ERROR, ROOT, f"cannot validate: {exc}")]
