"""Each moto extension, exercised through boto3 like the collectors use it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from aiposture.demo import moto_ext
from aiposture.demo.moto_ext.cloudtrail import set_trail_delivery
from aiposture.demo.moto_ext.logs import set_logs_creation_time
from aiposture.demo.moto_ext.sns import confirmation_token

REGION = "us-east-1"
BUCKET = "moto-ext-trail-bucket"
DEFAULT_ACCOUNT = "123456789012"
MEMBER = "444455556666"
GROUP_ARN = f"arn:aws:logs:{REGION}:{DEFAULT_ACCOUNT}:log-group:trail-logs:*"
ADVANCED = [
    {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
]
CLASSIC = [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True, "DataResources": []}]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    moto_ext.install()
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        session.client("s3").create_bucket(Bucket=BUCKET)
        yield session


@pytest.fixture
def cloudtrail(aws: boto3.Session) -> Any:
    aws.client("logs").create_log_group(logGroupName="trail-logs")
    client = aws.client("cloudtrail")
    client.create_trail(Name="trail-one", S3BucketName=BUCKET, CloudWatchLogsLogGroupArn=GROUP_ARN)
    return client


def code_of(info: pytest.ExceptionInfo[ClientError]) -> str:
    return str(info.value.response["Error"]["Code"])


def assumed(session: boto3.Session, account_id: str) -> boto3.Session:
    creds = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="moto-ext-test",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


def test_install_is_idempotent() -> None:
    from moto.cloudtrail.models import Trail

    moto_ext.install()
    before = Trail.description
    moto_ext.install()
    assert Trail.description is before
    assert moto_ext.installed()


# --- CloudTrail ------------------------------------------------------------------------


def test_trail_status_before_logging_has_no_empty_strings(cloudtrail: Any) -> None:
    status = cloudtrail.get_trail_status(Name="trail-one")
    status.pop("ResponseMetadata")
    assert status == {"IsLogging": False}


def test_trail_status_while_logging(cloudtrail: Any) -> None:
    cloudtrail.start_logging(Name="trail-one")
    status = cloudtrail.get_trail_status(Name="trail-one")
    now = datetime.now(UTC)
    for key in ("StartLoggingTime", "LatestDeliveryTime", "LatestCloudWatchLogsDeliveryTime"):
        assert isinstance(status[key], datetime), key
        assert now - status[key] < timedelta(minutes=1), key
    assert status["TimeLoggingStarted"].endswith("Z")
    for absent in (
        "LatestCloudWatchLogsDeliveryError",
        "LatestDeliveryError",
        "StopLoggingTime",
        "TimeLoggingStopped",
    ):
        assert absent not in status
    assert all(value != "" for value in status.values())


def test_trail_delivery_overrides(cloudtrail: Any) -> None:
    cloudtrail.start_logging(Name="trail-one")
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    set_trail_delivery(
        DEFAULT_ACCOUNT,
        REGION,
        "trail-one",
        cloudwatch_delivery_time=three_days_ago,
        cloudwatch_delivery_error="AccessDenied",
        delivery_error="NoSuchBucket",
    )
    status = cloudtrail.get_trail_status(Name="trail-one")
    assert status["LatestCloudWatchLogsDeliveryError"] == "AccessDenied"
    assert abs(status["LatestCloudWatchLogsDeliveryTime"] - three_days_ago) < timedelta(seconds=1)
    assert status["LatestDeliveryError"] == "NoSuchBucket"


def test_trail_status_after_stop_and_without_log_group(aws: boto3.Session) -> None:
    client = aws.client("cloudtrail")
    client.create_trail(Name="plain", S3BucketName=BUCKET)
    client.start_logging(Name="plain")
    client.stop_logging(Name="plain")
    status = client.get_trail_status(Name="plain")
    assert status["IsLogging"] is False
    assert isinstance(status["StopLoggingTime"], datetime)
    assert "LatestCloudWatchLogsDeliveryTime" not in status


def test_trail_status_of_an_unknown_trail(cloudtrail: Any) -> None:
    with pytest.raises(ClientError) as info:
        cloudtrail.get_trail_status(Name="nope")
    assert code_of(info) == "TrailNotFoundException"


def test_describe_trails_reports_real_selector_flags(cloudtrail: Any) -> None:
    [trail] = cloudtrail.describe_trails()["trailList"]
    assert (trail["HasCustomEventSelectors"], trail["HasInsightSelectors"]) == (False, False)
    cloudtrail.put_event_selectors(TrailName="trail-one", AdvancedEventSelectors=ADVANCED)
    cloudtrail.put_insight_selectors(
        TrailName="trail-one", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}]
    )
    [trail] = cloudtrail.describe_trails()["trailList"]
    assert (trail["HasCustomEventSelectors"], trail["HasInsightSelectors"]) == (True, True)
    assert trail["HomeRegion"] == REGION


def test_put_event_selectors_replaces_the_other_kind(cloudtrail: Any) -> None:
    default = cloudtrail.get_event_selectors(TrailName="trail-one")
    assert "AdvancedEventSelectors" not in default
    assert default["EventSelectors"][0]["ReadWriteType"] == "All"

    cloudtrail.put_event_selectors(TrailName="trail-one", EventSelectors=CLASSIC)
    put = cloudtrail.put_event_selectors(TrailName="trail-one", AdvancedEventSelectors=ADVANCED)
    assert "EventSelectors" not in put
    got = cloudtrail.get_event_selectors(TrailName="trail-one")
    assert got["AdvancedEventSelectors"] == ADVANCED and "EventSelectors" not in got

    cloudtrail.put_event_selectors(TrailName="trail-one", EventSelectors=CLASSIC)
    got = cloudtrail.get_event_selectors(TrailName="trail-one")
    assert got["EventSelectors"][0]["ReadWriteType"] == "WriteOnly"
    assert "AdvancedEventSelectors" not in got


def test_put_event_selectors_rejects_both_kinds(cloudtrail: Any) -> None:
    with pytest.raises(ClientError) as info:
        cloudtrail.put_event_selectors(
            TrailName="trail-one", EventSelectors=CLASSIC, AdvancedEventSelectors=ADVANCED
        )
    assert code_of(info) == "InvalidParameterCombinationException"


def test_insight_selectors_replace_and_can_be_turned_off(cloudtrail: Any) -> None:
    with pytest.raises(ClientError) as info:
        cloudtrail.get_insight_selectors(TrailName="trail-one")
    assert code_of(info) == "InsightNotEnabledException"

    both = [{"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}]
    cloudtrail.put_insight_selectors(TrailName="trail-one", InsightSelectors=both)
    one = [{"InsightType": "ApiErrorRateInsight", "EventCategories": ["Data"]}]
    cloudtrail.put_insight_selectors(TrailName="trail-one", InsightSelectors=one)
    assert cloudtrail.get_insight_selectors(TrailName="trail-one")["InsightSelectors"] == one

    cloudtrail.put_insight_selectors(TrailName="trail-one", InsightSelectors=[])
    with pytest.raises(ClientError) as info:
        cloudtrail.get_insight_selectors(TrailName="trail-one")
    assert code_of(info) == "InsightNotEnabledException"


# --- CloudWatch Logs -------------------------------------------------------------------


def test_log_group_class(aws: boto3.Session) -> None:
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="a-standard")
    logs.create_log_group(logGroupName="b-ia", logGroupClass="INFREQUENT_ACCESS")
    logs.create_log_group(logGroupName="c-essentials", logGroupClass="ESSENTIALS")
    groups = logs.describe_log_groups()["logGroups"]
    assert [(g["logGroupName"], g["logGroupClass"]) for g in groups] == [
        ("a-standard", "STANDARD"),
        ("b-ia", "INFREQUENT_ACCESS"),
        ("c-essentials", "ESSENTIALS"),
    ]
    with pytest.raises(ClientError) as info:
        logs.create_log_group(logGroupName="c", logGroupClass="CHEAP")
    assert code_of(info) == "InvalidParameterException"


# --- Organizations ---------------------------------------------------------------------


def test_invited_account_joins_the_organization(aws: boto3.Session) -> None:
    org = aws.client("organizations")
    created = org.create_organization(FeatureSet="ALL")["Organization"]
    member = assumed(aws, MEMBER).client("organizations")
    with pytest.raises(ClientError) as info:
        member.describe_organization()
    assert code_of(info) == "AWSOrganizationsNotInUseException"

    handshake = org.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})[
        "Handshake"
    ]
    assert handshake["State"] == "OPEN" and handshake["Id"].startswith("h-")
    accepted = member.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]
    assert accepted["State"] == "ACCEPTED"

    seen = member.describe_organization()["Organization"]
    assert (seen["Id"], seen["MasterAccountId"]) == (created["Id"], DEFAULT_ACCOUNT)
    accounts = {a["Id"]: a for a in org.list_accounts()["Accounts"]}
    assert accounts[MEMBER]["JoinedMethod"] == "INVITED"

    with pytest.raises(ClientError) as info:
        member.accept_handshake(HandshakeId=handshake["Id"])
    assert code_of(info) == "HandshakeConstraintViolationException"


def test_handshakes_are_checked(aws: boto3.Session) -> None:
    org = aws.client("organizations")
    with pytest.raises(ClientError) as info:
        org.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})
    assert code_of(info) == "AWSOrganizationsNotInUseException"
    org.create_organization(FeatureSet="ALL")
    handshake = org.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})
    other = assumed(aws, "777788889999").client("organizations")
    with pytest.raises(ClientError) as info:
        other.accept_handshake(HandshakeId=handshake["Handshake"]["Id"])
    assert code_of(info) == "HandshakeConstraintViolationException"
    with pytest.raises(ClientError) as info:
        other.accept_handshake(HandshakeId="h-doesnotexist")
    assert code_of(info) == "HandshakeNotFoundException"


def test_membership_does_not_survive_a_reset(aws: boto3.Session) -> None:
    from moto.organizations.models import organizations_backends

    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    handshake = org.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})
    assumed(aws, MEMBER).client("organizations").accept_handshake(
        HandshakeId=handshake["Handshake"]["Id"]
    )
    assert MEMBER in organizations_backends.master_accounts
    from moto.core.base_backend import BackendDict

    BackendDict.reset()
    assert MEMBER not in organizations_backends.master_accounts


def test_a_member_sees_the_organization_trail_but_only_its_owner_reads_its_settings(
    cloudtrail: Any, aws: boto3.Session
) -> None:
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    handshake = org.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})
    member_session = assumed(aws, MEMBER)
    member_session.client("organizations").accept_handshake(
        HandshakeId=handshake["Handshake"]["Id"]
    )
    arn = cloudtrail.create_trail(
        Name="org-trail", S3BucketName=BUCKET, IsMultiRegionTrail=True, IsOrganizationTrail=True
    )["TrailARN"]
    cloudtrail.add_tags(ResourceId=arn, TagsList=[{"Key": "owner", "Value": "security"}])
    cloudtrail.put_event_selectors(TrailName=arn, AdvancedEventSelectors=ADVANCED)
    cloudtrail.start_logging(Name=arn)

    member: Any = member_session.client("cloudtrail")
    listed = member.describe_trails(includeShadowTrails=True)["trailList"]
    assert [t["TrailARN"] for t in listed] == [arn]
    assert member.get_trail_status(Name=arn)["IsLogging"] is True
    owner_only = {
        "GetEventSelectors": lambda: member.get_event_selectors(TrailName=arn),
        "GetInsightSelectors": lambda: member.get_insight_selectors(TrailName=arn),
        "GetEventConfiguration": lambda: member.get_event_configuration(TrailName=arn),
        "ListTags": lambda: member.list_tags(ResourceIdList=[arn]),
    }
    for operation, call in owner_only.items():
        with pytest.raises(ClientError) as info:
            call()
        assert code_of(info) == "CloudTrailARNInvalidException", operation
        assert info.value.response["Error"]["Message"] == (
            f"AccountID in ARN is wrong, you can only access resources with AccountID {MEMBER}."
        )
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    # the owner still reads all of it, and a member reads its own trail by ARN
    assert cloudtrail.get_event_selectors(TrailName=arn)["AdvancedEventSelectors"] == ADVANCED
    tags = cloudtrail.list_tags(ResourceIdList=[arn])["ResourceTagList"][0]["TagsList"]
    assert tags == [{"Key": "owner", "Value": "security"}]
    member_session.client("s3").create_bucket(Bucket="member-trail-bucket")
    own = member.create_trail(Name="own-trail", S3BucketName="member-trail-bucket")["TrailARN"]
    assert "EventSelectors" in member.get_event_selectors(TrailName=own)
    assert member.list_tags(ResourceIdList=[own])["ResourceTagList"][0]["ResourceId"] == own


# --- EC2 -------------------------------------------------------------------------------


def test_describe_regions_stays_in_the_partition(aws: boto3.Session) -> None:
    regions = aws.client("ec2").describe_regions(AllRegions=True)["Regions"]
    names = {r["RegionName"] for r in regions}
    assert {"us-east-1", "us-west-2", "eu-west-1"} <= names
    assert not [n for n in names if n.startswith(("cn-", "us-gov-"))]
    china = aws.client("ec2", region_name="cn-north-1").describe_regions()["Regions"]
    assert {r["RegionName"] for r in china} <= {"cn-north-1", "cn-northwest-1"}


# --- the detection layer ---------------------------------------------------------------

AGGREGATION = [{"Templates": ["API_ACTIVITY", "USER_ACTIONS"], "EventCategory": "Data"}]


def test_event_configuration_of_a_trail(cloudtrail: Any) -> None:
    arn = cloudtrail.describe_trails()["trailList"][0]["TrailARN"]
    empty = cloudtrail.get_event_configuration(TrailName="trail-one")
    assert (empty["TrailARN"], empty["AggregationConfigurations"]) == (arn, [])
    cloudtrail.put_event_configuration(TrailName="trail-one", AggregationConfigurations=AGGREGATION)
    got = cloudtrail.get_event_configuration(TrailName=arn)
    assert got["AggregationConfigurations"] == AGGREGATION
    with pytest.raises(ClientError) as info:
        cloudtrail.put_event_configuration(
            TrailName="trail-one",
            AggregationConfigurations=[{"Templates": ["NOPE"], "EventCategory": "Data"}],
        )
    assert code_of(info) == "InvalidParameterException"
    with pytest.raises(ClientError) as info:
        cloudtrail.get_event_configuration(TrailName="no-such-trail")
    assert code_of(info) == "TrailNotFoundException"


def _metric_alarm(cw: Any, name: str) -> None:
    cw.put_metric_alarm(
        AlarmName=name,
        Namespace="NS",
        MetricName="M",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=0.0,
        ComparisonOperator="GreaterThanThreshold",
    )


def test_composite_alarm(aws: boto3.Session) -> None:
    cw = aws.client("cloudwatch")
    _metric_alarm(cw, "metric")
    topic = f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:alerts"
    cw.put_composite_alarm(
        AlarmName="composite",
        AlarmRule='ALARM("metric")',
        AlarmActions=[topic],
        AlarmDescription="any of them",
    )
    resp = cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    assert [a["AlarmName"] for a in resp["MetricAlarms"]] == ["metric"]
    [composite] = resp["CompositeAlarms"]
    assert composite["AlarmRule"] == 'ALARM("metric")'
    assert composite["AlarmActions"] == [topic]
    assert composite["AlarmDescription"] == "any of them"


def test_query_definitions(aws: boto3.Session) -> None:
    logs = aws.client("logs")
    first = logs.put_query_definition(name="b-query", queryString="fields @message")
    logs.put_query_definition(name="a-query", queryString="stats count()", logGroupNames=["g"])
    listed = logs.describe_query_definitions()["queryDefinitions"]
    assert [(q["name"], q.get("logGroupNames")) for q in listed] == [
        ("a-query", ["g"]),
        ("b-query", None),
    ]
    page = logs.describe_query_definitions(maxResults=1)
    assert len(page["queryDefinitions"]) == 1 and page["nextToken"]
    rest = logs.describe_query_definitions(maxResults=1, nextToken=page["nextToken"])
    assert [q["name"] for q in rest["queryDefinitions"]] == ["b-query"]
    assert "nextToken" not in rest
    logs.put_query_definition(
        queryDefinitionId=first["queryDefinitionId"], name="b-query", queryString="fields @ts"
    )
    prefixed = logs.describe_query_definitions(queryDefinitionNamePrefix="b-")["queryDefinitions"]
    assert [q["queryString"] for q in prefixed] == ["fields @ts"]
    assert logs.delete_query_definition(queryDefinitionId=first["queryDefinitionId"])["success"]


def test_topic_attributes_count_confirmed_subscriptions(aws: boto3.Session) -> None:
    sns = aws.client("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsConfirmed"] == "0"
    aws.client("sqs").create_queue(QueueName="pager")
    queue = f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT}:pager"
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)
    other = sns.create_topic(Name="other")["TopicArn"]
    sns.subscribe(TopicArn=other, Protocol="sqs", Endpoint=queue)
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsPending"]) == ("1", "0")


@pytest.mark.parametrize(
    ("protocol", "endpoint"),
    [("email", "team@example.com"), ("https", "https://hooks.example.com/sns")],
)
def test_endpoint_subscriptions_stay_pending_until_confirmed(
    aws: boto3.Session, protocol: str, endpoint: str
) -> None:
    sns = aws.client("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    answer = sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint)
    assert answer["SubscriptionArn"] == "pending confirmation"
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert (listed["SubscriptionArn"], listed["Endpoint"]) == ("PendingConfirmation", endpoint)
    assert sns.list_subscriptions()["Subscriptions"][0]["SubscriptionArn"] == "PendingConfirmation"
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsPending"]) == ("0", "1")

    with pytest.raises(ClientError) as info:
        sns.confirm_subscription(TopicArn=topic, Token="not-the-token")
    assert code_of(info) == "InvalidParameter"
    token = confirmation_token(DEFAULT_ACCOUNT, REGION, topic, endpoint)
    confirmed = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    assert confirmed.startswith(topic + ":")
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == confirmed
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsPending"]) == ("1", "0")
    with pytest.raises(LookupError):
        confirmation_token(DEFAULT_ACCOUNT, REGION, topic, endpoint)


def test_subscribe_can_return_the_pending_arn(aws: boto3.Session) -> None:
    sns = aws.client("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    arn = sns.subscribe(
        TopicArn=topic, Protocol="email", Endpoint="a@example.com", ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    assert arn.startswith(topic + ":")
    got = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert got["PendingConfirmation"] == "true"


RULE = {
    "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
    "AggregateOn": "Count",
    "Contribution": {"Keys": ["$.userIdentity.arn"], "Filters": []},
    "LogFormat": "JSON",
    "LogGroupNames": ["trail-logs"],
}


def test_insight_rules_keep_their_state(aws: boto3.Session) -> None:
    import json

    cw = aws.client("cloudwatch")
    cw.put_insight_rule(RuleName="on", RuleDefinition=json.dumps(RULE))
    cw.put_insight_rule(RuleName="off", RuleState="DISABLED", RuleDefinition=json.dumps(RULE))
    rules = {r["Name"]: r for r in cw.describe_insight_rules()["InsightRules"]}
    assert {n: r["State"] for n, r in rules.items()} == {"on": "ENABLED", "off": "DISABLED"}
    assert json.loads(rules["off"]["Definition"]) == RULE
    cw.enable_insight_rules(RuleNames=["off"])
    states = {r["Name"]: r["State"] for r in cw.describe_insight_rules()["InsightRules"]}
    assert states["off"] == "ENABLED"
    with pytest.raises(ClientError) as info:
        cw.put_insight_rule(RuleName="bad", RuleState="PAUSED", RuleDefinition=json.dumps(RULE))
    assert code_of(info) == "InvalidParameterValue"


def test_query_definitions_keep_their_language(aws: boto3.Session) -> None:
    logs = aws.client("logs")
    logs.put_query_definition(name="sql", queryString="SELECT 1 FROM `g`", queryLanguage="SQL")
    logs.put_query_definition(name="plain", queryString="fields @message")
    listed = logs.describe_query_definitions()["queryDefinitions"]
    assert {q["name"]: q["queryLanguage"] for q in listed} == {"sql": "SQL", "plain": "CWLI"}
    only = logs.describe_query_definitions(queryLanguage="SQL")["queryDefinitions"]
    assert [q["name"] for q in only] == ["sql"]
    with pytest.raises(ClientError) as info:
        logs.put_query_definition(name="x", queryString="x", queryLanguage="KQL")
    assert code_of(info) == "InvalidParameterException"


def test_alarms_keep_datapoints_to_alarm_and_metric_math(aws: boto3.Session) -> None:
    cw = aws.client("cloudwatch")
    topic = f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:alerts"
    cw.put_metric_alarm(
        AlarmName="plain",
        Namespace="AIWorkloadMetrics",
        MetricName="M",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=3,
        DatapointsToAlarm=2,
        Threshold=0.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
        ActionsEnabled=False,
    )
    cw.put_metric_alarm(
        AlarmName="math",
        Metrics=[
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {"Namespace": "AIWorkloadMetrics", "MetricName": "M"},
                    "Period": 300,
                    "Stat": "Sum",
                },
                "ReturnData": False,
            },
            {"Id": "e1", "Expression": "FILL(m1, 0)", "ReturnData": True},
        ],
        EvaluationPeriods=1,
        DatapointsToAlarm=1,
        Threshold=5.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )
    alarms = {a["AlarmName"]: a for a in cw.describe_alarms()["MetricAlarms"]}
    plain, math = alarms["plain"], alarms["math"]
    assert (plain["DatapointsToAlarm"], plain["EvaluationPeriods"]) == (2, 3)
    assert plain["ActionsEnabled"] is False
    assert "MetricName" not in math and math["DatapointsToAlarm"] == 1
    stat = math["Metrics"][0]["MetricStat"]
    assert (stat["Metric"]["MetricName"], stat["Period"], stat["Stat"]) == ("M", 300, "Sum")
    assert math["Metrics"][1] == {"Id": "e1", "Expression": "FILL(m1, 0)", "ReturnData": True}


def test_dashboards_round_trip(aws: boto3.Session) -> None:
    import json

    cw = aws.client("cloudwatch")
    body = {"widgets": [{"type": "alarm", "x": 0, "y": 0, "width": 24, "height": 4}]}
    cw.put_dashboard(DashboardName="AI-Workload-Security-Dashboard", DashboardBody=json.dumps(body))
    names = [d["DashboardName"] for d in cw.list_dashboards()["DashboardEntries"]]
    assert names == ["AI-Workload-Security-Dashboard"]
    got = cw.get_dashboard(DashboardName="AI-Workload-Security-Dashboard")["DashboardBody"]
    assert json.loads(got) == body


# --- what filters and rules see -----------------------------------------------------------

TRANSFORMS = [{"metricName": "M", "metricNamespace": "NS", "metricValue": "1"}]


def test_metric_filters_keep_their_inputs_and_replace_in_place(aws: boto3.Session) -> None:
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="g")
    logs.put_metric_filter(
        logGroupName="g",
        filterName="f",
        filterPattern="{ $.a = 1 }",
        metricTransformations=TRANSFORMS,
        applyOnTransformedLogs=True,
        fieldSelectionCriteria='@aws.region = "us-east-1"',
        emitSystemFieldDimensions=["@aws.account"],
    )
    logs.put_metric_filter(
        logGroupName="g",
        filterName="f",
        filterPattern="{ $.a = 2 }",
        metricTransformations=TRANSFORMS,
        fieldSelectionCriteria='@aws.account = "123456789012"',
    )
    [entry] = logs.describe_metric_filters(logGroupName="g")["metricFilters"]
    assert entry["filterPattern"] == "{ $.a = 2 }"
    assert entry["fieldSelectionCriteria"] == '@aws.account = "123456789012"'
    for too_long, dims in (("x" * 2001, None), ("", ["@aws.accountId"])):
        with pytest.raises(ClientError) as info:
            logs.put_metric_filter(
                logGroupName="g",
                filterName="bad",
                filterPattern="",
                metricTransformations=TRANSFORMS,
                fieldSelectionCriteria=too_long,
                **({"emitSystemFieldDimensions": dims} if dims else {}),
            )
        assert code_of(info) == "InvalidParameterException"
    names = [
        f["filterName"] for f in logs.describe_metric_filters(logGroupName="g")["metricFilters"]
    ]
    assert names == ["f"]


def test_a_metric_filter_keeps_its_creation_time_when_put_again(aws: boto3.Session) -> None:
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="g")
    put = {"logGroupName": "g", "filterName": "f", "metricTransformations": TRANSFORMS}
    logs.put_metric_filter(filterPattern="{ $.a = 1 }", **put)
    [first] = logs.describe_metric_filters(logGroupName="g")["metricFilters"]
    now = datetime.now(UTC).timestamp() * 1000
    assert now - 60_000 < first["creationTime"] <= now
    set_logs_creation_time(DEFAULT_ACCOUNT, REGION, datetime(2025, 1, 1, tzinfo=UTC))
    logs.put_metric_filter(filterPattern="{ $.a = 2 }", **put)  # an update: not created again
    [entry] = logs.describe_metric_filters(logGroupName="g")["metricFilters"]
    assert entry["filterPattern"] == "{ $.a = 2 }"
    assert entry["creationTime"] == int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1000)
    [group] = logs.describe_log_groups(logGroupNamePrefix="g")["logGroups"]
    assert group["creationTime"] == entry["creationTime"]


def test_subscription_filters_and_insight_rules_keep_their_inputs(aws: boto3.Session) -> None:
    import json

    logs = aws.client("logs")
    logs.create_log_group(logGroupName="g")
    stream = aws.client("kinesis")
    stream.create_stream(StreamName="s", ShardCount=1)
    arn = stream.describe_stream(StreamName="s")["StreamDescription"]["StreamARN"]
    logs.put_subscription_filter(
        logGroupName="g",
        filterName="siem",
        filterPattern="",
        destinationArn=arn,
        roleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/r",
        applyOnTransformedLogs=True,
        fieldSelectionCriteria='@aws.region != "eu-west-1"',
        emitSystemFields=["@source.log"],
    )
    [sub] = logs.describe_subscription_filters(logGroupName="g")["subscriptionFilters"]
    assert sub["applyOnTransformedLogs"] is True
    assert sub["fieldSelectionCriteria"] == '@aws.region != "eu-west-1"'
    assert sub["emitSystemFields"] == ["@source.log"]
    with pytest.raises(ClientError) as info:
        logs.put_subscription_filter(
            logGroupName="g",
            filterName="siem",
            filterPattern="",
            destinationArn=arn,
            emitSystemFields=["@aws.partition"],
        )
    assert code_of(info) == "InvalidParameterException"
    cw = aws.client("cloudwatch")
    cw.put_insight_rule(RuleName="t", RuleDefinition=json.dumps(RULE), ApplyOnTransformedLogs=True)
    cw.put_insight_rule(RuleName="raw", RuleDefinition=json.dumps(RULE))
    rules = {r["Name"]: r for r in cw.describe_insight_rules()["InsightRules"]}
    assert rules["t"]["ApplyOnTransformedLogs"] is True
    assert "ApplyOnTransformedLogs" not in rules["raw"]


# --- log alarms ---------------------------------------------------------------------------


def _log_alarm(cw: Any, name: str, **changes: Any) -> None:
    schedule = {"ScheduleExpression": "rate(5 minutes)", "StartTimeOffset": 300}
    schedule.update(changes.pop("schedule", {}))
    cw.put_log_alarm(
        **{
            "AlarmName": name,
            "ScheduledQueryConfiguration": {
                "QueryString": "fields @timestamp | filter eventName = 'InvokeFlow'",
                "LogGroupIdentifiers": ["trail-logs"],
                "ScheduledQueryRoleARN": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/q",
                "ScheduleConfiguration": schedule,
                "AggregationExpression": "count(*)",
            },
            "QueryResultsToEvaluate": 1,
            "QueryResultsToAlarm": 1,
            "Threshold": 200.0,
            "ComparisonOperator": "GreaterThanThreshold",
            "AlarmActions": [f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:alerts"],
            **changes,
        }
    )


def test_log_alarms_are_returned_only_when_asked_for(aws: boto3.Session) -> None:
    cw = aws.client("cloudwatch")
    _metric_alarm(cw, "metric")
    cw.put_composite_alarm(AlarmName="composite", AlarmRule='ALARM("metric")')
    _log_alarm(cw, "flows")
    _log_alarm(cw, "flows", Threshold=100.0)  # the same name replaces
    _log_alarm(cw, "other")
    plain = cw.describe_alarms()
    assert [a["AlarmName"] for a in plain["MetricAlarms"]] == ["metric"]
    assert plain["CompositeAlarms"] == [] and plain.get("LogAlarms", []) == []
    only_logs = cw.describe_alarms(AlarmTypes=["LogAlarm"])
    assert only_logs["MetricAlarms"] == [] and only_logs["CompositeAlarms"] == []
    alarms = {a["AlarmName"]: a for a in only_logs["LogAlarms"]}
    assert sorted(alarms) == ["flows", "other"]
    assert alarms["flows"]["Threshold"] == 100.0
    query_arn = alarms["flows"]["ScheduledQueryConfiguration"]["QueryARN"]
    assert query_arn.startswith(f"arn:aws:logs:{REGION}:{DEFAULT_ACCOUNT}:")
    named = cw.describe_alarms(AlarmTypes=["LogAlarm"], AlarmNames=["other"])["LogAlarms"]
    assert [a["AlarmName"] for a in named] == ["other"]
    prefixed = cw.describe_alarms(AlarmTypes=["LogAlarm"], AlarmNamePrefix="fl")["LogAlarms"]
    assert [a["AlarmName"] for a in prefixed] == ["flows"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"QueryResultsToEvaluate": 2, "QueryResultsToAlarm": 3}, "InvalidParameterValue"),
        ({"QueryResultsToEvaluate": 101}, "InvalidParameterValue"),
        ({"TreatMissingData": "sometimes"}, "InvalidParameterValue"),
        ({"schedule": {"EndTimeOffset": 300}}, "InvalidParameterValue"),
        ({"AlarmName": "metric"}, "ResourceConflict"),
    ],
)
def test_log_alarms_are_checked_as_the_service_documents(
    aws: boto3.Session, changes: dict[str, Any], code: str
) -> None:
    cw = aws.client("cloudwatch")
    _metric_alarm(cw, "metric")
    with pytest.raises(ClientError) as info:
        _log_alarm(cw, changes.pop("AlarmName", "bad"), **changes)
    assert code_of(info) == code
    assert cw.describe_alarms(AlarmTypes=["LogAlarm"])["LogAlarms"] == []
