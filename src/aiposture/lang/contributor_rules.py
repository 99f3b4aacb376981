"""CloudWatch Contributor Insights rules as objects that evaluate log events locally (Part D).

``parse_rule`` turns a definition without ERROR issues (the D.2 checklist,
:func:`~aiposture.lang.contributor_rule_validation.validate_rule`) into a
:class:`ContributorRule`, which evaluates single log events the way D.3 describes; how it reads an
event's values is in :mod:`~aiposture.lang.contributor_rule_values`.

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

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from aiposture.errors import AiPostureError
from aiposture.lang.contributor_rule_validation import (
    LIST_OPERATORS,
    LOG_GROUP_ARN,
    ROOT,
    RuleIssueSeverity,
    check_definition,
)
from aiposture.lang.contributor_rule_values import (
    MISSING,
    Leaf,
    as_float,
    json_path,
    leaf,
    load_event,
    operand_text,
    resolve,
    split_clf,
    string_form,
)

__all__ = ["ContributorRule", "RuleDefinitionError", "RuleFilter", "parse_rule"]


class RuleDefinitionError(AiPostureError):
    """A Contributor Insights rule definition has at least one ERROR-level issue."""

    exit_code = 2


@dataclass(frozen=True)
class RuleFilter:
    """One ``Contribution.Filters`` entry: a selector, an operator name and its operand.

    List operands are stored as tuples; numbers inside them keep their JSON text form.
    """

    match: str
    operator: str
    operand: object


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
        """The parsed event (a dict or a list of CLF fields), or MISSING when unparsable."""
        if self.log_format == "CLF":
            split = split_clf(message)
            return MISSING if split is None else split
        try:
            event = load_event(message)
        except (ValueError, RecursionError):
            return MISSING
        return event if isinstance(event, dict) else MISSING

    def _lookup(self, event: object, selector: str) -> Leaf | None:
        if isinstance(event, list):
            return self._clf_lookup(event, selector)
        path = json_path(selector)
        if path is None:
            return None
        return leaf(resolve(event, path))

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
            text = string_form(value)
            options = operand if isinstance(operand, tuple) else ()
            if operator == "In":
                return text in options
            if operator == "NotIn":
                return text not in options
            return any(text.startswith(str(option)) for option in options)
        number = as_float(value)
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
        if event is MISSING:
            return None
        if not all(self._passes(event, rule_filter) for rule_filter in self.filters):
            return None
        values: list[str] = []
        for selector in self.keys:
            value = self._lookup(event, selector)
            if value is None:
                return None
            values.append(string_form(value))
        return tuple(values)

    def _amount(self, event: object) -> float | None:
        if self.aggregate_on == "Count":
            return 1.0
        if self.value_of is None:
            return None
        value = self._lookup(event, self.value_of)
        return None if value is None else as_float(value)

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
            parts = LOG_GROUP_ARN.fullmatch(arn)
            if parts is None or not _log_group_name_matches(parts["name"], name):
                continue
            account = parts["account"]
            if account_id is not None and account != "*" and account != account_id:
                continue
            if region is not None and parts["region"] != region:
                continue
            return True
        return False


def _list_operand(values: list[Any] | tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(operand_text(value) for value in values)


def parse_rule(definition: str | Mapping[str, Any]) -> ContributorRule:
    """Build a :class:`ContributorRule`; raise :class:`RuleDefinitionError` on the first ERROR."""
    try:
        issues, rule, aliases = check_definition(definition)
    except Exception as exc:  # re-raised as the documented error
        raise RuleDefinitionError(f"{ROOT}: cannot validate: {exc}") from exc
    for issue in issues:
        if issue.severity is RuleIssueSeverity.ERROR:
            raise RuleDefinitionError(f"{issue.path}: {issue.message}")
    if rule is None:  # unreachable: an unloadable definition always carries an ERROR
        raise RuleDefinitionError(f"{ROOT}: the definition could not be loaded")
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
