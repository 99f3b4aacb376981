"""One change of a fix plan's account page: its heading, call, why, details and targets.

:func:`change_section` writes a change; what it shows besides the call depends on the
kind of step, chosen by a ``match`` that names every kind (a new kind is a type error
until it is handled here): the trail and the one setting an ``update-trail`` sends, every
selector sent with what became of the trail's own, the filter pattern, the alarm's
condition, the rule, query or dashboard body.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, assert_never

from aiposture.markdown_text import md_code, md_fence, md_text
from aiposture.remediate.markdown_cells import region_cell, resource_cell
from aiposture.remediate.plan import (
    CreateLogGroup,
    PutDashboard,
    PutEventSelectors,
    PutInsightRule,
    PutInsightSelectors,
    PutInvocationLogging,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    StartLogging,
    Step,
    Target,
    TrailStep,
    Unresolved,
    UpdateTrail,
)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _targets_table(targets: Sequence[Target]) -> list[str]:
    lines = ["| Check | Title | Region | Resource |", "|---|---|---|---|"]
    for t in targets:
        title = md_text(t.title) if t.title else "-"
        lines.append(
            f"| {md_code(t.check_id, in_table=True)} | {title} | {region_cell(t.region)} | "
            f"{resource_cell(t.resource_arn)} |"
        )
    return lines


def change_title(step: Step) -> str:
    """A change's heading: what kind of change, then the name of what it changes."""
    match step:
        case UpdateTrail():
            label = "Update trail"
        case StartLogging():
            label = "Start logging on trail"
        case PutEventSelectors():
            label = "Event selectors of trail"
        case PutInsightSelectors():
            label = "Insights selectors of trail"
        case CreateLogGroup():
            label = "Create log group"
        case PutMetricFilter():
            label = "Metric filter"
        case PutMetricAlarm():
            label = "Alarm"
        case PutInsightRule():
            label = "Contributor Insights rule"
        case PutQueryDefinition():
            label = "Saved query"
        case PutDashboard():
            label = "Dashboard"
        case PutInvocationLogging():
            return "Bedrock model invocation logging"
        case Unresolved():
            return "Unresolved"
        case _:
            assert_never(step)
    return f"{label} {md_code(step.subject)}"


def _item(label: str, value: str) -> str:
    return f"- **{label}:** {value}"


def _trail_items(step: TrailStep) -> list[str]:
    return [_item("Trail", f"{md_code(step.trail_name)} ({md_code(step.trail_arn)})")]


def _update_trail(step: UpdateTrail) -> list[str]:
    lines = _trail_items(step)
    if step.enable_log_file_validation:
        lines.append(_item("Setting", "log file validation on (`--enable-log-file-validation`)"))
    lines.append(
        _item("Kept", "every other setting of the trail: the call names only the setting above")
    )
    return lines


def _selector_change_rows(step: PutEventSelectors) -> list[str]:
    lines = ["| # | Selector | Change | Why |", "|---:|---|---|---|"]
    for n, change in enumerate(step.changes, start=1):
        why = md_text(change.why) if change.why else "-"
        name = md_text(change.name) if change.name else "(no name)"
        lines.append(f"| {n} | {name} | {change.change} | {why} |")
    return lines


def _selector_names(selectors: Sequence[dict[str, Any]] | None) -> list[str]:
    return [str(s.get("Name", "")) for s in selectors or []]


def _event_selectors(step: PutEventSelectors) -> list[str]:
    lines = _trail_items(step)
    before = step.before_advanced if step.before_advanced is not None else step.before_classic
    had = len(before or [])
    kind = "classic" if step.before_advanced is None and step.before_classic else "advanced"
    counts = {c: sum(1 for x in step.changes if x.change == c) for c in _CHANGE_ORDER}
    lines += [
        _item("Before", f"{had} {kind} selector(s)"),
        _item("After", f"{len(step.after)} advanced selector(s)"),
        "",
        "`put-event-selectors` **replaces every selector** on the trail: a selector that is "
        "not in the list sent is deleted. The list below keeps every selector the trail has "
        f"now ({counts['kept']} kept as they are, {counts['replaced']} replaced because "
        f"wrong, {counts['converted']} converted from classic to advanced) and adds "
        f"{counts['added']}.",
        "",
    ]
    if step.before_advanced is not None:
        accounted = {c.name for c in step.changes if c.change != "added"}
        lost = [n for n in _selector_names(step.before_advanced) if n not in accounted]
        for name in lost:
            lines += [
                f"**Warning:** the selector {md_text(name)} the trail has now is not in the "
                "list sent: applying this change would delete it.",
                "",
            ]
    lines += [*_selector_change_rows(step), ""]
    for change in step.changes:
        if change.change not in ("replaced", "converted"):
            continue
        name = md_text(change.name) if change.name else "(no name)"
        verb = "Replaced" if change.change == "replaced" else "Converted"
        why = f": {md_text(change.why)}" if change.why else ""
        lines += [f"**{verb}:** selector {name}{why}.", ""]
        if change.before is not None:
            lines += ["Before:", "", md_fence(_json(change.before), "json"), ""]
        if change.after is not None:
            lines += ["After:", "", md_fence(_json(change.after), "json"), ""]
    if step.before_classic and step.before_advanced is None:
        lines += [
            "The classic selectors the trail has now:",
            "",
            md_fence(_json(step.before_classic), "json"),
            "",
        ]
    lines += _cost_lines(step)
    lines += [f"The whole list sent ({len(step.after)}):", "", md_fence(_json(step.after), "json")]
    if step.high_volume_types:
        types = ", ".join(md_code(t) for t in step.high_volume_types)
        lines += [
            "",
            f"**Cost:** data events are billed per event, and {types} can produce many "
            "events: watch the trail's cost after this change.",
        ]
    return lines


_CHANGE_ORDER = ("kept", "added", "replaced", "converted")


def _money(value: float) -> str:
    return f"{value:,.2f} USD" if value >= 0.01 or value == 0 else f"{value:.4f} USD"


def _cost_lines(step: PutEventSelectors) -> list[str]:
    """The expected cost of each new or repaired data-event selector (an estimate)."""
    costed = [c for c in step.changes if c.cost is not None]
    if not costed:
        return []
    lines = [
        "**Expected cost of the new data events (estimate):** CloudTrail bills every data "
        "event delivered; the volume below comes from the usage metrics of the places each "
        "selector serves, the price from `remediation.data_event_price_usd_per_100k`.",
        "",
        "| Selector | Type | Events per day | Per month | Basis |",
        "|---|---|---:|---:|---|",
    ]
    for change in costed:
        cost = change.cost
        assert cost is not None
        if cost.events_per_day is None or cost.usd_per_month is None:
            per_day, month = "unknown", "unknown"
        elif not cost.events_per_day:
            per_day, month = "0 (no invocation seen in the window)", "0 USD while unused"
        else:
            per_day = f"~{cost.events_per_day:,.1f}"
            month = (
                f"~{_money(cost.usd_per_month)} at {_money(cost.price_usd_per_100k)} per 100,000"
            )
        lines.append(
            f"| {md_text(change.name) if change.name else '(no name)'} | "
            f"{md_code(cost.resource_type, in_table=True)} | {md_text(per_day)} | {md_text(month)} | "
            f"{md_text(cost.basis)} |"
        )
    return [*lines, ""]


def _insight_types(selectors: Sequence[dict[str, Any]]) -> str:
    names = [md_code(s.get("InsightType", "?")) for s in selectors]
    return ", ".join(names) if names else "none"


def _insight_selectors(step: PutInsightSelectors) -> list[str]:
    return [
        *_trail_items(step),
        _item("Before", _insight_types(step.before)),
        _item("After", _insight_types(step.after)),
        "",
        "`put-insight-selectors` replaces every Insights selector too: the list sent is the "
        "union of what is on and what is required.",
        "",
        "Before:",
        "",
        md_fence(_json(step.before), "json"),
        "",
        "After:",
        "",
        md_fence(_json(step.after), "json"),
    ]


def _log_group(step: CreateLogGroup) -> list[str]:
    retention = (
        f"{step.retention_in_days} days" if step.retention_in_days is not None else "never expire"
    )
    return [
        _item("Log group", f"{md_code(step.log_group_name)} (Standard class)"),
        _item("Retention", retention),
        _item("Only if missing", "the log group is created only when it does not exist"),
    ]


def _metric_filter(step: PutMetricFilter) -> list[str]:
    default = "none" if step.default_value is None else md_text(f"{step.default_value:g}")
    return [
        _item("Log group", md_code(step.log_group_name)),
        _item("Metric", f"{md_code(step.namespace)} / {md_code(step.metric_name)}"),
        _item("Metric value", f"{md_code(step.metric_value)}, default {default}"),
        "",
        "Filter pattern:",
        "",
        md_fence(step.pattern),
    ]


def _alarm(step: PutMetricAlarm) -> list[str]:
    actions = ", ".join(md_code(a) for a in step.alarm_actions) or "none"
    return [
        _item("Description", md_text(step.description)),
        _item("Metric", f"{md_code(step.namespace)} / {md_code(step.metric_name)}"),
        _item(
            "Condition",
            f"{md_text(step.statistic)} over {step.period} s "
            f"{md_text(step.comparison_operator)} {step.threshold:g}, "
            f"{step.datapoints_to_alarm} of {step.evaluation_periods} period(s); "
            f"missing data: {md_text(step.treat_missing_data)}",
        ),
        _item("Notifies", actions),
    ]


def _insight_rule(step: PutInsightRule) -> list[str]:
    return [
        _item("State", step.state),
        "",
        "Rule definition:",
        "",
        md_fence(_json(step.definition), "json"),
    ]


def _query(step: PutQueryDefinition) -> list[str]:
    groups = ", ".join(md_code(g) for g in step.log_group_names) or "none"
    info = "sql" if step.query_language == "SQL" else ""
    return [
        _item("Language", step.query_language),
        _item("Log groups", groups),
        _item("Only once", "a saved query of the same name is updated, never doubled"),
        "",
        "Query:",
        "",
        md_fence(step.query_string, info),
    ]


def _dashboard(step: PutDashboard) -> list[str]:
    lines: list[str] = []
    if step.before is not None:
        widgets = len(step.before.get("widgets", []))
        lines += [
            _item("Existing dashboard", f"its {widgets} widget(s) are kept in the body below"),
            "",
            "Body before:",
            "",
            md_fence(_json(step.before), "json"),
            "",
        ]
    return [*lines, "Dashboard body:", "", md_fence(_json(step.body), "json")]


def _invocation_logging(step: PutInvocationLogging) -> list[str]:
    return [
        "The call replaces the whole configuration: the one sent keeps the destinations "
        "configured now.",
        "",
        "Before:",
        "",
        md_fence(_json(step.before), "json"),
        "",
        "After:",
        "",
        md_fence(_json(step.config), "json"),
    ]


def _details(step: Step) -> list[str]:
    match step:
        case UpdateTrail():
            return _update_trail(step)
        case StartLogging():
            return _trail_items(step)
        case PutEventSelectors():
            return _event_selectors(step)
        case PutInsightSelectors():
            return _insight_selectors(step)
        case CreateLogGroup():
            return _log_group(step)
        case PutMetricFilter():
            return _metric_filter(step)
        case PutMetricAlarm():
            return _alarm(step)
        case PutInsightRule():
            return _insight_rule(step)
        case PutQueryDefinition():
            return _query(step)
        case PutDashboard():
            return _dashboard(step)
        case PutInvocationLogging():
            return _invocation_logging(step)
        case Unresolved():
            return []
        case _:
            assert_never(step)


def change_section(number: int, step: Step) -> list[str]:
    """Change ``number`` of an account's page: heading, call, why, details, results fixed."""
    call = f"aws {step.operation}" if step.operation else ""
    lines = [
        f"### {number}. {change_title(step)}",
        "",
        _item("Call", f"`{call}` in {md_text(step.region)}, account {md_text(step.account_id)}"),
        _item("Why", md_text(step.reason)),
    ]
    for block in _details(step):
        if block and not block.startswith("- ") and lines[-1].startswith("- "):
            lines.append("")  # a paragraph after a list must not continue its last item
        lines.append(block)
    if step.notes:
        lines += ["", *(_item("Note", md_text(n)) for n in step.notes)]
    lines.append("")
    if step.targets:
        lines += [
            f"Fixes {len(step.targets)} failing result(s):",
            "",
            *_targets_table(step.targets),
        ]
    else:
        lines.append("Fixes no result by itself: a later change needs it.")
    return [*lines, ""]
