"""Rule kind ``guardrail_alarm``: someone is told when a Bedrock guardrail intervenes.

The guide lists "Bedrock Guardrail monitoring" for the Risk Management dimension. Made
concrete from the Amazon Bedrock User Guide ("Monitor Amazon Bedrock Guardrails using
CloudWatch metrics"): guardrails publish ``InvocationsIntervened`` (the invocations where
a guardrail intervened) in namespace ``AWS/Bedrock/Guardrails``, with the dimension sets
``Operation`` (value ``ApplyGuardrail``), ``GuardrailContentSource``,
``GuardrailPolicyType`` and ``GuardrailArn`` + ``GuardrailVersion``. CloudWatch keeps each
dimension combination as its own metric, so an alarm only sees data on a combination that
is published. Judged per inventoried guardrail:

- an alarm **covers** the guardrail when it watches ``InvocationsIntervened`` (directly, or
  through metric math whose returned expression rises with it,
  :func:`aiposture.lang.metric_math.returned_forms`) on ``Operation=ApplyGuardrail`` (every
  guardrail of the region) or on the guardrail's own ``GuardrailArn`` (with its
  ``GuardrailVersion``). An alarm on one ``GuardrailPolicyType`` or
  ``GuardrailContentSource`` sees only part of the interventions, and one on a combination
  AWS does not publish (no dimensions, ``GuardrailArn`` alone) never receives data: neither
  counts, and the message says why. Per-guardrail alarms must watch every version the
  region's agents and flow nodes use (a version's interventions are its own series);
- the alarm must be able to fire on a rise: a static ``GreaterThan`` threshold or the upper
  side of an anomaly-detection band, a statistic that counts (``Sum``, ``SampleCount`` or
  ``Maximum``), and missing data not treated as breaching (periods without guardrail
  traffic have no datapoint, so "breaching" pages on silence). The threshold itself is the
  operator's choice: the guide gives none;
- and it must reach a person: an SNS topic with a confirmed subscriber, directly or through
  a composite alarm (:mod:`aiposture.rules.support.alarm_routes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiposture.lang.metric_math import returned_forms
from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error, errors_for
from aiposture.rules.support.alarm_routes import alarm_links
from aiposture.rules.support.detection_scope import DeliveryGroup
from aiposture.rules.support.guardrails import AGENT, FLOW, GUARDRAIL, kind_items, model_nodes
from aiposture.rules.support.inventory import name_list
from aiposture.snapshot.models import InventoryItem, RegionSnapshot

NAMESPACE = "AWS/Bedrock/Guardrails"
"""The CloudWatch namespace of the Bedrock Guardrails runtime metrics."""
METRIC = "InvocationsIntervened"
"""The metric counting the invocations where a guardrail intervened."""
REGION_WIDE = "region"
"""The coverage of an alarm on ``Operation=ApplyGuardrail``: every guardrail of the region."""

_RISING = {"GreaterThanThreshold", "GreaterThanOrEqualToThreshold"}
_BANDS = {"GreaterThanUpperThreshold", "LessThanLowerOrGreaterThanUpperThreshold"}
_COUNTING = {"Sum", "SampleCount", "Maximum"}


class GuardrailAlarmParams(Params):
    """Parameters of ``guardrail_alarm`` (none: the metric is AWS's)."""


def coverage(metric: Mapping[str, Any]) -> tuple[str | None, str]:
    """What an alarm on ``metric`` (InvocationsIntervened) covers, and a note.

    ``REGION_WIDE``, a guardrail ARN, or None; the note says the version watched, or why it
    covers nothing.
    """
    dims = {str(d.get("Name")): str(d.get("Value")) for d in metric.get("Dimensions") or []}
    names = set(dims)
    if names == {"Operation"}:
        if dims["Operation"] == "ApplyGuardrail":
            return REGION_WIDE, "Operation=ApplyGuardrail: every guardrail of the region"
        return None, f"Operation={dims['Operation']}, a value AWS does not publish"
    if names == {"GuardrailArn", "GuardrailVersion"}:
        return dims["GuardrailArn"], f"its GuardrailVersion {dims['GuardrailVersion']}"
    if len(names) == 1 and names & {"GuardrailPolicyType", "GuardrailContentSource"}:
        (name,) = names
        return None, f"only the interventions of {name}={dims[name]}"
    shown = ", ".join(sorted(names)) or "no dimensions"
    return None, (
        f"dimensions ({shown}) AWS does not publish {METRIC} with, so it never receives data "
        "(published: Operation; GuardrailContentSource; GuardrailPolicyType; GuardrailArn with "
        "GuardrailVersion)"
    )


@dataclass
class Watch:
    """One alarm on InvocationsIntervened: what it covers and whether it reaches someone."""

    alarm: dict[str, Any]
    covers: dict[str, str] = field(default_factory=dict)
    """Guardrail ARN (or ``REGION_WIDE``) -> note."""
    versions: dict[str, set[str]] = field(default_factory=dict)
    """Guardrail ARN -> the GuardrailVersion values it watches."""
    misses: list[str] = field(default_factory=list)
    """Why some of its metrics cover nothing."""
    problems: list[str] = field(default_factory=list)
    status: Status = Status.FAIL
    detail: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The alarm's name."""
        return str(self.alarm.get("AlarmName") or "")


def _on_metric(metric: Mapping[str, Any]) -> bool:
    return metric.get("Namespace") == NAMESPACE and metric.get("MetricName") == METRIC


def _watch(alarm: dict[str, Any]) -> Watch | None:
    """The alarm as a :class:`Watch` (None when it does not read InvocationsIntervened)."""
    w = Watch(alarm)
    stats: list[str] = []
    if alarm.get("MetricName"):
        if not _on_metric(alarm):
            return None
        metrics: list[Mapping[str, Any]] = [alarm]
        stats.append(str(alarm.get("Statistic") or alarm.get("ExtendedStatistic") or ""))
    else:
        queries = [q for q in alarm.get("Metrics") or [] if isinstance(q, Mapping)]
        on = {
            str(q.get("Id")): q
            for q in queries
            if _on_metric((q.get("MetricStat") or {}).get("Metric") or {})
        }
        if not on:
            return None
        band = str(alarm.get("ThresholdMetricId") or "")
        analysis = returned_forms([q for q in queries if str(q.get("Id")) != band])
        rising = {f.stat_id for f in analysis.forms if f.stat_id in on and f.scale > 0}
        if analysis.problem:
            w.problems.append(
                f"the effect of its returned expression on {METRIC} cannot be bounded "
                f"({analysis.problem})"
            )
        elif not rising:
            w.problems.append(f"its returned expression does not rise with {METRIC}")
        read = sorted(rising) or sorted(on)
        metrics = [on[i]["MetricStat"]["Metric"] for i in read]
        stats += [str(on[i]["MetricStat"].get("Stat") or "") for i in read]
    for metric in metrics:
        scope, note = coverage(metric)
        if scope is None:
            w.misses.append(note)
        else:
            w.covers[scope] = note
            if scope != REGION_WIDE:
                dims = {str(d.get("Name")): str(d.get("Value")) for d in metric["Dimensions"]}
                w.versions.setdefault(scope, set()).add(dims["GuardrailVersion"])
    op = str(alarm.get("ComparisonOperator") or "")
    if op in _BANDS and alarm.get("ThresholdMetricId"):
        pass
    elif op not in _RISING or alarm.get("ThresholdMetricId"):
        w.problems.append(
            f"it compares {op or 'nothing'}, so a rise in interventions never sets it off"
        )
    elif not isinstance(alarm.get("Threshold"), int | float):
        w.problems.append("it has no threshold")
    bad = sorted({s or "none" for s in stats if s not in _COUNTING})
    if bad:
        w.problems.append(
            f"it uses statistic {', '.join(bad)}, which does not count interventions (use Sum)"
        )
    if str(alarm.get("TreatMissingData") or "") == "breaching":
        w.problems.append(
            "it treats missing data as breaching: periods without guardrail traffic have no "
            "datapoint, so it pages on silence and an intervention changes nothing"
        )
    return w


def _judge_route(w: Watch, group: DeliveryGroup) -> None:
    links, text, evidence = alarm_links(
        w.alarm,
        group,
        w.problems,
        f"{NAMESPACE} {METRIC}",
        "fix the alarm so that a rise in interventions sets it off",
    )
    w.evidence = evidence
    states = {link.state for link in links}
    broken = [link.detail for link in links if link.state == "broken"]
    unknown = [link.detail for link in links if link.state == "unknown"]
    if broken:
        w.status, w.detail = Status.FAIL, "; ".join(broken)
    elif unknown:
        w.status, w.detail = Status.ERROR, "; ".join(unknown)
    elif states == {"ok"} and text:
        w.status, w.detail = Status.PASS, text
    else:
        w.status, w.detail = Status.FAIL, f"alarm {w.name} reaches no one"


def _watches(reg: RegionSnapshot, ctx: RuleContext) -> list[Watch]:
    group = DeliveryGroup(
        trails=(),
        account_id=ctx.account_id,
        region=ctx.region,
        name="",
        arn="",
        region_snapshot=reg,
        log_group=None,
    )
    out: list[Watch] = []
    for alarm in reg.alarms or []:
        w = _watch(alarm)
        if w is None:
            continue
        if w.covers:
            _judge_route(w, group)
        out.append(w)
    return out


def _row(w: Watch) -> dict[str, Any]:
    return {
        "alarm": w.name,
        "covers": w.covers,
        "misses": w.misses,
        "status": w.status.value if w.covers else None,
        "detail": w.detail,
        **w.evidence,
    }


def versions_in_use(ctx: RuleContext) -> tuple[dict[str, set[str]], str | None]:
    """Guardrail id or ARN -> the versions the region's agents and flow nodes name.

    Read from the agents' and flows' Get answers; the second value says why that map may
    be incomplete (a listing that failed, an agent or flow whose configuration was not
    read), else None: a version-by-version cover is then not proven.
    """
    unknown = [
        found.reason or f"the configuration of {len(found.found.unread)} {found.noun} was not read"
        for found in (kind_items(ctx, AGENT), kind_items(ctx, FLOW))
        if found.items is None or found.found.unread
    ]
    refs: list[Any] = []
    for item in kind_items(ctx, AGENT).items or []:
        agent = (item.details or {}).get("agent")
        if isinstance(agent, Mapping):
            refs.append(agent.get("guardrailConfiguration"))
    for item in kind_items(ctx, FLOW).items or []:
        refs += [config for _, config in model_nodes((item.details or {}).get("definition"))]
    out: dict[str, set[str]] = {}
    for ref in refs:
        if isinstance(ref, Mapping) and ref.get("guardrailIdentifier"):
            version = str(ref.get("guardrailVersion") or "")
            out.setdefault(str(ref["guardrailIdentifier"]), set()).add(version)
    return out, "; ".join(unknown) or None


def _judge(
    item: InventoryItem, watches: list[Watch], in_use: dict[str, set[str]], uses_unknown: str | None
) -> Outcome:
    name = f"Bedrock guardrail {item.name or item.id}"
    mine = [w for w in watches if REGION_WIDE in w.covers or item.arn in w.covers]
    used = sorted(in_use.get(item.id, set()) | in_use.get(item.arn, set()))
    evidence = {"alarms": [_row(w) for w in watches], "versions_in_use": used}
    passing = [w for w in mine if w.status is Status.PASS]
    wide = [w for w in passing if REGION_WIDE in w.covers]
    watched = set().union(*(w.versions.get(item.arn, set()) for w in passing))
    unwatched = [v for v in used if v not in watched]
    if passing and not wide and unwatched:
        alarms = ", ".join(w.name for w in passing)
        return Outcome(
            Status.FAIL,
            f"The alarms on the interventions of {name} ({alarms}) watch GuardrailVersion "
            f"{', '.join(sorted(watched))}, but its agents and flows use version "
            f"{', '.join(unwatched)}, whose interventions no alarm watches.",
            item.arn,
            evidence,
        )
    if passing and not wide and uses_unknown:
        alarms = ", ".join(w.name for w in passing)
        return Outcome(
            Status.ERROR,
            f"The alarms on the interventions of {name} ({alarms}) watch GuardrailVersion "
            f"{', '.join(sorted(watched))}, but which versions its agents and flows use is "
            f"unknown: {uses_unknown}.",
            item.arn,
            evidence,
        )
    if passing:
        w = wide[0] if wide else passing[0]
        scope = w.covers.get(item.arn) or w.covers[REGION_WIDE]
        return Outcome(
            Status.PASS,
            f"Interventions of {name} are watched by alarm {w.name} ({scope}), which {w.detail}.",
            item.arn,
            evidence,
        )
    unknown = [w for w in mine if w.status is Status.ERROR]
    if unknown:
        return Outcome(
            Status.ERROR,
            f"Cannot tell whether anyone is told when {name} intervenes: "
            f"{name_list([w.detail for w in unknown])}.",
            item.arn,
            evidence,
        )
    if mine:
        return Outcome(
            Status.FAIL,
            f"No alarm on the interventions of {name} reaches a confirmed subscriber: "
            f"{name_list([w.detail for w in mine])}.",
            item.arn,
            evidence,
        )
    near = [f"alarm {w.name} watches {m}" for w in watches for m in w.misses]
    near += [
        f"alarm {w.name} watches other guardrails ({', '.join(sorted(w.covers))})"
        for w in watches
        if w.covers and not (REGION_WIDE in w.covers or item.arn in w.covers)
    ]
    extra = f" ({name_list(near)})" if near else ""
    return Outcome(
        Status.FAIL,
        f"No CloudWatch alarm watches {NAMESPACE} {METRIC} for {name}{extra}, so nobody is told "
        "when it blocks or masks content. Create an alarm on the metric with dimensions "
        "Operation=ApplyGuardrail, or GuardrailArn and GuardrailVersion, that notifies a "
        "subscribed SNS topic.",
        item.arn,
        evidence,
    )


def guardrail_alarm(_: GuardrailAlarmParams, ctx: RuleContext) -> list[Outcome]:
    """Each inventoried guardrail's interventions raise an alarm that reaches a person."""
    found = kind_items(ctx, GUARDRAIL)
    if found.items is None:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot list the {found.noun} in {ctx.region}, so their monitoring cannot be "
                f"judged: {found.reason}.",
                evidence={**found.evidence, "reason": found.reason},
            )
        ]
    if not found.items:
        why = f": {found.reason}" if found.reason else ": nothing to judge"
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"No {found.noun} in {ctx.region}{why}.",
                evidence=found.evidence,
            )
        ]
    reg = ctx.region_snapshot
    if reg is None or reg.alarms is None:
        errs = errors_for(reg.errors if reg else [], "DescribeAlarms")
        why = describe_error(errs[0]) if errs else "cloudwatch:DescribeAlarms was not read"
        return [
            Outcome(
                Status.ERROR,
                f"Cannot tell whether an alarm watches the interventions of "
                f"{describe_guardrail(item)}: {why}.",
                item.arn,
            )
            for item in found.items
        ]
    watches = _watches(reg, ctx)
    in_use, unknown = versions_in_use(ctx)
    return [_judge(item, watches, in_use, unknown) for item in found.items]


def describe_guardrail(item: InventoryItem) -> str:
    """``Bedrock guardrail <name>``, for messages."""
    return f"Bedrock guardrail {item.name or item.id}"


GUARDRAIL_ALARM = RuleKind(
    "guardrail_alarm",
    guardrail_alarm,
    GuardrailAlarmParams,
    "account_region",
    "An alarm on Bedrock guardrail interventions (AWS/Bedrock/Guardrails InvocationsIntervened) "
    "notifies a confirmed subscriber.",
    results="resource",
)
