"""What the demo's trails record: advanced selectors with the demo's ids, Insights, aggregation.

The guide's selectors come from :mod:`aiposture.guide`; :func:`fill_placeholders` puts the
demo's resource ids in place of the guide's placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
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


def fill_placeholders(
    selectors: Iterable[Mapping[str, Any]], account_id: str, regions: Sequence[str]
) -> list[dict[str, Any]]:
    """Replace every placeholder; a value with ``REGION`` becomes one value per region."""
    out: list[dict[str, Any]] = []
    for selector in selectors:
        fields = []
        for field_selector in selector["FieldSelectors"]:
            filled: dict[str, Any] = {"Field": field_selector["Field"]}
            for operator, values in field_selector.items():
                if operator == "Field":
                    continue
                expanded: list[str] = []
                for value in values:
                    value = _PLACEHOLDER_RE.sub(
                        lambda m: (
                            account_id
                            if m.group(1) == "ACCOUNT_ID"
                            else PLACEHOLDER_VALUES[m.group(1)]
                        ),
                        value,
                    )
                    per_region = (
                        [re.sub(r"\bREGION\b", r, value) for r in regions]
                        if re.search(r"\bREGION\b", value)
                        else [value]
                    )
                    expanded.extend(v for v in per_region if v not in expanded)
                filled[operator] = expanded
            fields.append(filled)
        out.append({"Name": selector["Name"], "FieldSelectors": fields})
    return out


def guide_account_selectors(account_id: str, regions: Sequence[str]) -> list[dict[str, Any]]:
    """Return the guide-complete advanced selectors for ``account_id`` in ``regions``."""
    groups = ["bedrock", "agentcore", "mantle", "s3", "lambda", "network"]
    selectors = [MANAGEMENT_SELECTOR]
    for group in groups:
        selectors.extend(guide_selectors(group))
    return fill_placeholders(selectors, account_id, regions)


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
