"""The fix plan as CloudFormation: one stack per region, plus an import template for trails.

:func:`render_cloudformation` returns ``{file name: YAML text}`` for one account:

- ``cloudformation-<region>.yaml``: every change CloudFormation can express, as resources.
  A trail the plan changes already exists, so it appears with every property as read plus
  the new ones, and ``DeletionPolicy``/``UpdateReplacePolicy: Retain``.
- ``cloudformation-<region>-import.yaml``, only when the region has existing resources the
  plan changes (trails, a dashboard that exists): those resources with their CURRENT
  properties, for a resource-import change set. The main template is then applied as an
  update of the same stack (:data:`CLOUDFORMATION_HOWTO`).

What CloudFormation cannot express (Bedrock model invocation logging has no resource type)
and the :class:`~aiposture.remediate.plan.Unresolved` steps are named in the template's
``Metadata``, never dropped. A region with nothing CloudFormation can express gets no
template (a template needs one resource); the script and the Markdown page carry its steps.

This module assembles the templates. The resource each step becomes is in
:mod:`aiposture.remediate.cloudformation_resources`; how every value read from AWS stays
data when CloudFormation reads it (dynamic references, intrinsic-looking keys, YAML
escapes) is in :mod:`aiposture.remediate.cloudformation_yaml`.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from aiposture.remediate.cloudformation_resources import (
    explain,
    logical_ids,
    not_expressed,
    resource_key,
    retained,
    step_resource,
    trail_properties,
    trail_warnings,
    unresolved_entry,
)
from aiposture.remediate.cloudformation_yaml import dump_template, json_text, not_inert
from aiposture.remediate.plan import (
    AccountPlan,
    CreateLogGroup,
    Plan,
    PutDashboard,
    Step,
    TrailStep,
    Unresolved,
)
from aiposture.remediate.trail_state import trail_states

__all__ = [
    "CLOUDFORMATION_HOWTO",
    "CloudFormationForms",
    "cloudformation_forms",
    "cloudformation_name",
    "render_cloudformation",
    "stack_name",
]

CLOUDFORMATION_HOWTO = """\
How to apply the CloudFormation templates (one stack per region; run each command in the
region the template is for, with credentials of the account it is for):

1. If the region has an import template (its file name ends in "-import.yaml"), the stack
   must first take over the existing resources the plan changes (trails, an existing
   dashboard). Create a change set of type IMPORT from the import template, with the
   resources listed under Metadata.aiposture.ResourcesToImport of that template (the exact
   command is under Metadata.aiposture.Commands). The import template states every resource
   with its CURRENT properties, so the import changes nothing. Review the change set, then
   execute it.
2. Create a change set of type UPDATE (or CREATE, when there was no import template) from
   the main template of the region. Review it: it must show only the changes the plan
   explains (the trail's new selectors, validation and logging; new log groups, filters,
   alarms, rules, queries, dashboard). Then execute it.
3. The imported resources keep DeletionPolicy and UpdateReplacePolicy Retain: deleting the
   stack never deletes an existing trail or dashboard.

CloudFormation has no resource type for some changes (Bedrock model invocation logging):
each template names them under Metadata.aiposture.NotExpressed; apply them with the
script. The failures the plan cannot fix are under Metadata.aiposture.Unresolved with the
configuration key to set. A region where CloudFormation can express no change gets no
template.
"""
"""The two-stage procedure (import, then update), as text for the Markdown page."""

_TEMPLATE_VERSION = "2010-09-09"
_DESCRIPTION_MAX = 1024


def cloudformation_name(region: str, import_: bool = False) -> str:
    """The file name of ``region``'s template (``import_``: the resource-import template)."""
    return f"cloudformation-{region}-import.yaml" if import_ else f"cloudformation-{region}.yaml"


def stack_name(region: str) -> str:
    """The stack name the commands in a template's Metadata use for ``region``."""
    return f"aiposture-remediation-{region}"


@dataclass
class _Region:
    """Everything one region's templates hold."""

    region: str
    steps: list[Step] = field(default_factory=list)


def _regions(account: AccountPlan) -> list[_Region]:
    regions: dict[str, _Region] = {}
    for step in account.steps:
        regions.setdefault(step.region, _Region(step.region)).steps.append(step)
    return list(regions.values())


def _description(text: str) -> str:
    return text if len(text) <= _DESCRIPTION_MAX else text[: _DESCRIPTION_MAX - 3] + "..."


def _import_command(region: str, import_file: str, to_import: list[dict[str, Any]]) -> list[str]:
    stack = stack_name(region)
    return [
        f"aws cloudformation create-change-set --region {region} --stack-name {stack}"
        f" --change-set-name aiposture-import --change-set-type IMPORT"
        f" --template-body file://{import_file}"
        f" --resources-to-import {shlex.quote(json.dumps(to_import))}",
        f"aws cloudformation describe-change-set --region {region} --stack-name {stack}"
        " --change-set-name aiposture-import",
        f"aws cloudformation execute-change-set --region {region} --stack-name {stack}"
        " --change-set-name aiposture-import",
    ]


def _update_commands(region: str, main_file: str, *, change_set_type: str) -> list[str]:
    stack = stack_name(region)
    return [
        f"aws cloudformation create-change-set --region {region} --stack-name {stack}"
        f" --change-set-name aiposture-fix --change-set-type {change_set_type}"
        f" --template-body file://{main_file}",
        f"aws cloudformation describe-change-set --region {region} --stack-name {stack}"
        " --change-set-name aiposture-fix",
        f"aws cloudformation execute-change-set --region {region} --stack-name {stack}"
        " --change-set-name aiposture-fix",
    ]


class _RegionOutput(NamedTuple):
    files: dict[str, str]
    """File name -> YAML text (none when no change can be expressed)."""
    left_out: list[Step]
    """The changes of the region that no template makes (not unresolved ones)."""


def _render_region(plan: Plan, account: AccountPlan, region: _Region) -> _RegionOutput:
    steps = region.steps
    keys: list[tuple[str, str]] = []
    for step in steps:
        key = resource_key(step)
        if key is not None and key not in keys:
            keys.append(key)
    ids = logical_ids(keys)
    created_groups = {
        s.log_group_name: ids[("LogGroup", s.log_group_name)]
        for s in steps
        if isinstance(s, CreateLogGroup)
    }

    resources: dict[str, Any] = {}
    imports: dict[str, Any] = {}
    to_import: list[dict[str, Any]] = []
    unexpressed: list[dict[str, Any]] = []
    left_out: list[Step] = []
    unresolved: list[dict[str, Any]] = []
    warnings: dict[str, list[str]] = {}
    steps_of: dict[str, list[Step]] = {}

    for state in trail_states(steps):
        lid = ids[("Trail", state.name)]
        steps_of[lid] = state.steps
        explained = explain(state.steps)
        cautions = trail_warnings(state)
        if cautions:
            explained["Warnings"] = cautions
            warnings[lid] = cautions
        resources[lid] = retained(
            {
                "Type": "AWS::CloudTrail::Trail",
                "Metadata": {"aiposture": explained},
                "Properties": trail_properties(state, after=True),
            }
        )
        imports[lid] = retained(
            {
                "Type": "AWS::CloudTrail::Trail",
                "Metadata": {"aiposture": {"Existing": state.arn}},
                "Properties": trail_properties(state, after=False),
            }
        )
        to_import.append(
            {
                "ResourceType": "AWS::CloudTrail::Trail",
                "LogicalResourceId": lid,
                "ResourceIdentifier": {"TrailName": state.name},
            }
        )

    for step in steps:
        if isinstance(step, TrailStep):
            continue
        if isinstance(step, Unresolved):
            unresolved.append(unresolved_entry(step))
            continue
        res = step_resource(step, created_groups)
        key = resource_key(step)
        if res is None or key is None:
            unexpressed.append(not_expressed(step))
            left_out.append(step)
            continue
        lid = ids[key]
        steps_of[lid] = [step]
        res = {"Type": res.pop("Type"), "Metadata": {"aiposture": explain([step])}, **res}
        resources[lid] = res
        if isinstance(step, PutDashboard) and step.before is not None:
            imports[lid] = retained(
                {
                    "Type": "AWS::CloudWatch::Dashboard",
                    "Metadata": {"aiposture": {"Existing": step.dashboard_name}},
                    "Properties": {
                        "DashboardName": step.dashboard_name,
                        "DashboardBody": json_text(step.before),
                    },
                }
            )
            to_import.append(
                {
                    "ResourceType": "AWS::CloudWatch::Dashboard",
                    "LogicalResourceId": lid,
                    "ResourceIdentifier": {"DashboardName": step.dashboard_name},
                }
            )

    for lid, why in not_inert(resources, imports).items():
        resources.pop(lid, None)
        imports.pop(lid, None)
        warnings.pop(lid, None)
        to_import[:] = [r for r in to_import if r["LogicalResourceId"] != lid]
        unexpressed += [not_expressed(s, why) for s in steps_of[lid]]
        left_out += steps_of[lid]

    if not resources:
        return _RegionOutput({}, [s for s in steps if not isinstance(s, Unresolved)])

    name = region.region
    main_file = cloudformation_name(name)
    import_file = cloudformation_name(name, import_=True)
    origin = {
        "Account": account.account_id,
        "Region": name,
        "ToolVersion": plan.tool_version,
        "GeneratedAt": plan.generated_at.isoformat(),
        "SnapshotSha256": plan.snapshot_sha256,
    }
    commands: list[str] = []
    if imports:
        procedure = [
            f"1. Import the existing resources: change set of type IMPORT from {import_file}.",
            f"2. Apply this template to the stack {stack_name(name)} (change set of type "
            "UPDATE); review the change set before executing it.",
        ]
        commands = _import_command(name, import_file, to_import) + _update_commands(
            name, main_file, change_set_type="UPDATE"
        )
    else:
        procedure = [
            f"1. Create the stack {stack_name(name)} with this template (change set of type "
            "CREATE); review the change set before executing it."
        ]
        commands = _update_commands(name, main_file, change_set_type="CREATE")
    meta: dict[str, Any] = {**origin, "Procedure": procedure, "Commands": commands}
    if imports:
        meta["ImportTemplate"] = import_file
    if unexpressed:
        meta["NotExpressed"] = unexpressed
    if unresolved:
        meta["Unresolved"] = unresolved
    if warnings:
        meta["Warnings"] = warnings

    stages = (
        f" Two stages: first import the existing resources with {import_file} (IMPORT change "
        "set), then update the stack with this template."
        if imports
        else ""
    )
    main = {
        "AWSTemplateFormatVersion": _TEMPLATE_VERSION,
        "Description": _description(
            f"aiposture fix plan for account {account.account_id} in {name}.{stages}"
            " Changes CloudFormation cannot express and unresolved failures are listed in"
            " Metadata.aiposture."
        ),
        "Metadata": {"aiposture": meta},
        "Resources": resources,
    }
    out = {main_file: dump_template(main)}
    if imports:
        import_meta = {
            **origin,
            "Procedure": [
                "1. Create a change set of type IMPORT from this template with the resources "
                "in ResourcesToImport; it changes nothing (every property is as read).",
                f"2. Then update the stack {stack_name(name)} with {main_file}.",
            ],
            "ResourcesToImport": to_import,
            "Commands": _import_command(name, import_file, to_import),
        }
        out[import_file] = dump_template(
            {
                "AWSTemplateFormatVersion": _TEMPLATE_VERSION,
                "Description": _description(
                    f"aiposture fix plan for account {account.account_id} in {name}, stage 1 "
                    f"of 2: import the existing resources unchanged; then update the stack "
                    f"with {main_file}."
                ),
                "Metadata": {"aiposture": import_meta},
                "Resources": imports,
            }
        )
    return _RegionOutput(out, left_out)


class CloudFormationForms(NamedTuple):
    """One account's plan as CloudFormation, and what the templates leave out."""

    files: dict[str, str]
    """``{file name: YAML text}``, per region; a region with no expressible change has none."""
    left_out: dict[str, list[Step]]
    """Per region, the changes no template makes: a change CloudFormation has no resource
    type for, one whose values cannot be written inert (see the module docstring), and
    every change of a region with no template. The account page lists them, so that
    whoever applies only the templates knows what the script or Terraform must still do."""


def cloudformation_forms(plan: Plan, account: AccountPlan) -> CloudFormationForms:
    """Render every region of ``account`` once: the templates and what they leave out."""
    forms = CloudFormationForms({}, {})
    for region in _regions(account):
        rendered = _render_region(plan, account, region)
        forms.files.update(rendered.files)
        if rendered.left_out:
            forms.left_out[region.region] = rendered.left_out
    return forms


def render_cloudformation(plan: Plan, account: AccountPlan) -> dict[str, str]:
    """One account's plan as CloudFormation: ``{file name: YAML text}``, per region.

    A plan (or a region) with no change CloudFormation can express gives no file.
    """
    return cloudformation_forms(plan, account).files
