"""The demo organization: four accounts written through plain boto3 calls.

- **guide** (``111122223333``, the management account) follows the guide fully: its
  trail's selectors name its AI resources by their real ids (seeded first, then read back
  with the scan's own inventory readers, :mod:`aiposture.demo.seeded`).
- **partial** (``444455556666``) has a single-region trail with a handful of weak
  selectors, a failing CloudWatch Logs delivery into an Infrequent Access log group (so no
  detection there can fire) and a stopped legacy trail.
- **placeholder** (``777788889999``) pasted the guide's 34-selector organization trail
  JSON verbatim, placeholders and all, and built the guide's whole detection layer on it:
  the detections of data events can never fire, because the trail records none.
- **lab** (``555566667777``) is the detection lab: one single-region trail per region,
  both recording everything the guide asks; ``us-east-1`` holds the broken forms of the
  detection layer (over-broad filters and rules, missing data that keeps alarms in ALARM,
  metric math looser than the guide, a filter that sees no event, one that reads
  transformed logs, a log alarm with gaps) and ``us-west-2`` their corrected twins.

:func:`seed_demo` works against ``mock_aws()`` and against a moto HTTP server alike; the
only calls that are not AWS APIs are
:func:`~aiposture.demo.moto_ext.cloudtrail.set_trail_delivery` overrides and
:func:`~aiposture.demo.moto_ext.sns.confirmation_token` (reading the token AWS e-mails to a
subscriber) and the event history of :mod:`aiposture.demo.history` (moto records no
events by itself), which need the moto backend in this process. The names and ids live in
:mod:`aiposture.demo.accounts`, the selectors in :mod:`aiposture.demo.selectors`, the
writing helpers in :mod:`aiposture.demo.writers` and the lab account in
:mod:`aiposture.demo.lab`.

The detection layer comes from :mod:`aiposture.guide.detection`: the guide account
has all of it (mantle-aware, a few filters in equivalent forms), the partial account a
mix of verbatim, equivalent, broken and missing items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiposture.demo import moto_ext
from aiposture.demo.accounts import (
    BEDROCK_EXECUTION_ROLE,
    DEMO_ACCOUNTS,
    DEMO_REGIONS,
    GUIDE_ACCOUNT,
    GUIDE_TRAIL_LOG_GROUP,
    HOSTILE_TAG,
    INVOCATION_LOG_GROUP,
    LAB_ACCOUNT,
    PARTIAL_ACCOUNT,
    PARTIAL_EQUIVALENT_FILTERS,
    PARTIAL_PAGER_TOPIC,
    PARTIAL_QUERIES,
    PARTIAL_RULES,
    PARTIAL_TOPIC,
    PARTIAL_TRAIL_LOG_GROUP,
    PARTIAL_VERBATIM_FILTERS,
    PLACEHOLDER_ACCOUNT,
    PLACEHOLDER_TRAIL_LOG_GROUP,
    WRONG_NAMESPACE,
    DemoOrg,
    demo_config,
    role_arn,
)
from aiposture.demo.history import seed_history
from aiposture.demo.lab import seed_lab
from aiposture.demo.moto_ext.cloudtrail import set_trail_delivery
from aiposture.demo.resources_access import seed_access
from aiposture.demo.resources_agentcore import seed_agentcore_resources
from aiposture.demo.resources_agents import seed_agent_resources
from aiposture.demo.resources_bedrock import ai_key, seed_bedrock_resources
from aiposture.demo.resources_guardrail_monitoring import seed_guardrail_monitoring
from aiposture.demo.resources_telemetry import seed_agent_telemetry
from aiposture.demo.resources_usage import seed_usage_metrics
from aiposture.demo.seeded import seeded_arns
from aiposture.demo.selectors import (
    BOTH_INSIGHTS,
    LEGACY_CLASSIC_SELECTORS,
    MANAGEMENT_SELECTOR,
    SeededArns,
    inventory_named_types,
    partial_account_selectors,
)
from aiposture.demo.writers import (
    SeedAccount,
    put_alarm,
    put_filter,
    seed_auditor,
    seed_guide_detection,
    start_guide_trail,
)
from aiposture.guide import detection as dc
from aiposture.guide import guide_selectors


def _seed_guide(acct: SeedAccount, regions: Sequence[str], resources: SeededArns) -> None:
    """The guide account; its trail's selectors name ``resources``, its seeded AI resources."""
    home = regions[0]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    key_id = acct.client("kms").create_key(Description="aiposture demo trail key")["KeyMetadata"][
        "Arn"
    ]
    log_arn = acct.log_group(GUIDE_TRAIL_LOG_GROUP, home, retention=365)
    start_guide_trail(
        acct.client("cloudtrail"),
        "ai-audit-trail",
        acct.account_id,
        regions,
        resources,
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key_id,
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
        TagsList=[
            {"Key": "owner", "Value": "security-platform"},
            {"Key": "data-classification", "Value": "audit"},
        ],
    )
    seed_guide_detection(acct, home)
    for region in regions:  # GuardDuty is regional
        acct.client("guardduty", region).create_detector(
            Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES"
        )

    inv_role = acct.role("BedrockInvocationLoggingRole", "bedrock.amazonaws.com")
    acct.role(BEDROCK_EXECUTION_ROLE, "bedrock.amazonaws.com")
    for region in regions:
        acct.log_group(INVOCATION_LOG_GROUP, region, retention=365, kms_key_id=ai_key(acct, region))
        acct.invocation_logging(
            region,
            {
                "cloudWatchConfig": {"logGroupName": INVOCATION_LOG_GROUP, "roleArn": inv_role},
                "textDataDeliveryEnabled": True,
                "imageDataDeliveryEnabled": True,
                "embeddingDataDeliveryEnabled": True,
            },
        )


def _seed_partial_detection(acct: SeedAccount, region: str, log_group: str) -> None:
    """The partial account's detection layer: a bit of everything that can go wrong.

    - Filters 1, 6 and 14 copied verbatim (1 and 6 miss bedrock-mantle inference); 3 and 13
      in an equivalent form; 2, 4 and 7 broken (``&&`` for ``||``, ``$.eventname``, a
      misspelt event source). The rest are missing.
    - The Logging Disruption alarm notifies a topic whose e-mail subscriber never
      confirmed; the Knowledge Base alarm watches the wrong namespace; the Insights alarm
      has no actions of its own but a composite alarm pages a confirmed SQS subscriber.
    - Rules 1 and 2 (guide verbatim, 1 misses bedrock-mantle) are enabled, Rule 3 disabled;
      all three sit on an Infrequent Access log group, where Contributor Insights analyses
      nothing.
    - Queries 2, 3 and 5 saved; the others missing.
    """
    logs, cw = acct.client("logs", region), acct.client("cloudwatch", region)
    for number in PARTIAL_VERBATIM_FILTERS:
        mf = dc.metric_filter(number)
        put_filter(logs, log_group, mf.filter_name, mf.pattern, mf.metric)
    for number in PARTIAL_EQUIVALENT_FILTERS:
        mf = dc.metric_filter(number)
        put_filter(logs, log_group, mf.filter_name, dc.EQUIVALENT_PATTERNS[number], mf.metric)
    for broken in dc.BROKEN_PATTERNS:
        mf = dc.metric_filter(broken.number)
        put_filter(logs, log_group, mf.filter_name, broken.pattern, mf.metric)

    sns = acct.client("sns", region)
    pending = str(sns.create_topic(Name=PARTIAL_TOPIC)["TopicArn"])
    sns.subscribe(TopicArn=pending, Protocol="email", Endpoint="ops-oncall@example.com")
    pager = str(sns.create_topic(Name=PARTIAL_PAGER_TOPIC)["TopicArn"])
    queue = acct.client("sqs", region).create_queue(QueueName="ops-pager")["QueueUrl"]
    queue_arn = acct.client("sqs", region).get_queue_attributes(
        QueueUrl=queue, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=pager, Protocol="sqs", Endpoint=queue_arn)

    put_alarm(cw, dc.alarm_for_metric("CloudTrailLoggingDisruption"), [pending])
    put_alarm(
        cw,
        dc.alarm_for_metric("BedrockKnowledgeBaseRetrievals"),
        [pager],
        namespace=WRONG_NAMESPACE,
    )
    insights = dc.alarm_for_metric("CloudTrailInsightsAnomalies")
    put_alarm(cw, insights, [])
    cw.put_composite_alarm(
        AlarmName="ops-anomalies",
        AlarmRule=f'ALARM("{insights.alarm_name}")',
        AlarmActions=[pager],
    )

    for number, state in PARTIAL_RULES.items():
        rule = dc.insight_rule(number)
        cw.put_insight_rule(
            RuleName=rule.name,
            RuleState=state,
            RuleDefinition=rule.definition_text(log_group, mantle_aware=False),
        )
    for number in PARTIAL_QUERIES:
        saved = dc.query(number)
        logs.put_query_definition(
            name=saved.query_name,
            queryString=saved.sql_for(log_group, mantle_aware=False),
            logGroupNames=saved.log_groups(log_group),
            queryLanguage="SQL",
        )


def _seed_partial(acct: SeedAccount, regions: Sequence[str]) -> None:
    home = regions[0]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    # Cost-cut: the cheaper log class and a 30-day retention, shorter than the audit period.
    log_arn = acct.log_group(
        PARTIAL_TRAIL_LOG_GROUP, home, retention=30, log_class="INFREQUENT_ACCESS"
    )
    ct = acct.client("cloudtrail")
    ct.create_trail(
        Name="ops-trail",
        S3BucketName=bucket,
        IsMultiRegionTrail=False,
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
        # Tags are free text read from AWS: the reports must show this as text, never run it.
        TagsList=[{"Key": "note", "Value": HOSTILE_TAG}],
    )
    ct.put_event_selectors(
        TrailName="ops-trail",
        AdvancedEventSelectors=partial_account_selectors(acct.account_id, home),
    )
    ct.put_insight_selectors(
        TrailName="ops-trail",
        InsightSelectors=[{"InsightType": "ApiCallRateInsight", "EventCategories": ["Management"]}],
    )
    ct.start_logging(Name="ops-trail")
    set_trail_delivery(
        acct.account_id,
        home,
        "ops-trail",
        cloudwatch_delivery_time=datetime.now(UTC) - timedelta(days=3),
        cloudwatch_delivery_error="AccessDenied",
    )
    _seed_partial_detection(acct, home, PARTIAL_TRAIL_LOG_GROUP)
    acct.invocation_logging(
        home,
        {
            "s3Config": {"bucketName": bucket, "keyPrefix": "bedrock-invocations/"},
            "textDataDeliveryEnabled": True,
        },
    )

    if len(regions) > 1:
        legacy = acct.client("cloudtrail", regions[1])
        legacy.create_trail(Name="legacy-trail", S3BucketName=bucket, IsMultiRegionTrail=False)
        legacy.put_event_selectors(
            TrailName="legacy-trail", EventSelectors=LEGACY_CLASSIC_SELECTORS
        )
        legacy.start_logging(Name="legacy-trail")
        legacy.stop_logging(Name="legacy-trail")


def _seed_placeholder(acct: SeedAccount, regions: Sequence[str]) -> None:
    home = regions[0]
    bucket = acct.bucket()
    cw_role = acct.role("CloudTrail_CloudWatchLogs_Role", "cloudtrail.amazonaws.com")
    log_arn = acct.log_group(PLACEHOLDER_TRAIL_LOG_GROUP, home, retention=365)
    ct = acct.client("cloudtrail")
    ct.create_trail(
        Name="org-ai-trail",
        S3BucketName=bucket,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        CloudWatchLogsLogGroupArn=log_arn,
        CloudWatchLogsRoleArn=cw_role,
    )
    ct.put_event_selectors(
        TrailName="org-ai-trail",
        AdvancedEventSelectors=[MANAGEMENT_SELECTOR, *guide_selectors("org_trail")],
    )
    ct.put_insight_selectors(TrailName="org-ai-trail", InsightSelectors=BOTH_INSIGHTS)
    ct.start_logging(Name="org-ai-trail")
    seed_guide_detection(acct, home, PLACEHOLDER_TRAIL_LOG_GROUP)

    inv_role = acct.role("BedrockInvocationLoggingRole", "bedrock.amazonaws.com")
    for region in regions:
        acct.log_group(INVOCATION_LOG_GROUP, region, retention=365)
        acct.invocation_logging(
            region,
            {
                "cloudWatchConfig": {"logGroupName": INVOCATION_LOG_GROUP, "roleArn": inv_role},
                "textDataDeliveryEnabled": True,
            },
        )


def _seed_organization(guide: SeedAccount, members: Sequence[SeedAccount]) -> None:
    org = guide.client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    for member in members:
        handshake = org.invite_account_to_organization(
            Target={"Id": member.account_id, "Type": "ACCOUNT"},
            Notes="aiposture demo organization",
        )["Handshake"]
        member.client("organizations", "us-east-1").accept_handshake(HandshakeId=handshake["Id"])


def seed_demo(
    session_for_account: Callable[[str], Any],
    regions: Sequence[str] = DEMO_REGIONS,
    *,
    endpoint_url: str | None = None,
) -> DemoOrg:
    """Write the four-account demo organization and return what was written.

    ``session_for_account(account_id)`` returns a ``boto3.Session`` with credentials of
    that account (for moto: an assumed ``OrganizationAccountAccessRole``). The first region
    is the home region of every trail. ``endpoint_url`` sends the writes to a moto server.
    """
    if not regions:
        raise ValueError("the demo needs at least one region")
    moto_ext.install()
    home = regions[0]
    guide, partial, placeholder, lab = (
        SeedAccount(session_for_account(account_id), account_id, home, endpoint_url)
        for account_id in (GUIDE_ACCOUNT, PARTIAL_ACCOUNT, PLACEHOLDER_ACCOUNT, LAB_ACCOUNT)
    )
    _seed_organization(guide, [partial, placeholder, lab])
    # The AI resources first: the guide account's trail names those it holds, by their
    # real ids (AWS's, random), read back as the scan will list them.
    seed_bedrock_resources(guide, partial, placeholder, home, regions)  # agents name them
    seed_agent_resources(guide, partial, placeholder, home, regions)
    seed_agentcore_resources(guide, partial, placeholder, home)
    seed_agent_telemetry(guide, partial, placeholder, regions)
    guide_resources = {region: seeded_arns(guide, region) for region in regions}
    _seed_guide(guide, regions, guide_resources)
    seed_guardrail_monitoring(guide, regions)
    _seed_partial(partial, regions)
    _seed_placeholder(placeholder, regions)
    seed_lab(lab, regions)
    seed_usage_metrics(guide, lab, regions)
    seed_access(guide, partial, regions)  # last: every VPC and agent role exists by now
    key_id, secret = seed_auditor(guide)
    # Last: the history re-writes what the guide account holds, and dates every trail.
    seed_history(
        list(DEMO_ACCOUNTS.values()),
        regions,
        guide_logs=guide.client("logs"),
    )
    return DemoOrg(
        accounts=dict(DEMO_ACCOUNTS),
        regions=tuple(regions),
        assume_roles=tuple(role_arn(a) for a in DEMO_ACCOUNTS.values()),
        config=demo_config(regions, inventory_named_types(guide_resources)),
        auditor_access_key_id=key_id,
        auditor_secret_access_key=secret,
    )
