"""CloudWatch Contributor Insights rules: validator checklist (D.2) and evaluation (D.3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiposture.errors import AiPostureError
from aiposture.guide.detection import (
    INSIGHT_RULES,
    MANTLE_INFERENCE,
    MANTLE_SOURCE,
    insight_rule,
)
from aiposture.lang.contributor_rule_validation import RuleIssue, RuleIssueSeverity, validate_rule
from aiposture.lang.contributor_rules import (
    ContributorRule,
    RuleDefinitionError,
    RuleFilter,
    parse_rule,
)

LOG_GROUP = "aws-cloudtrail-logs-111122223333-ai"
ARN = "arn:aws:sts::111122223333:assumed-role/AgentRole/session-1"
IP = "203.0.113.10"
GATEWAY = "arn:aws:bedrock-agentcore:us-east-1:111122223333:gateway/gw-0abc"
MEMORY = "arn:aws:bedrock-agentcore:us-east-1:111122223333:memory/mem-0abc"


def cloudtrail(**fields: Any) -> str:
    """One CloudTrail record as CloudTrail delivers it to CloudWatch Logs: one line of JSON."""
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:session-1",
            "arn": ARN,
            "accountId": "111122223333",
        },
        "eventTime": "2026-11-21T06:40:00Z",
        "eventSource": "bedrock.amazonaws.com",
        "eventName": "InvokeModel",
        "awsRegion": "us-east-1",
        "sourceIPAddress": IP,
        "userAgent": "Boto3/1.35.0",
        "requestParameters": {"modelId": "anthropic.claude-3-haiku-20240307-v1:0"},
        "responseElements": None,
        "requestID": "5d3c4f0e-0000-4000-8000-000000000001",
        "eventID": "5d3c4f0e-0000-4000-8000-000000000002",
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management",
    }
    record.update(fields)
    return json.dumps(record, separators=(",", ":"))


def resource(type_: str, arn: str = "arn:aws:bedrock:us-east-1:111122223333:x/1") -> Any:
    return [{"accountId": "111122223333", "type": type_, "ARN": arn}]


AGENTCORE = "bedrock-agentcore.amazonaws.com"
JWT = {"jwt": {"claims": {"sub": "user-42", "iss": "https://idp.example.com"}}}

# rule number -> (a matching event, the expected contributor key)
MATCHING: dict[int, tuple[str, tuple[str, ...]]] = {
    1: (cloudtrail(), (ARN, "InvokeModel")),
    2: (cloudtrail(eventName="InvokeAgent"), (ARN, "InvokeAgent", IP)),
    3: (cloudtrail(eventName="RetrieveAndGenerate"), (ARN, "RetrieveAndGenerate", IP)),
    4: (cloudtrail(eventName="InvokeFlow"), (ARN, IP)),
    5: (cloudtrail(errorCode="AccessDenied"), (ARN, "InvokeModel", IP)),
    6: (
        cloudtrail(eventSource="s3.amazonaws.com", eventName="GetObject", errorCode="AccessDenied"),
        (ARN, "s3.amazonaws.com", "GetObject", IP),
    ),
    7: (
        cloudtrail(errorCode="VpceAccessDenied", vpcEndpointId="vpce-0abc123"),
        (ARN, "bedrock.amazonaws.com", "vpce-0abc123", "InvokeModel"),
    ),
    8: (
        cloudtrail(
            eventSource="s3.amazonaws.com",
            eventName="GetObject",
            eventCategory="Data",
            requestParameters={"bucketName": "training-data", "key": "shard-001.jsonl"},
        ),
        (ARN, "training-data"),
    ),
    9: (
        cloudtrail(
            eventSource="lambda.amazonaws.com",
            eventName="Invoke",
            requestParameters={"functionName": "embed-documents"},
        ),
        (ARN, "embed-documents"),
    ),
    10: (cloudtrail(eventName="UpdateGuardrail"), (ARN, "UpdateGuardrail", IP)),
    11: (
        cloudtrail(eventSource="cloudtrail.amazonaws.com", eventName="StopLogging"),
        (ARN, "StopLogging", IP),
    ),
    12: (
        cloudtrail(eventSource="sagemaker.amazonaws.com", eventName="CreateTrainingJob"),
        ("sagemaker.amazonaws.com", "CreateTrainingJob"),
    ),
    13: (
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="InvokeGateway",
            additionalEventData=JWT,
            resources=resource("AWS::BedrockAgentCore::Gateway", GATEWAY),
        ),
        ("user-42", IP, GATEWAY),
    ),
    14: (
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="InvokeGateway",
            additionalEventData=JWT,
            responseElements={"statusCode": 403},
            resources=resource("AWS::BedrockAgentCore::Gateway", GATEWAY),
        ),
        (IP, "user-42", GATEWAY),
    ),
    15: (
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="StartCodeInterpreterSession",
            resources=resource("AWS::BedrockAgentCore::CodeInterpreter"),
        ),
        (ARN, "AWS::BedrockAgentCore::CodeInterpreter", "StartCodeInterpreterSession"),
    ),
    16: (
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="GetResourceOauth2Token",
            resources=resource("AWS::BedrockAgentCore::TokenVault"),
        ),
        (ARN, "AWS::BedrockAgentCore::TokenVault", "GetResourceOauth2Token", IP),
    ),
    17: (
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="CreateEvent",
            resources=resource("AWS::BedrockAgentCore::Memory", MEMORY),
        ),
        (ARN, "CreateEvent", MEMORY),
    ),
    18: (
        cloudtrail(eventSource=AGENTCORE, eventName="CreateGatewayTarget"),
        (ARN, "CreateGatewayTarget", IP),
    ),
    19: (
        cloudtrail(eventName="CreateSession", resources=resource("AWS::Bedrock::Session")),
        (ARN, "CreateSession", IP),
    ),
    20: (
        cloudtrail(eventName="GetFlowExecution", resources=resource("AWS::Bedrock::FlowExecution")),
        (ARN, "GetFlowExecution", IP),
    ),
    21: (
        cloudtrail(
            eventName="InvokeDataAutomationAsync",
            resources=resource("AWS::Bedrock::DataAutomationProject"),
        ),
        (ARN, "AWS::Bedrock::DataAutomationProject", "InvokeDataAutomationAsync"),
    ),
    22: (
        cloudtrail(eventName="InvokeTool", resources=resource("AWS::Bedrock::Tool")),
        (ARN, "InvokeTool", IP),
    ),
    23: (
        cloudtrail(
            eventName="UpdateAutomatedReasoningPolicy",
            resources=resource("AWS::Bedrock::AutomatedReasoningPolicy"),
        ),
        (ARN, "UpdateAutomatedReasoningPolicy", IP),
    ),
}

UNRELATED = cloudtrail(
    eventSource="sts.amazonaws.com",
    eventName="AssumeRole",
    requestParameters={"roleArn": "arn:aws:iam::111122223333:role/AgentRole"},
    resources=resource("AWS::IAM::Role", "arn:aws:iam::111122223333:role/AgentRole"),
)


GUIDE_NUMBERS = [rule.number for rule in INSIGHT_RULES]
"""The guide's rule numbers; the rule bodies come from :mod:`aiposture.guide.detection`."""
FORMS = pytest.mark.parametrize("mantle_aware", [False, True], ids=["guide", "mantle-aware"])
"""Each rule as the guide writes it, and as an account following guides 001 and 002 deploys it."""


def definition_text(number: int, *, mantle_aware: bool = False) -> str:
    """The guide's Rule ``number`` on LOG_GROUP, as the JSON text PutInsightRule takes."""
    return insight_rule(number).definition_text(LOG_GROUP, mantle_aware=mantle_aware)


def rule_of(number: int, *, mantle_aware: bool = False) -> ContributorRule:
    return parse_rule(definition_text(number, mantle_aware=mantle_aware))


# --- the guide's rules ---------------------------------------------------------------------------


def test_all_23_guide_rules_have_a_matching_event() -> None:
    assert list(range(1, 24)) == GUIDE_NUMBERS
    assert sorted(MATCHING) == GUIDE_NUMBERS


@FORMS
@pytest.mark.parametrize("number", GUIDE_NUMBERS)
def test_guide_rule_validates_without_errors(number: int, mantle_aware: bool) -> None:
    issues = validate_rule(definition_text(number, mantle_aware=mantle_aware))
    assert [i for i in issues if i.severity is RuleIssueSeverity.ERROR] == []
    if number == 14:
        assert [(i.severity, i.path) for i in issues] == [
            (RuleIssueSeverity.WARNING, "Contribution.Filters[2].In[0]"),
            (RuleIssueSeverity.WARNING, "Contribution.Filters[2].In[1]"),
        ]
    else:
        assert issues == []


@FORMS
@pytest.mark.parametrize("number", GUIDE_NUMBERS)
def test_guide_rule_counts_its_event(number: int, mantle_aware: bool) -> None:
    rule = rule_of(number, mantle_aware=mantle_aware)
    message, key = MATCHING[number]
    assert rule.contribution(message) == key
    assert rule.accepts(message)
    assert rule.value(message) == 1.0
    assert rule.applies_to_log_group(LOG_GROUP)


@FORMS
@pytest.mark.parametrize("number", GUIDE_NUMBERS)
def test_guide_rule_ignores_an_unrelated_event(number: int, mantle_aware: bool) -> None:
    rule = rule_of(number, mantle_aware=mantle_aware)
    assert rule.contribution(UNRELATED) is None
    assert not rule.accepts(UNRELATED)
    assert rule.value(UNRELATED) is None


def test_rule_14_numbers_in_in_compare_by_json_text() -> None:
    rule = rule_of(14)
    assert rule.filters[2] == RuleFilter(
        match="$.responseElements.statusCode", operator="In", operand=("401", "403")
    )
    base = json.loads(MATCHING[14][0])
    for status, counted in [(401, True), ("403", True), (200, False), (403.0, False)]:
        base["responseElements"] = {"statusCode": status}
        assert (rule.contribution(json.dumps(base)) is not None) is counted, status
    del base["responseElements"]
    assert rule.contribution(json.dumps(base)) is None


def test_index_selectors_read_the_first_resource_only() -> None:
    rule = rule_of(17)
    base = json.loads(MATCHING[17][0])
    other = {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::b/k"}
    base["resources"] = [other, *base["resources"]]
    assert rule.contribution(json.dumps(base)) is None
    base["resources"] = []
    assert rule.contribution(json.dumps(base)) is None
    base["resources"] = {"type": "AWS::BedrockAgentCore::Memory"}
    assert rule.contribution(json.dumps(base)) is None


def test_missing_key_means_not_counted() -> None:
    rule = rule_of(13)
    base = json.loads(MATCHING[13][0])
    del base["additionalEventData"]
    message = json.dumps(base)
    assert not rule.accepts(message)
    assert rule.contribution(message) is None


def test_guide_rule_12_not_in() -> None:
    rule = rule_of(12)
    assert (
        rule.contribution(cloudtrail(eventSource="s3.amazonaws.com", eventName="AssumeRole"))
        is None
    )
    base = json.loads(cloudtrail(eventSource="s3.amazonaws.com"))
    del base["eventName"]
    assert rule.contribution(json.dumps(base)) is None  # NotIn on a missing field fails


@pytest.mark.parametrize(
    ("number", "mantle_event"),
    [
        (
            1,
            cloudtrail(eventSource=MANTLE_SOURCE, eventName=MANTLE_INFERENCE, eventCategory="Data"),
        ),
        (5, cloudtrail(eventSource=MANTLE_SOURCE, errorCode="AccessDeniedException")),
    ],
)
def test_only_the_mantle_aware_rule_counts_bedrock_mantle(number: int, mantle_event: str) -> None:
    assert rule_of(number).contribution(mantle_event) is None
    assert rule_of(number, mantle_aware=True).contribution(mantle_event) is not None


@pytest.mark.parametrize("number", GUIDE_NUMBERS)
def test_parsing_keeps_the_guide_rules_keys_and_filters(number: int) -> None:
    guide = insight_rule(number)
    rule = rule_of(number)
    assert rule.keys == guide.keys
    assert rule.filters == tuple(
        RuleFilter(
            match, operator, tuple(v if isinstance(v, str) else json.dumps(v) for v in values)
        )
        for match, operator, values in guide.filters
    )


def test_parsed_guide_rule_fields() -> None:
    rule = rule_of(1)
    assert rule.log_group_names == (LOG_GROUP,)
    assert rule.log_group_arns == ()
    assert rule.log_format == "JSON"
    assert rule.keys == ("$.userIdentity.arn", "$.eventName")
    assert rule.value_of is None
    assert rule.aggregate_on == "Count"
    assert dict(rule.fields) == {}
    assert rule.filters[0] == RuleFilter("$.eventSource", "In", ("bedrock.amazonaws.com",))


# --- the D.2 validator checklist -----------------------------------------------------------------


def base_rule(**changes: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
        "LogGroupNames": [LOG_GROUP],
        "LogFormat": "JSON",
        "Contribution": {
            "Keys": ["$.userIdentity.arn"],
            "Filters": [{"Match": "$.eventSource", "In": ["bedrock.amazonaws.com"]}],
        },
        "AggregateOn": "Count",
    }
    rule.update(changes)
    return rule


def with_contribution(**changes: Any) -> dict[str, Any]:
    rule = base_rule()
    rule["Contribution"] = {**rule["Contribution"], **changes}
    return rule


def with_filter(raw: Any) -> dict[str, Any]:
    return with_contribution(Filters=[raw])


def without(key: str) -> dict[str, Any]:
    rule = base_rule()
    del rule[key]
    return rule


ARN_PATTERN = "arn:aws:logs:us-east-1:{account}:log-group:{name}"

BROKEN: dict[str, tuple[Any, str]] = {
    # Schema is exact
    "schema-name": (base_rule(Schema={"Name": "ServiceLogRule", "Version": 1}), "Schema"),
    "schema-version-string": (
        base_rule(Schema={"Name": "CloudWatchLogRule", "Version": "1"}),
        "Schema",
    ),
    "schema-version-bool": (
        base_rule(Schema={"Name": "CloudWatchLogRule", "Version": True}),
        "Schema",
    ),
    "schema-extra": (
        base_rule(Schema={"Name": "CloudWatchLogRule", "Version": 1, "X": 1}),
        "Schema",
    ),
    "schema-missing": (without("Schema"), "Schema"),
    # exactly one non-empty log group list
    "no-log-groups": (without("LogGroupNames"), "RuleDefinition"),
    "both-log-groups": (
        base_rule(LogGroupARNs=[ARN_PATTERN.format(account="111122223333", name="x")]),
        "RuleDefinition",
    ),
    "empty-log-groups": (base_rule(LogGroupNames=[]), "LogGroupNames"),
    "log-group-not-string": (base_rule(LogGroupNames=[7]), "LogGroupNames[0]"),
    "inner-wildcard": (base_rule(LogGroupNames=["aws-*-logs"]), "LogGroupNames[0]"),
    "bad-name": (base_rule(LogGroupNames=["has space"]), "LogGroupNames[0]"),
    "partial-account-wildcard": (
        base_rule(LogGroupNames=None, LogGroupARNs=[ARN_PATTERN.format(account="1111*", name="x")]),
        "LogGroupARNs[0]",
    ),
    "not-an-arn": (base_rule(LogGroupARNs=["x"]), "LogGroupARNs[0]"),
    # LogFormat and Fields
    "log-format-unknown": (base_rule(LogFormat="XML"), "LogFormat"),
    "log-format-missing": (without("LogFormat"), "LogFormat"),
    "fields-with-json": (base_rule(Fields={"1": "Ip"}), "Fields"),
    "fields-zero-position": (base_rule(LogFormat="CLF", Fields={"0": "Ip"}), "Fields.0"),
    "fields-named-position": (base_rule(LogFormat="CLF", Fields={"ip": "Ip"}), "Fields.ip"),
    "fields-not-object": (base_rule(LogFormat="CLF", Fields=["Ip"]), "Fields"),
    "clf-unknown-alias": (
        base_rule(
            LogFormat="CLF",
            Fields={"1": "Ip"},
            Contribution={"Keys": ["Host"]},
        ),
        "Contribution.Keys[0]",
    ),
    # Keys 1..4, Filters <= 4
    "keys-empty": (with_contribution(Keys=[]), "Contribution.Keys"),
    "keys-five": (with_contribution(Keys=[f"$.k{i}" for i in range(5)]), "Contribution.Keys"),
    "keys-missing": (base_rule(Contribution={"Filters": []}), "Contribution.Keys"),
    "bad-selector": (with_contribution(Keys=["eventName"]), "Contribution.Keys[0]"),
    "wildcard-selector": (with_contribution(Keys=["$.resources[*].type"]), "Contribution.Keys[0]"),
    "filters-five": (
        with_contribution(Filters=[{"Match": "$.a", "IsPresent": True}] * 5),
        "Contribution.Filters",
    ),
    "filters-not-list": (with_contribution(Filters={"Match": "$.a"}), "Contribution.Filters"),
    "contribution-missing": (without("Contribution"), "Contribution"),
    # each filter: Match and exactly one operator of the right type
    "filter-not-object": (with_filter("$.a"), "Contribution.Filters[0]"),
    "filter-no-match": (with_filter({"In": ["x"]}), "Contribution.Filters[0]"),
    "filter-no-operator": (with_filter({"Match": "$.a"}), "Contribution.Filters[0]"),
    "filter-two-operators": (
        with_filter({"Match": "$.a", "In": ["x"], "NotIn": ["y"]}),
        "Contribution.Filters[0]",
    ),
    "filter-unknown-operator": (
        with_filter({"Match": "$.a", "Equals": ["x"]}),
        "Contribution.Filters[0].Equals",
    ),
    "in-empty": (with_filter({"Match": "$.a", "In": []}), "Contribution.Filters[0].In"),
    "in-eleven": (
        with_filter({"Match": "$.a", "NotIn": [str(i) for i in range(11)]}),
        "Contribution.Filters[0].NotIn",
    ),
    "in-not-list": (
        with_filter({"Match": "$.a", "StartsWith": "x"}),
        "Contribution.Filters[0].StartsWith",
    ),
    "in-boolean": (with_filter({"Match": "$.a", "In": [True]}), "Contribution.Filters[0].In[0]"),
    "numeric-string": (
        with_filter({"Match": "$.a", "GreaterThan": "5"}),
        "Contribution.Filters[0].GreaterThan",
    ),
    "numeric-bool": (
        with_filter({"Match": "$.a", "EqualTo": True}),
        "Contribution.Filters[0].EqualTo",
    ),
    "is-present-string": (
        with_filter({"Match": "$.a", "IsPresent": "yes"}),
        "Contribution.Filters[0].IsPresent",
    ),
    "match-bad-selector": (
        with_filter({"Match": "$", "In": ["x"]}),
        "Contribution.Filters[0].Match",
    ),
    # ValueOf and AggregateOn
    "sum-without-value-of": (base_rule(AggregateOn="Sum"), "Contribution.ValueOf"),
    "aggregate-unknown": (base_rule(AggregateOn="Max"), "AggregateOn"),
    "aggregate-missing": (without("AggregateOn"), "AggregateOn"),
    # size and encoding
    "too-long": (
        base_rule(LogGroupNames=[f"g{i:05d}-" + "x" * 90 for i in range(80)]),
        "RuleDefinition",
    ),
    "non-ascii": (base_rule(LogGroupNames=["logs-\u00e9t\u00e9"]), "RuleDefinition"),
    "invalid-json": ('{"Schema": ', "RuleDefinition"),
    "json-array": ("[]", "RuleDefinition"),
    "empty-text": ("", "RuleDefinition"),
    "nan-in-json": (json.dumps(base_rule(AggregateOn=float("nan"))), "RuleDefinition"),
}


def errors(issues: list[RuleIssue]) -> list[RuleIssue]:
    return [i for i in issues if i.severity is RuleIssueSeverity.ERROR]


def test_the_base_rule_is_clean() -> None:
    assert validate_rule(base_rule()) == []
    assert validate_rule(json.dumps(base_rule())) == []


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_checklist_item_fails(case: str) -> None:
    definition, path = BROKEN[case]
    if isinstance(definition, dict):
        definition = {k: v for k, v in definition.items() if v is not None}
    found = errors(validate_rule(definition))
    assert found, case
    assert path in [i.path for i in found], found
    with pytest.raises(RuleDefinitionError) as raised:
        parse_rule(definition)
    assert str(raised.value).startswith(f"{found[0].path}: ")
    assert isinstance(raised.value, AiPostureError)
    assert raised.value.exit_code == 2


def test_text_definitions_are_checked_for_length_as_sent() -> None:
    text = json.dumps(base_rule(), indent=1)
    padded = text + " " * (8193 - len(text))
    assert [i.path for i in errors(validate_rule(padded))] == ["RuleDefinition"]
    assert errors(validate_rule(text + " " * (8192 - len(text)))) == []


def test_validate_never_raises_on_junk() -> None:
    junk: list[object] = [42, None, [], {"Contribution": 5}, {"Schema": []}, {1: 2}, {"Fields": 3}]
    for definition in junk:
        issues = validate_rule(definition)  # type: ignore[arg-type]
        assert errors(issues)


def test_warnings() -> None:
    def severities(definition: dict[str, Any]) -> list[tuple[str, str]]:
        return [(i.severity.value, i.path) for i in validate_rule(definition)]

    assert severities(with_contribution(ValueOf="$.bytes")) == [("warning", "Contribution.ValueOf")]
    assert severities(base_rule(Extra=1)) == [("warning", "Extra")]
    assert severities(with_contribution(Other=1)) == [("warning", "Contribution.Other")]
    assert severities(with_filter({"Match": "$.a", "In": [1.5, "x"]})) == [
        ("warning", "Contribution.Filters[0].In[0]")
    ]
    assert severities(with_contribution(Keys=["$[0]"])) == [("warning", "Contribution.Keys[0]")]
    assert severities(base_rule(LogGroupNames=["*"])) == [("warning", "LogGroupNames[0]")]


def test_count_rule_ignores_value_of() -> None:
    rule = parse_rule(with_contribution(ValueOf="$.bytes"))
    assert rule.value_of is None
    assert rule.value(cloudtrail(bytes="x")) == 1.0


def test_rule_issue_and_severity() -> None:
    issue = RuleIssue(RuleIssueSeverity.ERROR, "Schema", "bad")
    assert issue.severity == "error"
    assert RuleIssueSeverity("warning") is RuleIssueSeverity.WARNING


# --- evaluation semantics ------------------------------------------------------------------------


def rule_with(*filters: dict[str, Any], keys: tuple[str, ...] = ("$.k",)) -> ContributorRule:
    return parse_rule(with_contribution(Keys=list(keys), Filters=list(filters)))


def msg(**fields: Any) -> str:
    return json.dumps({"k": "key", **fields})


def test_numeric_operators_coerce_numeric_strings() -> None:
    gt = rule_with({"Match": "$.n", "GreaterThan": 10})
    assert gt.accepts(msg(n=11)) and gt.accepts(msg(n="11.5")) and gt.accepts(msg(n=" 12 "))
    assert not gt.accepts(msg(n=10)) and not gt.accepts(msg(n="ten")) and not gt.accepts(msg())
    assert (
        not gt.accepts(msg(n=True)) and not gt.accepts(msg(n=None)) and not gt.accepts(msg(n=[11]))
    )
    assert rule_with({"Match": "$.n", "LessThan": 0.5}).accepts(msg(n=-1e3))
    assert rule_with({"Match": "$.n", "EqualTo": 200}).accepts(msg(n="200"))
    assert rule_with({"Match": "$.n", "EqualTo": 200}).accepts('{"k":"key","n":2.00e2}')
    ne = rule_with({"Match": "$.n", "NotEqualTo": 200})
    assert ne.accepts(msg(n=201)) and not ne.accepts(msg(n=200)) and not ne.accepts(msg())


def test_string_operators_use_string_form() -> None:
    in_rule = rule_with({"Match": "$.v", "In": ["1.50", "true", "abc"]})
    assert in_rule.accepts('{"k":"key","v":1.50}')
    assert not in_rule.accepts('{"k":"key","v":1.5}')
    assert in_rule.accepts(msg(v=True)) and in_rule.accepts(msg(v="abc"))
    assert not in_rule.accepts(msg(v="ABC"))  # case-sensitive
    assert not in_rule.accepts(msg(v={"x": "abc"})) and not in_rule.accepts(msg(v=None))
    starts = rule_with({"Match": "$.v", "StartsWith": ["arn:aws:iam::", "AROA"]})
    assert starts.accepts(msg(v="AROAEXAMPLE")) and not starts.accepts(msg(v="arn:aws:sts::1"))
    not_in = rule_with({"Match": "$.v", "NotIn": ["a"]})
    assert not_in.accepts(msg(v="b")) and not not_in.accepts(msg(v="a"))
    assert not not_in.accepts(msg()) and not not_in.accepts(msg(v=None))


def test_is_present_is_about_leaves() -> None:
    present = rule_with({"Match": "$.details.c-count", "IsPresent": True})
    absent = rule_with({"Match": "$.details.c-count", "IsPresent": False})
    leaf = msg(details={"c-count": 3})
    node = msg(details={"c-count": {"c1": 3}})
    assert present.accepts(leaf) and not absent.accepts(leaf)
    assert not present.accepts(node) and absent.accepts(node)
    assert not present.accepts(msg()) and absent.accepts(msg())
    assert present.accepts(msg(details={"c-count": ""}))


def test_filters_are_anded_and_keys_stringified() -> None:
    rule = rule_with(
        {"Match": "$.a", "In": ["x"]},
        {"Match": "$.b", "GreaterThan": 1},
        keys=("$.k", "$.n", "$.flag", "$.list[1].id"),
    )
    message = '{"k":"key","a":"x","b":2,"n":1.50,"flag":false,"list":[{"id":1},{"id":"two"}]}'
    assert rule.contribution(message) == ("key", "1.50", "false", "two")
    assert rule.contribution(message.replace('"b":2', '"b":0')) is None
    assert rule.contribution(message.replace('"a":"x"', '"a":"y"')) is None
    assert rule.contribution(message.replace('"n":1.50', '"n":null')) is None


def test_unparsable_messages_are_not_counted() -> None:
    rule = rule_with()
    for message in [
        "",
        "not json",
        '["k"]',
        '"key"',
        '2026-11-21T06:40:00Z abc INFO {"k": "key"}',
        '{"k": "key", "n": NaN}',
        '{"k": "key"',
        "[" * 5000 + "]" * 5000,
    ]:
        assert rule.contribution(message) is None, message
        assert not rule.accepts(message) and rule.value(message) is None
    assert rule.contribution('{"k":"first","k":"last"}') == ("last",)


def test_sum_uses_value_of() -> None:
    rule = parse_rule(
        with_contribution(Keys=["$.k"], ValueOf="$.bytes", Filters=[]) | {"AggregateOn": "Sum"}
    )
    assert rule.aggregate_on == "Sum" and rule.value_of == "$.bytes"
    assert rule.value(msg(bytes=512)) == 512.0
    assert rule.value(msg(bytes="2.5")) == 2.5
    assert rule.value('{"k":"key","bytes":1e400}') == float("inf")
    for skipped in [msg(), msg(bytes="many"), msg(bytes=None), msg(bytes=[1])]:
        assert rule.value(skipped) is None
        assert rule.contribution(skipped) is None
        assert rule.accepts(skipped)  # filters pass and keys present; only the sum skips it


# --- CLF -----------------------------------------------------------------------------------------

CLF_RULE = {
    "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
    "LogGroupNames": ["API-Gateway-Access-Logs*"],
    "LogFormat": "CLF",
    "Fields": {"1": "IpAddress", "5": "Request", "6": "StatusCode", "7": "Bytes"},
    "Contribution": {
        "Keys": ["IpAddress", "5"],
        "ValueOf": "Bytes",
        "Filters": [{"Match": "StatusCode", "EqualTo": 200}, {"Match": "4", "IsPresent": True}],
    },
    "AggregateOn": "Sum",
}
CLF_LINE = '192.0.2.1 - frank [21/Nov/2026:06:40:00 +0000] "GET /v1/models HTTP/1.1" 200 2326'


def test_clf_rule() -> None:
    assert validate_rule(CLF_RULE) == []
    rule = parse_rule(CLF_RULE)
    assert dict(rule.fields) == {1: "IpAddress", 5: "Request", 6: "StatusCode", 7: "Bytes"}
    assert rule.contribution(CLF_LINE) == ("192.0.2.1", "GET /v1/models HTTP/1.1")
    assert rule.value(CLF_LINE) == 2326.0
    assert rule.contribution(CLF_LINE.replace(" 200 ", " 404 ")) is None
    assert rule.contribution(CLF_LINE.replace(" 2326", " -")) is None  # Sum skips "-"
    assert rule.contribution("192.0.2.1  -  frank") is None  # too few fields
    assert rule.contribution('192.0.2.1 - frank [21/Nov/2026 "GET') is None  # unterminated
    assert rule.applies_to_log_group("API-Gateway-Access-Logs_abc/prod")


def test_clf_count_by_position() -> None:
    rule = parse_rule(
        {**CLF_RULE, "AggregateOn": "Count", "Contribution": {"Keys": ["3"], "Filters": []}}
    )
    assert rule.value(CLF_LINE) == 1.0
    assert rule.contribution(CLF_LINE) == ("frank",)


# --- log groups ----------------------------------------------------------------------------------


def test_log_group_names_with_prefix_wildcard() -> None:
    rule = parse_rule(base_rule(LogGroupNames=["aws-cloudtrail-logs-*", "/exact/group"]))
    assert rule.applies_to_log_group("aws-cloudtrail-logs-111122223333-ai")
    assert rule.applies_to_log_group("aws-cloudtrail-logs-")
    assert rule.applies_to_log_group("/exact/group", account_id="999999999999", region="eu-west-1")
    assert not rule.applies_to_log_group("/exact/group2")
    assert not rule.applies_to_log_group("aws-cloudtrail-log")


def test_log_group_arns_with_account_wildcard() -> None:
    arns = [
        ARN_PATTERN.format(account="*", name="aws-cloudtrail-logs-*"),
        ARN_PATTERN.format(account="111122223333", name="/app/ai") + ":*",
    ]
    definition = base_rule(LogGroupARNs=arns)
    del definition["LogGroupNames"]
    rule = parse_rule(definition)
    assert rule.log_group_arns == tuple(arns) and rule.log_group_names == ()
    assert rule.applies_to_log_group("aws-cloudtrail-logs-x", account_id="444455556666")
    assert rule.applies_to_log_group("aws-cloudtrail-logs-x", region="us-east-1")
    assert not rule.applies_to_log_group("aws-cloudtrail-logs-x", region="us-west-2")
    assert rule.applies_to_log_group("/app/ai", account_id="111122223333")
    assert rule.applies_to_log_group("/app/ai")
    assert not rule.applies_to_log_group("/app/ai", account_id="444455556666")
    assert not rule.applies_to_log_group("/app/ai-2")


# --- properties ----------------------------------------------------------------------------------

PROPERTY = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["k", "a", "n", "resources", "type"]), inner, max_size=4)
    ),
    max_leaves=12,
)
EVALUATIONS: list[Callable[[ContributorRule, str], object]] = [
    ContributorRule.contribution,
    ContributorRule.accepts,
    ContributorRule.value,
]


@PROPERTY
@given(message=st.text(max_size=200) | JSONISH.map(json.dumps))
def test_contribution_never_raises(message: str) -> None:
    rules = [
        rule_of(14),
        rule_of(21),
        parse_rule(CLF_RULE),
        rule_with({"Match": "$.n", "LessThan": 3}),
    ]
    for rule in rules:
        for evaluate in EVALUATIONS:
            evaluate(rule, message)
        key = rule.contribution(message)
        assert key is None or all(isinstance(part, str) for part in key)
