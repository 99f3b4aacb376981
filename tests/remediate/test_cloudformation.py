"""The CloudFormation renderer: templates cfn-lint accepts, values that load back exactly."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from cfnlint.api import ManualArgs, lint
from cfnlint.decode import cfn_yaml

from aiposture.remediate.cloudformation import (
    CLOUDFORMATION_HOWTO,
    render_cloudformation,
)
from aiposture.remediate.plan import (
    Plan,
    PutDashboard,
    PutEventSelectors,
    PutInsightRule,
    PutInvocationLogging,
    PutMetricAlarm,
    PutMetricFilter,
    PutQueryDefinition,
    StartLogging,
    Target,
    Unresolved,
)
from tests.remediate.sample_plan import (
    ACCOUNT,
    CUSTOM,
    FIXED_KB,
    LOG_GROUP,
    MANAGEMENT,
    MANTLE_PROJECT,
    PATTERN,
    PLACEHOLDER_KB,
    QUERY,
    REGION,
    S3_WRITES,
    TOPIC,
    TRAIL,
    TRAIL_ARN,
    TRAIL_RAW,
    plan_with,
    sample_plan,
)

MAIN = f"cloudformation-{REGION}.yaml"
IMPORT = f"cloudformation-{REGION}-import.yaml"
HOSTILE = 'it\'s "quoted" $HOME ${AWS::Region} `whoami` \\ back\\slash %{x} #not-a-comment: {a: b}'


def _render(plan: Plan | None = None) -> dict[str, str]:
    plan = plan or sample_plan()
    return render_cloudformation(plan, plan.accounts[0])


def _load(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _of_type(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def _one(template: dict[str, Any], kind: str) -> dict[str, Any]:
    found = _of_type(template, kind)
    assert len(found) == 1, (kind, found)
    return found[0]


def _steps(kind: type) -> list[Any]:
    return [s for s in sample_plan().accounts[0].steps if isinstance(s, kind)]


# ---------------------------------------------------------------------------------------
# cfn-lint


def test_every_template_from_the_sample_plan_passes_cfn_lint_with_no_match_at_all() -> None:
    files = _render()
    assert set(files) == {MAIN, IMPORT}
    for name, text in files.items():
        # Informational rules are included too: the templates get no match of any level.
        matches = lint(text, config=ManualArgs(regions=[REGION], include_checks=["I"]))
        assert matches == [], (name, [str(m) for m in matches])


def test_hostile_values_pass_cfn_lint_and_load_back_exactly() -> None:
    pattern = '{ $.userAgent = "*${jndi:ldap}*" && $.x = "a\\"b" }'
    query = "fields @message | filter @message like /\\$\\{|`|'|\"/\n| limit 5"
    steps = [
        PutMetricFilter(
            account_id=ACCOUNT,
            region=REGION,
            reason=HOSTILE,
            log_group_name=LOG_GROUP,
            filter_name="odd-filter",
            pattern=pattern,
            metric_name="Odd",
            namespace="Odd/NS",
        ),
        PutMetricAlarm(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            alarm_name="odd alarm: yes",
            description=HOSTILE,
            namespace="Odd/NS",
            metric_name="Odd",
            period=60,
            threshold=1,
            alarm_actions=[TOPIC],
        ),
        PutQueryDefinition(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            name="odd/query",
            query_string=query,
            log_group_names=[LOG_GROUP],
            query_language="CWLI",
        ),
        PutDashboard(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            dashboard_name="Odd",
            body={"widgets": [{"type": "text", "properties": {"markdown": HOSTILE}}]},
        ),
    ]
    files = _render(plan_with(steps))
    assert list(files) == [MAIN]
    assert lint(files[MAIN], config=ManualArgs(regions=[REGION])) == []
    template = _load(files[MAIN])
    assert _one(template, "AWS::Logs::MetricFilter")["Properties"]["FilterPattern"] == pattern
    assert _one(template, "AWS::CloudWatch::Alarm")["Properties"]["AlarmDescription"] == HOSTILE
    assert _one(template, "AWS::Logs::QueryDefinition")["Properties"]["QueryString"] == query
    body = _one(template, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]
    assert json.loads(body) == steps[3].body
    reason = _one(template, "AWS::Logs::MetricFilter")["Metadata"]["aiposture"]["Reason"]
    assert reason == HOSTILE
    # The values hold "${": the template says why cfn-lint's guess E1029 is off, and only it.
    assert template["Metadata"]["cfn-lint"] == {"config": {"ignore_checks": ["E1029"]}}
    assert "Fn::Sub" in template["Metadata"]["aiposture"]["LintNote"]
    assert "Fn::Sub:" not in files[MAIN]
    assert "!Sub" not in files[MAIN]


def test_the_sample_plan_needs_no_lint_exception() -> None:
    for text in _render().values():
        assert "cfn-lint" not in _load(text)["Metadata"]


# ---------------------------------------------------------------------------------------
# Values round-trip


def test_values_load_back_exactly() -> None:
    template = _load(_render()[MAIN])
    mf = _one(template, "AWS::Logs::MetricFilter")["Properties"]
    assert mf["FilterPattern"] == PATTERN
    assert mf["LogGroupName"] == LOG_GROUP
    assert mf["MetricTransformations"] == [
        {
            "MetricName": "BedrockUnauthorizedAccess",
            "MetricNamespace": "AIWorkloadMetrics",
            "MetricValue": "1",
            "DefaultValue": 0.0,
        }
    ]
    query = _one(template, "AWS::Logs::QueryDefinition")["Properties"]
    assert query["QueryString"] == QUERY
    assert query["QueryLanguage"] == "SQL"
    assert query["LogGroupNames"] == [LOG_GROUP]

    alarm = _one(template, "AWS::CloudWatch::Alarm")["Properties"]
    assert alarm["AlarmActions"] == [TOPIC]
    assert alarm["Threshold"] == 5.0
    assert alarm["Period"] == 300

    rule = _one(template, "AWS::CloudWatch::InsightRule")["Properties"]
    (insight,) = _steps(PutInsightRule)
    assert json.loads(rule["RuleBody"]) == insight.definition
    assert rule["RuleState"] == "ENABLED"

    (dashboard,) = _steps(PutDashboard)
    body = _one(template, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]
    assert json.loads(body) == dashboard.body

    group = _one(template, "AWS::Logs::LogGroup")["Properties"]
    assert group == {
        "LogGroupName": "bedrock-model-invocation-logging",
        "LogGroupClass": "STANDARD",
        "RetentionInDays": 365,
    }


def test_the_trail_gets_the_merged_selectors_one_by_one() -> None:
    trail = _one(_load(_render()[MAIN]), "AWS::CloudTrail::Trail")["Properties"]
    selectors = trail["AdvancedEventSelectors"]
    expected = [MANAGEMENT, CUSTOM, FIXED_KB, MANTLE_PROJECT, S3_WRITES]
    assert len(selectors) == len(expected)
    for got, want in zip(selectors, expected, strict=True):
        assert got == want
    assert PLACEHOLDER_KB not in selectors
    assert trail["InsightSelectors"] == [
        {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management"]},
        {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management"]},
    ]
    assert trail["IsLogging"] is True
    assert trail["EnableLogFileValidation"] is True


# ---------------------------------------------------------------------------------------
# The existing trail: one resource, every property kept, imported first


_KEPT = {
    "Name": "TrailName",
    "S3BucketName": "S3BucketName",
    "IncludeGlobalServiceEvents": "IncludeGlobalServiceEvents",
    "IsMultiRegionTrail": "IsMultiRegionTrail",
    "IsOrganizationTrail": "IsOrganizationTrail",
    "CloudWatchLogsLogGroupArn": "CloudWatchLogsLogGroupArn",
    "CloudWatchLogsRoleArn": "CloudWatchLogsRoleArn",
}


@pytest.mark.parametrize("file", [MAIN, IMPORT])
def test_the_trail_is_one_retained_resource_keeping_every_property(file: str) -> None:
    template = _load(_render()[file])
    resource = _one(template, "AWS::CloudTrail::Trail")
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    props = resource["Properties"]
    for read, prop in _KEPT.items():
        assert props[prop] == TRAIL_RAW[read], prop
    assert props["Tags"] == [{"Key": "owner", "Value": "security-platform"}]


def test_a_trail_with_sns_kms_and_prefix_keeps_them() -> None:
    raw = {
        **TRAIL_RAW,
        "S3KeyPrefix": "org/ai",
        "SnsTopicName": "trail-deliveries",
        "SnsTopicARN": f"arn:aws:sns:{REGION}:{ACCOUNT}:trail-deliveries",
        "KmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "Tags": {"owner": "security", "cost center": "42"},
        "IsLogging": False,
    }
    step = StartLogging(
        account_id=ACCOUNT,
        region=REGION,
        reason="not logging",
        trail_name=TRAIL,
        trail_arn=TRAIL_ARN,
        trail=raw,
    )
    files = _render(plan_with([step]))
    for text in files.values():
        assert lint(text, config=ManualArgs(regions=[REGION])) == []
    main = _one(_load(files[MAIN]), "AWS::CloudTrail::Trail")["Properties"]
    before = _one(_load(files[IMPORT]), "AWS::CloudTrail::Trail")["Properties"]
    for props in (main, before):
        assert props["S3KeyPrefix"] == "org/ai"
        assert props["SnsTopicName"] == "trail-deliveries"
        assert props["KMSKeyId"] == raw["KmsKeyId"]
        assert props["Tags"] == [
            {"Key": "owner", "Value": "security"},
            {"Key": "cost center", "Value": "42"},
        ]
    assert before["IsLogging"] is False
    assert main["IsLogging"] is True


def test_the_import_template_states_the_trail_as_it_is_now() -> None:
    files = _render()
    template = _load(files[IMPORT])
    props = _one(template, "AWS::CloudTrail::Trail")["Properties"]
    assert props["AdvancedEventSelectors"] == [MANAGEMENT, CUSTOM, PLACEHOLDER_KB]
    assert props["InsightSelectors"] == [
        {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management"]}
    ]
    meta = template["Metadata"]["aiposture"]
    (logical_id,) = template["Resources"]
    assert meta["ResourcesToImport"] == [
        {
            "ResourceType": "AWS::CloudTrail::Trail",
            "LogicalResourceId": logical_id,
            "ResourceIdentifier": {"TrailName": TRAIL},
        }
    ]
    # The same logical id in both templates: the update applies to the imported trail.
    main = _load(files[MAIN])
    assert main["Resources"][logical_id]["Type"] == "AWS::CloudTrail::Trail"
    assert main["Metadata"]["aiposture"]["ImportTemplate"] == IMPORT
    assert IMPORT in main["Description"]
    assert any("--change-set-type IMPORT" in c for c in meta["Commands"])


def test_the_howto_gives_the_two_stage_procedure() -> None:
    assert "IMPORT" in CLOUDFORMATION_HOWTO
    assert "UPDATE" in CLOUDFORMATION_HOWTO
    assert "Retain" in CLOUDFORMATION_HOWTO
    assert not re.search(r"<[^>]*>|ACCOUNT_ID|\bREGION\b", CLOUDFORMATION_HOWTO)


def test_a_trail_whose_selectors_are_not_known_is_not_given_any_and_says_so() -> None:
    raw = {k: v for k, v in TRAIL_RAW.items() if k != "HasInsightSelectors"}
    step = StartLogging(
        account_id=ACCOUNT,
        region=REGION,
        reason="not logging",
        trail_name=TRAIL,
        trail_arn=TRAIL_ARN,
        trail=raw,
    )
    template = _load(_render(plan_with([step]))[MAIN])
    props = _one(template, "AWS::CloudTrail::Trail")["Properties"]
    assert "AdvancedEventSelectors" not in props
    assert "EventSelectors" not in props
    assert "InsightSelectors" not in props
    warnings = json.dumps(template["Metadata"]["aiposture"]["Warnings"])
    assert "event selectors" in warnings
    assert "Insights selectors" in warnings


def test_selectors_in_the_read_trail_are_stated() -> None:
    classic = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]
    step = StartLogging(
        account_id=ACCOUNT,
        region=REGION,
        reason="not logging",
        trail_name=TRAIL,
        trail_arn=TRAIL_ARN,
        trail={**TRAIL_RAW, "EventSelectors": classic, "InsightSelectors": []},
    )
    files = _render(plan_with([step]))
    for text in files.values():
        props = _one(_load(text), "AWS::CloudTrail::Trail")["Properties"]
        assert props["EventSelectors"] == classic
        assert "AdvancedEventSelectors" not in props
    assert "Warnings" not in _load(files[MAIN])["Metadata"]["aiposture"]


# ---------------------------------------------------------------------------------------
# What CloudFormation cannot express, and what the plan cannot fix


def test_invocation_logging_and_unresolved_steps_are_named_in_metadata() -> None:
    meta = _load(_render()[MAIN])["Metadata"]["aiposture"]
    (gap,) = meta["NotExpressed"]
    assert gap["Step"] == "put_invocation_logging"
    assert "script" in gap["Why"]
    assert gap["Fixes"] == ["bedrock-invocation-logging"]
    assert gap["Config"]["cloudWatchConfig"]["logGroupName"] == "bedrock-model-invocation-logging"
    keys = {u["Checks"][0]: u["ConfigKey"] for u in meta["Unresolved"]}
    assert keys["ct-data-bedrock-agent-alias"] == (
        f'accounts."{ACCOUNT}".resources.ids."AWS::Bedrock::AgentAlias"'
    )
    assert keys["ct-trail-kms-encryption"].startswith("none: a manual change")


def test_no_change_gives_no_template() -> None:
    assert _render(plan_with([])) == {}
    unresolved = Unresolved(
        account_id=ACCOUNT,
        region=REGION,
        reason="needs an id",
        config_key="accounts.x",
        targets=[Target(check_id="c", account_id=ACCOUNT, region=REGION)],
    )
    assert _render(plan_with([unresolved])) == {}


def test_an_existing_dashboard_is_imported_with_its_current_body() -> None:
    before = {"widgets": [{"type": "text", "properties": {"markdown": "team notes"}}]}
    after = {"widgets": [*before["widgets"], {"type": "alarm", "properties": {"alarms": []}}]}
    step = PutDashboard(
        account_id=ACCOUNT,
        region=REGION,
        reason="r",
        dashboard_name="Team-Dashboard",
        before=before,
        body=after,
    )
    files = _render(plan_with([step]))
    assert set(files) == {MAIN, IMPORT}
    imported = _one(_load(files[IMPORT]), "AWS::CloudWatch::Dashboard")
    assert json.loads(imported["Properties"]["DashboardBody"]) == before
    assert imported["DeletionPolicy"] == "Retain"
    main = _one(_load(files[MAIN]), "AWS::CloudWatch::Dashboard")
    assert json.loads(main["Properties"]["DashboardBody"]) == after


# ---------------------------------------------------------------------------------------
# Regions and logical ids


def test_one_stack_per_region_each_with_its_own_resources() -> None:
    steps = [
        PutMetricAlarm(
            account_id=ACCOUNT,
            region=region,
            reason="r",
            alarm_name="AI-Alarm",
            description="d",
            namespace="NS",
            metric_name="M",
            period=60,
            threshold=1,
            alarm_actions=[f"arn:aws:sns:{region}:{ACCOUNT}:t"],
        )
        for region in ("us-east-1", "us-west-2")
    ]
    files = _render(plan_with(steps))
    assert set(files) == {"cloudformation-us-east-1.yaml", "cloudformation-us-west-2.yaml"}
    for region in ("us-east-1", "us-west-2"):
        template = _load(files[f"cloudformation-{region}.yaml"])
        assert template["Metadata"]["aiposture"]["Region"] == region
        alarm = _one(template, "AWS::CloudWatch::Alarm")["Properties"]
        assert alarm["AlarmActions"] == [f"arn:aws:sns:{region}:{ACCOUNT}:t"]


def test_logical_ids_are_alphanumeric_unique_and_stable() -> None:
    def alarm(name: str) -> PutMetricAlarm:
        return PutMetricAlarm(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            alarm_name=name,
            description="d",
            namespace="NS",
            metric_name="M",
            period=60,
            threshold=1,
            alarm_actions=[TOPIC],
        )

    # Three names that give the same CamelCase id, and one very long name.
    steps = [alarm("ai-alarm"), alarm("ai_alarm"), alarm("ai alarm"), alarm("x" * 240)]
    plan = plan_with(steps)
    first = _load(_render(plan)[MAIN])["Resources"]
    second = _load(_render(plan)[MAIN])["Resources"]
    assert list(first) == list(second)
    assert len(first) == 4
    for logical_id, resource in first.items():
        assert re.fullmatch(r"[A-Za-z0-9]{1,255}", logical_id), logical_id
        assert resource["Type"] == "AWS::CloudWatch::Alarm"
    names = {r["Properties"]["AlarmName"] for r in first.values()}
    assert names == {"ai-alarm", "ai_alarm", "ai alarm", "x" * 240}
    assert lint(_render(plan)[MAIN], config=ManualArgs(regions=[REGION])) == []


def test_logical_ids_that_collide_or_run_long_get_a_stable_hash_of_the_name() -> None:
    # A logical id is the resource's identity in the stack: the suffix must not change
    # from one release to the next, or an update would replace the resource.
    def alarm(name: str) -> PutMetricAlarm:
        return PutMetricAlarm(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            alarm_name=name,
            description="d",
            namespace="NS",
            metric_name="M",
            period=60,
            threshold=1,
            alarm_actions=[TOPIC],
        )

    def suffix(*parts: str) -> str:
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:8]

    long = "y" * 240
    resources = _load(_render(plan_with([alarm("ai-alarm"), alarm("ai_alarm"), alarm(long)]))[MAIN])
    ids = {r["Properties"]["AlarmName"]: lid for lid, r in resources["Resources"].items()}
    assert ids == {
        "ai-alarm": "AlarmAiAlarm" + suffix("Alarm", "ai-alarm"),
        "ai_alarm": "AlarmAiAlarm" + suffix("Alarm", "ai_alarm"),
        long: ("Alarm" + "Y" + "y" * 239)[:200] + suffix("Alarm", long),
    }


def test_a_trail_step_ids_from_the_sample_are_readable() -> None:
    resources = _load(_render()[MAIN])["Resources"]
    assert "TrailOrgAiTrail" in resources
    assert "AlarmAIBedrockUnauthorizedAccess" in resources


# ---------------------------------------------------------------------------------------
# Dynamic references, intrinsic syntax and YAML control characters stay inert

SECRET = "{{resolve:secretsmanager:prod/db:SecretString:password}}"
SSM = "{{resolve:ssm:/team/token}}"
SSM_SECURE = "{{resolve:ssm-secure:/team/key:1}}"


def _cfn_load(text: str) -> dict[str, Any]:
    """The template as CloudFormation reads it (cfn-lint's decoder: YAML tags included)."""
    data = cfn_yaml.loads(text)
    assert isinstance(data, dict)
    # No tag either: the plain safe loader reads the same document.
    assert _load(text) == json.loads(json.dumps(data))
    return data


def _walk(value: Any) -> Iterator[tuple[str, str]]:
    """Every ("key", text) and ("string", text) in a parsed template."""
    if isinstance(value, str):
        yield "string", value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield "key", str(key)
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _assert_inert(template: dict[str, Any]) -> None:
    """No string holds a dynamic reference; no mapping key is an intrinsic function."""
    for kind, text in _walk(template):
        assert "{{" not in text, text
        if kind == "key":
            assert text not in {"Ref", "Condition"} and not text.startswith("Fn::"), text


def _dynamic_reference_plan() -> tuple[Plan, PutDashboard, PutInsightRule]:
    trail = json.loads(json.dumps(TRAIL_RAW))
    trail["Tags"] = [{"Key": "owner", "Value": SECRET}]
    selector = {
        "Name": "planted",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.ARN", "StartsWith": [SSM_SECURE]},
        ],
    }
    dashboard = PutDashboard(
        account_id=ACCOUNT,
        region=REGION,
        reason=f"planted {SSM}",
        dashboard_name="AI-Security",
        body={"widgets": [{"type": "text", "properties": {"markdown": f"x {SECRET} {{{{{{y"}}]},
        before={"widgets": [{"type": "text", "properties": {"markdown": SSM}}]},
    )
    rule = PutInsightRule(
        account_id=ACCOUNT,
        region=REGION,
        reason="r",
        rule_name="planted-rule",
        definition={"Schema": {"Name": "CloudWatchLogRule", "Version": 1}, "Note": SSM},
    )
    steps = [
        PutEventSelectors(
            account_id=ACCOUNT,
            region=REGION,
            reason="selectors",
            trail_name=TRAIL,
            trail_arn=TRAIL_ARN,
            trail=trail,
            before_advanced=[MANAGEMENT],
            after=[MANAGEMENT, selector],
        ),
        dashboard,
        rule,
        PutMetricAlarm(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            alarm_name="planted-alarm",
            description=f"see {SSM}",
            namespace="AIWorkloadMetrics",
            metric_name="Odd",
            period=60,
            threshold=1,
            alarm_actions=[TOPIC],
        ),
        PutMetricAlarm(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            alarm_name="plain-alarm",
            description="plain",
            namespace="AIWorkloadMetrics",
            metric_name="Odd",
            period=60,
            threshold=1,
            alarm_actions=[TOPIC],
        ),
        Unresolved(account_id=ACCOUNT, region=REGION, reason=f"unfixable {SECRET}"),
    ]
    return plan_with(steps), dashboard, rule


def test_dynamic_references_in_a_dashboard_a_selector_and_a_tag_stay_inert() -> None:
    plan, dashboard, rule = _dynamic_reference_plan()
    files = _render(plan)
    assert set(files) == {MAIN, IMPORT}
    main, imported = _cfn_load(files[MAIN]), _cfn_load(files[IMPORT])
    for template in (main, imported):
        _assert_inert(template)
    for name, text in files.items():
        assert lint(text, config=ManualArgs(regions=[REGION])) == [], name

    # JSON bodies keep the value exactly: the service parses back what was read.
    body = _one(main, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]
    assert json.loads(body) == dashboard.body
    before = _one(imported, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]
    assert json.loads(before) == dashboard.before
    rule_body = _one(main, "AWS::CloudWatch::InsightRule")["Properties"]["RuleBody"]
    assert json.loads(rule_body) == rule.definition

    # A plain property cannot hold it exactly (CloudFormation resolves after Fn::Join and
    # Fn::Sub): the trail (tag, selector) and the alarm are left out and named, with why.
    assert _of_type(main, "AWS::CloudTrail::Trail") == []
    assert _of_type(imported, "AWS::CloudTrail::Trail") == []
    alarms = _of_type(main, "AWS::CloudWatch::Alarm")
    assert [a["Properties"]["AlarmName"] for a in alarms] == ["plain-alarm"]
    meta = main["Metadata"]["aiposture"]
    left_out = {e["Step"]: e for e in meta["NotExpressed"]}
    assert set(left_out) == {"put_event_selectors", "put_metric_alarm"}
    values = " ".join(left_out["put_event_selectors"]["Values"])
    assert "Properties.Tags[0].Value" in values
    assert "Properties.AdvancedEventSelectors[1].FieldSelectors[1].StartsWith[0]" in values
    assert "Fn::Join" in left_out["put_metric_alarm"]["Why"]
    assert [r["ResourceType"] for r in imported["Metadata"]["aiposture"]["ResourcesToImport"]] == [
        "AWS::CloudWatch::Dashboard"
    ]
    # Metadata is documentation: "{{" is shown as "{ {", and the template says so.
    assert (
        meta["Unresolved"][0]["Reason"]
        == "unfixable { {resolve:secretsmanager:prod/db:SecretString:password}}"
    )
    assert "a space is written between them" in meta["InertNote"]


def test_intrinsic_function_keys_from_aws_are_never_written_as_keys() -> None:
    trail = json.loads(json.dumps(TRAIL_RAW))
    selector = {"Name": "x", "FieldSelectors": [{"Field": "eventCategory", "Fn::Sub": "a"}]}
    steps = [
        PutEventSelectors(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            trail_name=TRAIL,
            trail_arn=TRAIL_ARN,
            trail=trail,
            before_advanced=[{"Ref": "AWS::AccountId"}],
            after=[selector],
        ),
        PutInvocationLogging(
            account_id=ACCOUNT, region=REGION, reason="r", config={"Ref": "AWS::AccountId"}
        ),
        PutDashboard(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            dashboard_name="D",
            body={"widgets": [{"Ref": "AWS::AccountId", "Fn::Sub": "${AWS::Region}"}]},
        ),
        PutMetricAlarm(
            account_id=ACCOUNT,
            region=REGION,
            reason="!Ref AWS::AccountId",
            alarm_name="!Sub x",
            description="Fn::GetAtt",
            namespace="AIWorkloadMetrics",
            metric_name="Odd",
            period=60,
            threshold=1,
            alarm_actions=[TOPIC],
        ),
    ]
    files = _render(plan_with(steps))
    assert list(files) == [MAIN]
    main = _cfn_load(files[MAIN])
    _assert_inert(main)
    # A value that looks like a tag or a function name is a quoted string, kept exactly.
    alarm = _one(main, "AWS::CloudWatch::Alarm")
    assert alarm["Properties"]["AlarmName"] == "!Sub x"
    assert alarm["Metadata"]["aiposture"]["Reason"] == "!Ref AWS::AccountId"
    meta = main["Metadata"]["aiposture"]
    trail_entry = next(e for e in meta["NotExpressed"] if e["Step"] == "put_event_selectors")
    assert any("'Fn::Sub'" in v for v in trail_entry["Values"])
    assert any("'Ref'" in v for v in trail_entry["Values"])
    # Inside a JSON body such keys are text in a string: kept, and exact.
    body = _one(main, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]
    assert json.loads(body) == steps[2].body
    logging_entry = next(e for e in meta["NotExpressed"] if e["Step"] == "put_invocation_logging")
    assert json.loads(logging_entry["Config"]) == {"Ref": "AWS::AccountId"}


CONTROL_CHARACTERS = [
    "\x85",  # NEL: PyYAML folded it into a space in a single-quoted scalar
    "\u2028",
    "\u2029",
    "\ufeff",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x80",
    "\x9f",
    "\r",
    "\r\n",
    "\t",
    "\n",
    "\xa0",
    "\u200b",
    "\u202e",
    " ",
]


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=[repr(c) for c in CONTROL_CHARACTERS])
def test_every_character_loads_back_exactly(char: str) -> None:
    value = f"{char}lead {char} mid{char}{char}end{char}"
    trail = json.loads(json.dumps(TRAIL_RAW))
    trail["Tags"] = [{"Key": f"k{char}", "Value": value}]
    steps = [
        StartLogging(
            account_id=ACCOUNT,
            region=REGION,
            reason=value,
            trail_name=TRAIL,
            trail_arn=TRAIL_ARN,
            trail=trail,
        ),
        PutMetricAlarm(
            account_id=ACCOUNT,
            region=REGION,
            reason=value,
            alarm_name="a",
            description=value,
            namespace="AIWorkloadMetrics",
            metric_name="Odd",
            period=60,
            threshold=1,
            alarm_actions=[TOPIC],
        ),
        PutDashboard(
            account_id=ACCOUNT,
            region=REGION,
            reason="r",
            dashboard_name="D",
            body={"widgets": [{"type": "text", "properties": {"markdown": value}}]},
        ),
    ]
    files = _render(plan_with(steps))
    for name in (MAIN, IMPORT):
        for template in (_load(files[name]), _cfn_load(files[name])):
            trail_props = _one(template, "AWS::CloudTrail::Trail")["Properties"]
            assert trail_props["Tags"] == [{"Key": f"k{char}", "Value": value}]
    main = _load(files[MAIN])
    alarm = _one(main, "AWS::CloudWatch::Alarm")
    assert alarm["Properties"]["AlarmDescription"] == value
    assert alarm["Metadata"]["aiposture"]["Reason"] == value
    body = _one(main, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]
    assert json.loads(body) == steps[2].body
