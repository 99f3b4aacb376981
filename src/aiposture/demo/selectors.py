"""What the demo's trails record: advanced selectors with the demo's ids, Insights, aggregation.

The guide's selectors come from :mod:`aiposture.guide`; :func:`fill_placeholders` puts the
demo's resource ids in place of the guide's placeholders or, where the account holds
resources of a selector's type, the real ids of those resources (read back after seeding,
:mod:`aiposture.demo.seeded`), as an account configured per the guide would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from aiposture.demo.accounts import BEDROCK_EXECUTION_ROLE
from aiposture.guide import guide_selectors

GUIDE_AGGREGATION = [
    {"Templates": ["API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS"], "EventCategory": "Data"}
]
"""The guide trail's event aggregation settings (GetEventConfiguration)."""


PLACEHOLDER_VALUES = {
    "AGENT_ID": "AGENT12345",
    "ALIAS_ID": "ALIAS67890",
    "KB_ID": "KB12345678",
    "FLOW_ID": "FLOW123456",
    "GUARDRAIL_ID": "gr1234abcd56",
    "PROMPT_ID": "PROMPT1234",
    "POLICY_ID": "arpolicy1234",
    "PROJECT_ID": "dap123456789",
    "TOOL_ID": "TOOL123456",
    "BEDROCK_EXECUTION_ROLE_NAME": BEDROCK_EXECUTION_ROLE,
    "GATEWAY_ID": "demo-gateway-a1b2c3d4e5",
    "RUNTIME_ID": "demo_agent-a1b2c3d4e5",
    "DIRECTORY_ID": "default",
    "PROVIDER_NAME": "demo-provider",
    "MEMORY_ID": "demo_memory-a1b2c3d4e5",
    "EVALUATOR_ID": "demo_evaluator-a1b2c3d4e5",
    "CUSTOM_TOOL_ID": "demo_ci-a1b2c3d4e5",
    "CUSTOM_BROWSER_ID": "demo_browser-a1b2c3d4e5",
}
"""The guide's placeholders (other than ACCOUNT_ID and REGION) -> the demo's values."""

MANAGEMENT_SELECTOR: dict[str, Any] = {
    "Name": "Management events selector",
    "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}
"""All management events, read and write (B.5)."""


_PLACEHOLDER_RE = re.compile(
    r"\b(" + "|".join(sorted([*PLACEHOLDER_VALUES, "ACCOUNT_ID"], key=len, reverse=True)) + r")\b"
)

ID_PLACEHOLDERS = frozenset(PLACEHOLDER_VALUES) - {"BEDROCK_EXECUTION_ROLE_NAME"}
"""The guide's placeholders for resource ids (the execution role's name is not one)."""

_ID_RE = re.compile(r"\b(" + "|".join(sorted(ID_PLACEHOLDERS, key=len, reverse=True)) + r")\b")

ID_SOURCES: dict[str, str] = {
    "AWS::Bedrock::FlowExecution": "AWS::Bedrock::FlowAlias",
    "AWS::Bedrock::AutomatedReasoningPolicyVersion": "AWS::Bedrock::AutomatedReasoningPolicy",
    "AWS::BedrockAgentCore::WorkloadIdentityDirectory": "AWS::BedrockAgentCore::WorkloadIdentity",
}
"""Types no listing returns whose guide ids are those of another type's resources.

The guide writes ``flow/FLOW_ID/alias/`` for flow executions as for flow aliases, so an
account fills in its flows there too; likewise the policy of a policy version and the
directory of a workload identity.
"""

GUIDE_ACCOUNT_GROUPS = ("bedrock", "agentcore", "mantle", "s3", "lambda", "network")
"""The guide's selector groups the guide account's trail has (:mod:`aiposture.guide`)."""

SeededArns = Mapping[str, Mapping[str, Sequence[str]]]
"""Region -> data-event type -> the ARNs of an account's resources of that type there
(:func:`aiposture.demo.seeded.seeded_arns`)."""


def _fill(value: str, account_id: str) -> str:
    """``value`` with ``ACCOUNT_ID`` and every placeholder replaced by the demo's values."""
    return _PLACEHOLDER_RE.sub(
        lambda m: account_id if m.group(1) == "ACCOUNT_ID" else PLACEHOLDER_VALUES[m.group(1)],
        value,
    )


def _id_pattern(value: str) -> re.Pattern[str] | None:
    """A pattern for the ARNs ``value`` names, a group per id placeholder; None if it has none."""
    parts = _ID_RE.split(value)
    if len(parts) == 1:
        return None
    pattern, seen = "", set()
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pattern += re.escape(part)
        elif part in seen:
            pattern += f"(?P={part})"
        else:
            seen.add(part)
            pattern += f"(?P<{part}>[^/:]+)"
    return re.compile(pattern)


def _group_of(ids: re.Match[str], placeholder: re.Match[str]) -> str:
    """The id that ``ids`` (a resource's ARN matched) holds for the placeholder found."""
    return ids.group(placeholder.group(1))


def fill_from_resources(value: str, rtype: str, arns: Sequence[str]) -> list[str]:
    """``value`` (account and region filled in) once per resource it names among ``arns``.

    Each id placeholder takes the resource's own id, read off its ARN where the guide's
    value puts it: ``agent-alias/AGENT_ID/ALIAS_ID`` becomes each alias's exact ARN,
    ``flow/FLOW_ID/alias/`` each flow's aliases' prefix. A value with no id placeholder
    (or no ARN) is returned as it is. An ARN the guide's value cannot name raises: the
    demo's guide account would not log that resource.
    """
    pattern = _id_pattern(value)
    if pattern is None or not arns:
        return [value]
    filled: list[str] = []
    for arn in arns:
        match = pattern.match(arn)
        if match is None:
            raise ValueError(f"the guide's {rtype} selector value {value} cannot name {arn}")
        named = _ID_RE.sub(partial(_group_of, match), value)
        if named not in filled:
            filled.append(named)
    return filled


def _selector_type(selector: Mapping[str, Any]) -> str | None:
    """The one ``resources.type`` a data selector is for; None for any other selector."""
    for field_selector in selector["FieldSelectors"]:
        types = field_selector.get("Equals") or []
        if field_selector["Field"] == "resources.type" and len(types) == 1:
            return str(types[0])
    return None


def resources_of(rtype: str | None, seeded: Mapping[str, Sequence[str]]) -> list[str]:
    """The ARNs whose ids fill ``rtype``'s guide selector: its own, else :data:`ID_SOURCES`'."""
    if rtype is None:
        return []
    own = list(seeded.get(rtype, ()))
    return own or list(seeded.get(ID_SOURCES.get(rtype, ""), ()))


def _fill_value(
    value: str, rtype: str | None, account_id: str, regions: Sequence[str], resources: SeededArns
) -> list[str]:
    """One selector value filled in: one per region, and per resource where there are some."""
    if not re.search(r"\bREGION\b", value):
        return [_fill(value, account_id)]
    out: list[str] = []
    for region in regions:
        here = re.sub(r"\bREGION\b", region, re.sub(r"\bACCOUNT_ID\b", account_id, value))
        arns = resources_of(rtype, resources.get(region, {}))
        if arns and _id_pattern(here):
            out += fill_from_resources(here, rtype or "", arns)
        else:
            out.append(_fill(here, account_id))
    return out


def fill_placeholders(
    selectors: Iterable[Mapping[str, Any]],
    account_id: str,
    regions: Sequence[str],
    resources: SeededArns | None = None,
) -> list[dict[str, Any]]:
    """Replace every placeholder; a value with ``REGION`` becomes one value per region.

    With ``resources``, a region where the account has resources of a selector's type
    (:func:`resources_of`) gets one value per resource, with its real ids
    (:func:`fill_from_resources`); elsewhere the ids are the demo's
    (:data:`PLACEHOLDER_VALUES`).
    """
    out: list[dict[str, Any]] = []
    for selector in selectors:
        rtype = _selector_type(selector)
        fields = []
        for field_selector in selector["FieldSelectors"]:
            filled: dict[str, Any] = {"Field": field_selector["Field"]}
            for operator, values in field_selector.items():
                if operator == "Field":
                    continue
                expanded: list[str] = []
                for value in values:
                    filled_in = _fill_value(value, rtype, account_id, regions, resources or {})
                    expanded.extend(v for v in filled_in if v not in expanded)
                filled[operator] = expanded
            fields.append(filled)
        out.append({"Name": selector["Name"], "FieldSelectors": fields})
    return out


def guide_account_selector_templates() -> list[dict[str, Any]]:
    """The guide's selectors the guide account's trail has, placeholders and all."""
    selectors = [MANAGEMENT_SELECTOR]
    for group in GUIDE_ACCOUNT_GROUPS:
        selectors.extend(guide_selectors(group))
    return selectors


def inventory_named_types(resources: SeededArns) -> set[str]:
    """The types whose guide selector names the account's real ids in some region.

    Their ids come from the inventory, so the demo's configuration lists none of them for
    that account (:func:`aiposture.demo.accounts.demo_config`).
    """
    named: set[str] = set()
    for selector in guide_account_selector_templates():
        rtype = _selector_type(selector)
        has_ids = any(
            _id_pattern(value)
            for field_selector in selector["FieldSelectors"]
            for operator, values in field_selector.items()
            if operator != "Field"
            for value in values
        )
        if has_ids and any(resources_of(rtype, here) for here in resources.values()):
            named.add(str(rtype))
    return named


def guide_account_selectors(
    account_id: str, regions: Sequence[str], resources: SeededArns | None = None
) -> list[dict[str, Any]]:
    """Return the guide-complete advanced selectors for ``account_id`` in ``regions``.

    ``resources`` (region -> type -> ARNs, what the account holds) makes the selectors
    name those resources, as an account configured per the guide names its own.
    """
    return fill_placeholders(guide_account_selector_templates(), account_id, regions, resources)


def partial_account_selectors(account_id: str, region: str) -> list[dict[str, Any]]:
    """Return the partial account's selectors: write-only management, a few weak data ones."""
    bedrock = f"arn:aws:bedrock:{region}:{account_id}:"

    def data(name: str, rtype: str, *extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "Name": name,
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": [rtype]},
                *extra,
            ],
        }

    return [
        {
            "Name": "Management write events",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
        },
        data(
            "Agent aliases (account-wide)",
            "AWS::Bedrock::AgentAlias",
            {"Field": "resources.ARN", "StartsWith": [bedrock]},
        ),
        data(
            "Knowledge bases (account-wide)",
            "AWS::Bedrock::KnowledgeBase",
            {"Field": "resources.ARN", "StartsWith": [bedrock]},
        ),
        data(
            "Sessions (reads only)",
            "AWS::Bedrock::Session",
            {"Field": "readOnly", "Equals": ["true"]},
        ),
        data(
            "Guardrails (excludes own account)",
            "AWS::Bedrock::Guardrail",
            {"Field": "resources.ARN", "NotStartsWith": [bedrock]},
        ),
        data(
            "AgentCore gateways",
            "AWS::BedrockAgentCore::Gateway",
            {
                "Field": "resources.ARN",
                "StartsWith": [f"arn:aws:bedrock-agentcore:{region}:{account_id}:gateway/"],
            },
        ),
    ]


LEGACY_CLASSIC_SELECTORS: list[dict[str, Any]] = [
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [
            {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::ai-training-data-"]},
            {"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]},
        ],
    }
]
"""The partial account's stopped legacy trail: classic selectors."""

BOTH_INSIGHTS = [
    {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management", "Data"]},
    {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management", "Data"]},
]
"""Both Insights types on management and data events."""
