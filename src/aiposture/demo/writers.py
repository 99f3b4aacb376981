"""Writing an account through boto3: clients, roles, log groups, trails, detections.

The demo (:mod:`aiposture.demo.seed`, :mod:`aiposture.demo.lab`) and the test fleet build
their accounts with these helpers. The only call that is not an AWS API is
:func:`~aiposture.demo.moto_ext.sns.confirmation_token` (reading the token AWS e-mails to a
subscriber), which needs the moto backend in this process.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from aiposture.collect.policy import iam_policy
from aiposture.demo.accounts import (
    AI_METRIC_NAMESPACE,
    ALERT_TOPIC,
    AUDITOR_USER,
    GUIDE_EQUIVALENT_FILTERS,
    GUIDE_SUBSCRIPTION_PATTERN,
    GUIDE_TRAIL_LOG_GROUP,
    OPS_TOPIC,
    ORG_ROLE_NAME,
    SECURITY_DASHBOARD,
)
from aiposture.demo.moto_ext.sns import confirmation_token
from aiposture.demo.selectors import (
    BOTH_INSIGHTS,
    GUIDE_AGGREGATION,
    SeededArns,
    guide_account_selectors,
)
from aiposture.guide import detection as dc


class AccountWriter(Protocol):
    """What the seeding helpers need of an account: its id and a client per service."""

    account_id: str

    def client(self, service: str, region: str | None = None) -> Any:
        """A client of ``service`` in ``region`` (the account's home region when None)."""

    def role(self, name: str, service: str) -> str:
        """Create an IAM role that ``service`` may assume; return its ARN."""


class SeedAccount:
    """Writes one account: clients created on demand, and the resources seeding needs."""

    def __init__(self, session: Any, account_id: str, home: str, endpoint_url: str | None) -> None:
        self.session = session
        self.account_id = account_id
        self.home = home
        self.endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str | None = None) -> Any:
        """A client of ``service`` in ``region`` (the home region when None), cached."""
        key = (service, region or self.home)
        if key not in self._clients:
            self._clients[key] = self.session.client(
                service, region_name=key[1], endpoint_url=self.endpoint_url
            )
        return self._clients[key]

    def bucket(self) -> str:
        """Create the account's trail bucket in its home region; return its name."""
        name = f"aiposture-demo-trail-{self.account_id}"
        if self.home == "us-east-1":
            self.client("s3").create_bucket(Bucket=name)
        else:
            self.client("s3").create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.home}
            )
        return name

    def role(self, name: str, service: str) -> str:
        """Create an IAM role that ``service`` may assume (once); return its ARN."""
        iam = self.client("iam")
        try:
            return str(iam.get_role(RoleName=name)["Role"]["Arn"])
        except iam.exceptions.NoSuchEntityException:
            pass
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        resp = self.client("iam").create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)
        )
        return str(resp["Role"]["Arn"])

    def log_group(
        self,
        name: str,
        region: str,
        log_class: str = "STANDARD",
        retention: int | None = None,
        kms_key_id: str | None = None,
    ) -> str:
        """Create a log group (class, optional retention and KMS key); return its ARN."""
        logs = self.client("logs", region)
        extra = {"kmsKeyId": kms_key_id} if kms_key_id else {}
        logs.create_log_group(logGroupName=name, logGroupClass=log_class, **extra)
        if retention:
            logs.put_retention_policy(logGroupName=name, retentionInDays=retention)
        return f"arn:aws:logs:{region}:{self.account_id}:log-group:{name}:*"

    def invocation_logging(self, region: str, config: dict[str, Any]) -> None:
        """Turn on Bedrock model invocation logging in ``region`` with ``config``."""
        self.client("bedrock", region).put_model_invocation_logging_configuration(
            loggingConfig=config
        )


def start_guide_trail(
    ct: Any,
    name: str,
    account_id: str,
    regions: Sequence[str],
    resources: SeededArns | None = None,
    **settings: Any,
) -> dict[str, Any]:
    """Create trail ``name`` (``settings`` as CreateTrail takes them) logging as the guide says.

    The guide's selectors with the account's ids for ``regions`` (the real ids of
    ``resources``, what the account holds, where it holds some), both Insights types on
    management and data events, the event aggregation templates, then StartLogging. Returns
    the CreateTrail response.
    """
    trail: dict[str, Any] = ct.create_trail(Name=name, **settings)
    ct.put_event_selectors(
        TrailName=name,
        AdvancedEventSelectors=guide_account_selectors(account_id, regions, resources),
    )
    ct.put_insight_selectors(TrailName=name, InsightSelectors=BOTH_INSIGHTS)
    ct.put_event_configuration(TrailName=name, AggregationConfigurations=GUIDE_AGGREGATION)
    ct.start_logging(Name=name)
    return trail


def put_filter(
    logs: Any,
    log_group: str,
    name: str,
    pattern: str,
    metric: str,
    *,
    default: float | None = 0.0,
    **extra: Any,
) -> None:
    """Write one metric filter counting 1 per match into the demo's AI metric namespace.

    ``default`` is the filter's default value (None: none, the metric is sparse); ``extra``
    holds further PutMetricFilter fields (``fieldSelectionCriteria``...).
    """
    transformation: dict[str, Any] = {
        "metricName": metric,
        "metricNamespace": AI_METRIC_NAMESPACE,
        "metricValue": "1",
    }
    if default is not None:
        transformation["defaultValue"] = default
    logs.put_metric_filter(
        logGroupName=log_group,
        filterName=name,
        filterPattern=pattern,
        metricTransformations=[transformation],
        **extra,
    )


def put_alarm(
    cw: Any,
    alarm: dc.Alarm,
    actions: list[str],
    *,
    namespace: str = AI_METRIC_NAMESPACE,
    missing: str = "notBreaching",
) -> None:
    """Write the guide's alarm ``alarm`` (Sum over its period, above its threshold)."""
    cw.put_metric_alarm(
        AlarmName=alarm.alarm_name,
        AlarmDescription=f"{alarm.name} (guide alarm table)",
        Namespace=namespace,
        MetricName=alarm.metric,
        Statistic="Sum",
        Period=alarm.period_seconds,
        EvaluationPeriods=1,
        DatapointsToAlarm=1,
        Threshold=float(alarm.threshold),
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData=missing,
        ActionsEnabled=True,
        AlarmActions=actions,
    )


def put_rules_and_queries(cw: Any, logs: Any, group: str) -> None:
    """Write the guide's Contributor Insights rules and saved queries over log group ``group``."""
    for rule in dc.INSIGHT_RULES:
        cw.put_insight_rule(
            RuleName=rule.name, RuleState="ENABLED", RuleDefinition=rule.definition_text(group)
        )
    for saved in dc.QUERIES:
        logs.put_query_definition(
            name=saved.query_name,
            queryString=saved.sql_for(group),
            logGroupNames=saved.log_groups(group),
            queryLanguage="SQL",
        )


def confirmed_email_topic(acct: AccountWriter, region: str, name: str, email: str) -> str:
    """A topic whose e-mail subscriber clicked the confirmation link."""
    sns = acct.client("sns", region)
    topic = str(sns.create_topic(Name=name)["TopicArn"])
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=email)
    token = confirmation_token(acct.account_id, region, topic, email)
    sns.confirm_subscription(TopicArn=topic, Token=token)
    return topic


def seed_guide_detection(
    acct: AccountWriter, region: str, group: str = GUIDE_TRAIL_LOG_GROUP
) -> None:
    """The guide's whole detection layer on the CloudTrail log group ``group``, in ``region``.

    Everything of the guide, mantle-aware where guide 002 requires; a few filters are
    written in a different but equivalent form.
    """
    logs, cw = acct.client("logs", region), acct.client("cloudwatch", region)
    for mf in dc.METRIC_FILTERS:
        pattern = (
            dc.EQUIVALENT_PATTERNS[mf.number]
            if mf.number in GUIDE_EQUIVALENT_FILTERS
            else mf.complete_pattern
        )
        put_filter(logs, group, mf.filter_name, pattern, mf.metric)

    topics = {
        "security": confirmed_email_topic(acct, region, ALERT_TOPIC, "security-team@example.com"),
        "ai-ops": confirmed_email_topic(acct, region, OPS_TOPIC, "ai-ops-team@example.com"),
    }
    for alarm in dc.ALARMS:
        put_alarm(cw, alarm, [topics[alarm.team]])
    unauthorized = dc.alarm_for_metric("BedrockUnauthorizedAccess").alarm_name
    disruption = dc.alarm_for_metric("CloudTrailLoggingDisruption").alarm_name
    cw.put_composite_alarm(
        AlarmName="AI-Security-Composite",
        AlarmRule=f'ALARM("{unauthorized}") OR ALARM("{disruption}")',
        AlarmActions=[topics["security"]],
    )

    kinesis = acct.client("kinesis", region)
    kinesis.create_stream(StreamName="ai-audit-events", ShardCount=1)
    stream = kinesis.describe_stream(StreamName="ai-audit-events")["StreamDescription"]
    logs.put_subscription_filter(
        logGroupName=group,
        filterName="ai-audit-events-to-kinesis",
        filterPattern=GUIDE_SUBSCRIPTION_PATTERN,
        destinationArn=stream["StreamARN"],
        roleArn=acct.role("CWLtoKinesisRole", "logs.amazonaws.com"),
    )

    put_rules_and_queries(cw, logs, group)
    alarm_names = [a.alarm_name for a in dc.ALARMS] + ["AI-Security-Composite"]
    cw.put_dashboard(
        DashboardName=SECURITY_DASHBOARD,
        DashboardBody=json.dumps(dc.dashboard_body(acct.account_id, region, group, alarm_names)),
    )


def seed_auditor(guide: AccountWriter) -> tuple[str, str]:
    """Create the auditor user (read-only policy, may assume the org role); return its keys."""
    iam = guide.client("iam")
    policy = iam_policy()
    policy["Statement"].append(
        {
            "Sid": "AiPostureAssumeScanRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::*:role/{ORG_ROLE_NAME}",
        }
    )
    arn = iam.create_policy(PolicyName="AiPostureReadOnly", PolicyDocument=json.dumps(policy))[
        "Policy"
    ]["Arn"]
    iam.create_user(UserName=AUDITOR_USER)
    iam.attach_user_policy(UserName=AUDITOR_USER, PolicyArn=arn)
    key = iam.create_access_key(UserName=AUDITOR_USER)["AccessKey"]
    return str(key["AccessKeyId"]), str(key["SecretAccessKey"])
