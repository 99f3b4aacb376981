r"""The fix plan as Terraform: one ``main.tf`` per account.

:func:`render_terraform` writes, for one account:

- the ``terraform`` block (Terraform 1.5+ for ``import`` blocks; the AWS provider in
  :data:`~aiposture.remediate.terraform_resources.AWS_PROVIDER_VERSION`, the versions
  the generated code is validated against);
- one ``provider "aws"`` per region, with an alias and ``allowed_account_ids`` so the file
  can only be applied to the account it was made for; every resource and import block
  names its provider;
- existing resources the plan changes (trails, invocation logging, an existing dashboard)
  as an ``import`` block and a resource with every property as read plus the new ones,
  with ``prevent_destroy``;
- new resources for the rest.

The resources are written by :mod:`aiposture.remediate.terraform_resources`. Every string
is an HCL quoted string, escaped exactly (:mod:`aiposture.remediate.terraform_hcl`):
``\``, ``"``, control characters, and the template sequences ``${`` and ``%{`` (doubled),
so a value from AWS stays inert. JSON bodies (dashboard, Contributor Insights rule) are
escaped JSON text, so they parse back to the plan's values exactly. The failures the plan
cannot fix are comments at the top (``# NOT FIXED: ...``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aiposture.remediate.naming import unique_names
from aiposture.remediate.plan import AccountPlan, Plan, TrailStep, Unresolved
from aiposture.remediate.terraform_hcl import HclBlock, hcl_comment, hcl_string
from aiposture.remediate.terraform_resources import (
    AWS_PROVIDER_VERSION,
    beyond_note,
    resource_key,
    step_resource,
    trail_resource,
    unexpressible_fields,
)
from aiposture.remediate.trail_state import trail_states

__all__ = ["TERRAFORM_VERSION", "provider_alias", "render_terraform"]

TERRAFORM_VERSION = ">= 1.5.0"
"""``import`` blocks need Terraform 1.5."""

_IDENT_MAX = 64


def provider_alias(region: str) -> str:
    """The provider alias for ``region`` (``us-east-1`` -> ``us_east_1``)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", region)


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "r"
    if not re.match(r"[a-z_]", slug):
        slug = "r_" + slug
    return slug


def _names(keys: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
    """Valid, unique, stable names for ``(resource type, region, name)`` keys.

    The name is the slug of the resource's own name; one too long, or one that two
    resources of the same type share, gets a short hash of the region and name appended.
    """
    return unique_names(
        keys,
        lambda key: _slug(key[2]),
        max_length=_IDENT_MAX,
        separator="_",
        scope=lambda key: key[0],
    )


def _header(plan: Plan, account: AccountPlan) -> list[str]:
    lines = [
        f"# aiposture fix plan for account {account.account_id}: Terraform.",
        f"# Made by aiposture {hcl_comment(plan.tool_version)} on {plan.generated_at.isoformat()}"
        f" from snapshot sha256 {plan.snapshot_sha256}.",
        "# Existing resources (trails, invocation logging, an existing dashboard) are imported",
        "# (import blocks, Terraform 1.5+) and keep prevent_destroy. Review `terraform plan`:",
        "# the imported resources must show only the changes explained next to them.",
    ]
    for step in account.unresolved:
        checks = ", ".join(dict.fromkeys(t.check_id for t in step.targets))
        fix = f"set {step.config_key}" if step.config_key else "a manual change"
        lines.append(
            "# NOT FIXED: " + hcl_comment(f"{step.reason} ({checks}, {step.region}): {fix}.")
        )
    return lines


def render_terraform(plan: Plan, account: AccountPlan) -> str:
    """One account's plan as a Terraform ``main.tf``."""
    regions: list[str] = list(dict.fromkeys(s.region for s in account.steps))
    keys: list[tuple[str, str, str]] = []
    for step in account.changes:
        key = resource_key(step)
        if key is not None and key not in keys:
            keys.append(key)
    names = _names(keys)

    parts: list[str] = ["\n".join(_header(plan, account)) + "\n"]
    parts.append(
        "terraform {\n"
        f"  required_version = {hcl_string(TERRAFORM_VERSION)}\n"
        "  required_providers {\n"
        "    aws = {\n"
        f'      source  = "hashicorp/aws"\n'
        f"      version = {hcl_string(AWS_PROVIDER_VERSION)}\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    change_regions = list(dict.fromkeys(s.region for s in account.changes))
    for region in change_regions:
        parts.append(
            HclBlock('provider "aws"')
            .raw("alias", hcl_string(provider_alias(region)))
            .attr("region", region)
            .attr("allowed_account_ids", [account.account_id])
            .render()
        )
    for region in regions:
        steps = [s for s in account.changes if s.region == region]
        if not steps:
            continue
        alias = provider_alias(region)
        for state in trail_states(steps):
            beyond = unexpressible_fields(state)
            if beyond and state.advanced_after is not None:
                parts[0] += f"# NOT IN TERRAFORM: {hcl_comment(beyond_note(state, beyond))}\n"
            parts.append(
                trail_resource(state, names[("aws_cloudtrail", region, state.name)], alias)
            )
        for step in steps:
            if isinstance(step, TrailStep | Unresolved):
                continue
            key = resource_key(step)
            if key is None:
                continue
            parts.append(step_resource(step, names[key], alias))
    return "\n".join(parts)
