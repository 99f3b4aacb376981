"""The demo's guardrail monitoring: an alarm on Bedrock guardrail interventions.

Amazon Bedrock publishes ``InvocationsIntervened`` in namespace ``AWS/Bedrock/Guardrails``
(Amazon Bedrock User Guide, "Monitor Amazon Bedrock Guardrails using CloudWatch metrics");
the dimension ``Operation=ApplyGuardrail`` sums every guardrail of the region. The
**guide** account alarms on it in its home region, where its guardrails are, and notifies
its security topic (``ai-security-alerts``, whose e-mail subscriber confirmed), as the
``guardrail-monitoring`` check asks. The **partial** account writes no such alarm: if it
holds guardrails, nobody is told when they intervene (a realistic gap). The placeholder and
lab accounts are left as they are.

Written through plain CloudWatch PutMetricAlarm calls (moto supports them). In the home region
the topic exists already (the guide's detection layer) and its ARN is read back with SNS
CreateTopic, which returns the existing topic's ARN (API reference, CreateTopic: "This
action is idempotent"); elsewhere the topic is created with a confirmed subscriber.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiposture.demo.accounts import ALERT_TOPIC
from aiposture.demo.writers import SeedAccount, confirmed_email_topic

GUARDRAIL_ALARM = "Bedrock Guardrail Interventions"
"""The name of the guide account's alarm on guardrail interventions."""
GUARDRAIL_NAMESPACE = "AWS/Bedrock/Guardrails"
"""The namespace of the Bedrock Guardrails runtime metrics."""
INTERVENTIONS_METRIC = "InvocationsIntervened"
"""The metric of the invocations where a guardrail intervened."""
INTERVENTIONS_THRESHOLD = 5.0
"""Interventions per five minutes above which the guide account is alerted (its choice: the
guide gives no threshold)."""


def _has_guardrails(acct: SeedAccount, region: str) -> bool:
    return bool(acct.client("bedrock", region).list_guardrails().get("guardrails"))


def seed_guardrail_monitoring(guide: SeedAccount, regions: Sequence[str]) -> None:
    """Write the guide account's alarm on guardrail interventions in each region with guardrails.

    ``regions[0]`` is the home region. Run after the guide account's detection layer, which
    creates its security topic there, and after its guardrails.
    """
    for region in regions:
        if not _has_guardrails(guide, region):
            continue
        if region == regions[0]:
            topic = str(guide.client("sns", region).create_topic(Name=ALERT_TOPIC)["TopicArn"])
        else:
            topic = confirmed_email_topic(guide, region, ALERT_TOPIC, "security-team@example.com")
        _put_alarm(guide, region, topic)


def _put_alarm(guide: SeedAccount, region: str, topic: str) -> None:
    guide.client("cloudwatch", region).put_metric_alarm(
        AlarmName=GUARDRAIL_ALARM,
        AlarmDescription=(
            "Bedrock guardrails intervened (blocked or masked content) more than usual: a "
            "prompt-attack campaign, a data-exfiltration attempt or a filter breaking the app"
        ),
        Namespace=GUARDRAIL_NAMESPACE,
        MetricName=INTERVENTIONS_METRIC,
        Dimensions=[{"Name": "Operation", "Value": "ApplyGuardrail"}],
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        DatapointsToAlarm=1,
        Threshold=INTERVENTIONS_THRESHOLD,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        ActionsEnabled=True,
        AlarmActions=[topic],
    )
