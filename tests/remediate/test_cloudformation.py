"""The CloudFormation renderer: templates cfn-lint accepts, values that load back exactly."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from cfnlint.api import ManualArgs, lint

from aiposture.remediate.cloudformation import (
    CLOUDFORMATION_HOWTO,
    render_cloudformation,
)
from aiposture.remediate.plan import (
    Plan,
    PutDashboard,
    PutInsightRule,
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


def test_a_trail_step_ids_from_the_sample_are_readable() -> None:
    resources = _load(_render()[MAIN])["Resources"]
    assert "TrailOrgAiTrail" in resources
    assert "AlarmAIBedrockUnauthorizedAccess" in resources
