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

The parts of a page are their own modules: :mod:`.markdown_changes` (each change) and
:mod:`.markdown_verification` (the verification).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote

from aiposture.markdown_text import md_code, md_fence, md_text
from aiposture.remediate.cloudformation import (
    CloudFormationForms,
    cloudformation_forms,
    cloudformation_name,
    stack_name,
)
from aiposture.remediate.markdown_cells import region_cell, step_keys
from aiposture.remediate.markdown_changes import change_section, change_title
from aiposture.remediate.markdown_verification import account_verification, plan_verification
from aiposture.remediate.plan import (
    AccountPlan,
    Plan,
    Step,
    Target,
    Unresolved,
    Verification,
)
from aiposture.report.formatting import format_utc

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


def _generated(plan: Plan) -> str:
    return (
        f"Generated {format_utc(plan.generated_at)} by aiposture {md_text(plan.tool_version)} "
        f"from snapshot sha256 {md_code(plan.snapshot_sha256[:SHORT_SHA])}."
    )


def _failures(targets: Sequence[Target]) -> str:
    parts = []
    for t in targets:
        title = f" ({md_text(t.title)})" if t.title else ""
        parts.append(f"{md_code(t.check_id)}{title} in {region_cell(t.region)}")
    return "; ".join(parts) if parts else "no recorded result"


# --- what the plan needs --------------------------------------------------------------


def _needs(account: AccountPlan) -> list[str]:
    lines = ["## What the plan needs from you", ""]
    unresolved = account.unresolved
    if not unresolved:
        return [*lines, "Nothing: the plan can fix every failure it found in this account.", ""]
    keyed: dict[str, list[Unresolved]] = {}
    manual: list[Unresolved] = []
    past: list[Unresolved] = []
    for step in unresolved:
        if step.config_key:
            keyed.setdefault(step.config_key, []).append(step)
        elif step.past_gap:
            past.append(step)
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
    if past:
        lines += [
            "### Gaps in the audit period to investigate",
            "",
            "No change can fix a gap that lies in the past, and the plan neither targets nor "
            "credits these results: investigate each gap, record the finding for the audit, "
            "and prevent a recurrence.",
            "",
        ]
        for s in past:
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
                f"| {md_text(region)} | {label} | {len(steps)} | {len(step_keys(steps))} |"
            )
    lines.append(
        f"| **All** | **All changes** | **{len(changes)}** | **{len(step_keys(changes))}** |"
    )
    unresolved = account.unresolved
    if unresolved:
        blocked = len(step_keys(unresolved)) + sum(1 for s in unresolved if not s.targets)
        lines += ["", f"{blocked} failing result(s) need something from you (see above)."]
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
        lines += change_section(number, step)
    return lines


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
            lines.append(f"- {where}{change_title(step)} in {md_text(region)}")
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
        lines += account_verification(account, verification)
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
            unresolved = len(step_keys(a.unresolved)) + sum(
                1 for s in a.unresolved if not s.targets
            )
            lines.append(
                f"| {md_text(a.account_id)} | {len(a.changes)} | "
                f"{len(step_keys(a.changes))} | {unresolved} | {_page_link(a.account_id)} |"
            )
        lines += [
            "",
            "Each account's page lists what the plan needs from you first (the unresolved "
            "failures), then every change with why it is made, and how to apply it.",
            "",
        ]
    if verification is not None:
        lines += plan_verification(verification)
    return _page(lines)
