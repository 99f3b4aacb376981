"""Read-only views of a trail's selectors: which ones concern a type, and why one rejects an event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiposture.lang.selector_issues import IssueSeverity, SelectorIssue, ValidationContext
from aiposture.lang.selector_validation import validate_selectors
from aiposture.lang.selectors import trail_logs
from aiposture.memo import EvaluationMemo, Fact
from aiposture.rules.base import RuleContext
from aiposture.snapshot.models import AccountSnapshot, Trail

_OPERATORS = ("Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith")


def selector_label(selector: Mapping[str, Any], index: int) -> str:
    """The selector's Name, or its position when it has none."""
    name = selector.get("Name")
    return f"'{name}'" if name else f"#{index + 1}"


def field_text(field: Mapping[str, Any]) -> str:
    """A field selector as a short phrase: ``resources.ARN StartsWith [...]``."""
    ops = [f"{op} {list(field[op])}" for op in _OPERATORS if field.get(op)]
    return f"{field.get('Field')} {' and '.join(ops)}"


_BY_TYPE: Fact[dict[str, tuple[tuple[int, dict[str, Any]], ...]]] = Fact("selectors by type")


LOGS_NOTHING = "advanced event selectors: none (the trail logs no events)"
"""Why a trail whose GetEventSelectors returned an empty ``AdvancedEventSelectors`` list
logs nothing (not the classic default that logs every management event)."""


def logs_nothing_reason(trail: Trail) -> str | None:
    """``"trail <name>: advanced event selectors: none ..."`` when the trail logs no events."""
    sel = trail.event_selectors
    return f"trail {trail.name}: {LOGS_NOTHING}" if sel is not None and sel.logs_nothing else None


def selectors_for_type(
    trail: Trail, resource_type: str, memo: EvaluationMemo
) -> list[tuple[int, dict[str, Any]]]:
    """The advanced selectors of ``trail`` whose ``resources.type`` names ``resource_type``.

    The trail's selectors are indexed by type once per evaluation (in ``memo``).
    """
    sel = trail.event_selectors
    advanced = sel.advanced if sel is not None else None
    if not advanced:
        return []
    index = memo.get(_BY_TYPE, (advanced,), lambda: _index_by_type(advanced))
    return list(index.get(resource_type, ()))


def _index_by_type(
    selectors: list[dict[str, Any]],
) -> dict[str, tuple[tuple[int, dict[str, Any]], ...]]:
    """Each resource type named by a ``resources.type`` Equals, with its selectors in order."""
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for index, selector in enumerate(selectors):
        named = [
            rtype
            for field in selector.get("FieldSelectors", [])
            if field.get("Field") == "resources.type" and isinstance(field.get("Equals"), list)
            for rtype in field["Equals"]
        ]
        for rtype in dict.fromkeys(named):
            out.setdefault(rtype, []).append((index, selector))
    return {k: tuple(v) for k, v in out.items()}


def classic_resources_for_type(trail: Trail, resource_type: str) -> list[dict[str, Any]]:
    """The classic ``DataResources`` entries of ``trail`` for ``resource_type``."""
    sel = trail.event_selectors
    if sel is None or sel.advanced or not sel.classic:
        return []
    return [
        dict(dr)
        for es in sel.classic
        for dr in es.get("DataResources", []) or []
        if dr.get("Type") == resource_type
    ]


def blocking_fields(
    selector: Mapping[str, Any], event: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """The field selectors of one advanced selector that reject ``event``.

    Each field is tested alone (with the selector's eventCategory and resources.type),
    so the answer names exactly the conditions that exclude the event.
    """
    fields = list(selector.get("FieldSelectors", []))
    anchors = [f for f in fields if f.get("Field") in ("eventCategory", "resources.type")]
    blockers: list[Mapping[str, Any]] = []
    for field in fields:
        probe = anchors if field in anchors else [*anchors, field]
        if not trail_logs({"AdvancedEventSelectors": [{"FieldSelectors": probe}]}, event).logged:
            blockers.append(field)
    return blockers


def validation_context(trail: Trail, account: AccountSnapshot) -> ValidationContext:
    """The context in which a trail's selectors are validated for ``account``."""
    return ValidationContext(
        account_id=account.account_id,
        home_region=trail.home_region,
        multi_region=trail.is_multi_region,
        allowed_accounts=frozenset({trail.owner_account_id}),
    )


_ISSUES: Fact[list[SelectorIssue]] = Fact("selector issues")


def trail_issues(trail: Trail, ctx: RuleContext) -> list[SelectorIssue]:
    """Static-validation issues of ``trail``'s selectors for ``ctx``'s account (once per trail)."""
    if trail.event_selectors is None:
        return []
    selectors = trail.event_selectors
    account = ctx.account
    return ctx.memo.get(
        _ISSUES,
        (trail,),
        lambda: validate_selectors(selectors.as_api(), validation_context(trail, account)),
        account.account_id,
    )


def issues_for_selectors(
    trail: Trail, ctx: RuleContext, indexes: Sequence[int]
) -> list[SelectorIssue]:
    """Static-validation issues of ``trail`` that concern the selectors at ``indexes``."""
    wanted = set(indexes)
    return [i for i in trail_issues(trail, ctx) if i.selector_index in wanted]


def why_not_logged(
    resource_type: str, ctx: RuleContext, trails: list[Trail], event: Mapping[str, Any]
) -> list[str]:
    """Sentences explaining why none of ``trails`` logs the data event ``event``.

    Names the selectors of the type that reject it and the condition that does, the static
    problems of those selectors (a guide placeholder left in, another account's ARN), or the
    absence of any selector for the type.
    """
    reasons: list[str] = []
    for trail in trails:
        empty = logs_nothing_reason(trail)
        if empty:
            reasons.append(empty)
            continue
        relevant = selectors_for_type(trail, resource_type, ctx.memo)
        classic = classic_resources_for_type(trail, resource_type)
        if not relevant and not classic:
            reasons.append(f"trail {trail.name} has no selector for {resource_type}")
            continue
        for index, selector in relevant:
            blockers = blocking_fields(selector, event)
            if blockers:
                fields = "; ".join(field_text(b) for b in blockers)
                reasons.append(
                    f"trail {trail.name} selector {selector_label(selector, index)} rejects it ({fields})"
                )
        for issue in issues_for_selectors(trail, ctx, [i for i, _ in relevant]):
            if issue.severity == IssueSeverity.ERROR:
                reasons.append(f"trail {trail.name}: {issue.message}")
        if classic:
            values = [v for dr in classic for v in dr.get("Values", [])]
            reasons.append(f"trail {trail.name} classic data resources {values} do not cover it")
    return list(dict.fromkeys(reasons))


def relevant_config(
    trails: list[Trail], resource_type: str, memo: EvaluationMemo
) -> list[dict[str, Any]]:
    """The first ten selectors and classic data resources of ``trails`` for ``resource_type``."""
    out: list[dict[str, Any]] = []
    for trail in trails:
        for _, selector in selectors_for_type(trail, resource_type, memo):
            out.append({"trail": trail.name, "selector": selector})
        for dr in classic_resources_for_type(trail, resource_type):
            out.append({"trail": trail.name, "classic_data_resource": dr})
    return out[:10]
