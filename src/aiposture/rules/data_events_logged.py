"""Rule kind ``data_events_logged``: the covering trails log a type's data events.

A requirement passes when the trails covering the account and region log its events on
every inventoried resource of the type (each on its own ARN) and on every configured id,
as judged by the exact selector evaluator; never by searching the selectors for the
type's name. Where the inventory lists none of the type, a representative event is
judged instead (the trails' own ids, an all-resources probe); where the inventory could
not be read, too, and the message says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.coverage import coverage, coverage_failure, logged_by, trail_rows
from aiposture.rules.support.events import PROBE_ID, cloudtrail_event, describe_event
from aiposture.rules.support.inventory import (
    BEYOND_INVENTORY,
    InventoriedResource,
    TypeInventory,
    count_phrase,
    name_list,
    none_logged,
    template_id,
    type_inventory,
    unknown_caveat,
)
from aiposture.rules.support.selector_facts import (
    relevant_config,
    selectors_for_type,
    why_not_logged,
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
    """A resource id (an inventoried resource's ARN) and the events that must be logged for it."""

    resource_id: str
    events: list[dict[str, Any]]

    @property
    def target(self) -> str:
        """The resource ARN (else the caller ARN) its events name, for messages."""
        event = self.events[0] if self.events else {}
        arns = [r.get("ARN") for r in event.get("resources", []) if r.get("ARN")]
        return str(arns[0]) if arns else str((event.get("userIdentity") or {}).get("arn", ""))


@dataclass(slots=True)
class _Judged:
    """A probe and, for each of its events, whether a trail logs it and which one."""

    probe: _Probe
    rows: list[dict[str, Any]]
    logged: bool
    """Whether every event of the probe is logged."""
    resource: InventoriedResource | None = None
    """The inventoried resource probed; None for a configured or representative id."""

    @property
    def by(self) -> str | None:
        """``<trail> (<selector>)`` for each selector logging it; None when not logged."""
        if not self.logged:
            return None
        return ", ".join(dict.fromkeys(f"{r['trail']} ({r['selector']})" for r in self.rows))

    def first_unlogged(self) -> dict[str, Any]:
        """The first of its events no trail logs."""
        return next(e for e, r in zip(self.probe.events, self.rows, strict=True) if not r["logged"])


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


def _events(
    p: DataEventsParams, ctx: RuleContext, resources: list[dict[str, str]], user_arn: str | None
) -> list[dict[str, Any]]:
    return [
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
    return _Probe(resource_id, _events(p, ctx, resources, user_arn))


def _inventory_probe(
    p: DataEventsParams, ctx: RuleContext, resource: InventoriedResource
) -> _Probe:
    """The events of ``p`` on an inventoried resource's own ARN.

    The further resources and the caller ARN of the type's templates are filled with the
    id the ARN yields; when it yields none, the events carry the resource's ARN alone.
    """
    arn = resource.arn
    rid = template_id(p.arn_template, ctx, arn) if p.arn_template else None
    resources = [{"type": p.resource_type, "ARN": arn}]
    user_arn = None
    if rid is not None:
        resources += [
            {"type": extra.type, "ARN": render_template(extra.arn_template, ctx, rid)}
            for extra in p.extra_resources
        ]
        if p.user_arn_template:
            user_arn = render_template(p.user_arn_template, ctx, rid)
    return _Probe(arn, _events(p, ctx, resources, user_arn))


def _judge(
    probe: _Probe, trails: list[Trail], partition: str, resource: InventoriedResource | None = None
) -> _Judged:
    rows = _judge_probe(probe, trails, partition)
    return _Judged(probe, rows, all(r["logged"] for r in rows), resource)


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


Candidates = tuple[list[str], str, bool]
"""Resource ids to judge on, where they came from, and whether all must be logged."""


def _representative(
    p: DataEventsParams, ctx: RuleContext, trails: list[Trail], listed: bool
) -> Candidates | None:
    """Today's candidates (:func:`resource_candidates`), unless the inventory replaces them.

    Configured ids are always judged. Without them, an inventory that lists resources of
    the type replaces the representative probe, except for a type with resources no
    inventory lists (:data:`BEYOND_INVENTORY`).
    """
    if listed and not _configured_ids(p, ctx) and p.resource_type not in BEYOND_INVENTORY:
        return None
    return resource_candidates(p, ctx, trails)


def _origin(rep: Candidates | None, listed: bool) -> str:
    if rep is None:
        return "inventory"
    if not listed:
        return rep[1]
    return "configuration and inventory" if rep[2] else f"inventory and {rep[1]}"


def _rep_missing(rep: Candidates | None, judged: list[_Judged]) -> list[_Judged]:
    """The representative probes that make the representative judgement fail (none if it passes)."""
    if rep is None:
        return []
    missing = [j for j in judged if not j.logged]
    if rep[2]:
        return missing
    return missing if len(missing) == len(judged) else []


def _pass_scope(rep: Candidates | None, judged: list[_Judged], known: bool) -> tuple[str, str]:
    """What the representative judgement covered, and any advice, for a PASS message.

    The all-resources probe stands for "all resources" only where the inventory was read.
    """
    if rep is None:
        return "", ""
    if rep[2]:
        return "every configured resource", ""
    ok = sorted(j.probe.resource_id for j in judged if j.logged and j.probe.resource_id != PROBE_ID)
    if ok:
        return (
            f"the resources its selectors name ({', '.join(ok)})",
            " List your production ids under resources.ids to verify they are the ones logged.",
        )
    return ("all resources" if known else "a representative resource") + " of the type", ""


def _rests_on_named_ids(rep: Candidates | None, judged: list[_Judged]) -> bool:
    """Whether a representative PASS rests only on ids the trails' own selectors name.

    Neither configured ids (the user's list) nor a logged all-resources probe (every
    resource is logged, whatever exists): when the listing failed, nobody can tell whether
    the named resources are all the account has, so such a PASS would be unproven. (A
    snapshot written before the inventory existed keeps the earlier judgement, with the
    caveat.)
    """
    if rep is None or rep[2]:
        return False
    return not any(j.logged and j.probe.resource_id == PROBE_ID for j in judged)


def _describe(judged: _Judged, rep: Candidates | None) -> str:
    """How a failing probe is named in a message."""
    if judged.resource is not None:
        return judged.resource.describe()
    if rep is not None and rep[2]:
        return f"configured resource {judged.probe.resource_id} ({judged.probe.target})"
    return f"the representative resource {judged.probe.target}"


def _fail_subjects(
    inv: TypeInventory,
    region: str,
    unlogged: list[_Judged],
    rep: Candidates | None,
    rep_judged: list[_Judged],
    rep_missing: list[_Judged],
) -> str:
    """What is not logged, counted: "2 of 3 Bedrock agent aliases in us-east-1 and ..."."""
    listed = len(inv.resources or ())
    parts = []
    if unlogged:
        parts.append(f"{len(unlogged)} of {listed} {inv.noun(listed)} in {region}")
    if rep_missing and rep is not None and rep[2]:
        noun = "configured resource" if len(rep_judged) == 1 else "configured resources"
        parts.append(f"{len(rep_missing)} of {len(rep_judged)} {noun}")
    elif rep_missing:
        parts.append("any representative resource of the type")
    return " and for ".join(parts)


def data_events_logged(p: DataEventsParams, ctx: RuleContext) -> list[Outcome]:
    """Judge whether the covering trails log data events of ``p.resource_type``.

    Every inventoried resource of the type is judged on its own ARN, with the configured
    ids (all must be logged). The representative judgement (the trails' own ids and an
    all-resources probe, one is enough) stays when the inventory lists none of the type,
    when it could not be read (the message then says so), and for a type with resources
    no inventory lists (:data:`BEYOND_INVENTORY`).
    """
    cov = coverage(ctx)
    known = cov.judgeable
    unverified = cov.selector_gaps()
    inv = type_inventory(ctx, p.resource_type)
    listed = inv.resources or ()
    rep = _representative(p, ctx, known, bool(listed))
    rep_judged = [
        _judge(_probe(p, ctx, rid), known, ctx.partition) for rid in (rep[0] if rep else [])
    ]
    inv_judged = [_judge(_inventory_probe(p, ctx, r), known, ctx.partition, r) for r in listed]
    judged = [*rep_judged, *inv_judged]
    rep_missing = _rep_missing(rep, rep_judged)
    unlogged = [j for j in inv_judged if not j.logged]

    evidence: dict[str, Any] = {
        "resource_type": p.resource_type,
        "resource_ids": {
            "from": _origin(rep, bool(listed)),
            "values": [j.probe.resource_id for j in judged],
        },
        "events": [dict(r, resource_id=j.probe.resource_id) for j in judged for r in j.rows],
        "trails": trail_rows(cov),
        "selectors": relevant_config(known, p.resource_type, ctx.memo),
    }
    if inv.kinds:
        evidence["inventory"] = inv.evidence()
        if inv.known:
            evidence["resources"] = [
                j.resource.evidence_row(j.logged or (None if unverified else False), j.by)
                for j in inv_judged
                if j.resource
            ]
    if unverified:
        evidence["unverified"] = unverified
    caveat = "" if inv.known else unknown_caveat(inv, ctx.region)

    if not rep_missing and not unlogged:
        hits = sorted(
            {f"{r['trail']} ({r['selector']})" for j in judged for r in j.rows if r["logged"]}
        )
        scope, advice = _pass_scope(rep, rep_judged, inv.known)
        region = ctx.region_snapshot
        listing_failed = caveat and region is not None and region.inventory is not None
        if listing_failed and _rests_on_named_ids(rep, rep_judged):
            message = (
                f"Cannot verify {p.resource_type} data events: the trails log {scope}, but "
                f"the inventory that would say which resources exist could not be read."
            )
            return [Outcome(Status.ERROR, message + caveat, evidence=evidence)]
        if listed:
            every = f"every resource the inventory lists in {ctx.region} ({count_phrase(listed)})"
            scope = f"{scope} and {every}" if scope else every
        message = f"{p.resource_type} data events are logged by {', '.join(hits)} for {scope}."
        return [Outcome(Status.PASS, message + advice + caveat, evidence=evidence)]
    names = name_list([_describe(j, rep) for j in [*unlogged, *rep_missing]])
    if unverified:
        message = f"Cannot verify {p.resource_type} data events: " + "; ".join(unverified)
        if unlogged and known:
            message += (
                f". Of the {len(listed)} {inv.noun(len(listed))} in {ctx.region}, the trails "
                f"whose selectors were read do not log {len(unlogged)}: {names}."
            )
        elif caveat:
            message += "."
        return [Outcome(Status.ERROR, message + caveat, evidence=evidence)]
    if not cov.logging:
        message = f"{p.resource_type} data events are not logged: {coverage_failure(cov, ctx)}."
        if listed:
            message += none_logged(listed, ctx.region)
        return [Outcome(Status.FAIL, message + _hint(p, known) + caveat, evidence=evidence)]
    first = (unlogged or rep_missing)[0]
    event = first.first_unlogged()
    reasons = why_not_logged(p.resource_type, ctx, known, event)
    why = f"no trail covering {ctx.account_id} in {ctx.region} logs {describe_event(event)}" + (
        ": " + "; ".join(reasons) if reasons else ""
    )
    if listed:
        subjects = _fail_subjects(inv, ctx.region, unlogged, rep, rep_judged, rep_missing)
        message = (
            f"{p.resource_type} data events are not logged for {subjects}. Not logged: {names}. "
            f"{why[0].upper()}{why[1:]}."
        )
    else:
        message = f"{p.resource_type} data events are not logged: {why}."
    return [Outcome(Status.FAIL, message + _hint(p, known) + caveat, evidence=evidence)]


DATA_EVENTS = RuleKind(
    name="data_events_logged",
    function=data_events_logged,
    params=DataEventsParams,
    scope="account_region",
    summary=(
        "The trails covering the account and region log a type's data events on every "
        "inventoried resource (else on a representative one)."
    ),
    results="region",
)
