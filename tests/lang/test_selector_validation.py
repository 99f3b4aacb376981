"""Static validation of event selectors (B.3 checklist, B.4 limits, B.8) and guide placeholders."""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.lang.advanced_selector_validation import count_advanced_values
from aiposture.lang.data_event_types import (
    AGENTCORE_TYPES,
    BEDROCK_TYPES,
    CLOUDTRAIL_DATA_EVENT_TYPES,
    HIGH_VOLUME_TYPES,
    KNOWN_RESOURCE_TYPES,
    MANTLE_TYPES,
    S3_OBJECT_TYPES,
)
from aiposture.lang.guide_placeholders import find_placeholders
from aiposture.lang.selector_issues import (
    SEVERITY,
    IssueKind,
    IssueSeverity,
    SelectorIssue,
    ValidationContext,
)
from aiposture.lang.selector_validation import validate_selectors

from .guide import GUIDE_VALUES, fill_in, guide_selectors, guide_trail
from .records import ACCOUNT, OTHER_ACCOUNT

CONTEXT = ValidationContext(account_id=ACCOUNT, home_region="us-east-1")
SINGLE_REGION = ValidationContext(account_id=ACCOUNT, home_region="us-east-1", multi_region=False)
DATA = {"Field": "eventCategory", "Equals": ["Data"]}


def advanced(*fields: dict[str, Any], name: str = "sel") -> dict[str, Any]:
    return {"AdvancedEventSelectors": [{"Name": name, "FieldSelectors": list(fields)}]}


def data_selector(kind: str, *more: dict[str, Any], name: str = "sel") -> dict[str, Any]:
    return advanced(DATA, {"Field": "resources.type", "Equals": [kind]}, *more, name=name)


def kinds(issues: list[SelectorIssue]) -> list[IssueKind]:
    return [issue.kind for issue in issues]


def errors(issues: list[SelectorIssue]) -> list[SelectorIssue]:
    return [issue for issue in issues if issue.severity is IssueSeverity.ERROR]


# ---------------------------------------------------------------- placeholders


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "arn:aws:bedrock:REGION:ACCOUNT_ID:agent-alias/AGENT_ID/ALIAS_ID",
            ["REGION", "ACCOUNT_ID", "AGENT_ID", "ALIAS_ID"],
        ),
        (
            "arn:aws:sts::ACCOUNT_ID:assumed-role/BEDROCK_EXECUTION_ROLE_NAME",
            ["ACCOUNT_ID", "BEDROCK_EXECUTION_ROLE_NAME"],
        ),
        (
            "arn:aws:bedrock-agentcore:REGION:ACCOUNT_ID:gateway/PROD_GATEWAY_ID",
            ["REGION", "ACCOUNT_ID", "PROD_GATEWAY_ID"],
        ),
        (
            "arn:aws:bedrock-agentcore:REGION:ACCOUNT_ID:token-vault/default",
            ["REGION", "ACCOUNT_ID"],
        ),
        (
            "arn:aws:bedrock-agentcore:us-east-1:111122223333:token-vault/default/oauth2credentialprovider/PROVIDER_NAME",
            ["PROVIDER_NAME"],
        ),
        (
            "arn:aws:bedrock-agentcore:REGION:ACCOUNT_ID:code-interpreter-custom/CUSTOM_TOOL_ID",
            ["REGION", "ACCOUNT_ID", "CUSTOM_TOOL_ID"],
        ),
        ("arn:aws:bedrock:us-east-1:111122223333:knowledge-base/PROD_KB_ID", ["PROD_KB_ID"]),
        ("arn:aws:bedrock:us-east-1:111122223333:agent-alias/PROD_AGENTS", ["PROD_AGENTS"]),
        ("YOUR_CLOUDTRAIL_LOG_GROUP", ["YOUR_CLOUDTRAIL_LOG_GROUP"]),
        ("<trailName>", ["<trailName>"]),
        ("arn:aws:cloudtrail:us-east-1:111122223333:trail/<trailName>", ["<trailName>"]),
        (
            "arn:aws:bedrock:REGION:ACCOUNT_ID:prompt/PROMPT_ID",
            ["REGION", "ACCOUNT_ID", "PROMPT_ID"],
        ),
        # Real values are never placeholders.
        ("arn:aws:bedrock:us-east-1:111122223333:agent-alias/QWERTY1234/TSTALIASID", []),
        ("arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KBX7Y8Z9W0", []),
        ("arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/support_agent-Ab12Cd34Ef", []),
        ("AWS::Bedrock::AgentAlias", []),
        ("AWS::BedrockAgentCore::APIKeyCredentialProvider", []),
        ("AWS::BedrockAgentCore::OAuth2CredentialProvider", []),
        ("us-east-1", []),
        ("eu-central-1", []),
        ("VpceAccessDenied", []),
        ("bedrock.amazonaws.com", []),
        ("arn:aws:s3:::ai-training-data-", []),
        ("arn:aws:bedrock:us-east-1:111122223333:agent-alias/my_agent_id", []),
        ("MY_REGIONAL", []),
        ("ACCOUNT_IDS", []),
        ("a < b > c", []),
        ("", []),
    ],
)
def test_find_placeholders(value: str, expected: list[str]) -> None:
    assert find_placeholders(value) == expected


def test_find_placeholders_lists_each_once() -> None:
    assert find_placeholders("REGION/REGION/ACCOUNT_ID") == ["REGION", "ACCOUNT_ID"]


def test_guide_values_leave_no_placeholder() -> None:
    for token, value in GUIDE_VALUES.items():
        assert find_placeholders(token) == [token]
        assert find_placeholders(value) == []


def test_placeholder_issue_message() -> None:
    issues = validate_selectors(guide_trail("bedrock"), CONTEXT)
    first = issues[0]
    assert first == SelectorIssue(
        kind=IssueKind.PLACEHOLDER,
        severity=IssueSeverity.ERROR,
        message=(
            'selector "Bedrock-AgentAlias-DataEvents": resources.ARN value '
            '"arn:aws:bedrock:REGION:ACCOUNT_ID:agent-alias/AGENT_ID/ALIAS_ID" still contains '
            "the guide placeholders REGION, ACCOUNT_ID, AGENT_ID, ALIAS_ID"
        ),
        selector_index=0,
        selector_name="Bedrock-AgentAlias-DataEvents",
        field="resources.ARN",
        value="arn:aws:bedrock:REGION:ACCOUNT_ID:agent-alias/AGENT_ID/ALIAS_ID",
        placeholder="REGION",
    )


def test_single_placeholder_message_is_singular() -> None:
    trail = data_selector(
        "AWS::Bedrock::KnowledgeBase",
        {
            "Field": "resources.ARN",
            "Equals": [f"arn:aws:bedrock:us-east-1:{ACCOUNT}:knowledge-base/KB_ID"],
        },
    )
    (issue,) = validate_selectors(trail, CONTEXT)
    assert issue.placeholder == "KB_ID"
    assert issue.message.endswith("still contains the guide placeholder KB_ID")


def test_placeholders_in_every_operator_and_field() -> None:
    trail = advanced(
        DATA,
        {"Field": "resources.type", "Equals": ["AWS::Bedrock::InlineAgent"]},
        {"Field": "eventName", "Equals": ["InvokeInlineAgent"]},
        {
            "Field": "userIdentity.arn",
            "NotStartsWith": ["arn:aws:sts::ACCOUNT_ID:assumed-role/dev-"],
            "EndsWith": ["/YOUR_SESSION_NAME"],
        },
    )
    issues = validate_selectors(trail, CONTEXT)
    assert [(i.kind, i.placeholder) for i in issues] == [
        (IssueKind.PLACEHOLDER, "ACCOUNT_ID"),
        (IssueKind.PLACEHOLDER, "YOUR_SESSION_NAME"),
    ]


def test_org_trail_with_placeholders() -> None:
    issues = validate_selectors(guide_trail("org_trail"), CONTEXT)
    assert issues, "placeholders must be reported"
    assert set(kinds(issues)) == {IssueKind.PLACEHOLDER}
    assert all(issue.severity is IssueSeverity.ERROR for issue in issues)
    named = {token for issue in issues for token in find_placeholders(issue.value or "")}
    assert named >= {
        "ACCOUNT_ID",
        "REGION",
        "AGENT_ID",
        "KB_ID",
        "FLOW_ID",
        "GUARDRAIL_ID",
        "PROMPT_ID",
        "POLICY_ID",
        "PROJECT_ID",
        "TOOL_ID",
        "BEDROCK_EXECUTION_ROLE_NAME",
        "GATEWAY_ID",
        "RUNTIME_ID",
        "DIRECTORY_ID",
        "PROVIDER_NAME",
        "MEMORY_ID",
        "EVALUATOR_ID",
    }
    for issue in issues:
        assert issue.placeholder is not None
        assert issue.placeholder in issue.message
        assert issue.selector_name is not None and issue.selector_name.startswith("OrgTrail-")
        assert issue.message.startswith(f'selector "{issue.selector_name}": ')
    flagged = {issue.selector_name for issue in issues}
    assert "OrgTrail-AgentCore-CodeInterpreter" not in flagged
    assert "OrgTrail-Bedrock-AgentInvocations" in flagged
    assert len(flagged) == 26


def test_org_trail_filled_in_has_no_errors() -> None:
    trail = guide_trail("org_trail", filled=True)
    assert count_advanced_values(trail["AdvancedEventSelectors"]) <= 500
    assert validate_selectors(trail, CONTEXT) == []
    assert validate_selectors(trail, SINGLE_REGION) == []


@pytest.mark.parametrize(
    "key",
    [
        "bedrock",
        "agentcore",
        "s3",
        "lambda",
        "network",
        "bedrock_production",
        "inline_agent_production_roles",
        "inline_agent_exclude_dev_roles",
        "org_trail",
        "mantle",
    ],
)
def test_every_guide_group_filled_in_is_clean(key: str) -> None:
    assert validate_selectors(guide_trail(key, filled=True), CONTEXT) == []


def test_all_guide_groups_together_fit_the_value_limit() -> None:
    everything = [
        selector
        for key in (
            "bedrock",
            "agentcore",
            "s3",
            "lambda",
            "network",
        )
        for selector in guide_selectors(key, filled=True)
    ]
    assert count_advanced_values(everything) <= 500
    assert validate_selectors({"AdvancedEventSelectors": everything}, CONTEXT) == []


def test_org_trail_for_another_account_is_foreign() -> None:
    trail = guide_trail("org_trail", filled=True)
    member = ValidationContext(account_id=OTHER_ACCOUNT)
    issues = validate_selectors(trail, member)
    assert set(kinds(issues)) == {IssueKind.FOREIGN_ACCOUNT}
    assert all(ACCOUNT in i.message and OTHER_ACCOUNT in i.message for i in issues)
    organization = ValidationContext(
        account_id=OTHER_ACCOUNT, allowed_accounts=frozenset({ACCOUNT})
    )
    assert validate_selectors(trail, organization) == []


# ---------------------------------------------------------------- accounts and Regions


def arn_issues(
    field: str, operator: str, value: str, context: ValidationContext = CONTEXT
) -> list[IssueKind]:
    kind = "AWS::Bedrock::AgentAlias"
    if field == "userIdentity.arn":
        trail = data_selector(kind, {"Field": field, operator: [value]})
    else:
        trail = data_selector(kind, {"Field": field, operator: [value]})
    return kinds(validate_selectors(trail, context))


@pytest.mark.parametrize(
    ("field", "operator", "value", "expected"),
    [
        (
            "resources.ARN",
            "StartsWith",
            f"arn:aws:bedrock:us-east-1:{OTHER_ACCOUNT}:agent-alias/",
            [IssueKind.FOREIGN_ACCOUNT],
        ),
        (
            "resources.ARN",
            "Equals",
            f"arn:aws:bedrock:us-east-1:{OTHER_ACCOUNT}:agent-alias/A/B",
            [IssueKind.FOREIGN_ACCOUNT],
        ),
        (
            "resources.ARN",
            "StartsWith",
            f"arn:aws:bedrock:us-east-1:{OTHER_ACCOUNT}",
            [IssueKind.FOREIGN_ACCOUNT],
        ),
        ("resources.ARN", "StartsWith", f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent-alias/", []),
        ("resources.ARN", "StartsWith", "arn:aws:bedrock:us-east-1:4444", []),
        ("resources.ARN", "NotStartsWith", f"arn:aws:bedrock:us-east-1:{OTHER_ACCOUNT}:", []),
        ("resources.ARN", "EndsWith", f":{OTHER_ACCOUNT}:agent-alias/A/B", []),
        ("resources.ARN", "StartsWith", "arn:aws:bedrock:eu-west-1:111122223333:agent-alias/", []),
        (
            "userIdentity.arn",
            "StartsWith",
            f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/r",
            [IssueKind.FOREIGN_ACCOUNT],
        ),
        ("userIdentity.arn", "StartsWith", f"arn:aws:iam::{ACCOUNT}:role/r", []),
    ],
)
def test_foreign_account(field: str, operator: str, value: str, expected: list[IssueKind]) -> None:
    assert arn_issues(field, operator, value) == expected


def test_foreign_account_needs_an_account() -> None:
    value = f"arn:aws:bedrock:us-east-1:{OTHER_ACCOUNT}:agent-alias/"
    assert arn_issues("resources.ARN", "StartsWith", value, ValidationContext()) == []


def test_aws_owned_and_s3_arns_are_not_foreign() -> None:
    trail = data_selector(
        "AWS::BedrockAgentCore::CodeInterpreter",
        {
            "Field": "resources.ARN",
            "StartsWith": ["arn:aws:bedrock-agentcore:us-east-1:aws:code-interpreter/"],
        },
    )
    assert validate_selectors(trail, CONTEXT) == []
    s3 = data_selector(
        "AWS::S3::Object",
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::ai-training-data-"]},
    )
    assert validate_selectors(s3, CONTEXT) == []


@pytest.mark.parametrize(
    ("value", "context", "expected"),
    [
        (
            "arn:aws:bedrock:eu-west-1:111122223333:agent-alias/",
            SINGLE_REGION,
            [IssueKind.FOREIGN_REGION],
        ),
        ("arn:aws:bedrock:us-east-1:111122223333:agent-alias/", SINGLE_REGION, []),
        ("arn:aws:bedrock:eu-west-1:111122223333:agent-alias/", CONTEXT, []),
        (
            "arn:aws:bedrock:REGION:111122223333:agent-alias/",
            SINGLE_REGION,
            [IssueKind.PLACEHOLDER],
        ),
        (
            "arn:aws:bedrock:us-gov-west-1:111122223333:agent-alias/",
            SINGLE_REGION,
            [IssueKind.FOREIGN_REGION],
        ),
        ("arn:aws:bedrock:eu-west-1", SINGLE_REGION, []),
    ],
)
def test_foreign_region(value: str, context: ValidationContext, expected: list[IssueKind]) -> None:
    assert arn_issues("resources.ARN", "StartsWith", value, context) == expected


def test_foreign_region_and_account_together() -> None:
    value = f"arn:aws:bedrock:eu-west-1:{OTHER_ACCOUNT}:agent-alias/A/B"
    assert arn_issues("resources.ARN", "Equals", value, SINGLE_REGION) == [
        IssueKind.FOREIGN_ACCOUNT,
        IssueKind.FOREIGN_REGION,
    ]


# ---------------------------------------------------------------- limits


def _value_heavy(total: int) -> dict[str, Any]:
    """Selectors with exactly ``total`` values (eventCategory and resources.type count too)."""
    selectors: list[dict[str, Any]] = []
    remaining = total
    while remaining:
        arns = min(remaining - 2, 100)
        selectors.append(
            {
                "Name": f"s{len(selectors)}",
                "FieldSelectors": [
                    DATA,
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {
                        "Field": "resources.ARN",
                        "StartsWith": [
                            f"arn:aws:s3:::bucket-{len(selectors)}-{i}/" for i in range(arns)
                        ],
                    },
                ],
            }
        )
        remaining -= arns + 2
    return {"AdvancedEventSelectors": selectors}


def test_value_limit_counts_every_value() -> None:
    at_limit = _value_heavy(500)
    assert count_advanced_values(at_limit["AdvancedEventSelectors"]) == 500
    assert validate_selectors(at_limit) == []
    over = _value_heavy(501)
    assert count_advanced_values(over["AdvancedEventSelectors"]) == 501
    issues = validate_selectors(over)
    assert kinds(issues) == [IssueKind.VALUE_LIMIT]
    assert issues[0].severity is IssueSeverity.ERROR
    assert issues[0].selector_index is None and "501" in issues[0].message


def test_classic_limits() -> None:
    six = {"EventSelectors": [{"ReadWriteType": "All"} for _ in range(6)]}
    assert kinds(validate_selectors(six)) == [IssueKind.VALUE_LIMIT]
    values = [f"arn:aws:s3:::bucket-{i}/" for i in range(251)]
    many = {"EventSelectors": [{"DataResources": [{"Type": "AWS::S3::Object", "Values": values}]}]}
    assert kinds(validate_selectors(many)) == [IssueKind.VALUE_LIMIT]
    fits = {
        "EventSelectors": [{"DataResources": [{"Type": "AWS::S3::Object", "Values": values[:250]}]}]
    }
    assert validate_selectors(fits) == []
    # Bare "all" prefixes do not count toward the 250.
    with_all = {
        "EventSelectors": [
            {
                "DataResources": [
                    {"Type": "AWS::S3::Object", "Values": [*values[:250], "arn:aws:s3"]}
                ]
            }
        ]
    }
    assert kinds(validate_selectors(with_all)) == [IssueKind.UNFILTERED_HIGH_VOLUME]


# ---------------------------------------------------------------- cost


@pytest.mark.parametrize(
    ("kind", "extra", "flagged"),
    [
        ("AWS::S3::Object", [], True),
        ("AWS::Lambda::Function", [], True),
        ("AWS::DynamoDB::Table", [], True),
        ("AWS::Bedrock::AgentAlias", [], True),
        ("AWS::Bedrock::Model", [], True),
        ("AWS::BedrockAgentCore::Gateway", [], True),
        ("AWS::BedrockAgentCore::Runtime", [], True),
        ("AWS::BedrockAgentCore::CodeInterpreter", [], False),
        ("AWS::BedrockAgentCore::Browser", [], False),
        ("AWS::BedrockMantle::Project", [], False),
        ("AWS::SNS::Topic", [], False),
        ("AWS::S3::Object", [{"Field": "readOnly", "Equals": ["false"]}], False),
        (
            "AWS::Bedrock::Model",
            [{"Field": "eventName", "Equals": ["InvokeModelWithBidirectionalStream"]}],
            False,
        ),
        (
            "AWS::Bedrock::InlineAgent",
            [{"Field": "userIdentity.arn", "StartsWith": ["arn:aws:sts::111122223333:"]}],
            False,
        ),
        (
            "AWS::S3::Object",
            [{"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::logs-"]}],
            False,
        ),
        ("AWS::S3::Object", [{"Field": "eventName", "NotEquals": ["GetObject"]}], False),
    ],
)
def test_unfiltered_high_volume(kind: str, extra: list[dict[str, Any]], flagged: bool) -> None:
    issues = validate_selectors(data_selector(kind, *extra), CONTEXT)
    if flagged:
        assert kinds(issues) == [IssueKind.UNFILTERED_HIGH_VOLUME]
        assert issues[0].severity is IssueSeverity.COST
        assert kind in issues[0].message
    else:
        assert issues == []


def test_aws_example_all_agent_aliases_is_a_cost_not_an_error() -> None:
    trail = {
        "AdvancedEventSelectors": [
            {
                "Name": "Log all data events on an Agents for Amazon Bedrock agent alias",
                "FieldSelectors": [
                    DATA,
                    {"Field": "resources.type", "Equals": ["AWS::Bedrock::AgentAlias"]},
                ],
            },
            {
                "Name": "Log all data events on an Agents for Amazon Bedrock knowledge base",
                "FieldSelectors": [
                    DATA,
                    {"Field": "resources.type", "Equals": ["AWS::Bedrock::KnowledgeBase"]},
                ],
            },
        ]
    }
    issues = validate_selectors(trail, CONTEXT)
    assert [i.severity for i in issues] == [IssueSeverity.COST, IssueSeverity.COST]


def test_classic_all_prefix_is_a_cost() -> None:
    trail = {
        "EventSelectors": [
            {
                "ReadWriteType": "All",
                "DataResources": [
                    {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]},
                    {"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]},
                    {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::ai-training-data-prod/"]},
                ],
            }
        ]
    }
    issues = validate_selectors(trail, CONTEXT)
    assert kinds(issues) == [IssueKind.UNFILTERED_HIGH_VOLUME] * 2
    assert [i.field for i in issues] == ["DataResources[0].Values", "DataResources[1].Values"]
    assert issues[0].selector_name == "EventSelectors[0]"


# ---------------------------------------------------------------- structure (B.3 checklist)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([], [IssueKind.MISSING_REQUIRED_FIELD]),
        (
            [{"Field": "resources.type", "Equals": ["AWS::S3::Object"]}],
            [IssueKind.MISSING_REQUIRED_FIELD],
        ),
        ([{"Field": "eventCategory", "NotEquals": ["Data"]}], [IssueKind.INVALID_OPERATOR]),
        ([{"Field": "eventCategory", "Equals": ["Data", "Management"]}], [IssueKind.INVALID_VALUE]),
        ([{"Field": "eventCategory", "Equals": ["Insight"]}], [IssueKind.INVALID_VALUE]),
        ([{"Field": "eventCategory", "Equals": ["data"]}], [IssueKind.INVALID_VALUE]),
        ([DATA], [IssueKind.MISSING_REQUIRED_FIELD]),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
                {"Field": "eventName", "Equals": ["PutObject"]},
            ],
            [IssueKind.DUPLICATE_FIELD],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
                {
                    "Field": "resources.ARN",
                    "StartsWith": ["arn:aws:lambda:us-east-1:111122223333:function:prod-"],
                },
                {
                    "Field": "resources.ARN",
                    "NotStartsWith": ["arn:aws:lambda:us-east-1:111122223333:function:prod-test"],
                },
            ],
            [IssueKind.DUPLICATE_FIELD],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "StartsWith": ["AWS::S3::"]},
                {"Field": "eventName", "Equals": ["x"]},
            ],
            [IssueKind.INVALID_OPERATOR],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "readOnly", "Equals": ["yes"]},
            ],
            [IssueKind.INVALID_VALUE],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "readOnly", "NotEquals": ["true"]},
            ],
            [IssueKind.INVALID_OPERATOR],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "resources.arn", "Equals": ["x"]},
            ],
            [IssueKind.INVALID_FIELD, IssueKind.UNFILTERED_HIGH_VOLUME],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "eventName", "Contains": ["Put"]},
            ],
            [IssueKind.INVALID_OPERATOR, IssueKind.UNFILTERED_HIGH_VOLUME],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "eventName"},
            ],
            [IssueKind.INVALID_OPERATOR, IssueKind.UNFILTERED_HIGH_VOLUME],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "eventName", "Equals": []},
            ],
            [IssueKind.INVALID_VALUE, IssueKind.UNFILTERED_HIGH_VOLUME],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "eventName", "Equals": ["x" * 2049]},
            ],
            [IssueKind.INVALID_VALUE],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "eventName", "Equals": [""]},
            ],
            [IssueKind.INVALID_VALUE],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "eventName", "Equals": [3]},
            ],
            [IssueKind.INVALID_VALUE],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "event Name", "Equals": ["x"]},
            ],
            [IssueKind.INVALID_FIELD, IssueKind.UNFILTERED_HIGH_VOLUME],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
            ],
            [IssueKind.INVALID_FIELD, IssueKind.UNFILTERED_HIGH_VOLUME],
        ),
        (
            [DATA, {"Field": "resources.type", "Equals": ["AWS::Bedrock::NewThing"]}],
            [IssueKind.UNKNOWN_RESOURCE_TYPE],
        ),
        (
            [
                DATA,
                {"Field": "resources.type", "Equals": ["AWS::SNS::Topic"]},
                {"Field": "sessionCredentialFromConsole", "StartsWith": ["t"]},
            ],
            [IssueKind.INVALID_OPERATOR],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {
                    "Field": "eventSource",
                    "NotEquals": ["kms.amazonaws.com", "rdsdata.amazonaws.com"],
                },
            ],
            [],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "eventSource", "NotEquals": ["s3.amazonaws.com"]},
            ],
            [IssueKind.INVALID_VALUE],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "eventSource", "Equals": ["bedrock.amazonaws.com"]},
            ],
            [IssueKind.INVALID_OPERATOR, IssueKind.INVALID_VALUE],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "eventName", "Equals": ["InvokeModel"]},
            ],
            [IssueKind.INVALID_FIELD],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
            [],
        ),
        (
            [{"Field": "eventCategory", "Equals": ["NetworkActivity"]}],
            [IssueKind.MISSING_REQUIRED_FIELD],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                {"Field": "eventSource", "Equals": ["s3.amazonaws.com", "bedrock.amazonaws.com"]},
            ],
            [IssueKind.INVALID_VALUE],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                {"Field": "eventSource", "StartsWith": ["bedrock"]},
            ],
            [IssueKind.INVALID_OPERATOR],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
                {"Field": "errorCode", "Equals": ["AccessDenied"]},
            ],
            [IssueKind.INVALID_VALUE],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
                {"Field": "readOnly", "Equals": ["true"]},
            ],
            [IssueKind.INVALID_FIELD],
        ),
        (
            [
                {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
                {"Field": "vpcEndpointId", "NotEquals": ["vpce-0a1b2c3d4e5f67890"]},
                {"Field": "userIdentity.arn", "StartsWith": ["arn:aws:sts::111122223333:"]},
            ],
            [],
        ),
    ],
)
def test_structure(fields: list[dict[str, Any]], expected: list[IssueKind]) -> None:
    trail = {"AdvancedEventSelectors": [{"Name": "sel", "FieldSelectors": fields}]}
    assert sorted(kinds(validate_selectors(trail, CONTEXT))) == sorted(expected)


def test_event_data_store_rules() -> None:
    store = ValidationContext(account_id=ACCOUNT, event_data_store=True)
    insight = advanced({"Field": "eventCategory", "Equals": ["Insight"]})
    assert validate_selectors(insight, store) == []
    assert kinds(validate_selectors(insight, CONTEXT)) == [IssueKind.INVALID_VALUE]
    insight_filtered = advanced(
        {"Field": "eventCategory", "Equals": ["Insight"]}, {"Field": "eventName", "Equals": ["x"]}
    )
    assert kinds(validate_selectors(insight_filtered, store)) == [IssueKind.INVALID_FIELD]
    management = advanced(
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "eventName", "Equals": ["InvokeModel"]},
        {"Field": "eventSource", "Equals": ["bedrock.amazonaws.com"]},
    )
    assert validate_selectors(management, store) == []
    network = advanced(
        {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
        {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
        {"Field": "userIdentity.arn", "StartsWith": ["arn:aws:sts::111122223333:"]},
    )
    assert kinds(validate_selectors(network, store)) == [IssueKind.INVALID_FIELD]


@pytest.mark.parametrize(
    "selector",
    [
        "not-an-object",
        {"Name": "no-fields"},
        {"Name": "fields-not-a-list", "FieldSelectors": {"Field": "eventCategory"}},
        {
            "Name": "x" * 1001,
            "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
        },
        {
            "Name": "item-not-object",
            "FieldSelectors": [
                "eventCategory",
                {"Field": "eventCategory", "Equals": ["Management"]},
            ],
        },
        {
            "Name": "no-field-name",
            "FieldSelectors": [
                {"Equals": ["x"]},
                {"Field": "eventCategory", "Equals": ["Management"]},
            ],
        },
    ],
)
def test_malformed_selector_is_an_error(selector: Any) -> None:
    issues = validate_selectors({"AdvancedEventSelectors": [selector]}, CONTEXT)
    assert issues and errors(issues) == issues


# ---------------------------------------------------------------- wildcards and ARN shapes


@pytest.mark.parametrize(
    "value",
    ["arn:aws:s3:::ai-training-data-prod/*", "arn:aws:s3:::*", "arn:aws:s3:::*/models/"],
)
def test_wildcard_literal_is_a_warning(value: str) -> None:
    issues = validate_selectors(
        data_selector("AWS::S3::Object", {"Field": "resources.ARN", "StartsWith": [value]}), CONTEXT
    )
    assert kinds(issues) == [IssueKind.WILDCARD_LITERAL]
    assert issues[0].severity is IssueSeverity.WARNING and issues[0].value == value


@pytest.mark.parametrize(
    ("kind", "operator", "value", "flagged"),
    [
        (
            "AWS::BedrockAgentCore::Gateway",
            "Equals",
            f"arn:aws:bedrock:us-east-1:{ACCOUNT}:gateway/g1",
            True,
        ),
        ("AWS::BedrockAgentCore::Gateway", "StartsWith", "arn:aws:bedrock:", True),
        ("AWS::BedrockAgentCore::Gateway", "StartsWith", "arn:aws:bedrock-agentcore:", False),
        ("AWS::BedrockAgentCore::Gateway", "StartsWith", "arn:aws:bed", False),
        ("AWS::BedrockAgentCore::Gateway", "NotEquals", "gateway/g1", True),
        ("AWS::BedrockAgentCore::Gateway", "EndsWith", "gateway/g1", False),
        (
            "AWS::Bedrock::AgentAlias",
            "Equals",
            f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent-alias/A/B",
            False,
        ),
        (
            "AWS::Bedrock::Model",
            "Equals",
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
            False,
        ),
        (
            "AWS::BedrockMantle::Project",
            "Equals",
            f"arn:aws:bedrock-mantle:us-east-1:{ACCOUNT}:project/proj_abc123",
            False,
        ),
        (
            "AWS::BedrockMantle::Project",
            "Equals",
            f"arn:aws:bedrock:us-east-1:{ACCOUNT}:project/proj_abc123",
            True,
        ),
        ("AWS::S3::Object", "Equals", "arn:aws-cn:s3:::bucket/key", True),
        (
            "AWS::Lambda::Function",
            "Equals",
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f",
            False,
        ),
        ("AWS::Lambda::Function", "Equals", "prod-inference", True),
        ("AWS::SNS::Topic", "Equals", f"arn:aws:sns:us-east-1:{ACCOUNT}:t", False),
        ("AWS::AppSync::GraphQLApi", "Equals", "anything", False),
        (
            "AWS::S3Vectors::Index",
            "Equals",
            f"arn:aws:s3vectors:us-east-1:{ACCOUNT}:bucket/vectors/index/docs",
            False,
        ),
        ("AWS::S3Vectors::VectorBucket", "StartsWith", "arn:aws:s3:::vectors", True),
    ],
)
def test_arn_shape(kind: str, operator: str, value: str, flagged: bool) -> None:
    trail = data_selector(kind, {"Field": "resources.ARN", operator: [value]})
    issues = [
        i for i in validate_selectors(trail, CONTEXT) if i.kind is not IssueKind.FOREIGN_ACCOUNT
    ]
    if flagged:
        assert kinds(issues) == [IssueKind.ARN_SHAPE]
        assert issues[0].severity is IssueSeverity.WARNING
    else:
        assert issues == []


# ---------------------------------------------------------------- classic selectors


def test_classic_checks() -> None:
    trail = {
        "EventSelectors": [
            {
                "ReadWriteType": "Everything",
                "IncludeManagementEvents": "yes",
                "ExcludeManagementEventSources": ["kms.amazonaws.com", "s3.amazonaws.com"],
                "DataResources": [
                    {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::*"]},
                    {
                        "Type": "AWS::Lambda::Function",
                        "Values": ["arn:aws:lambda:REGION:ACCOUNT_ID:function:prod-x"],
                    },
                    {
                        "Type": "AWS::Lambda::Function",
                        "Values": [f"arn:aws:lambda:us-east-1:{OTHER_ACCOUNT}:function:f"],
                    },
                    {
                        "Type": "AWS::Bedrock::AgentAlias",
                        "Values": [f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent-alias/A/B"],
                    },
                    {"Type": "AWS::DynamoDB::Table", "Values": ["table/agent-memory"]},
                    {"Type": "AWS::DynamoDB::Table", "Values": []},
                    {"Values": ["arn:aws:s3"]},
                ],
            },
            "not-an-object",
        ]
    }
    issues = validate_selectors(trail, CONTEXT)
    assert [(i.kind, i.field) for i in issues] == [
        (IssueKind.INVALID_VALUE, "ReadWriteType"),
        (IssueKind.INVALID_VALUE, "IncludeManagementEvents"),
        (IssueKind.INVALID_VALUE, "ExcludeManagementEventSources"),
        (IssueKind.WILDCARD_LITERAL, "DataResources[0].Values"),
        (IssueKind.PLACEHOLDER, "DataResources[1].Values"),
        (IssueKind.FOREIGN_ACCOUNT, "DataResources[2].Values"),
        (IssueKind.INVALID_VALUE, "DataResources[3].Type"),
        (IssueKind.ARN_SHAPE, "DataResources[4].Values"),
        (IssueKind.MISSING_REQUIRED_FIELD, "DataResources[5].Values"),
        (IssueKind.MISSING_REQUIRED_FIELD, "DataResources[6].Type"),
        (IssueKind.INVALID_VALUE, None),
    ]
    assert issues[4].placeholder == "REGION"
    assert all(i.selector_name == "EventSelectors[0]" for i in issues[:-1])
    assert issues[-1].selector_name == "EventSelectors[1]"


def test_classic_clean() -> None:
    trail = {
        "EventSelectors": [
            {
                "ReadWriteType": "WriteOnly",
                "IncludeManagementEvents": True,
                "ExcludeManagementEventSources": [],
                "DataResources": [
                    {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::ai-training-data-prod/"]},
                    {
                        "Type": "AWS::Lambda::Function",
                        "Values": [f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:prod-inference"],
                    },
                ],
            }
        ]
    }
    assert validate_selectors(trail, SINGLE_REGION) == []


def test_default_selectors_have_no_issue() -> None:
    assert validate_selectors({}) == []
    assert validate_selectors({}, CONTEXT) == []


# ---------------------------------------------------------------- catalogue


def test_severity_of_every_kind() -> None:
    assert set(SEVERITY) == set(IssueKind)
    assert SEVERITY[IssueKind.UNKNOWN_RESOURCE_TYPE] is IssueSeverity.WARNING
    assert SEVERITY[IssueKind.WILDCARD_LITERAL] is IssueSeverity.WARNING
    assert SEVERITY[IssueKind.ARN_SHAPE] is IssueSeverity.WARNING
    assert SEVERITY[IssueKind.UNFILTERED_HIGH_VOLUME] is IssueSeverity.COST
    assert IssueKind.PLACEHOLDER.value == "placeholder" and IssueSeverity.COST.value == "cost"
    assert str(IssueKind.FOREIGN_ACCOUNT) == "foreign_account"


def test_known_types_include_the_guides_types() -> None:
    bedrock = {t for t in KNOWN_RESOURCE_TYPES if t.startswith("AWS::Bedrock::")}
    agentcore = {t for t in KNOWN_RESOURCE_TYPES if t.startswith("AWS::BedrockAgentCore::")}
    mantle = {t for t in KNOWN_RESOURCE_TYPES if t.startswith("AWS::BedrockMantle::")}
    assert len(bedrock) == 18 and len(mantle) == 6
    # The guide's 14 AgentCore types, and the 9 AWS added since (ABTest, Payments, Registry...).
    assert len(AGENTCORE_TYPES) == 14 and len(agentcore) == 23
    assert agentcore >= AGENTCORE_TYPES and bedrock == BEDROCK_TYPES
    assert {
        "AWS::Bedrock::AdvancedOptimizePromptJob",
        "AWS::Bedrock::Tool",
        "AWS::Bedrock::InlineAgent",
    } <= bedrock
    assert {
        "AWS::BedrockAgentCore::CodeInterpreterCustom",
        "AWS::BedrockAgentCore::BrowserCustom",
        "AWS::BedrockAgentCore::Evaluator",
        "AWS::BedrockAgentCore::WorkloadIdentityDirectory",
    } <= agentcore
    for key in ("bedrock", "agentcore", "org_trail", "mantle"):
        for selector in guide_selectors(key):
            for field in selector["FieldSelectors"]:
                if field["Field"] == "resources.type":
                    assert set(field["Equals"]) <= KNOWN_RESOURCE_TYPES
    assert {
        "AWS::S3::Object",
        "AWS::S3::AccessPoint",
        "AWS::S3Express::Object",
        "AWS::S3ObjectLambda::AccessPoint",
        "AWS::S3Outposts::Object",
        "AWS::Lambda::Function",
        "AWS::DynamoDB::Table",
        "AWS::DynamoDB::Stream",
    } <= KNOWN_RESOURCE_TYPES


@pytest.mark.parametrize(
    ("kind", "known"),
    [
        # Corrected and added from AWS's table "Data events supported by AWS CloudTrail".
        ("AWS::AppSync::GraphQLApi", True),
        ("AWS::S3Vectors::VectorBucket", True),
        ("AWS::S3Vectors::Index", True),
        ("AWS::NovaAct::WorkflowDefinition", True),
        ("AWS::NovaAct::WorkflowRun", True),
        ("AWS::QBusiness::Integration", True),
        ("AWS::SageMaker::MlflowTrackingServer", True),
        ("AWS::SageMaker::MlflowApp", True),
        ("AWS::BedrockAgentCore::Registry", True),
        ("AWS::BedrockWebSearch::Tool", True),
        ("AWS::AWSExternalAnthropic::Workspace", True),
        ("AWS::Backup::SearchJob", True),
        # Not data-event types: the old misspelling, a management-only resource, a guess.
        ("AWS::AppSync::GraphQL", False),
        ("AWS::Backup::BackupVault", False),
        ("AWS::S3Vectors::Bucket", False),
    ],
)
def test_resource_type_spelling_follows_the_cloudtrail_table(kind: str, known: bool) -> None:
    trail = data_selector(kind, {"Field": "eventName", "Equals": ["Anything"]})
    issues = validate_selectors(trail, CONTEXT)
    if known:
        assert issues == []
    else:
        assert kinds(issues) == [IssueKind.UNKNOWN_RESOURCE_TYPE]
        assert kind in issues[0].message and issues[0].severity is IssueSeverity.WARNING


def test_cloudtrail_table_holds_the_guides_types() -> None:
    assert BEDROCK_TYPES | AGENTCORE_TYPES | S3_OBJECT_TYPES <= CLOUDTRAIL_DATA_EVENT_TYPES
    # The CloudTrail table lists only the Project; the bedrock-mantle page lists all six.
    mantle_in_table = MANTLE_TYPES & CLOUDTRAIL_DATA_EVENT_TYPES
    assert mantle_in_table == {"AWS::BedrockMantle::Project"}
    assert KNOWN_RESOURCE_TYPES == CLOUDTRAIL_DATA_EVENT_TYPES | MANTLE_TYPES


def test_high_volume_types() -> None:
    assert HIGH_VOLUME_TYPES <= KNOWN_RESOURCE_TYPES
    assert "AWS::Bedrock::Model" in HIGH_VOLUME_TYPES
    assert "AWS::BedrockAgentCore::Gateway" in HIGH_VOLUME_TYPES
    assert "AWS::BedrockAgentCore::CodeInterpreter" not in HIGH_VOLUME_TYPES
    assert not any(t.startswith("AWS::BedrockMantle::") for t in HIGH_VOLUME_TYPES)


def test_fill_in_respects_token_boundaries() -> None:
    assert fill_in("REGION us-east-1 MY_REGION") == "us-east-1 us-east-1 MY_REGION"


@pytest.mark.parametrize("excludes", [{}, [{}], "kms.amazonaws.com", [None]])
def test_classic_malformed_exclusions(excludes: Any) -> None:
    issues = validate_selectors({"EventSelectors": [{"ExcludeManagementEventSources": excludes}]})
    assert kinds(issues) == [IssueKind.INVALID_VALUE]
