"""Examples, worked cases, guide filters, syntax errors and semantics flags of filter patterns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiposture.errors import PatternSyntaxError
from aiposture.guide.detection import metric_filter
from aiposture.lang.filter_pattern import (
    DEFAULT_SEMANTICS,
    Pattern,
    Semantics,
    classify,
    matches,
    parse,
)

CASES_FILE = Path(__file__).parent / "filter_cases" / "examples.json"
EXAMPLES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))

LENIENT = Semantics(strict=False)


def _case_id(index: int, pattern: str) -> str:
    short = " ".join(pattern.split())
    return f"{index:02d}-{short[:40]}"


# --- 1. the 54 reference examples -----------------------------------------------------------


def test_example_file_has_54_cases() -> None:
    assert len(EXAMPLES) == 54


@pytest.mark.parametrize(
    "case", EXAMPLES, ids=[_case_id(i, c["pattern"]) for i, c in enumerate(EXAMPLES)]
)
def test_reference_example(case: dict[str, Any]) -> None:
    pattern = parse(case["pattern"])
    if "flavour" in case:
        assert pattern.flavour == case["flavour"]
    assert pattern.matches(case["event"]) is case["match"], case.get("note")


# --- 2. the 22 worked examples of A.5 -------------------------------------------------------

EVENT_A = (
    '{"eventType":"UpdateTrail","sourceIPAddress":"111.111.111.111","arrayKey":["value",'
    '"another value"],"objectList":[{"name":"a","id":1},{"name":"b","id":2}],'
    '"SomeObject":null,"cluster.name":"c"}'
)
EVENT_B = (
    '{"user":{"id":1,"email":"John.Stiles@example.com"},"users":[{"id":2,"email":'
    '"John.Doe@example.com"},{"id":3,"email":"Jane.Doe@example.com"}],"actions":["GET","PUT",'
    '"DELETE"],"coordinates":[[0,1,2],[4,5,6],[7,8,9]]}'
)
PHONELESS = '{"level":"ERROR","user":{"id":"54321","username":"gonbe","email":"gonbe@example.com"}}'
FAILED_LOGIN = json.dumps(
    {
        "eventVersion": "1.08",
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "errorMessage": "Failed authentication",
        "responseElements": {"ConsoleLogin": "Failure"},
    }
)
ROOT_SIGNIN = json.dumps(
    {
        "eventType": "AwsConsoleSignIn",
        "eventName": "ConsoleLogin",
        "userIdentity": {"type": "Root", "arn": "arn:aws:iam::111122223333:root"},
    }
)
ROOT_INVOKED = json.dumps(
    {
        "eventType": "AwsApiCall",
        "eventName": "Decrypt",
        "userIdentity": {"type": "Root", "invokedBy": "s3.amazonaws.com"},
    }
)
P12 = (
    '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" '
    '&& $.actions[2] = "nonmatch" }'
)
P13 = (
    '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") '
    '&& $.actions[2] = "nonmatch" }'
)
P21 = (
    '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
    '&& $.eventType != "AwsServiceEvent" }'
)

WORKED = [
    (1, '{ $.eventType = "UpdateTrail" }', EVENT_A, True),
    (2, "{ $.sourceIPAddress != 123.123.* }", EVENT_A, True),
    (3, '{ $.arrayKey[0] = "value" }', EVENT_A, True),
    (4, "{ $.objectList[1].id = 2 }", EVENT_A, True),
    (5, "{ $.eventType = %Trail% }", EVENT_A, True),
    (6, "{ $.arrayKey[*] = %val.{2}% }", EVENT_A, True),
    (7, r"{ $.* = %111\.111\.111\.1[0-9]{1,2}% }", EVENT_A, True),
    (8, "{ $.['cluster.name'] = \"c\" }", EVENT_A, True),
    (9, "{ $.SomeObject IS NULL }", EVENT_A, True),
    (10, "{ $.SomeOtherObject NOT EXISTS }", EVENT_A, True),
    (11, '{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', EVENT_B, True),
    (12, P12, EVENT_B, True),
    (13, P13, EVENT_B, False),
    (
        14,
        '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }',
        EVENT_B,
        False,
    ),
    (15, "{ $.users != 1 }", '{"users":[1,2,3]}', False),
    (16, "{ $.eventName = Ev*ent }", '{"eventName":"Event"}', False),
    (17, '{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }', EVENT_A, True),
    (18, '{ $.user.phone != "08000000000" }', PHONELESS, False),
    (19, '{ ($.user.phone != "08000000000") || ($.user.phone NOT EXISTS) }', PHONELESS, True),
    (
        20,
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
        FAILED_LOGIN,
        True,
    ),
    (21, P21, ROOT_SIGNIN, True),
    (22, P21, ROOT_INVOKED, False),
]


@pytest.mark.parametrize(
    ("number", "pattern", "event", "expected"), WORKED, ids=[f"A5-{w[0]}" for w in WORKED]
)
def test_worked_example(number: int, pattern: str, event: str, expected: bool) -> None:
    assert matches(pattern, event) is expected


def test_worked_examples_are_22() -> None:
    assert [w[0] for w in WORKED] == list(range(1, 23))


# --- 3. the guide's 25 metric filters -------------------------------------------------------

BEDROCK = "bedrock.amazonaws.com"
AGENTCORE = "bedrock-agentcore.amazonaws.com"


def cloudtrail(**fields: Any) -> str:
    """A realistic CloudTrail record on one line, with the given top-level fields overridden."""
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:agent-session",
            "arn": "arn:aws:sts::111122223333:assumed-role/BedrockAgentExecRole/agent-session",
            "accountId": "111122223333",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "userName": "BedrockAgentExecRole"},
                "attributes": {"mfaAuthenticated": "false"},
            },
        },
        "eventTime": "2026-11-21T06:40:00Z",
        "eventSource": BEDROCK,
        "eventName": "InvokeModel",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "10.0.1.23",
        "userAgent": "Boto3/1.35.0",
        "requestParameters": {"modelId": "anthropic.claude-3-haiku"},
        "responseElements": None,
        "requestID": "0a1b2c3d-1111-2222-3333-444455556666",
        "eventID": "9f8e7d6c-1111-2222-3333-444455556666",
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management",
    }
    record.update(fields)
    return json.dumps(record, separators=(",", ":"))


def res(rtype: str) -> list[dict[str, str]]:
    """A CloudTrail ``resources`` list with one entry of the given type."""
    return [{"accountId": "111122223333", "type": rtype, "ARN": f"arn:aws:bedrock:::{rtype}/x"}]


GUIDE: list[tuple[str, str, str, str]] = [
    (
        "MF1",
        metric_filter(1).pattern,
        cloudtrail(errorCode="AccessDenied", errorMessage="not authorized"),
        cloudtrail(),
    ),
    (
        "MF2",
        metric_filter(2).pattern,
        cloudtrail(eventName="InvokeAgent", eventCategory="Data"),
        cloudtrail(eventName="GetAgent"),
    ),
    (
        "MF3",
        metric_filter(3).pattern,
        cloudtrail(eventName="RetrieveAndGenerate", eventCategory="Data"),
        cloudtrail(eventName="ListKnowledgeBases"),
    ),
    (
        "MF6",
        metric_filter(6).pattern,
        cloudtrail(eventName="Converse"),
        cloudtrail(eventName="ListFoundationModels"),
    ),
    (
        "MF8",
        metric_filter(8).pattern,
        cloudtrail(eventName="InvokeFlow", resources=res("AWS::Bedrock::FlowAlias")),
        cloudtrail(eventName="GetFlow"),
    ),
    (
        "MF21",
        metric_filter(21).pattern,
        cloudtrail(eventName="PutInvocationStep", resources=res("AWS::Bedrock::Session")),
        cloudtrail(
            eventName="PutInvocationStep",
            resources=res("AWS::Bedrock::Agent") + res("AWS::Bedrock::Session"),
        ),
    ),
    (
        "MF22",
        metric_filter(22).pattern,
        cloudtrail(eventName="GetFlowExecution", resources=res("AWS::Bedrock::FlowExecution")),
        cloudtrail(eventName="GetFlowExecution"),
    ),
    (
        "MF23",
        metric_filter(23).pattern,
        cloudtrail(
            eventName="InvokeDataAutomationAsync",
            resources=res("AWS::Bedrock::DataAutomationProject"),
        ),
        cloudtrail(
            eventName="InvokeDataAutomationAsync",
            resources=res("AWS::Bedrock::DataAutomationBlueprint"),
        ),
    ),
    (
        "MF24",
        metric_filter(24).pattern,
        cloudtrail(eventName="InvokeTool", resources=res("AWS::Bedrock::Tool")),
        cloudtrail(
            eventSource=AGENTCORE, eventName="InvokeTool", resources=res("AWS::Bedrock::Tool")
        ),
    ),
    (
        "MF4",
        metric_filter(4).pattern,
        cloudtrail(eventName="DeleteGuardrail", readOnly=False),
        cloudtrail(eventName="GetGuardrail"),
    ),
    (
        "MF5",
        metric_filter(5).pattern,
        cloudtrail(eventName="DeleteModelInvocationLoggingConfiguration", readOnly=False),
        cloudtrail(eventName="GetModelInvocationLoggingConfiguration"),
    ),
    (
        "MF7",
        metric_filter(7).pattern,
        cloudtrail(eventSource="iam.amazonaws.com", eventName="AttachRolePolicy"),
        cloudtrail(eventSource="iam.amazonaws.com", eventName="GetRolePolicy"),
    ),
    (
        "MF13",
        metric_filter(13).pattern,
        cloudtrail(eventCategory="Insight", eventType="AwsCloudTrailInsight"),
        cloudtrail(),
    ),
    (
        "MF14",
        metric_filter(14).pattern,
        cloudtrail(eventSource="cloudtrail.amazonaws.com", eventName="StopLogging"),
        cloudtrail(eventSource="cloudtrail.amazonaws.com", eventName="StartLogging"),
    ),
    (
        "MF25",
        metric_filter(25).pattern,
        cloudtrail(
            eventName="UpdateAutomatedReasoningPolicy",
            resources=res("AWS::Bedrock::AutomatedReasoningPolicyVersion"),
        ),
        cloudtrail(eventName="UpdateAutomatedReasoningPolicy", resources=[]),
    ),
    (
        "MF9",
        metric_filter(9).pattern,
        cloudtrail(
            eventSource="s3.amazonaws.com", eventName="GetObject", errorCode="VpceAccessDenied"
        ),
        cloudtrail(eventSource="s3.amazonaws.com", eventName="GetObject", errorCode="AccessDenied"),
    ),
    (
        "MF10",
        metric_filter(10).pattern,
        cloudtrail(eventSource="kms.amazonaws.com", eventName="Decrypt", errorCode="AccessDenied"),
        cloudtrail(
            eventSource="kms.amazonaws.com",
            eventName="Decrypt",
            errorCode="AccessDenied",
            userIdentity={"type": "IAMUser", "userName": "alice"},
        ),
    ),
    (
        "MF11",
        metric_filter(11).pattern,
        cloudtrail(eventSource="s3.amazonaws.com", eventName="PutObject", readOnly=False),
        cloudtrail(eventSource="s3.amazonaws.com", eventName="PutObject", readOnly=True),
    ),
    (
        "MF12",
        metric_filter(12).pattern,
        cloudtrail(eventSource="lambda.amazonaws.com", eventName="Invoke", eventCategory="Data"),
        cloudtrail(eventSource="lambda.amazonaws.com", eventName="GetFunction"),
    ),
    (
        "MF15",
        metric_filter(15).pattern,
        cloudtrail(eventSource=AGENTCORE, eventName="InvokeGateway"),
        cloudtrail(eventSource=AGENTCORE, eventName="CreateGateway"),
    ),
    (
        "MF16",
        metric_filter(16).pattern,
        cloudtrail(
            eventSource=AGENTCORE, eventName="InvokeGateway", responseElements={"statusCode": 403}
        ),
        cloudtrail(
            eventSource=AGENTCORE, eventName="InvokeGateway", responseElements={"statusCode": 200}
        ),
    ),
    (
        "MF17",
        metric_filter(17).pattern,
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="InvokeCodeInterpreter",
            resources=res("AWS::BedrockAgentCore::CodeInterpreterCustom"),
        ),
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="CreateEvent",
            resources=res("AWS::BedrockAgentCore::Memory"),
        ),
    ),
    (
        "MF18",
        metric_filter(18).pattern,
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="GetResourceOauth2Token",
            resources=res("AWS::BedrockAgentCore::OAuth2CredentialProvider"),
        ),
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="InvokeGateway",
            resources=res("AWS::BedrockAgentCore::Gateway"),
        ),
    ),
    (
        "MF19",
        metric_filter(19).pattern,
        cloudtrail(
            eventSource=AGENTCORE,
            eventName="RetrieveMemoryRecords",
            resources=res("AWS::BedrockAgentCore::Memory"),
        ),
        cloudtrail(
            eventName="RetrieveMemoryRecords", resources=res("AWS::BedrockAgentCore::Memory")
        ),
    ),
    (
        "MF20",
        metric_filter(20).pattern,
        cloudtrail(eventSource=AGENTCORE, eventName="UpdateGatewayTarget", readOnly=False),
        cloudtrail(eventSource=AGENTCORE, eventName="GetGateway"),
    ),
]

SEED_PATTERNS: dict[str, str] = json.loads(
    (Path(__file__).parent / "filter_cases" / "guide_patterns.json").read_text(encoding="utf-8")
)
"""The guide's 25 filter patterns, copied verbatim from its text: the ``Filter Pattern:`` line
under each ``Metric Filter N:`` heading, by N."""


def test_guide_has_25_filters() -> None:
    assert len(GUIDE) == 25
    assert len({g[0] for g in GUIDE}) == 25


def test_the_guide_data_and_the_table_carry_the_guides_own_patterns() -> None:
    assert sorted(SEED_PATTERNS, key=int) == [str(n) for n in range(1, 26)]
    for number, text in SEED_PATTERNS.items():
        assert metric_filter(int(number)).pattern == text, f"Metric Filter {number}"
    for name, pattern, _, _ in GUIDE:
        assert pattern == SEED_PATTERNS[name.removeprefix("MF")], name


@pytest.mark.parametrize(("name", "pattern", "hit", "miss"), GUIDE, ids=[g[0] for g in GUIDE])
def test_guide_metric_filter(name: str, pattern: str, hit: str, miss: str) -> None:
    parsed = parse(pattern)
    assert parsed.flavour == "json"
    assert parsed.matches(hit)
    assert not parsed.matches(miss)


def test_guide_status_code_as_string_does_not_match_by_default() -> None:
    pattern = GUIDE[20][1]
    event = cloudtrail(
        eventSource=AGENTCORE, eventName="InvokeGateway", responseElements={"statusCode": "403"}
    )
    assert not matches(pattern, event)
    assert matches(pattern, event, Semantics(numeric_literal_matches_numeric_string=True))


# --- 4. syntax errors with positions --------------------------------------------------------

SYNTAX_ERRORS: list[tuple[str, int, str]] = [
    ("{ ($.a = 1 }", 2, "unbalanced '('"),
    ("{ $.a = 1) }", 9, "unbalanced ')'"),
    ('{ $.a = "abc }', 8, "unterminated quoted"),
    ("{ $.a = %abc }", 8, "unterminated regular"),
    ("{ $.a == 1 }", 6, "unknown operator '=='"),
    ("{ $.a <> 1 }", 6, "unknown operator '<>'"),
    ("{ $.a =~ 1 }", 6, "unknown operator '=~'"),
    ("{ $.a 1 }", 6, "operator"),
    ("{ $.a < abc }", 8, "numeric"),
    ('{ $.a >= "5" }', 9, "numeric"),
    ("{ $.a > %5% }", 6, "'=' or '!='"),
    ("{ $.a = %ab(c)% }", 11, "'('"),
    ("{ $.a = %a!b% }", 10, "'!'"),
    ("{ $.a = %é% }", 9, "non-ASCII"),
    ("{ $.a = %% }", 8, "empty regular"),
    ("{ $.a IS NOT NULL }", 9, "IS NOT"),
    ("{ $.a EXISTS }", 6, "EXISTS"),
    ("{ $.a IS MISSING }", 9, "NULL, TRUE or FALSE"),
    ("{ $.a NOT THERE }", 10, "EXISTS"),
    ("{ $.a = 1 } x", 12, "after the closing"),
    ("{ $.a = 1 }}", 11, "after the closing"),
    ("{ $.a = 1 ", 10, "missing closing '}'"),
    ("{ }", 2, "empty"),
    ("{}", 1, "empty"),
    ("{ $.a = 1 && }", 13, "condition"),
    ("{ () }", 3, "condition"),
    ("{ a = 1 }", 2, "selector"),
    ("{ $[0] = 1 }", 3, "'$.'"),
    ("{ $ = 1 }", 3, "'$.'"),
    ("{ $.@timestamp = 1 }", 4, "property name"),
    ("{ $.a[*].b[*] = 1 }", 10, "more than one wildcard"),
    ("{ $.a[*] = 1 && $.b[*] = 1 && $.c.* = 1 && $.d[*] = 1 }", 46, "more than 3"),
    ("{ $.a = %a% || $.b = %b% || $.c = %c% }", 34, "more than 2"),
    ("{ $.a = }", 8, "missing value"),
    ("{ $.a = 1 $.b = 2 }", 10, "expected '&&'"),
    ("{ $.a[x] = 1 }", 5, "array index"),
    ("{ $.['abc = 1 }", 4, "bracket key"),
    ("{ $.a is null }", 6, "operator"),
    (r"{ $.a = %\q% }", 9, "escape"),
    (r"{ $.a = %ab\x2% }", 11, "hex"),
    ("{ $.a = %a{2,1}% }", 9, "invalid regular"),
    ("[a, b", 5, "missing closing ']'"),
    ("[a,, b]", 3, "empty field"),
    ("[a, b = ]", 8, "missing value"),
    ("[a, b == 1]", 6, "operator"),
    ("[a, b < x]", 8, "numeric"),
    ("[a, b = 1 && c = 2]", 13, "own field"),
    ("[a = %x%, b = %y%, c = %z%]", 23, "more than 2"),
    ("[a = %x(%]", 7, "'('"),
    ("[]", 0, "empty space-delimited"),
    ('ERROR "unclosed', 6, "unterminated quoted"),
    ("%a(b%", 2, "'('"),
    ("{" + " " * 1023 + "}", 1024, "longer than 1024"),
]


@pytest.mark.parametrize(
    ("pattern", "position", "message"),
    SYNTAX_ERRORS,
    ids=[f"{i:02d}-{p[:30]}" for i, (p, _, _) in enumerate(SYNTAX_ERRORS)],
)
def test_syntax_error(pattern: str, position: int, message: str) -> None:
    with pytest.raises(PatternSyntaxError) as info:
        parse(pattern)
    assert info.value.position == position, str(info.value)
    assert message in str(info.value)


def test_positions_are_in_the_untrimmed_pattern() -> None:
    with pytest.raises(PatternSyntaxError) as info:
        parse("   { $.a == 1 }")
    assert info.value.position == 9


def test_exactly_1024_characters_is_allowed() -> None:
    pattern = "{ $.a = " + "x" * (1024 - 10) + " }"
    assert len(pattern) == 1024
    assert parse(pattern).matches(json.dumps({"a": "x" * 1014}))


def test_three_wildcards_and_two_regexes_are_allowed() -> None:
    pattern = "{ $.a[*] = %x% && $.b.* = %y% && $.c[*] = 1 }"
    assert matches(pattern, '{"a":["x"],"b":{"k":"y"},"c":[0,1]}')


# --- JSON semantics details -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "event", "expected"),
    [
        ('{ $.code = "400" }', '{"code":400}', True),
        ("{ $.code = 4* }", '{"code":400}', True),
        ("{ $.code = 400 }", '{"code":"400"}', False),
        ("{ $.code != 400 }", '{"code":"400"}', False),
        ("{ $.n = 1e-3 }", '{"n":0.001}', True),
        ("{ $.n = 10e3 }", '{"n":10000}', True),
        ("{ $.n = .5 }", '{"n":0.5}', True),
        ("{ $.n = 55.5 }", '{"n":55.50}', True),
        ('{ $.n = "55.5" }', '{"n":55.50}', False),
        ("{ $.n != 1 }", '{"n":2}', True),
        ("{ $.n <= -1 }", '{"n":-1.0}', True),
        ("{ $.n > 1 }", '{"n":true}', False),
        ("{ $.flag = true }", '{"flag":true}', False),
        ("{ $.flag IS TRUE }", '{"flag":1}', False),
        ("{ $.flag IS FALSE }", '{"flag":false}', True),
        ("{ $.flag IS FALSE }", '{"flag":0}', False),
        ("{ $.x IS NULL }", '{"x":"null"}', False),
        ("{ $.x = * }", '{"x":null}', False),
        ("{ $.x != * }", '{"x":"a"}', False),
        ("{ $.x = * }", '{"x":""}', True),
        ("{ $.x = * }", '{"x":{}}', False),
        ("{ $.x = *.html* }", '{"x":"/index.html?q"}', True),
        ("{ $.x = *.html* }", '{"x":"/index.htm"}', False),
        ("{ $.x = ** }", '{"x":"anything"}', True),
        ('{ $.x = "a\\"b" }', '{"x":"a\\"b"}', True),
        ('{ $.x = "a\\\\b" }', '{"x":"a\\\\b"}', True),
        ('{ $.x = "a b" }', '{"x":"a b"}', True),
        ('{ $.x = "&&||()" }', '{"x":"&&||()"}', True),
        ("{ $.x = %^ab$% }", '{"x":"ab"}', True),
        ("{ $.x = %^ab$% }", '{"x":"abc"}', False),
        ("{ $.x != %^ab% }", '{"x":"xab"}', True),
        ("{ $.x != %^ab% }", '{"y":"xab"}', False),
        ("{ $.x = %^4[0-9]{2}$% }", '{"x":404}', True),
        (r"{ $.x = %\x28a\x29% }", '{"x":"(a)"}', True),
        ("{ $.x = %a b:c% }", '{"x":"a b:c"}', True),
        ("{ $.x = %^starting|^shutting down% }", '{"x":"shutting down now"}', True),
        ("{ $.a.b.c = 1 }", '{"a":{"b":{"c":1}}}', True),
        ("{ $.a.b.c = 1 }", '{"a":{"b":[{"c":1}]}}', False),
        ("{ $.a[0][1] = 5 }", '{"a":[[4,5]]}', True),
        ("{ $.a[1] = 5 }", '{"a":{"1":5}}', False),
        ("{ $.a.* = 5 }", '{"a":[1,5]}', True),
        ("{ $.a[*].id = 2 }", '{"a":[{"id":1},{"id":2}]}', True),
        ("{ $.a[*] != 1 }", '{"a":[1,2]}', True),
        ("{ $.a[*] != 1 }", '{"a":[1,1]}', False),
        ("{ $.a[*] NOT EXISTS }", '{"a":[]}', True),
        ("{ $.a[*] NOT EXISTS }", '{"a":[null]}', False),
        ("{ $.a.['b.c'].d = 1 }", '{"a":{"b.c":{"d":1}}}', True),
        ("{ $.a['b'] = 1 }", '{"a":{"b":1}}', True),
        ("{ $.a-b_c = 1 }", '{"a-b_c":1}', True),
        ("{ $.a = 1 }", '{"a":2,"a":1}', True),
        ("{ $.a NOT EXISTS }", "[1]", False),
        ("{ $.a NOT EXISTS }", '"text"', False),
        ("{ $.a NOT EXISTS }", "", False),
        ("{ $.a NOT EXISTS }", '{"a":NaN}', False),
        ("{ $.a = 1 }", 'INFO {"a":1}', False),
        ("{ $.a = Ev*ent }", '{"a":"Ev*ent"}', True),
        ("{$.a=1&&$.b=2||$.c=3}", '{"c":3}', True),
        ("{$.a=1&&($.b=2||$.c=3)}", '{"c":3}', False),
        ("{ ((($.a = 1))) }", '{"a":1}', True),
        ("\n { $.a = x }\t", '{"a":"x"}', True),
    ],
)
def test_json_semantics(pattern: str, event: str, expected: bool) -> None:
    assert matches(pattern, event) is expected


def test_large_numbers_are_doubles_unless_decimal() -> None:
    big = '{"n":9007199254740993}'
    assert matches("{ $.n = 9007199254740992 }", big)
    assert not matches("{ $.n = 9007199254740992 }", big, Semantics(decimal_numbers=True))
    assert matches("{ $.n = 9007199254740993 }", big, Semantics(decimal_numbers=True))
    assert matches("{ $.n > 1 }", '{"n":1e400}')


def test_deep_parentheses_do_not_exhaust_the_stack() -> None:
    depth = 500
    pattern = "{" + "(" * depth + "$.a=1" + ")" * depth + "}"
    assert len(pattern) <= 1024
    assert matches(pattern, '{"a":1}')


def test_deeply_nested_message_does_not_raise() -> None:
    assert not matches("{ $.a NOT EXISTS }", "[" * 100_000 + "]" * 100_000)
    assert not matches("{ $.a NOT EXISTS }", '{"b":' + "[" * 100_000 + "]" * 100_000 + "}")


# --- Semantics flags (open questions) -------------------------------------------------------


def test_default_semantics_are_the_reference_defaults() -> None:
    sem = DEFAULT_SEMANTICS
    assert sem.strict
    assert not sem.numeric_literal_matches_numeric_string
    assert sem.string_literal_compares_number_source_text
    assert sem.wildcard_not_equal_any
    assert not sem.star_matches_non_values
    assert not sem.null_matches_missing
    assert not sem.parse_json_after_prefix
    assert sem.duplicate_keys_last_wins
    assert not sem.decimal_numbers
    assert sem.regex_allows_space
    assert sem.regex_allows_colon


def test_q1_flags() -> None:
    assert matches(
        "{ $.c = 400 }", '{"c":"400"}', Semantics(numeric_literal_matches_numeric_string=True)
    )
    assert matches(
        "{ $.c > 399 }", '{"c":"400"}', Semantics(numeric_literal_matches_numeric_string=True)
    )
    assert not matches(
        "{ $.c = 400 }", '{"c":"4e2x"}', Semantics(numeric_literal_matches_numeric_string=True)
    )
    sem = Semantics(string_literal_compares_number_source_text=False)
    assert not matches('{ $.c = "400" }', '{"c":400}', sem)
    assert not matches("{ $.c = * }", '{"c":400}', sem)


def test_q3_all_elements_must_differ() -> None:
    sem = Semantics(wildcard_not_equal_any=False)
    assert not matches("{ $.a[*] != 1 }", '{"a":[1,2]}', sem)
    assert matches("{ $.a[*] != 1 }", '{"a":[3,2]}', sem)
    assert not matches("{ $.a[*] != 1 }", '{"a":[]}', sem)
    assert matches("{ $.a[*] = 1 }", '{"a":[1,2]}', sem)


def test_q5_star_matches_non_values() -> None:
    sem = Semantics(star_matches_non_values=True)
    for value in ("null", "true", "[1]", '{"b":1}'):
        event = f'{{"x":{value}}}'
        assert matches("{ $.x = * }", event, sem)
        assert not matches('{ $.x != "*" }', event, sem)
        assert not matches("{ $.x = * }", event)
    assert not matches("{ $.x = * }", "{}", sem)


def test_null_matches_missing_flag() -> None:
    assert matches("{ $.x IS NULL }", "{}", Semantics(null_matches_missing=True))
    assert not matches("{ $.x IS NULL }", "{}")


def test_q6_prefix_flag() -> None:
    line = '2026-11-21T06:40:00Z 1234 INFO {"level":"ERROR"}'
    assert not matches("{ $.level = ERROR }", line)
    assert matches("{ $.level = ERROR }", line, Semantics(parse_json_after_prefix=True))
    assert not matches(
        "{ $.level = ERROR }", "no json here", Semantics(parse_json_after_prefix=True)
    )


def test_q8_first_key_wins_flag() -> None:
    assert matches("{ $.a = 2 }", '{"a":2,"a":1}', Semantics(duplicate_keys_last_wins=False))
    assert not matches("{ $.a = 2 }", '{"a":2,"a":1}')


def test_q11_regex_space_and_colon_flags() -> None:
    with pytest.raises(PatternSyntaxError):
        parse("{ $.a = %a b% }", Semantics(regex_allows_space=False))
    with pytest.raises(PatternSyntaxError):
        parse("%a:b%", Semantics(regex_allows_colon=False))


def test_lenient_mode() -> None:
    assert matches("{ $.a is null }", '{"a":null}', LENIENT)
    assert matches("{ $.a Not Exists }", "{}", LENIENT)
    assert matches("{}", '{"a":1}', LENIENT)
    assert not matches("{ }", "not json", LENIENT)
    assert matches("{ $[0] = 1 }", '{"0":1}', LENIENT) is False
    assert matches("{ $.@timestamp = 1 }", '{"@timestamp":1}', LENIENT)
    assert matches("{ $ NOT EXISTS }", "{}", LENIENT) is False
    assert matches(r"{ $.a = %\bx% }", '{"a":"a x"}', LENIENT)
    assert matches("[]", "anything at all", LENIENT)


# --- flavours -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "flavour"),
    [
        ("", "empty"),
        ("   \t", "empty"),
        ("{ $.a = 1 }", "json"),
        ("[a, b]", "delimited"),
        ("%abc%", "regex"),
        ("%a%b%", "terms"),
        ("%", "terms"),
        ('"[ERROR]"', "terms"),
        ("ERROR", "terms"),
    ],
)
def test_classify(pattern: str, flavour: str) -> None:
    assert classify(pattern) == flavour
    assert parse(pattern).flavour == flavour


def test_empty_pattern_matches_everything() -> None:
    assert matches("", "")
    assert matches("  ", "whatever")


def test_pattern_is_immutable_value() -> None:
    pattern = parse("{ $.a = 1 }")
    assert isinstance(pattern, Pattern)
    assert pattern.text == "{ $.a = 1 }"
    assert pattern == parse("{ $.a = 1 }")
    with pytest.raises(AttributeError):
        pattern.text = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("ERROR", "an ERROR here", True),
        ("ERROR", "an error here", False),
        ("ERROR WARN", "ERROR and WARN", True),
        ("ERROR WARN", "ERROR only", False),
        ("-DEBUG", "INFO line", True),
        ("-DEBUG", "DEBUG line", False),
        ("?ERROR ?WARN", "nothing", False),
        ('" "', "nospace", True),
        ('"[ERROR]"', "x [ERROR] y", True),
        ('?"bad thing" ?"worse thing"', "a worse thing happened", True),
        ('"a \\"quoted\\" word"', 'a "quoted" word', True),
        ("%^ERROR [0-9]+$%", "ERROR 42", True),
        ("%^ERROR [0-9]+$%", "ERROR 42!", False),
        ("%\\x25%", "100%", True),
    ],
)
def test_terms_and_regex(pattern: str, message: str, expected: bool) -> None:
    assert matches(pattern, message) is expected


ACCESS_LOG = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("[ip, user, username, timestamp, request, status_code, bytes]", ACCESS_LOG, True),
        ("[ip, user, username, timestamp, request, status_code]", ACCESS_LOG, False),
        ("[ip, ...]", ACCESS_LOG, True),
        ("[..., bytes > 1000]", ACCESS_LOG, True),
        ("[..., bytes > 2000]", ACCESS_LOG, False),
        ("[ip = 127.0.0.1, ...]", ACCESS_LOG, True),
        (r"[ip = %^127\.0\.0\.[1-9]$%, ...]", ACCESS_LOG, True),
        ("[ip, user = Prod, username != frank, ...]", ACCESS_LOG, False),
        (
            '[..., timestamp = *2000*, request = "GET /index.html HTTP/1.0", code, bytes]',
            ACCESS_LOG,
            True,
        ),
        ("[..., status_code = 4* || status_code = 5*, bytes]", ACCESS_LOG, True),
        ("[..., status_code >= 400 && status_code < 500, bytes]", ACCESS_LOG, True),
        ("[..., status_code >= 500 && status_code < 600, bytes]", ACCESS_LOG, False),
        (
            "[..., status_code = 404 || status_code = 500 && status_code = 1, bytes]",
            ACCESS_LOG,
            True,
        ),
        ("[a, ..., b]", "one two three four", True),
        ("[a, ..., b = four]", "one two three four", True),
        ("[a, ..., b = three]", "one two three four", False),
        ("[...]", "", True),
        ("[a]", "", False),
        ("[a, b]", "one   two", True),
        ("[a = 5, b]", "5x two", False),
    ],
)
def test_delimited(pattern: str, message: str, expected: bool) -> None:
    assert matches(pattern, message) is expected
