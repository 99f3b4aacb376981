"""The exact CloudTrail event-selector evaluator (Part B.2, B.6, B.7)."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiposture.lang.arns import Arn, parse_arn
from aiposture.lang.classic_selectors import is_all_prefix
from aiposture.lang.selectors import SelectorMatch, selector_mode, to_advanced, trail_logs

from . import records
from .guide import guide_trail
from .records import (
    ACCOUNT,
    REGION,
    agent_alias_event,
    lambda_invoke_event,
    make_event,
    management_event,
    s3_object_event,
    vpce_denied_event,
)

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "trail_logs.yaml").read_text())


def build_event(spec: dict[str, Any]) -> dict[str, Any]:
    if "builder" in spec:
        builder = getattr(records, spec["builder"])
        return builder(**spec.get("args", {}))  # type: ignore[no-any-return]
    kwargs = dict(spec)
    kwargs["resources"] = [tuple(entry) for entry in kwargs.get("resources", [])]
    return make_event(**kwargs)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_trail_logs_table(case: dict[str, Any]) -> None:
    event = build_event(case["event"])
    match = trail_logs(case["selectors"], event)
    assert match.logged is case["logged"], case["id"]
    if "selector" in case:
        assert match.selector_name == case["selector"]
    if not match.logged:
        assert match.selector_index is None and match.selector_name is None


def test_case_ids_are_unique() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- the guide's own selectors

AC = f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}"
BR = f"arn:aws:bedrock:{REGION}:{ACCOUNT}"


def _data(kind: str, arn: str | None, name: str, *, read_only: bool = False, **kw: Any) -> Any:
    source = "bedrock-agentcore.amazonaws.com" if "AgentCore" in kind else "bedrock.amazonaws.com"
    return make_event(source=source, name=name, read_only=read_only, resources=[(kind, arn)], **kw)


ORG_TRAIL_EVENTS: list[tuple[str, dict[str, Any]]] = [
    ("OrgTrail-Bedrock-AgentInvocations", agent_alias_event()),
    (
        "OrgTrail-Bedrock-InlineAgent",
        _data("AWS::Bedrock::InlineAgent", None, "InvokeInlineAgent"),
    ),
    (
        "OrgTrail-Bedrock-KnowledgeBase",
        _data("AWS::Bedrock::KnowledgeBase", f"{BR}:knowledge-base/KBX7Y8Z9W0", "Retrieve"),
    ),
    (
        "OrgTrail-Bedrock-FlowAlias",
        _data("AWS::Bedrock::FlowAlias", f"{BR}:flow/FLOW9A8B7C/alias/PRODALIAS1", "InvokeFlow"),
    ),
    (
        "OrgTrail-Bedrock-Guardrail",
        _data("AWS::Bedrock::Guardrail", f"{BR}:guardrail/gr4x5y6z7w8v", "ApplyGuardrail"),
    ),
    (
        "OrgTrail-Bedrock-Model",
        _data(
            "AWS::Bedrock::Model",
            f"arn:aws:bedrock:{REGION}::foundation-model/amazon.nova-sonic-v1:0",
            "InvokeModelWithBidirectionalStream",
        ),
    ),
    (
        "OrgTrail-Bedrock-AsyncInvoke",
        _data("AWS::Bedrock::AsyncInvoke", f"{BR}:async-invoke/x1y2z3", "StartAsyncInvoke"),
    ),
    (
        "OrgTrail-Bedrock-Prompt",
        _data("AWS::Bedrock::PromptVersion", f"{BR}:prompt/PRMT1A2B3C:3", "RenderPrompt"),
    ),
    (
        "OrgTrail-Bedrock-Session",
        _data("AWS::Bedrock::Session", f"{BR}:session/6a7b8c9d", "PutInvocationStep"),
    ),
    (
        "OrgTrail-Bedrock-FlowExecution",
        _data(
            "AWS::Bedrock::FlowExecution",
            f"{BR}:flow/FLOW9A8B7C/alias/PRODALIAS1/execution/ex-42",
            "StartFlowExecution",
        ),
    ),
    (
        "OrgTrail-Bedrock-AutomatedReasoningPolicy",
        _data(
            "AWS::Bedrock::AutomatedReasoningPolicy",
            f"{BR}:automated-reasoning-policy/arpol1a2b3c4",
            "StartAutomatedReasoningPolicyTestWorkflow",
        ),
    ),
    (
        "OrgTrail-Bedrock-AutomatedReasoningPolicyVersion",
        _data(
            "AWS::Bedrock::AutomatedReasoningPolicyVersion",
            f"{BR}:automated-reasoning-policy/arpol1a2b3c4:2",
            "GetAutomatedReasoningPolicyTestResult",
            read_only=True,
        ),
    ),
    (
        "OrgTrail-Bedrock-DataAutomationProject",
        _data(
            "AWS::Bedrock::DataAutomationProject",
            f"{BR}:data-automation-project/d1e2f3a4b5c6",
            "InvokeDataAutomationAsync",
        ),
    ),
    (
        "OrgTrail-Bedrock-DataAutomationInvocation",
        _data(
            "AWS::Bedrock::DataAutomationInvocation",
            f"{BR}:data-automation-invocation/inv-0001",
            "InvokeDataAutomationAsync",
        ),
    ),
    (
        "OrgTrail-Bedrock-DataAutomationProfile",
        _data(
            "AWS::Bedrock::DataAutomationProfile",
            f"{BR}:data-automation-profile/us.data-automation-v1",
            "InvokeDataAutomationAsync",
        ),
    ),
    (
        "OrgTrail-Bedrock-Blueprint",
        _data("AWS::Bedrock::Blueprint", f"{BR}:blueprint/bp-invoice", "InvokeDataAutomation"),
    ),
    (
        "OrgTrail-Bedrock-AdvancedOptimizePromptJob",
        _data(
            "AWS::Bedrock::AdvancedOptimizePromptJob",
            f"{BR}:advanced-optimize-prompt-job/job-1",
            "StartAdvancedOptimizePromptJob",
        ),
    ),
    ("OrgTrail-Bedrock-Tool", _data("AWS::Bedrock::Tool", f"{BR}:tool/tool7h8i9j", "InvokeTool")),
    (
        "OrgTrail-AgentCore-Gateway",
        _data("AWS::BedrockAgentCore::Gateway", f"{AC}:gateway/mcp-gateway-a1b2c3d4e5", "CallTool"),
    ),
    (
        "OrgTrail-AgentCore-Runtime",
        _data(
            "AWS::BedrockAgentCore::Runtime",
            f"{AC}:runtime/support_agent-Ab12Cd34Ef",
            "InvokeAgentRuntime",
        ),
    ),
    (
        "OrgTrail-AgentCore-RuntimeEndpoint",
        _data(
            "AWS::BedrockAgentCore::RuntimeEndpoint",
            f"{AC}:runtime/support_agent-Ab12Cd34Ef/runtime-endpoint/DEFAULT",
            "InvokeAgentRuntime",
        ),
    ),
    (
        "OrgTrail-AgentCore-CodeInterpreter",
        _data(
            "AWS::BedrockAgentCore::CodeInterpreter",
            f"arn:aws:bedrock-agentcore:{REGION}:aws:code-interpreter/aws.codeinterpreter.v1",
            "InvokeCodeInterpreter",
        ),
    ),
    (
        "OrgTrail-AgentCore-Browser",
        _data(
            "AWS::BedrockAgentCore::Browser",
            f"arn:aws:bedrock-agentcore:{REGION}:aws:browser/aws.browser.v1",
            "StartBrowserSession",
        ),
    ),
    (
        "OrgTrail-AgentCore-WorkloadIdentity",
        _data(
            "AWS::BedrockAgentCore::WorkloadIdentity",
            f"{AC}:workload-identity-directory/default/workload-identity/support-agent",
            "GetWorkloadAccessToken",
        ),
    ),
    (
        "OrgTrail-AgentCore-TokenVault",
        _data(
            "AWS::BedrockAgentCore::TokenVault",
            f"{AC}:token-vault/default",
            "GetResourceOauth2Token",
        ),
    ),
    (
        "OrgTrail-AgentCore-OAuth2CredentialProvider",
        _data(
            "AWS::BedrockAgentCore::OAuth2CredentialProvider",
            f"{AC}:token-vault/default/oauth2credentialprovider/github",
            "GetResourceOauth2Token",
        ),
    ),
    (
        "OrgTrail-AgentCore-APIKeyCredentialProvider",
        _data(
            "AWS::BedrockAgentCore::APIKeyCredentialProvider",
            f"{AC}:token-vault/default/apikeycredentialprovider/github",
            "GetResourceApiKey",
        ),
    ),
    (
        "OrgTrail-AgentCore-Memory",
        _data(
            "AWS::BedrockAgentCore::Memory",
            f"{AC}:memory/support_memory-Xy98Zw76Vu",
            "CreateEvent",
        ),
    ),
    (
        "OrgTrail-AgentCore-Evaluator",
        _data("AWS::BedrockAgentCore::Evaluator", f"{AC}:evaluator/eval-quality-01", "Evaluate"),
    ),
    ("OrgTrail-S3-AI-WriteOnly", s3_object_event("ai-training-corpus", "shard-0001.parquet")),
    ("OrgTrail-Lambda-ProdAI", lambda_invoke_event("prod-inference")),
    ("OrgTrail-Network-BedrockDenied", vpce_denied_event("bedrock.amazonaws.com")),
    ("OrgTrail-Network-S3Denied", vpce_denied_event("s3.amazonaws.com")),
    ("OrgTrail-Network-LambdaDenied", vpce_denied_event("lambda.amazonaws.com")),
]

# Selectors of the organization trail that carry no placeholder: they work as printed.
WORK_AS_PRINTED = {
    "OrgTrail-Bedrock-Model",
    "OrgTrail-Bedrock-AsyncInvoke",
    "OrgTrail-AgentCore-CodeInterpreter",
    "OrgTrail-AgentCore-Browser",
    "OrgTrail-S3-AI-WriteOnly",
    "OrgTrail-Network-BedrockDenied",
    "OrgTrail-Network-S3Denied",
    "OrgTrail-Network-LambdaDenied",
}


def test_org_trail_events_cover_every_selector() -> None:
    names = [s["Name"] for s in guide_trail("org_trail")["AdvancedEventSelectors"]]
    assert len(names) == 34
    assert sorted(names) == sorted(name for name, _ in ORG_TRAIL_EVENTS)


@pytest.mark.parametrize(("name", "event"), ORG_TRAIL_EVENTS, ids=[n for n, _ in ORG_TRAIL_EVENTS])
def test_org_trail_filled_in_logs_its_event(name: str, event: dict[str, Any]) -> None:
    match = trail_logs(guide_trail("org_trail", filled=True), event)
    assert match == SelectorMatch(True, match.selector_index, name, "advanced")


@pytest.mark.parametrize(("name", "event"), ORG_TRAIL_EVENTS, ids=[n for n, _ in ORG_TRAIL_EVENTS])
def test_org_trail_with_placeholders_logs_only_unscoped(name: str, event: dict[str, Any]) -> None:
    match = trail_logs(guide_trail("org_trail"), event)
    assert match.logged is (name in WORK_AS_PRINTED)


def test_org_trail_write_only_s3_misses_reads() -> None:
    read = s3_object_event("ai-training-corpus", "shard-0001.parquet", "GetObject", read_only=True)
    assert not trail_logs(guide_trail("org_trail", filled=True), read).logged


def test_org_trail_lambda_dev_function_not_logged() -> None:
    trail = guide_trail("org_trail", filled=True)
    assert not trail_logs(trail, lambda_invoke_event("dev-inference")).logged
    assert not trail_logs(
        trail, lambda_invoke_event("prod-inference", account="444455556666")
    ).logged


@pytest.mark.parametrize(
    ("name", "event"),
    [(n, e) for n, e in ORG_TRAIL_EVENTS if "-Bedrock-" in n],
    ids=[n for n, _ in ORG_TRAIL_EVENTS if "-Bedrock-" in n],
)
def test_guide_bedrock_selectors_filled_in(name: str, event: dict[str, Any]) -> None:
    trail = guide_trail("bedrock", filled=True)
    match = trail_logs(trail, event)
    assert match.logged, name
    assert match.selector_index is not None
    chosen = trail["AdvancedEventSelectors"][match.selector_index]["FieldSelectors"]
    types = [f["Equals"] for f in chosen if f["Field"] == "resources.type"]
    assert types == [[event["resources"][0]["type"]]]


@pytest.mark.parametrize(
    ("name", "event"),
    [(n, e) for n, e in ORG_TRAIL_EVENTS if "-AgentCore-" in n],
    ids=[n for n, _ in ORG_TRAIL_EVENTS if "-AgentCore-" in n],
)
def test_guide_agentcore_selectors_filled_in(name: str, event: dict[str, Any]) -> None:
    assert trail_logs(guide_trail("agentcore", filled=True), event).logged, name


def test_guide_production_agents_narrowing() -> None:
    trail = guide_trail("bedrock_production", filled=True)
    assert trail_logs(trail, agent_alias_event()).logged
    assert not trail_logs(trail, agent_alias_event(agent="EXPERIMENT1")).logged


def test_guide_inline_agent_exclude_dev_roles() -> None:
    trail = guide_trail("inline_agent_exclude_dev_roles", filled=True)
    prod = _data("AWS::Bedrock::InlineAgent", None, "InvokeInlineAgent")
    dev = _data(
        "AWS::Bedrock::InlineAgent",
        None,
        "InvokeInlineAgent",
        user_arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/dev-agent/s",
    )
    assert trail_logs(trail, prod).logged
    assert not trail_logs(trail, dev).logged
    # No userIdentity.arn at all: the NotStartsWith passes, so the event is logged.
    assert trail_logs(trail, {**prod, "userIdentity": {"type": "AWSService"}}).logged


def test_guide_network_selectors() -> None:
    trail = guide_trail("network")
    for source in ("bedrock.amazonaws.com", "s3.amazonaws.com", "lambda.amazonaws.com"):
        assert trail_logs(trail, vpce_denied_event(source)).logged
    assert not trail_logs(trail, vpce_denied_event("kms.amazonaws.com")).logged
    assert not trail_logs(trail, vpce_denied_event(error_code=None)).logged
    # A data event from bedrock with the same error code is not network activity.
    data = make_event(source="bedrock.amazonaws.com", error_code="VpceAccessDenied")
    assert not trail_logs(trail, data).logged


# ---------------------------------------------------------------- B.2 details


def _selector(*fields: dict[str, Any], name: str = "s") -> dict[str, Any]:
    return {"AdvancedEventSelectors": [{"Name": name, "FieldSelectors": list(fields)}]}


DATA = {"Field": "eventCategory", "Equals": ["Data"]}
S3_OBJECT = {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}


def test_multi_valued_resources_not_operators_see_only_selected_type() -> None:
    event = s3_object_event("ai-training-data-prod", "a.csv")
    # NotEquals the bucket ARN: the bucket entry is not of the selected type, so it is ignored.
    not_bucket = {"Field": "resources.ARN", "NotEquals": ["arn:aws:s3:::ai-training-data-prod"]}
    assert trail_logs(_selector(DATA, S3_OBJECT, not_bucket), event).logged
    not_object = {
        "Field": "resources.ARN",
        "NotStartsWith": ["arn:aws:s3:::ai-training-data-prod/"],
    }
    assert not trail_logs(_selector(DATA, S3_OBJECT, not_object), event).logged
    # resources.type itself sees every entry.
    bucket_type = {"Field": "resources.type", "Equals": ["AWS::S3::Bucket"]}
    assert trail_logs(_selector(DATA, bucket_type), event).logged


def test_ends_with_and_not_ends_with() -> None:
    event = s3_object_event("ai-training-data-prod", "exports/report.csv")
    ends = {"Field": "resources.ARN", "EndsWith": [".csv", ".parquet"]}
    not_ends = {"Field": "resources.ARN", "NotEndsWith": [".csv"]}
    assert trail_logs(_selector(DATA, S3_OBJECT, ends), event).logged
    assert not trail_logs(_selector(DATA, S3_OBJECT, not_ends), event).logged


def test_missing_fields_fail_positive_and_pass_negative_operators() -> None:
    event = make_event(resources=[("AWS::Bedrock::AgentAlias", None)], user_arn=None)
    alias = {"Field": "resources.type", "Equals": ["AWS::Bedrock::AgentAlias"]}
    positive = {"Field": "userIdentity.arn", "StartsWith": ["arn:aws:sts::"]}
    negative = {"Field": "userIdentity.arn", "NotStartsWith": ["arn:aws:sts::"]}
    arn_positive = {"Field": "resources.ARN", "StartsWith": ["arn:"]}
    arn_negative = {"Field": "resources.ARN", "NotStartsWith": ["arn:"]}
    assert not trail_logs(_selector(DATA, alias, positive), event).logged
    assert trail_logs(_selector(DATA, alias, negative), event).logged
    assert not trail_logs(_selector(DATA, alias, arn_positive), event).logged
    assert trail_logs(_selector(DATA, alias, arn_negative), event).logged


def test_read_only_rendered_as_strings() -> None:
    write = {"Field": "readOnly", "Equals": ["false"]}
    boolean_spelling = {"Field": "readOnly", "Equals": ["False"]}
    event = s3_object_event("b", "k")
    assert trail_logs(_selector(DATA, S3_OBJECT, write), event).logged
    assert not trail_logs(_selector(DATA, S3_OBJECT, boolean_spelling), event).logged
    no_flag = {k: v for k, v in event.items() if k != "readOnly"}
    assert not trail_logs(_selector(DATA, S3_OBJECT, write), no_flag).logged
    assert trail_logs(_selector(DATA, S3_OBJECT), no_flag).logged


def test_session_credential_and_event_type_fields() -> None:
    console = {"Field": "sessionCredentialFromConsole", "Equals": ["true"]}
    api_call = {"Field": "eventType", "Equals": ["AwsApiCall"]}
    event = s3_object_event("b", "k")
    assert not trail_logs(_selector(DATA, S3_OBJECT, console), event).logged
    from_console = {**event, "sessionCredentialFromConsole": "true"}
    assert trail_logs(_selector(DATA, S3_OBJECT, console), from_console).logged
    assert trail_logs(_selector(DATA, S3_OBJECT, api_call), event).logged


def test_first_matching_selector_is_reported() -> None:
    selectors = {
        "AdvancedEventSelectors": [
            {"Name": "kb", "FieldSelectors": [DATA, {"Field": "resources.type", "Equals": ["x"]}]},
            {"FieldSelectors": [DATA]},
            {"Name": "all-data-again", "FieldSelectors": [DATA]},
        ]
    }
    match = trail_logs(selectors, agent_alias_event())
    assert match == SelectorMatch(True, 1, "AdvancedEventSelectors[1]", "advanced")


@pytest.mark.parametrize(
    "broken",
    [
        {"Name": "no-fields"},
        {"Name": "empty", "FieldSelectors": []},
        {"Name": "no-operator", "FieldSelectors": [{"Field": "eventCategory"}]},
        {"Name": "empty-list", "FieldSelectors": [{"Field": "eventCategory", "Equals": []}]},
        {"Name": "not-a-list", "FieldSelectors": [{"Field": "eventCategory", "Equals": "Data"}]},
        {"Name": "number", "FieldSelectors": [{"Field": "eventCategory", "Equals": [1]}]},
        {"Name": "no-field-name", "FieldSelectors": [{"Equals": ["Data"]}]},
        {"Name": "fields-not-list", "FieldSelectors": {"Field": "eventCategory"}},
        "not-a-selector",
    ],
)
def test_malformed_selectors_match_nothing(broken: Any) -> None:
    selectors = {"AdvancedEventSelectors": [broken]}
    assert not trail_logs(selectors, agent_alias_event()).logged
    assert not trail_logs(selectors, management_event()).logged


def test_negative_empty_list_is_malformed_not_match_all() -> None:
    selectors = _selector(DATA, {"Field": "resources.ARN", "NotEquals": []})
    assert not trail_logs(selectors, agent_alias_event()).logged


@pytest.mark.parametrize(
    ("selectors", "mode"),
    [
        ({}, "default"),
        ({"TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}, "default"),
        ({"EventSelectors": []}, "classic"),
        ({"EventSelectors": [{}]}, "classic"),
        ({"AdvancedEventSelectors": [{"FieldSelectors": [DATA]}]}, "advanced"),
        (
            {"AdvancedEventSelectors": [{"FieldSelectors": [DATA]}], "EventSelectors": []},
            "advanced",
        ),
        ({"AdvancedEventSelectors": [], "EventSelectors": [{}]}, "classic"),
        ({"AdvancedEventSelectors": []}, "advanced"),
        ({"AdvancedEventSelectors": None, "EventSelectors": None}, "default"),
    ],
)
def test_selector_mode(selectors: dict[str, Any], mode: str) -> None:
    assert selector_mode(selectors)[0] == mode
    assert trail_logs(selectors, management_event()).mode == mode


def test_classic_empty_selector_list_logs_nothing() -> None:
    assert not trail_logs({"EventSelectors": []}, management_event()).logged


def test_classic_default_selector_object_logs_management() -> None:
    match = trail_logs({"EventSelectors": [{}]}, management_event(read_only=False))
    assert match == SelectorMatch(True, 0, "EventSelectors[0]", "classic")


def test_classic_partition_of_all_prefix() -> None:
    china = {
        "EventSelectors": [
            {"DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws-cn:lambda"]}]}
        ]
    }
    event = make_event(
        source="lambda.amazonaws.com",
        name="Invoke",
        resources=[
            ("AWS::Lambda::Function", "arn:aws-cn:lambda:cn-north-1:111122223333:function:f")
        ],
    )
    assert trail_logs(china, event, partition="aws-cn").logged
    assert not trail_logs(china, event).logged


def test_classic_management_inferred_category_and_string_read_only() -> None:
    event = make_event(category=None, source="iam.amazonaws.com", name="AttachRolePolicy")
    event["readOnly"] = "false"
    write_only = {"EventSelectors": [{"ReadWriteType": "WriteOnly"}]}
    read_only = {"EventSelectors": [{"ReadWriteType": "ReadOnly"}]}
    assert not trail_logs(write_only, event).logged  # managementEvent is False: not Management
    event["managementEvent"] = True
    assert trail_logs(write_only, event).logged
    assert not trail_logs(read_only, event).logged


# ---------------------------------------------------------------- classic -> advanced (B.6)


def test_to_advanced_shape() -> None:
    classic = [
        {
            "ReadWriteType": "WriteOnly",
            "IncludeManagementEvents": True,
            "ExcludeManagementEventSources": ["kms.amazonaws.com"],
            "DataResources": [
                {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::ai-training-data-"]},
                {"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]},
                {"Type": "AWS::DynamoDB::Table", "Values": []},
            ],
        },
        {"IncludeManagementEvents": False, "DataResources": []},
    ]
    assert to_advanced(classic) == [
        {
            "Name": "Management events",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
                {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
            ],
        },
        {
            "Name": "AWS::S3::Object data events",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "readOnly", "Equals": ["false"]},
                {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::ai-training-data-"]},
            ],
        },
        {
            "Name": "AWS::Lambda::Function data events",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
        },
    ]


def test_to_advanced_does_not_mutate_input() -> None:
    classic = [{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::b/"]}]}]
    before = copy.deepcopy(classic)
    converted = to_advanced(classic)
    converted[1]["FieldSelectors"][-1]["StartsWith"].append("x")
    assert classic == before


CLASSIC_CONFIGS: list[list[dict[str, Any]]] = [
    [],
    [{}],
    [{"ReadWriteType": "ReadOnly"}],
    [{"ReadWriteType": "WriteOnly", "ExcludeManagementEventSources": ["kms.amazonaws.com"]}],
    [{"IncludeManagementEvents": False}],
    [
        {
            "ReadWriteType": "WriteOnly",
            "IncludeManagementEvents": False,
            "DataResources": [
                {
                    "Type": "AWS::S3::Object",
                    "Values": [
                        "arn:aws:s3:::ai-training-data-",
                        "arn:aws:s3:::model-artifacts-prod/",
                    ],
                }
            ],
        }
    ],
    [{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}],
    [{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::"]}]}],
    [
        {
            "IncludeManagementEvents": False,
            "DataResources": [
                {
                    "Type": "AWS::Lambda::Function",
                    "Values": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:prod-inference"],
                },
                {"Type": "AWS::DynamoDB::Table", "Values": ["arn:aws:dynamodb"]},
            ],
        },
        {
            "ReadWriteType": "ReadOnly",
            "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda:"]}],
        },
    ],
    [{"ReadWriteType": "Bogus"}, {"IncludeManagementEvents": "yes"}],
    [{"ExcludeManagementEventSources": "kms.amazonaws.com"}],
]

EVENTS: list[dict[str, Any]] = [
    management_event(),
    management_event("PutModelInvocationLoggingConfiguration", read_only=False),
    management_event("Decrypt", source="kms.amazonaws.com", read_only=True),
    management_event("CreateKey", source="kms.amazonaws.com", read_only=False),
    make_event(
        category=None,
        source="cloudtrail.amazonaws.com",
        name="StopLogging",
        extra={"managementEvent": True},
    ),
    s3_object_event("ai-training-data-prod", "a.csv"),
    s3_object_event("ai-training-data-prod", "a.csv", "GetObject", read_only=True),
    s3_object_event("model-artifacts-prod", "w.bin"),
    s3_object_event("scratch", "tmp"),
    lambda_invoke_event("prod-inference"),
    lambda_invoke_event("prod-inference-canary"),
    make_event(
        source="dynamodb.amazonaws.com",
        name="GetItem",
        read_only=True,
        resources=[("AWS::DynamoDB::Table", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t")],
    ),
    agent_alias_event(),
    vpce_denied_event("s3.amazonaws.com"),
]


@pytest.mark.parametrize(
    ("classic", "event"),
    list(itertools.product(CLASSIC_CONFIGS, EVENTS)),
)
def test_classic_and_converted_agree(classic: list[dict[str, Any]], event: dict[str, Any]) -> None:
    original = trail_logs({"EventSelectors": classic}, event)
    converted = trail_logs({"AdvancedEventSelectors": to_advanced(classic)}, event)
    assert original.logged == converted.logged


# ---------------------------------------------------------------- ARNs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "arn:aws:bedrock:us-east-1:111122223333:agent-alias/A1/B2",
            Arn("aws", "bedrock", "us-east-1", "111122223333", "agent-alias/A1/B2"),
        ),
        ("arn:aws:s3:::bucket/key:with:colons", Arn("aws", "s3", "", "", "bucket/key:with:colons")),
        (
            "arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST",
            Arn("aws", "lambda", "us-east-1", "111122223333", "function:f:$LATEST"),
        ),
        (
            "arn:aws-us-gov:iam::111122223333:role/r",
            Arn("aws-us-gov", "iam", "", "111122223333", "role/r"),
        ),
        (
            "arn:aws:bedrock:us-east-1:111122223333:",
            Arn("aws", "bedrock", "us-east-1", "111122223333", ""),
        ),
        ("arn:aws:s3", None),
        ("arn:aws:s3:::", Arn("aws", "s3", "", "", "")),
        ("arn::s3:::b", None),
        ("ARN:aws:s3:::b", None),
        ("not an arn", None),
        ("", None),
    ],
)
def test_parse_arn(text: str, expected: Arn | None) -> None:
    assert parse_arn(text) == expected


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("arn:aws:s3", "AWS::S3::Object", True),
        ("arn:aws:s3:", "AWS::S3::Object", True),
        ("arn:aws:s3:::", "AWS::S3::Object", True),
        ("arn:aws:s3:::b", "AWS::S3::Object", False),
        ("arn:aws:lambda", "AWS::Lambda::Function", True),
        ("arn:aws:lambda:", "AWS::Lambda::Function", True),
        ("arn:aws:dynamodb", "AWS::DynamoDB::Table", True),
        ("arn:aws:s3", "AWS::Lambda::Function", False),
        ("arn:aws:sns", "AWS::SNS::Topic", False),
        ("arn:aws:s3:::*", "AWS::S3::Object", False),
    ],
)
def test_is_all_prefix(value: str, kind: str, expected: bool) -> None:
    assert is_all_prefix(value, kind) is expected
