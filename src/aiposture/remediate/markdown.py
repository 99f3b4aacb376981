"""The Markdown pages of a fix plan: one page per account, and the plan's index.

Each account page (``<account>/README.md``) is written for the engineer who applies the
plan and the auditor who reviews it: what the plan needs first (the :class:`Unresolved`
steps), a summary per region, every change in order with why it is made and which
results it fixes, the verification when there is one, and how to apply it.

Every value in a plan comes from AWS and is untrusted. It reaches the page only through
the project's one escaper, :mod:`aiposture.markdown_text`: :func:`md_text` (inline text
and table cells), :func:`md_code` (code spans) or :func:`md_fence` (fenced blocks): no
HTML, link, autolink, mention, math, emphasis, table break or code span can come out of
it, and GitHub shows the value as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from aiposture.markdown_text import md_code, md_fence, md_text
from aiposture.remediate.cloudformation import (
    CloudFormationForms,
    cloudformation_forms,
    cloudformation_name,
    stack_name,
)
from aiposture.remediate.plan import (
    AccountPlan,
    CreateLogGroup,
    Plan,
    PutDashboard,
    PutEventSelectors,
    PutInsightRule,
    PutInsightSelectors,
    PutInvocationLogging,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    ResultKey,
    StartLogging,
    StatusChange,
    Step,
    Target,
    TrailStep,
    Unresolved,
    UpdateTrail,
    Verification,
)
from aiposture.report.view import format_utc

__all__ = [
    "INDEX_NAME",
    "PAGE_NAME",
    "SCRIPT_NAME",
    "TERRAFORM_NAME",
    "md_code",
    "md_fence",
    "md_text",
    "numbered_changes",
    "render_account_markdown",
    "render_index",
]

SCRIPT_NAME = "apply.sh"
"""The shell script of AWS CLI calls, in each account's folder."""
TERRAFORM_NAME = "main.tf"
"""The Terraform file, in each account's folder."""
PAGE_NAME = "README.md"
"""The account page, in each account's folder."""
INDEX_NAME = "README.md"
"""The plan's index, at the top of the output folder."""

SHORT_SHA = 12


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


# kind -> label in the summary table
_LABELS: dict[str, str] = {
    "update_trail": "Update trail",
    "start_logging": "Start logging",
    "put_event_selectors": "Event selectors",
    "put_insight_selectors": "Insights selectors",
    "create_log_group": "Log group",
    "put_metric_filter": "Metric filter",
    "put_metric_alarm": "Alarm",
    "put_insight_rule": "Contributor Insights rule",
    "put_query_definition": "Saved query",
    "put_dashboard": "Dashboard",
    "put_invocation_logging": "Invocation logging",
    "unresolved": "Unresolved",
}


def numbered_changes(account: AccountPlan) -> list[tuple[int, Step]]:
    """The account's changes numbered from 1 in plan order, as the script numbers its steps."""
    return list(enumerate(account.changes, start=1))


def _step_keys(steps: Iterable[Step]) -> set[ResultKey]:
    return {t.key for s in steps for t in s.targets}


def _change_key(change: StatusChange) -> ResultKey:
    return (change.check_id, change.account_id, change.region, change.resource_arn)


def _generated(plan: Plan) -> str:
    return (
        f"Generated {format_utc(plan.generated_at)} by aiposture {md_text(plan.tool_version)} "
        f"from snapshot sha256 {md_code(plan.snapshot_sha256[:SHORT_SHA])}."
    )


def _region(region: str | None) -> str:
    return md_text(region) if region else "global"


def _resource(arn: str | None) -> str:
    return md_code(arn, in_table=True) if arn else "-"


def _targets_table(targets: Sequence[Target]) -> list[str]:
    lines = ["| Check | Title | Region | Resource |", "|---|---|---|---|"]
    for t in targets:
        title = md_text(t.title) if t.title else "-"
        lines.append(
            f"| {md_code(t.check_id, in_table=True)} | {title} | {_region(t.region)} | "
            f"{_resource(t.resource_arn)} |"
        )
    return lines


def _failures(targets: Sequence[Target]) -> str:
    parts = []
    for t in targets:
        title = f" ({md_text(t.title)})" if t.title else ""
        parts.append(f"{md_code(t.check_id)}{title} in {_region(t.region)}")
    return "; ".join(parts) if parts else "no recorded result"


# --- what the plan needs --------------------------------------------------------------


def _needs(account: AccountPlan) -> list[str]:
    lines = ["## What the plan needs from you", ""]
    unresolved = account.unresolved
    if not unresolved:
        return [*lines, "Nothing: the plan can fix every failure it found in this account.", ""]
    keyed: dict[str, list[Unresolved]] = {}
    manual: list[Unresolved] = []
    for step in unresolved:
        if step.config_key:
            keyed.setdefault(step.config_key, []).append(step)
        else:
            manual.append(step)
    if keyed:
        lines += [
            "### Configuration to set",
            "",
            "Set each key below in the aiposture configuration and run `aiposture remediate` "
            "again: the plan will then fix the failures it blocks.",
            "",
        ]
        for key, steps in keyed.items():
            lines += [f"#### Set {md_code(key)}", ""]
            for s in steps:
                lines.append(f"- {_failures(s.targets)}: {md_text(s.reason)}")
            lines.append("")
    if manual:
        lines += [
            "### Manual changes",
            "",
            "The plan cannot make these changes: make them by hand, then scan again.",
            "",
        ]
        for s in manual:
            lines.append(f"- {_failures(s.targets)}: {md_text(s.reason)}")
        lines.append("")
    return lines


# --- summary --------------------------------------------------------------------------


def _summary(account: AccountPlan) -> list[str]:
    lines = ["## Summary", ""]
    changes = account.changes
    if not changes:
        return [*lines, "The plan makes no change in this account.", ""]
    lines += ["| Region | Change | Count | Failing results fixed |", "|---|---|---:|---:|"]
    regions: dict[str, dict[str, list[Step]]] = {}
    for step in changes:
        regions.setdefault(step.region, {}).setdefault(step.kind, []).append(step)
    for region, kinds in regions.items():
        for kind, steps in kinds.items():
            label = _LABELS[kind]
            lines.append(
                f"| {md_text(region)} | {label} | {len(steps)} | {len(_step_keys(steps))} |"
            )
    lines.append(
        f"| **All** | **All changes** | **{len(changes)}** | **{len(_step_keys(changes))}** |"
    )
    unresolved = account.unresolved
    if unresolved:
        blocked = len(_step_keys(unresolved)) + sum(1 for s in unresolved if not s.targets)
        lines += ["", f"{blocked} failing result(s) need something from you (see above)."]
    return [*lines, ""]


# --- each change ----------------------------------------------------------------------


_TITLES: dict[str, str] = {
    "update_trail": "Update trail",
    "start_logging": "Start logging on trail",
    "put_event_selectors": "Event selectors of trail",
    "put_insight_selectors": "Insights selectors of trail",
    "create_log_group": "Create log group",
    "put_metric_filter": "Metric filter",
    "put_metric_alarm": "Alarm",
    "put_insight_rule": "Contributor Insights rule",
    "put_query_definition": "Saved query",
    "put_dashboard": "Dashboard",
}
"""Heading of a change: this, then the name of what it changes."""


def _title(step: Step) -> str:
    if step.kind in _TITLES:
        return f"{_TITLES[step.kind]} {md_code(step.subject)}"
    if isinstance(step, PutInvocationLogging):
        return "Bedrock model invocation logging"
    return "Unresolved"


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
    if isinstance(step, UpdateTrail):
        return _update_trail(step)
    if isinstance(step, StartLogging):
        return _trail_items(step)
    if isinstance(step, PutEventSelectors):
        return _event_selectors(step)
    if isinstance(step, PutInsightSelectors):
        return _insight_selectors(step)
    if isinstance(step, CreateLogGroup):
        return _log_group(step)
    if isinstance(step, PutMetricFilter):
        return _metric_filter(step)
    if isinstance(step, PutMetricAlarm):
        return _alarm(step)
    if isinstance(step, PutInsightRule):
        return _insight_rule(step)
    if isinstance(step, PutQueryDefinition):
        return _query(step)
    if isinstance(step, PutDashboard):
        return _dashboard(step)
    if isinstance(step, PutInvocationLogging):
        return _invocation_logging(step)
    return []


def _change(number: int, step: Step) -> list[str]:
    call = f"aws {step.operation}" if step.operation else ""
    lines = [
        f"### {number}. {_title(step)}",
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


def _changes(account: AccountPlan) -> list[str]:
    numbered = numbered_changes(account)
    if not numbered:
        return []
    lines = [
        "## Changes, in order",
        "",
        f"{len(numbered)} change(s), numbered as in {md_code(SCRIPT_NAME)}: a trail records "
        "before anything reads it, a log group exists before its filter, a filter before "
        "its alarm.",
        "",
    ]
    for number, step in numbered:
        lines += _change(number, step)
    return lines


# --- verification ---------------------------------------------------------------------


def _status_table(title: str, changes: Sequence[StatusChange], *, account: bool) -> list[str]:
    lines = [f"### {title}: {len(changes)}", ""]
    if not changes:
        return lines
    if account:
        lines += [
            "| Check | Title | Account | Region | Resource | Before | After |",
            "|---|---|---|---|---|---|---|",
        ]
    else:
        lines += [
            "| Check | Title | Region | Resource | Before | After |",
            "|---|---|---|---|---|---|",
        ]
    for c in changes:
        title = md_text(c.title) if c.title else "-"
        after = c.after.value if c.after is not None else "gone"
        who = f" {md_text(c.account_id) if c.account_id else 'organization'} |" if account else ""
        lines.append(
            f"| {md_code(c.check_id, in_table=True)} | {title} |{who} {_region(c.region)} | "
            f"{_resource(c.resource_arn)} | {c.before.value} | {after} |"
        )
    return [*lines, ""]


def _verdict(targeted: int, fixed: int, not_fixed: int, regressed: int) -> str:
    if not not_fixed and not regressed:
        return (
            f"**Verdict: verified.** {fixed} of {targeted} targeted result(s) pass after the "
            "plan was played on the snapshot, and no result that passed fails."
        )
    return (
        f"**Verdict: not verified.** {not_fixed} of {targeted} targeted result(s) still do "
        f"not pass and {regressed} result(s) that passed no longer do: do not apply this "
        "plan; report it as an aiposture bug."
    )


def _verification(
    targeted: int,
    fixed: Sequence[StatusChange],
    not_fixed: Sequence[StatusChange],
    regressed: Sequence[StatusChange],
    other: Sequence[StatusChange],
    *,
    account: bool,
) -> list[str]:
    return [
        "## Verification",
        "",
        "The plan was played on the snapshot and the checks evaluated again.",
        "",
        _verdict(targeted, len(fixed), len(not_fixed), len(regressed)),
        "",
        f"Targeted: {targeted}.",
        "",
        *_status_table("Fixed", fixed, account=account),
        *_status_table("Not fixed", not_fixed, account=account),
        *_status_table("Regressed", regressed, account=account),
        *_status_table("Other changes (not targeted)", other, account=account),
    ]


def _account_verification(account: AccountPlan, verification: Verification) -> list[str]:
    keys = _step_keys(account.changes)
    mine = account.account_id

    def targeted(changes: Sequence[StatusChange]) -> list[StatusChange]:
        return [c for c in changes if _change_key(c) in keys]

    def here(changes: Sequence[StatusChange]) -> list[StatusChange]:
        return [c for c in changes if c.account_id == mine]

    return _verification(
        len(keys),
        targeted(verification.fixed),
        targeted(verification.not_fixed),
        here(verification.regressed),
        here(verification.other_changes),
        account=False,
    )


# --- how to apply ---------------------------------------------------------------------


def _left_out(account: AccountPlan, left_out: Mapping[str, Sequence[Step]]) -> list[str]:
    """The changes no template makes, by their number on this page."""
    if not left_out:
        return []
    numbers = numbered_changes(account)
    lines = [
        "",
        "No template makes these changes: apply them with the script or Terraform, or the "
        "results they fix stay failing.",
        "",
    ]
    for region, steps in left_out.items():
        for step in steps:
            number = next((n for n, s in numbers if s is step), None)
            where = f"change {number}: " if number is not None else ""
            lines.append(f"- {where}{_title(step)} in {md_text(region)}")
    return lines


def _apply(
    account: AccountPlan, cloudformation: CloudFormationForms, script_note: str | None = None
) -> list[str]:
    changes = account.changes
    if not changes:
        return []
    acct = md_text(account.account_id)
    lines = [
        "## How to apply",
        "",
        f"Apply one of the three forms below, with credentials for account {acct}, from this "
        "folder. Review the changes above first: aiposture never applies anything itself.",
        "",
        "First check that the plan folder is the one aiposture wrote (the command exits 1 when "
        "any file was changed, added or removed; add `--public-key` when the plan was signed):",
        "",
        md_fence("aiposture verify ..", "sh"),
        "",
        "### The script",
        "",
        *(
            [f"**{md_text(script_note)}**", ""]
            if script_note
            else [
                f"{md_code(SCRIPT_NAME)} makes the changes above in order with the AWS CLI. It "
                "stops before any change when the credentials are for another account; it is "
                "idempotent (safe to run again) and makes no destructive call.",
                "",
                md_fence(f"bash {SCRIPT_NAME}", "sh"),
                "",
            ]
        ),
        "### CloudFormation",
        "",
    ]
    files = set(cloudformation.files)
    regions = [
        r for r in dict.fromkeys(s.region for s in changes) if cloudformation_name(r) in files
    ]
    if not regions:
        lines.append("CloudFormation cannot express these changes: use the script.")
    for region in regions:
        template = md_code(cloudformation_name(region))
        stack = md_code(stack_name(region))
        if cloudformation_name(region, import_=True) in files:
            lines.append(
                f"- {md_text(region)}: some resources already exist, so import them into stack "
                f"{stack} first: create a change set of type `IMPORT` from "
                f"{md_code(cloudformation_name(region, import_=True))} and execute it, then "
                f"update the stack with {template}."
            )
        else:
            lines.append(f"- {md_text(region)}: create or update stack {stack} with {template}.")
    deploy = "\n".join(
        f"aws cloudformation deploy --region {region} --stack-name {stack_name(region)} "
        f"--template-file {cloudformation_name(region)}"
        for region in regions
    )
    if regions:
        lines += ["", "After any import, the update:", "", md_fence(deploy, "sh")]
    if regions:
        lines += _left_out(account, cloudformation.left_out)
    lines += [
        "",
        "### Terraform",
        "",
        f"{md_code(TERRAFORM_NAME)} declares the changes; its `import` blocks adopt the "
        "resources that already exist, and `terraform plan` shows those imports before "
        "anything changes.",
        "",
        md_fence("terraform init\nterraform plan\nterraform apply", "sh"),
        "",
        "Then scan again: every result in the tables above should pass.",
        "",
    ]
    return lines


# --- pages ----------------------------------------------------------------------------


def _page(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def render_account_markdown(
    plan: Plan,
    account: AccountPlan,
    verification: Verification | None,
    cloudformation: CloudFormationForms | None = None,
    *,
    script_note: str | None = None,
) -> str:
    """One account's page: what the plan needs, a summary, each change, verification, how.

    ``cloudformation`` is the account's templates as written (rendered here when not
    given), so the page names exactly the files and stacks that exist, and the changes
    they leave out. ``script_note`` replaces how to run the script (it was held back or
    guarded).
    """
    if cloudformation is None:
        cloudformation = cloudformation_forms(plan, account)
    lines = [
        f"# Fix plan for account {md_text(account.account_id)}",
        "",
        _generated(plan),
        "",
        *([f"**{md_text(script_note)}**", ""] if script_note else []),
        *_needs(account),
        *_summary(account),
        *_changes(account),
    ]
    if verification is not None:
        lines += _account_verification(account, verification)
    lines += _apply(account, cloudformation, script_note)
    return _page(lines)


def _page_link(account_id: str) -> str:
    return f"[{md_text(account_id)}/{PAGE_NAME}]({quote(account_id, safe='')}/{PAGE_NAME})"


def render_index(
    plan: Plan, verification: Verification | None, *, script_note: str | None = None
) -> str:
    """The plan's README: per account, its changes, fixed results, unresolved, its page.

    ``script_note`` (what became of the scripts of a plan that failed verification) comes
    first, in bold.
    """
    lines = ["# aiposture fix plan", "", _generated(plan), ""]
    if script_note:
        lines += [f"**{md_text(script_note)}**", ""]
    if not plan.accounts:
        lines += ["The plan holds no account: nothing to fix.", ""]
    else:
        lines += [
            "| Account | Changes | Failing results fixed | Unresolved | Page |",
            "|---|---:|---:|---:|---|",
        ]
        for a in plan.accounts:
            unresolved = len(_step_keys(a.unresolved)) + sum(
                1 for s in a.unresolved if not s.targets
            )
            lines.append(
                f"| {md_text(a.account_id)} | {len(a.changes)} | "
                f"{len(_step_keys(a.changes))} | {unresolved} | {_page_link(a.account_id)} |"
            )
        lines += [
            "",
            "Each account's page lists what the plan needs from you first (the unresolved "
            "failures), then every change with why it is made, and how to apply it.",
            "",
        ]
    if verification is not None:
        lines += _verification(
            verification.targeted,
            verification.fixed,
            verification.not_fixed,
            verification.regressed,
            verification.other_changes,
            account=True,
        )
    return _page(lines)
