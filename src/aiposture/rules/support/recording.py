"""Whether a trail records a detection's sample event: the first link after the trail itself.

CloudTrail sends to CloudWatch Logs only the events that match the trail's settings (CloudTrail
User Guide, "Sending events to CloudWatch Logs"). So a detection can only ever see the sample
events its trail records:

- API and network-activity events are judged by the exact selector evaluator
  (:func:`aiposture.lang.selectors.trail_logs`) against the trail's event selectors.
- A data event on a resource is judged on the account's *real* resources of that type, taken
  exactly as the data-event check of that type takes them (:mod:`aiposture.rules.data_events_logged`:
  the configured ids, else the ids the trail's own selectors name, else an all-resources
  probe). With configured ids, every one must be recorded; otherwise one is enough.
- An Insights event (``eventCategory: Insight``) is recorded when the trail has Insights of
  its ``insightDetails.insightType`` on for the sample's ``insight_category`` and logs what
  that Insights type needs (:func:`aiposture.lang.insights.insight_prerequisite_ok`).
- An aggregated summary (``eventCategory: Aggregated``) is recorded when the trail has an
  event aggregation template for data events and logs data events.

A trail whose selectors (or Insights selectors, or event configuration) could not be read
records "unknown", never "yes".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiposture.lang.insights import insight_categories, insight_prerequisite_ok, logs_any_data
from aiposture.lang.selectors import trail_logs
from aiposture.memo import EvaluationMemo, Fact
from aiposture.rules.base import RuleContext, describe_error, errors_for
from aiposture.rules.data_events_logged import (
    DataEventsParams,
    render_template,
    resource_candidates,
)
from aiposture.rules.event_aggregation import data_templates
from aiposture.rules.support.coverage import owner_only, owner_only_reason
from aiposture.rules.support.events import describe_event
from aiposture.rules.support.sample_events import SampleEvent, fill_names, sample_template
from aiposture.rules.support.selector_facts import why_not_logged
from aiposture.snapshot.models import Trail


@dataclass(frozen=True)
class Probe:
    """One concrete record of a sample: the sample itself, or it on one real resource.

    ``event`` holds only the fields event selectors, Insights and messages read.
    """

    event: dict[str, Any]
    resource_id: str | None = None
    insight_category: str = "Management"
    """For an Insights record: the category of events whose anomaly it reports."""
    key: str = ""
    """The sample's key (its fields as written), for memoising verdicts."""


VISIBLE = (
    "eventCategory",
    "eventType",
    "eventSource",
    "eventName",
    "readOnly",
    "managementEvent",
    "errorCode",
    "vpcEndpointId",
    "sessionCredentialFromConsole",
    "resources",
    "insightDetails",
)
"""The record fields event selectors, Insights and recording messages read (plus
``userIdentity.arn``): all a probe needs, so probes are cheap to build."""

_VISIBLE: Fact[tuple[dict[str, Any], str]] = Fact("visible sample templates", size=8192)


def _visible_template(sample: SampleEvent, memo: EvaluationMemo) -> tuple[dict[str, Any], str]:
    """The sample's template cut down to :data:`VISIBLE`, and its key (once per sample)."""

    def build() -> tuple[dict[str, Any], str]:
        template, key = sample_template(sample)
        reduced = {k: template[k] for k in VISIBLE if k in template}
        identity = template.get("userIdentity")
        if isinstance(identity, Mapping) and "arn" in identity:
            reduced["userIdentity"] = {"arn": identity["arn"]}
        return reduced, key

    return memo.get(_VISIBLE, (sample,), build)


@dataclass(frozen=True)
class ProbeSet:
    """The records that stand for a sample in one account and region."""

    probes: tuple[Probe, ...]
    need_all: bool
    """True when every probe must be recorded (configured resource ids); else one is enough."""
    origin: str = ""
    """Where the resource ids came from, for messages ("" for a non-resource sample)."""


_TYPES: Fact[dict[str, DataEventsParams]] = Fact("data-event requirements by type", size=16)


def data_event_params(ctx: RuleContext) -> dict[str, DataEventsParams]:
    """The catalog's data-event requirements by resource type (indexed once per evaluation)."""
    checks = ctx.checks

    def build() -> dict[str, DataEventsParams]:
        out: dict[str, DataEventsParams] = {}
        for params in checks.values():
            if isinstance(params, DataEventsParams):
                out.setdefault(params.resource_type, params)
        return out

    return ctx.memo.get(_TYPES, (checks,), build)


def _resource_type(event: Mapping[str, Any]) -> str | None:
    for resource in event.get("resources") or []:
        if isinstance(resource, Mapping) and resource.get("type"):
            return str(resource["type"])
    return None


def probes(sample: SampleEvent, ctx: RuleContext, trails: list[Trail]) -> ProbeSet:
    """The records of ``sample`` in ``ctx``'s account and region, on its real resources.

    ``trails`` are the covering trails whose own selectors may name the resource ids.
    """
    template, key = _visible_template(sample, ctx.memo)
    names = {"account": ctx.account_id, "region": ctx.region, "partition": ctx.partition}
    event: dict[str, Any] = fill_names(template, names)
    if event.get("eventCategory") != "Data":
        return ProbeSet((Probe(event, None, sample.insight_category, key),), need_all=True)
    rtype = _resource_type(event)
    params = data_event_params(ctx).get(rtype or "")
    if params is None and rtype is None:
        params = _inline_params(event, ctx)
    if params is None:
        return ProbeSet((Probe(event, None, "Management", key),), need_all=True)
    ids, origin, need_all = _candidates(params, ctx, trails)
    out = [Probe(_on_resource(event, params, ctx, rid), rid, "Management", key) for rid in ids]
    return ProbeSet(tuple(out), need_all=need_all, origin=origin)


_CANDIDATES: Fact[tuple[list[str], str, bool]] = Fact("resource candidates")


def _candidates(
    params: DataEventsParams, ctx: RuleContext, trails: list[Trail]
) -> tuple[list[str], str, bool]:
    """:func:`resource_candidates`, once per (type, account, region): samples share them."""
    return ctx.memo.get(
        _CANDIDATES,
        (params, ctx.snapshot, ctx.config),
        lambda: resource_candidates(params, ctx, trails),
        ctx.account_id,
        ctx.region,
    )


def _inline_params(event: Mapping[str, Any], ctx: RuleContext) -> DataEventsParams | None:
    """Inline-agent events carry no resource: the requirement that names them by event."""
    name = event.get("eventName")
    for params in data_event_params(ctx).values():
        if params.user_arn_template and any(e.name == name for e in params.events):
            return params
    return None


def _on_resource(
    event: Mapping[str, Any], params: DataEventsParams, ctx: RuleContext, resource_id: str
) -> dict[str, Any]:
    out = dict(event)
    out["resources"] = [dict(r) for r in event.get("resources") or []]
    if params.arn_template:
        arn = render_template(params.arn_template, ctx, resource_id)
        extra = {
            x.type: render_template(x.arn_template, ctx, resource_id)
            for x in params.extra_resources
        }
        for resource in out.get("resources") or []:
            if resource.get("type") == params.resource_type:
                resource["ARN"] = arn
            elif resource.get("type") in extra:
                resource["ARN"] = extra[resource["type"]]
    if params.user_arn_template:
        identity = dict(out.get("userIdentity") or {})
        identity["arn"] = render_template(params.user_arn_template, ctx, resource_id)
        out["userIdentity"] = identity
    return out


_VERDICTS: Fact[bool | None] = Fact("recording verdicts", size=65536)


def records(trail: Trail, probe: Probe, ctx: RuleContext) -> bool | None:
    """Whether ``trail`` records ``probe``'s event in ``ctx``; None when its settings were not read.

    Memoised per (trail, sample, resource, account, region): detections that state the same
    sample event share the verdict.
    """
    partition = ctx.partition
    if not probe.key:
        return _records(trail, probe, partition, ctx.memo)
    return ctx.memo.get(
        _VERDICTS,
        (trail,),
        lambda: _records(trail, probe, partition, ctx.memo),
        probe.key,
        probe.resource_id,
        probe.insight_category,
        ctx.account_id,
        ctx.region,
        partition,
    )


def _records(trail: Trail, probe: Probe, partition: str, memo: EvaluationMemo) -> bool | None:
    event = probe.event
    selectors = trail.event_selectors
    category = event.get("eventCategory")
    if category == "Insight":
        return _records_insight(trail, event, probe.insight_category, memo)
    if selectors is None:
        return None
    if category == "Aggregated":
        if trail.aggregation is None:
            return None
        return bool(data_templates(trail)) and logs_any_data(selectors.as_api())
    return trail_logs(selectors.as_api(), event, partition).logged


_INSIGHT_VERDICTS: Fact[bool | None] = Fact("Insights verdicts")


def _insight_type(event: Mapping[str, Any]) -> str:
    details = event.get("insightDetails") or {}
    return str(details.get("insightType") or "")


def _records_insight(
    trail: Trail, event: Mapping[str, Any], category: str, memo: EvaluationMemo
) -> bool | None:
    """Whether ``trail`` writes Insights events of the sample's type and category.

    It depends on the trail alone, so every account and sample of that type shares it.
    """
    insight_type = _insight_type(event)
    return memo.get(
        _INSIGHT_VERDICTS,
        (trail,),
        lambda: _insights_on(trail, insight_type, category),
        insight_type,
        category,
    )


def _insights_on(trail: Trail, insight_type: str, category: str) -> bool | None:
    if trail.insight_selectors is None and trail.insights_unsupported is not None:
        return False  # Insights are not available for this trail: it writes none
    if trail.insight_selectors is None or trail.event_selectors is None:
        return None
    if category not in insight_categories(trail.insight_selectors, insight_type):
        return False
    return insight_prerequisite_ok(insight_type, category, trail.event_selectors.as_api())


def unread_reason(trail: Trail, probe: Probe) -> str:
    """Why whether ``trail`` records ``probe`` is unknown (the setting that was not read)."""
    category = probe.event.get("eventCategory")
    operation, what = {
        "Insight": ("GetInsightSelectors", "Insights selectors"),
        "Aggregated": ("GetEventConfiguration", "event aggregation settings"),
    }.get(str(category), ("GetEventSelectors", "event selectors"))
    if category == "Insight" and trail.event_selectors is None:
        operation, what = "GetEventSelectors", "event selectors"
    if owner_only(trail, operation):
        return f"the {what} of trail {trail.name} were not read: {owner_only_reason(trail, what)}"
    errors = errors_for(trail.errors, operation)
    why = f": {describe_error(errors[0])}" if errors else ""
    return f"the {what} of trail {trail.name} were not read{why}"


def not_recorded_reason(trail: Trail, probe: Probe, ctx: RuleContext) -> str:
    """Why ``trail`` does not record ``probe`` (assuming it does not), in one phrase.

    For a data event on a resource, the selectors of its type that reject it are named, with
    the condition that does, as the data-event check of that type names them.
    """
    event = probe.event
    category = event.get("eventCategory")
    if category == "Insight":
        insight_type = _insight_type(event)
        selectors = trail.insight_selectors or []
        on = sorted(insight_categories(selectors, insight_type))
        category = probe.insight_category
        if category not in on:
            where = f" (on for {', '.join(on)} events only)" if on else ""
            return (
                f"trail {trail.name} has no {insight_type} Insights on {category.lower()} "
                f"events{where}"
            )
        return (
            f"trail {trail.name} does not log the events {insight_type} Insights on "
            f"{category.lower()} events need"
        )
    if category == "Aggregated":
        return f"trail {trail.name} has no event aggregation template for the data events it logs"
    if category == "Data":
        text = f"trail {trail.name} does not log the data event {describe_event(event)}"
        rtype = _resource_type(event)
        why = why_not_logged(rtype, ctx, [trail], event) if rtype else []
        return f"{text} ({'; '.join(why)})" if why else text
    if category == "NetworkActivity":
        return f"trail {trail.name} does not log the network activity event {describe_event(event)}"
    ro = event.get("readOnly")
    kind = "read " if ro is True else "write " if ro is False else ""
    return (
        f"trail {trail.name} does not log {kind}management events such as "
        f"{event.get('eventSource')} {event.get('eventName')}"
    )
