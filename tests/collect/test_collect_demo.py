"""The real collectors against the in-process demo organization."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError, NoCredentialsError

from aiposture import __version__
from aiposture.collect import cloudtrail as cloudtrail_collector
from aiposture.collect.org import role_session_name
from aiposture.collect.progress import Silent
from aiposture.collect.scan import CollectOptions, collect
from aiposture.demo.environment import DemoEnvironment
from aiposture.demo.resources_guardrail_monitoring import (
    GUARDRAIL_ALARM,
    GUARDRAIL_NAMESPACE,
    INTERVENTIONS_METRIC,
)
from aiposture.errors import CredentialsError, ReadOnlyViolation
from aiposture.guide import detection as dc
from aiposture.guide import guide_selectors
from aiposture.snapshot.io import dump_snapshot, load_snapshot, snapshot_sha256
from aiposture.snapshot.models import CallError, Snapshot
from tests.collect.helpers import (
    E1,
    GUIDE,
    LAB,
    PARTIAL,
    PLACEHOLDER,
    W2,
    account,
    all_observers,
    factory_for,
    on_calls,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def snapshot(demo_env: DemoEnvironment) -> Snapshot:
    return demo_env.collect()


# --- the healthy demo ------------------------------------------------------------------


def test_snapshot_header(snapshot: Snapshot, demo_env: DemoEnvironment) -> None:
    assert snapshot.tool.version == __version__
    assert snapshot.identity is not None
    assert snapshot.identity.arn == f"arn:aws:iam::{GUIDE}:user/aiposture-auditor"
    assert snapshot.identity.account == GUIDE
    assert snapshot.partition == "aws"
    assert snapshot.regions_requested == [E1, W2]
    assert snapshot.started_at.tzinfo is not None
    assert snapshot.started_at <= snapshot.finished_at
    assert [a.account_id for a in snapshot.accounts] == [GUIDE, PARTIAL, PLACEHOLDER, LAB]
    assert snapshot.errors == []
    for acct in snapshot.accounts:
        assert acct.all_errors() == []
        assert acct.scanned_regions == [E1, W2]
        assert acct.enabled_regions is not None
        assert {E1, W2} <= set(acct.enabled_regions)
        assert not [r for r in acct.enabled_regions if r.startswith(("cn-", "us-gov-"))]
        assert acct.identity_arn == (
            f"arn:aws:sts::{acct.account_id}:assumed-role/OrganizationAccountAccessRole/"
            f"{role_session_name()}"
        )
        assert acct.organization is not None
        assert acct.organization.master_account_id == GUIDE
        assert acct.organization.feature_set == "ALL"
    assert len({a.organization.id for a in snapshot.accounts if a.organization}) == 1


def test_guide_account(snapshot: Snapshot) -> None:
    acct = account(snapshot, GUIDE)
    [trail] = acct.trails
    arn = f"arn:aws:cloudtrail:{E1}:{GUIDE}:trail/ai-audit-trail"
    assert trail.arn == arn
    assert (trail.name, trail.home_region, trail.owner_account_id) == ("ai-audit-trail", E1, GUIDE)
    assert trail.is_multi_region and not trail.is_organization_trail
    assert trail.log_file_validation_enabled
    assert trail.kms_key_id and trail.kms_key_id.startswith(f"arn:aws:kms:{E1}:{GUIDE}:key/")
    assert trail.cloudwatch_logs_log_group_name == "aws-cloudtrail-logs/ai-workloads"
    assert trail.cloudwatch_logs_region == E1
    assert trail.has_custom_event_selectors is True
    assert trail.has_insight_selectors is True
    assert trail.raw["TrailARN"] == arn

    status = trail.status
    assert status is not None and status.is_logging
    now = datetime.now(UTC)
    assert status.latest_cloudwatch_logs_delivery_time is not None
    assert now - status.latest_cloudwatch_logs_delivery_time < timedelta(minutes=5)
    assert status.latest_cloudwatch_logs_delivery_error is None
    assert status.latest_delivery_error is None
    assert status.time_logging_started is not None and status.time_logging_stopped is None

    selectors = trail.event_selectors
    assert selectors is not None and selectors.mode == "advanced" and selectors.classic is None
    advanced = selectors.advanced or []
    assert len(advanced) == 1 + 18 + 14 + 1 + 1 + 1 + 3
    assert advanced[0]["FieldSelectors"] == [{"Field": "eventCategory", "Equals": ["Management"]}]
    text = repr(advanced)
    for placeholder in ("ACCOUNT_ID", "REGION", "AGENT_ID", "KB_ID", "GATEWAY_ID"):
        assert placeholder not in text
    types = {
        value
        for sel in advanced
        for fs in sel["FieldSelectors"]
        if fs["Field"] == "resources.type"
        for value in fs["Equals"]
    }
    assert len([t for t in types if t.startswith("AWS::Bedrock::")]) == 18
    assert len([t for t in types if t.startswith("AWS::BedrockAgentCore::")]) == 14
    assert {"AWS::BedrockMantle::Project", "AWS::S3::Object", "AWS::Lambda::Function"} <= types
    alias = next(s for s in advanced if s["Name"] == "Bedrock-AgentAlias-DataEvents")
    aliases = (acct.regions[E1].inventory or {})["bedrock-agent:agent-alias"]
    assert len(aliases) == 3
    assert alias["FieldSelectors"][2]["StartsWith"] == [
        *(a.arn for a in aliases),  # the guide account names its real aliases where it has them
        f"arn:aws:bedrock:{W2}:{GUIDE}:agent-alias/AGENT12345/ALIAS67890",
    ]
    assert trail.insight_selectors == [
        {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management", "Data"]},
        {"InsightType": "ApiErrorRateInsight", "EventCategories": ["Management", "Data"]},
    ]

    for region in (E1, W2):
        reg = acct.regions[region]
        assert reg.trail_arns == [arn]
        assert reg.errors == []
        inv = reg.invocation_logging
        assert inv is not None and inv.enabled
        assert inv.cloudwatch_log_group == "bedrock-model-invocation-logging"
        assert inv.config["textDataDeliveryEnabled"] is True
    east = {g.name: g for g in acct.regions[E1].log_groups}
    assert set(east) == {"aws-cloudtrail-logs/ai-workloads", "bedrock-model-invocation-logging"}
    trail_group = east["aws-cloudtrail-logs/ai-workloads"]
    assert (
        trail_group.arn == f"arn:aws:logs:{E1}:{GUIDE}:log-group:aws-cloudtrail-logs/ai-workloads"
    )
    assert (trail_group.log_group_class, trail_group.retention_in_days) == ("STANDARD", 365)
    assert (trail_group.region, trail_group.account_id) == (E1, GUIDE)
    assert [g.name for g in acct.regions[W2].log_groups] == ["bedrock-model-invocation-logging"]


def test_partial_account(snapshot: Snapshot) -> None:
    acct = account(snapshot, PARTIAL)
    ops, legacy = acct.trails
    assert (ops.name, ops.home_region, ops.is_multi_region) == ("ops-trail", E1, False)
    assert ops.status is not None and ops.status.is_logging
    assert ops.status.latest_cloudwatch_logs_delivery_error == "AccessDenied"
    delivered = ops.status.latest_cloudwatch_logs_delivery_time
    assert delivered is not None
    assert timedelta(days=2, hours=23) < datetime.now(UTC) - delivered < timedelta(days=3, hours=1)
    assert ops.event_selectors is not None and ops.event_selectors.mode == "advanced"
    assert len(ops.event_selectors.advanced or []) == 6
    assert ops.insight_selectors == [
        {"InsightType": "ApiCallRateInsight", "EventCategories": ["Management"]}
    ]

    assert (legacy.name, legacy.home_region) == ("legacy-trail", W2)
    assert legacy.status is not None and not legacy.status.is_logging
    assert legacy.status.time_logging_stopped is not None
    assert legacy.event_selectors is not None and legacy.event_selectors.mode == "classic"
    assert legacy.event_selectors.advanced is None
    [classic] = legacy.event_selectors.classic or []
    assert [d["Type"] for d in classic["DataResources"]] == [
        "AWS::S3::Object",
        "AWS::Lambda::Function",
    ]
    assert legacy.insight_selectors == []  # InsightNotEnabledException: read, and nothing there
    assert legacy.has_insight_selectors is False
    assert legacy.errors == []

    assert acct.regions[E1].trail_arns == [ops.arn]
    assert acct.regions[W2].trail_arns == [legacy.arn]
    [group] = acct.regions[E1].log_groups
    assert (group.name, group.log_group_class) == ("ops-cloudtrail", "INFREQUENT_ACCESS")
    assert acct.regions[W2].log_groups == []
    east = acct.regions[E1].invocation_logging
    assert east is not None and east.enabled and east.cloudwatch_log_group is None
    assert east.config["s3Config"]["bucketName"] == f"aiposture-demo-trail-{PARTIAL}"
    west = acct.regions[W2].invocation_logging
    assert west is not None and west.config == {} and not west.enabled


def test_placeholder_account_keeps_the_guide_json_verbatim(snapshot: Snapshot) -> None:
    acct = account(snapshot, PLACEHOLDER)
    [trail] = acct.trails
    assert (trail.name, trail.is_multi_region) == ("org-ai-trail", True)
    assert trail.status is not None and trail.status.is_logging
    assert trail.status.latest_cloudwatch_logs_delivery_error is None
    assert trail.event_selectors is not None
    advanced = trail.event_selectors.advanced or []
    assert len(advanced) == 35
    assert advanced[1:] == guide_selectors("org_trail")
    assert "arn:aws:bedrock:REGION:ACCOUNT_ID:agent-alias/AGENT_ID/" in repr(advanced)
    assert {s["InsightType"] for s in trail.insight_selectors or []} == {
        "ApiCallRateInsight",
        "ApiErrorRateInsight",
    }
    for region in (E1, W2):
        reg = acct.regions[region]
        assert reg.trail_arns == [trail.arn]
        assert reg.invocation_logging is not None
        assert reg.invocation_logging.cloudwatch_log_group == "bedrock-model-invocation-logging"
        assert "bedrock-model-invocation-logging" in [g.name for g in reg.log_groups]
    assert "org-ai-trail-logs" in [g.name for g in acct.regions[E1].log_groups]


def test_snapshot_round_trip_keeps_the_sha256(snapshot: Snapshot, tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    digest = dump_snapshot(snapshot, path)
    loaded, loaded_digest = load_snapshot(path)
    assert loaded_digest == digest == snapshot_sha256(snapshot) == snapshot_sha256(loaded)
    assert loaded.model_dump(mode="json") == snapshot.model_dump(mode="json")


class _Events(Silent):
    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def planned(self, accounts: int) -> None:
        self.events.append(("planned", str(accounts)))

    def account_started(self, account_id: str, regions: int) -> None:
        self.events.append(("started", account_id, str(regions)))

    def region_done(self, account_id: str, region: str, errors: int) -> None:
        self.events.append(("region", account_id, region))

    def account_done(self, account_id: str, errors: int) -> None:
        self.events.append(("done", account_id))


def test_the_observer_sees_every_account_and_region_once_in_order(
    demo_env: DemoEnvironment,
) -> None:
    seen = _Events()
    roles = demo_env.org.assume_roles
    collect(
        factory_for(demo_env),
        CollectOptions(regions=[E1, W2], assume_roles=roles, observer=seen, workers=3),
    )
    assert seen.events[0] == ("planned", "4")
    for account_id in (GUIDE, PARTIAL, PLACEHOLDER, LAB):
        mine = [e for e in seen.events if e[1:2] == (account_id,)]
        assert mine[0] == ("started", account_id, "2")
        assert sorted(mine[1:3]) == [("region", account_id, E1), ("region", account_id, W2)]
        assert mine[3:] == [("done", account_id)]


# --- failures become evidence ----------------------------------------------------------


def test_a_role_that_cannot_be_assumed_is_recorded_and_the_scan_goes_on(
    demo_env: DemoEnvironment, deny: Any
) -> None:
    refuse = deny("AccessDenied", f"not authorized to assume a role in {PLACEHOLDER}")

    def handler(params: dict[str, Any], **kwargs: Any) -> Any:
        if PLACEHOLDER in str(params.get("body")):
            return refuse(**kwargs)
        return None

    roles = [f"arn:aws:iam::{a}:role/OrganizationAccountAccessRole" for a in (PARTIAL, PLACEHOLDER)]
    snap = collect(
        factory_for(demo_env, on_calls("sts", "AssumeRole", handler)),
        CollectOptions(regions=[E1], assume_roles=roles),
    )
    assert [a.account_id for a in snap.accounts] == [GUIDE, PARTIAL, PLACEHOLDER]
    failed = account(snap, PLACEHOLDER)
    assert failed.errors == [
        CallError(
            service="sts",
            operation="AssumeRole",
            region=E1,
            account_id=PLACEHOLDER,
            resource=roles[1],
            error_code="AccessDenied",
            message=f"not authorized to assume a role in {PLACEHOLDER}",
        )
    ]
    assert failed.trails == [] and failed.regions == {} and failed.scanned_regions == []
    assert failed.enabled_regions is None and failed.organization is None
    partial = account(snap, PARTIAL)
    assert [t.name for t in partial.trails] == ["ops-trail"]
    assert partial.all_errors() == []


def test_own_account_role_failure_falls_back_to_the_base_credentials(
    demo_env: DemoEnvironment, deny: Any
) -> None:
    observer = on_calls("sts", "AssumeRole", deny("AccessDenied", "no assuming today"))
    roles = [
        f"arn:aws:iam::{a}:role/OrganizationAccountAccessRole" for a in (GUIDE, GUIDE, PARTIAL)
    ]
    snap = collect(
        factory_for(demo_env, observer), CollectOptions(regions=[E1], assume_roles=roles)
    )
    assert [a.account_id for a in snap.accounts] == [GUIDE, PARTIAL]
    own = account(snap, GUIDE)
    assert own.identity_arn == f"arn:aws:iam::{GUIDE}:user/aiposture-auditor"
    assert [(e.operation, e.resource) for e in own.errors] == [("AssumeRole", roles[0])]
    assert [t.name for t in own.trails] == ["ai-audit-trail"]
    partial = account(snap, PARTIAL)
    assert [(e.operation, e.error_code) for e in partial.errors] == [("AssumeRole", "AccessDenied")]


def test_access_denied_on_single_operations(demo_env: DemoEnvironment, deny: Any) -> None:
    observer = all_observers(
        on_calls(
            "bedrock",
            "GetModelInvocationLoggingConfiguration",
            deny("AccessDeniedException", "no bedrock for you"),
            region=W2,
        ),
        on_calls("cloudtrail", "GetEventSelectors", deny("AccessDenied", "selectors denied")),
        on_calls("logs", "DescribeLogGroups", deny("AccessDeniedException", "logs denied"), E1),
        on_calls("organizations", "DescribeOrganization", deny("AccessDenied", "org denied")),
    )
    snap = collect(factory_for(demo_env, observer), CollectOptions(regions=[E1, W2]))
    acct = account(snap, GUIDE)
    [trail] = acct.trails
    assert trail.event_selectors is None
    assert trail.status is not None and trail.insight_selectors is not None
    assert trail.errors == [
        CallError(
            service="cloudtrail",
            operation="GetEventSelectors",
            region=E1,
            account_id=GUIDE,
            resource=trail.arn,
            error_code="AccessDenied",
            message="selectors denied",
        )
    ]
    west = acct.regions[W2]
    assert west.invocation_logging is None
    assert west.trail_arns == [trail.arn]
    assert [(e.service, e.operation, e.region, e.error_code, e.message) for e in west.errors] == [
        (
            "bedrock",
            "GetModelInvocationLoggingConfiguration",
            W2,
            "AccessDeniedException",
            "no bedrock for you",
        )
    ]
    east = acct.regions[E1]
    assert east.log_groups == []
    assert sorted((e.operation, e.resource, e.error_code) for e in east.errors) == [
        # pipeline B's reads name the prefix they list (collect/agent_telemetry.py)
        ("DescribeLogGroups", "/aws/bedrock-agentcore/runtimes/", "AccessDeniedException"),
        ("DescribeLogGroups", "aws-cloudtrail-logs/ai-workloads", "AccessDeniedException"),
        ("DescribeLogGroups", "aws/spans", "AccessDeniedException"),
        ("DescribeLogGroups", "bedrock-model-invocation-logging", "AccessDeniedException"),
    ]
    assert east.agent_telemetry is not None and east.agent_telemetry.runtime_log_groups is None
    assert acct.organization is None
    assert [(e.service, e.operation, e.error_code) for e in acct.errors] == [
        ("organizations", "DescribeOrganization", "AccessDenied")
    ]


def test_describe_regions_failure_without_requested_regions(
    demo_env: DemoEnvironment, deny: Any
) -> None:
    observer = on_calls("ec2", "DescribeRegions", deny("UnauthorizedOperation", "ec2 denied"))
    snap = collect(factory_for(demo_env, observer), CollectOptions())
    acct = account(snap, GUIDE)
    assert acct.enabled_regions is None
    assert acct.scanned_regions == [] and acct.regions == {}
    assert [(e.service, e.operation, e.error_code) for e in acct.errors] == [
        ("ec2", "DescribeRegions", "UnauthorizedOperation")
    ]
    assert snap.regions_requested is None


def test_describe_regions_failure_keeps_requested_regions(
    demo_env: DemoEnvironment, deny: Any
) -> None:
    observer = on_calls("ec2", "DescribeRegions", deny("UnauthorizedOperation", "ec2 denied"))
    snap = collect(factory_for(demo_env, observer), CollectOptions(regions=[W2, E1]))
    acct = account(snap, GUIDE)
    assert acct.scanned_regions == [W2, E1]
    assert list(acct.regions) == [W2, E1]
    assert [t.name for t in acct.trails] == ["ai-audit-trail"]


def test_connection_errors_are_recorded(demo_env: DemoEnvironment) -> None:
    def unreachable(**_: Any) -> Any:
        raise EndpointConnectionError(endpoint_url="https://cloudtrail.us-west-2.amazonaws.com/")

    observer = on_calls("cloudtrail", "DescribeTrails", unreachable, region=W2)
    snap = collect(factory_for(demo_env, observer), CollectOptions(regions=[E1, W2]))
    west = account(snap, GUIDE).regions[W2]
    assert west.trail_arns is None
    [error] = west.errors
    assert (error.operation, error.error_code) == ("DescribeTrails", "EndpointConnectionError")
    assert "cloudtrail.us-west-2.amazonaws.com" in error.message
    assert account(snap, GUIDE).regions[E1].trail_arns  # the other region was read


def test_account_outside_the_organization(demo_env: DemoEnvironment) -> None:
    outsider = "210987654321"
    snap = collect(
        factory_for(demo_env),
        CollectOptions(
            regions=[E1],
            assume_roles=[f"arn:aws:iam::{outsider}:role/OrganizationAccountAccessRole"],
        ),
    )
    acct = account(snap, outsider)
    assert acct.organization is None and acct.errors == []
    assert acct.trails == [] and acct.regions[E1].trail_arns == []
    inv = acct.regions[E1].invocation_logging
    assert inv is not None and not inv.enabled


def test_credential_failures_stop_the_scan(demo_env: DemoEnvironment) -> None:
    def no_credentials(**_: Any) -> Any:
        raise NoCredentialsError()

    observer = on_calls("cloudtrail", "GetTrailStatus", no_credentials)
    with pytest.raises(CredentialsError, match="no AWS credentials found"):
        collect(factory_for(demo_env, observer), CollectOptions(regions=[E1]))


def test_rejected_credentials_stop_the_scan(demo_env: DemoEnvironment, deny: Any) -> None:
    observer = on_calls(
        "sts", "GetCallerIdentity", deny("InvalidClientTokenId", "The security token is invalid")
    )
    with pytest.raises(CredentialsError, match=r"InvalidClientTokenId"):
        collect(factory_for(demo_env, observer), CollectOptions(regions=[E1]))


def test_a_write_attempt_propagates(
    demo_env: DemoEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sneaky(client: Any) -> list[dict[str, Any]]:
        client.stop_logging(Name="ai-audit-trail")
        return []

    monkeypatch.setattr(cloudtrail_collector, "describe_trails", sneaky)
    with pytest.raises(ReadOnlyViolation, match=r"refused cloudtrail:StopLogging"):
        collect(factory_for(demo_env), CollectOptions(regions=[E1]))


# --- the detection layer ---------------------------------------------------------------

TRAIL_GROUP = "aws-cloudtrail-logs/ai-workloads"
INVOCATION_GROUP = "bedrock-model-invocation-logging"
TOPIC = f"arn:aws:sns:{E1}:{GUIDE}:ai-security-alerts"


def test_guide_detection_layer(snapshot: Snapshot) -> None:
    acct = account(snapshot, GUIDE)
    reg = acct.regions[E1]
    assert reg.errors == []

    filters = reg.metric_filters or {}
    assert set(filters) == {TRAIL_GROUP, INVOCATION_GROUP}
    assert filters[INVOCATION_GROUP] == []
    by_metric = {f["metricTransformations"][0]["metricName"]: f for f in filters[TRAIL_GROUP]}
    assert set(by_metric) == {f.metric for f in dc.METRIC_FILTERS}
    # Filter 7 is seeded as the guide writes it; read back verbatim.
    mf7 = dc.metric_filter(7)
    assert by_metric[mf7.metric]["filterPattern"] == mf7.pattern
    assert {f["metricTransformations"][0]["metricNamespace"] for f in by_metric.values()} == {
        "AIWorkloadMetrics"
    }

    subs = reg.subscription_filters or {}
    [sub] = subs[TRAIL_GROUP]
    assert sub["filterPattern"] == (
        '{ ($.eventCategory = "Management") || ($.eventCategory = "Aggregated") }'
    )
    assert sub["destinationArn"] == f"arn:aws:kinesis:{E1}:{GUIDE}:stream/ai-audit-events"
    assert subs[INVOCATION_GROUP] == []

    alarms = {a["MetricName"]: a for a in reg.alarms or []}
    # the guide's alarm table, and the alarm on guardrail interventions the account adds
    # where its guardrails are (the guardrail-monitoring check)
    guardrails = alarms.pop(INTERVENTIONS_METRIC)
    assert (guardrails["AlarmName"], guardrails["Namespace"]) == (
        GUARDRAIL_ALARM,
        GUARDRAIL_NAMESPACE,
    )
    assert len(alarms) == len(dc.ALARMS) == 25
    for guide_alarm in dc.ALARMS:
        got = alarms[guide_alarm.metric]
        assert (got["Statistic"], got["Period"], got["Threshold"]) == (
            "Sum",
            guide_alarm.period_seconds,
            float(guide_alarm.threshold),
        )
        assert isinstance(got["StateUpdatedTimestamp"], str)
    topics = reg.sns_topics or {}
    every_alarm = [*alarms.values(), guardrails]
    assert {a for alarm in every_alarm for a in alarm["AlarmActions"]} == set(topics)
    for topic in topics.values():
        assert topic.attributes is not None and topic.attributes["SubscriptionsConfirmed"] == "1"
        [subscription] = topic.subscriptions or []
        assert subscription["Protocol"] == "email"
        assert subscription["SubscriptionArn"].startswith(subscription["TopicArn"] + ":")
    [composite] = reg.composite_alarms or []
    assert composite["AlarmRule"].startswith("ALARM(")

    rules = {r["Name"]: r for r in reg.insight_rules or []}
    assert set(rules) == {r.name for r in dc.INSIGHT_RULES}
    assert all(r["State"] == "ENABLED" for r in rules.values())
    definition = json.loads(rules["AI-TopBedrockModelCallers"]["Definition"])
    assert definition["LogGroupNames"] == [TRAIL_GROUP]
    assert definition["Contribution"]["Keys"] == ["$.userIdentity.arn", "$.eventName"]

    queries = reg.query_definitions or []
    assert len(queries) == len(dc.QUERIES) == 27
    assert all(TRAIL_GROUP in q["logGroupNames"] for q in queries)
    assert all(dc.CLOUDTRAIL_LOG_GROUP_PLACEHOLDER not in q["queryString"] for q in queries)

    assert reg.dashboards is None  # dashboards are global: read once for the account
    dashboards = acct.dashboards or {}
    assert acct.dashboards_region == acct.scanned_regions[0]
    assert set(dashboards) == {"AI-Workload-Security-Dashboard"}
    assert json.loads(dashboards["AI-Workload-Security-Dashboard"])["widgets"]

    [detector] = reg.guardduty_detectors or []
    assert detector["Status"] == "ENABLED" and detector["DetectorId"]

    [trail] = acct.trails
    assert trail.aggregation is not None
    assert trail.aggregation["AggregationConfigurations"] == [
        {"Templates": ["API_ACTIVITY", "RESOURCE_ACCESS", "USER_ACTIONS"], "EventCategory": "Data"}
    ]
    assert trail.tags == {"owner": "security-platform", "data-classification": "audit"}


def test_detection_layer_of_the_other_accounts_is_read(snapshot: Snapshot) -> None:
    partial = account(snapshot, PARTIAL).regions[E1]
    assert partial.errors == []
    rules = {r["Name"]: r["State"] for r in partial.insight_rules or []}
    assert "DISABLED" in rules.values() and "ENABLED" in rules.values()
    subscriptions = [s for t in (partial.sns_topics or {}).values() for s in t.subscriptions or []]
    assert any(s["SubscriptionArn"] == "PendingConfirmation" for s in subscriptions)
    for acct in snapshot.accounts:
        for region, reg in acct.regions.items():
            assert reg.errors == []
            groups = {g.name for g in reg.log_groups}
            assert set(reg.metric_filters or {}) == groups
            assert set(reg.subscription_filters or {}) == groups
            assert reg.alarms is not None and reg.insight_rules is not None
            assert reg.query_definitions is not None and acct.dashboards is not None
            assert reg.guardduty_detectors is not None
            # The guide account (home region), the partial account, the placeholder account
            # (home region) and the lab (both regions) have a detection layer.
            layered = (acct.account_id, region) in (
                (GUIDE, E1),
                (PLACEHOLDER, E1),
            ) or acct.account_id in (PARTIAL, LAB)
            if not layered:
                # the guide account alarms on guardrail interventions in every region that
                # has its guardrails (all of them), and has no other detection layer there
                alarms = [a["AlarmName"] for a in reg.alarms]
                assert alarms == ([GUARDRAIL_ALARM] if acct.account_id == GUIDE else [])
                assert (reg.insight_rules, reg.query_definitions) == ([], [])
        if acct.account_id in (PARTIAL, PLACEHOLDER):
            for trail in acct.trails:
                assert trail.aggregation is not None
                assert trail.aggregation["AggregationConfigurations"] == []
    lab = account(snapshot, LAB)
    assert {r.region for r in lab.regions.values() if r.log_alarms} == {E1, W2}
    east = lab.regions[E1]
    criteria = [
        f.get("fieldSelectionCriteria")
        for f in (east.metric_filters or {}).get("lab/cloudtrail", [])
        if f.get("fieldSelectionCriteria")
    ]
    assert criteria == ['@aws.region = "eu-west-1"']


def test_denied_detection_reads_are_recorded_and_the_scan_goes_on(
    demo_env: DemoEnvironment, deny: Any
) -> None:
    observer = all_observers(
        on_calls("cloudwatch", "DescribeAlarms", deny("AccessDenied", "no alarms"), E1),
        on_calls("logs", "DescribeMetricFilters", deny("AccessDeniedException", "no filters"), E1),
        on_calls("guardduty", "GetDetector", deny("AccessDeniedException", "no detector"), E1),
        on_calls("cloudtrail", "GetEventConfiguration", deny("AccessDenied", "no config")),
    )
    options = CollectOptions(regions=[E1], assume_roles=demo_env.org.assume_roles)
    snap = collect(factory_for(demo_env, observer), options)
    acct = account(snap, GUIDE)
    reg = acct.regions[E1]
    assert (reg.alarms, reg.composite_alarms, reg.sns_topics) == (None, None, None)
    assert reg.metric_filters == {}
    assert reg.guardduty_detectors == []
    [detector_id] = [e.resource for e in reg.errors if e.operation == "GetDetector"]
    assert detector_id
    assert sorted((e.service, e.operation, e.resource, e.error_code) for e in reg.errors) == [
        ("cloudwatch", "DescribeAlarms", None, "AccessDenied"),
        ("guardduty", "GetDetector", detector_id, "AccessDeniedException"),
        ("logs", "DescribeMetricFilters", TRAIL_GROUP, "AccessDeniedException"),
        ("logs", "DescribeMetricFilters", INVOCATION_GROUP, "AccessDeniedException"),
    ]
    assert all(e.account_id == GUIDE and e.region == E1 for e in reg.errors)
    # everything else in the region was still read
    assert reg.subscription_filters and reg.subscription_filters[TRAIL_GROUP]
    assert reg.insight_rules and reg.query_definitions and acct.dashboards
    [trail] = acct.trails
    assert trail.aggregation is None and trail.status is not None
    assert [(e.operation, e.error_code) for e in trail.errors] == [
        ("GetEventConfiguration", "AccessDenied")
    ]
    # the other accounts were scanned too (the denials apply to every account)
    other = account(snap, PARTIAL)
    assert [t.name for t in other.trails] == ["ops-trail"]
    assert other.regions[E1].alarms is None and other.regions[E1].insight_rules
    assert {e.operation for e in other.all_errors()} == {
        "GetEventConfiguration",
        "DescribeAlarms",
        "DescribeMetricFilters",
    }
