"""Rule kind ``data_events_logged``: the covering trails log a type's data events.

A requirement passes when the trails covering the account and region log a
representative event, as judged by the exact selector evaluator; never by
searching the selectors for the type's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aiposture.lang.selector_issues import IssueSeverity
from aiposture.memo import EvaluationMemo
from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.coverage import coverage, coverage_failure, logged_by, trail_rows
from aiposture.rules.support.events import PROBE_ID, cloudtrail_event, describe_event
from aiposture.rules.support.selector_facts import (
    blocking_fields,
    classic_resources_for_type,
    field_text,
    issues_for_selectors,
    logs_nothing_reason,
    selector_label,
    selectors_for_type,
)
from aiposture.snapshot.models import Trail

IdSource = Literal["ids", "s3_bucket_prefixes", "lambda_function_prefixes", "execution_roles"]


class EventSpec(Params):
    """One operation that must be logged."""

    name: str
    read_only: bool | None = None


class ExtraResource(Params):
    """A further ``resources[]`` entry real events of this type carry (e.g. the S3 bucket)."""

    type: str
    arn_template: str


class DataEventsParams(Params):
    """Parameters of ``data_events_logged``."""

    resource_type: str
    event_source: str
    events: list[EventSpec]
    arn_template: str | None = None
    user_arn_template: str | None = None
    id_source: IdSource = "ids"
    extra_resources: list[ExtraResource] = []
    unlogged_hint: str | None = None
    hint_if_trail_logs_prefix: str | None = None


@dataclass(frozen=True)
class _Probe:
    """A resource id and the events that must be logged for it."""

    resource_id: str
    events: list[dict[str, Any]]


def render_template(template: str, ctx: RuleContext, resource_id: str) -> str:
    """An ARN template of the catalog filled in for ``ctx``'s account and region."""
    return template.format(
        partition=ctx.partition, region=ctx.region, account=ctx.account_id, id=resource_id
    )


def _configured_ids(p: DataEventsParams, ctx: RuleContext) -> list[str]:
    res = ctx.resources
    if p.id_source == "s3_bucket_prefixes":
        return list(res.s3_bucket_prefixes)
    if p.id_source == "lambda_function_prefixes":
        return list(res.lambda_function_prefixes)
    if p.id_source == "execution_roles":
        return list(res.bedrock_execution_role_names)
    return list(res.ids.get(p.resource_type, []))


def _derived_ids(p: DataEventsParams, ctx: RuleContext, trails: list[Trail]) -> list[str]:
    """Resource ids the trails' own selectors name for this account and region.

    Only values that are real ARNs of this account, region and type yield an id, so a
    value with a guide placeholder or another account's id never does.
    """
    template = p.user_arn_template or p.arn_template
    if template is None or (not template.endswith("{id}") and "{id}/" not in template):
        return []
    prefix = render_template(template.split("{id}")[0] + "{id}", ctx, "")
    field_name = "userIdentity.arn" if p.user_arn_template else "resources.ARN"
    ids: list[str] = []
    for trail in trails:
        for _, selector in selectors_for_type(trail, p.resource_type, ctx.memo):
            for field in selector.get("FieldSelectors", []):
                if field.get("Field") != field_name:
                    continue
                for value in [*field.get("Equals", []), *field.get("StartsWith", [])]:
                    if value.startswith(prefix):
                        rest = value[len(prefix) :]
                        ids.append(rest if rest and rest[-1] not in "/:-" else rest + PROBE_ID)
    return list(dict.fromkeys(ids))


def resource_candidates(
    p: DataEventsParams, ctx: RuleContext, trails: list[Trail]
) -> tuple[list[str], str, bool]:
    """The resource ids to judge ``p`` on: (ids, where they came from, all must be logged).

    The configured ids (all must be logged), else the ids the trails' own selectors name for
    this account and region plus an all-resources probe (one is enough).
    """
    configured = _configured_ids(p, ctx)
    if configured:
        return configured, "configuration", True
    derived = _derived_ids(p, ctx, trails)
    origin = "the trail's own selectors" if derived else "an all-resources probe"
    return [*derived, PROBE_ID], origin, False


def _probe(p: DataEventsParams, ctx: RuleContext, resource_id: str) -> _Probe:
    resources: list[dict[str, str]] = [
        {
            "type": p.resource_type,
            "ARN": render_template(p.arn_template, ctx, resource_id) if p.arn_template else "",
        }
    ]
    resources += [
        {"type": extra.type, "ARN": render_template(extra.arn_template, ctx, resource_id)}
        for extra in p.extra_resources
    ]
    user_arn = (
        render_template(p.user_arn_template, ctx, resource_id) if p.user_arn_template else None
    )
    events = [
        cloudtrail_event(
            category="Data",
            source=p.event_source,
            name=spec.name,
            read_only=spec.read_only,
            account=ctx.account_id,
            region=ctx.region,
            resources=resources,
            user_arn=user_arn,
        )
        for spec in p.events
    ]
    return _Probe(resource_id, events)


def _judge_probe(probe: _Probe, trails: list[Trail], partition: str) -> list[dict[str, Any]]:
    rows = []
    for event in probe.events:
        hit = logged_by(trails, event, partition)
        rows.append(
            {
                "event": describe_event(event),
                "logged": hit is not None,
                "trail": hit[0] if hit else None,
                "selector": hit[1] if hit else None,
            }
        )
    return rows


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


def _relevant_config(
    trails: list[Trail], resource_type: str, memo: EvaluationMemo
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for trail in trails:
        for _, selector in selectors_for_type(trail, resource_type, memo):
            out.append({"trail": trail.name, "selector": selector})
        for dr in classic_resources_for_type(trail, resource_type):
            out.append({"trail": trail.name, "classic_data_resource": dr})
    return out[:10]


def _hint(p: DataEventsParams, trails: list[Trail]) -> str:
    if not p.unlogged_hint:
        return ""
    prefix = p.hint_if_trail_logs_prefix
    if prefix is None:
        return " " + p.unlogged_hint
    for trail in trails:
        sel = trail.event_selectors
        for selector in (sel.advanced or []) if sel else []:
            for field in selector.get("FieldSelectors", []):
                if field.get("Field") == "resources.type" and any(
                    v.startswith(prefix) for v in field.get("Equals", [])
                ):
                    return " " + p.unlogged_hint
    return ""


def data_events_logged(p: DataEventsParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether the covering trails log representative data events of ``p.resource_type``."""
    cov = coverage(ctx)
    known = cov.judgeable
    unverified = cov.selector_gaps()

    candidates, id_origin, configured = resource_candidates(p, ctx, known)
    probes = [_probe(p, ctx, rid) for rid in candidates]
    judged = {probe.resource_id: _judge_probe(probe, known, ctx.partition) for probe in probes}
    ok = {rid for rid, rows in judged.items() if all(r["logged"] for r in rows)}

    evidence: dict[str, Any] = {
        "resource_type": p.resource_type,
        "resource_ids": {"from": id_origin, "values": candidates},
        "events": [dict(r, resource_id=rid) for rid, rows in judged.items() for r in rows],
        "trails": trail_rows(cov),
        "selectors": _relevant_config(known, p.resource_type, ctx.memo),
    }
    if unverified:
        evidence["unverified"] = unverified

    passed = ok == set(candidates) if configured else bool(ok)
    if passed:
        hits = sorted(
            {
                f"{r['trail']} ({r['selector']})"
                for rows in judged.values()
                for r in rows
                if r["logged"]
            }
        )
        if configured:
            scope, advice = "every configured resource", ""
        elif ok != {PROBE_ID}:
            scope = f"the resources its selectors name ({', '.join(sorted(ok - {PROBE_ID}))})"
            advice = (
                " List your production ids under resources.ids to verify they are the ones logged."
            )
        else:
            scope, advice = "all resources of the type", ""
        return [
            Outcome(
                Status.PASS,
                f"{p.resource_type} data events are logged by {', '.join(hits)} for {scope}.{advice}",
                evidence=evidence,
            )
        ]
    if unverified:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot verify {p.resource_type} data events: " + "; ".join(unverified),
                evidence=evidence,
            )
        ]
    if not cov.logging:
        message = f"{p.resource_type} data events are not logged: {coverage_failure(cov, ctx)}."
    else:
        missing_rid = next(rid for rid in candidates if rid not in ok)
        probe = next(pr for pr in probes if pr.resource_id == missing_rid)
        rows = judged[missing_rid]
        event = next(e for e, r in zip(probe.events, rows, strict=True) if not r["logged"])
        reasons = why_not_logged(p.resource_type, ctx, known, event)
        message = (
            f"{p.resource_type} data events are not logged: no trail covering "
            f"{ctx.account_id} in {ctx.region} logs {describe_event(event)}"
            + (": " + "; ".join(reasons) if reasons else "")
            + "."
        )
    return [Outcome(Status.FAIL, message + _hint(p, known), evidence=evidence)]


DATA_EVENTS = RuleKind(
    name="data_events_logged",
    function=data_events_logged,
    params=DataEventsParams,
    scope="account_region",
    summary="The trails covering the account and region log representative data events of a type.",
)
