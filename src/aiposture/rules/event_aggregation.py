"""Rule kind ``event_aggregation``: a covering trail aggregates its data events.

CloudTrail event aggregation (GetEventConfiguration ``AggregationConfigurations``, each an
``EventCategory`` (only ``Data``) and its ``Templates``) writes 5-minute summaries of the
trail's data events (``eventCategory`` ``Aggregated``) next to the raw events. The guide
enables three templates: API_ACTIVITY, RESOURCE_ACCESS and USER_ACTIONS; one check per template.
"""

from __future__ import annotations

from typing import Any, Literal

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error, errors_for
from aiposture.rules.support.coverage import coverage, unread_reason
from aiposture.snapshot.models import Trail

Template = Literal["API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS"]

_UNKNOWN_OPERATION_CODES = ("AttributeError", "OperationNotFoundError", "UnknownOperationException")


class EventAggregationParams(Params):
    """Parameters of ``event_aggregation``: the aggregation template the trail must have."""

    template: Template


def data_templates(trail: Trail) -> list[str]:
    """The templates aggregating ``trail``'s data events (empty when none or not read)."""
    found: list[str] = []
    for config in (trail.aggregation or {}).get("AggregationConfigurations") or []:
        if config.get("EventCategory") != "Data":
            continue
        for template in config.get("Templates") or []:
            if template not in found:
                found.append(str(template))
    return found


def _unread_reason(trail: Trail) -> str:
    errs = errors_for(trail.errors, "GetEventConfiguration")
    if errs and errs[0].error_code in _UNKNOWN_OPERATION_CODES:
        return (
            f"{describe_error(errs[0])}; the botocore used for the scan does not know "
            "CloudTrail GetEventConfiguration, upgrade boto3/botocore and scan again"
        )
    return unread_reason(trail, "GetEventConfiguration", "event aggregation settings")


def _row(trail: Trail) -> dict[str, Any]:
    return {
        "trail": trail.name,
        "arn": trail.arn,
        "read": trail.aggregation is not None,
        "data_templates": data_templates(trail),
    }


def event_aggregation(params: EventAggregationParams, ctx: RuleContext) -> list[Outcome]:
    """A covering trail has the event aggregation template enabled."""
    cov = coverage(ctx)
    template = params.template
    rows: list[dict[str, Any]] = []
    unknown: list[str] = list(cov.unverified_reasons())
    for trail in cov.logging:
        rows.append(_row(trail))
        if trail.aggregation is None:
            unknown.append(f"trail {trail.name}: {_unread_reason(trail)}")
            continue
        if template in data_templates(trail):
            return [
                Outcome(
                    Status.PASS,
                    f"Trail {trail.name} aggregates its data events with the {template} template "
                    f"for account {ctx.account_id} in {ctx.region}.",
                    trail.arn,
                    {"template": template, "trails": rows},
                )
            ]
    evidence = {"template": template, "trails": rows}
    if unknown:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot verify {template} event aggregation for account {ctx.account_id} in "
                f"{ctx.region}: " + "; ".join(unknown) + ".",
                evidence=evidence,
            )
        ]
    if not cov.logging:
        stopped = "".join(f"; trail {t.name} is not logging" for t in cov.stopped)
        return [
            Outcome(
                Status.FAIL,
                f"No logging trail covers account {ctx.account_id} in {ctx.region}{stopped}, so "
                f"no {template} aggregated events are produced.",
                evidence=evidence,
            )
        ]
    have = "; ".join(
        f"trail {r['trail']} has "
        + (", ".join(r["data_templates"]) if r["data_templates"] else "no data event aggregation")
        for r in rows
    )
    return [
        Outcome(
            Status.FAIL,
            f"No trail covering account {ctx.account_id} in {ctx.region} aggregates data events "
            f"with the {template} template ({have}). Add it with aws cloudtrail "
            "put-event-configuration (keep the templates the trail already has).",
            evidence=evidence,
        )
    ]


EVENT_AGGREGATION = RuleKind(
    "event_aggregation",
    event_aggregation,
    EventAggregationParams,
    "account_region",
    "A covering trail has the event aggregation template enabled.",
    results="resource",
)
