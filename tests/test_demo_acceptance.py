"""The demo organization, end to end: the acceptance points of the pipeline issue."""

from __future__ import annotations

from collections import defaultdict

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.demo.environment import DemoEnvironment
from aiposture.engine.catalog import load_catalog
from aiposture.guide.vocabulary import AGENTCORE_TYPES, ALARM_NAMES, BEDROCK_TYPES, MANTLE_TYPES
from aiposture.results import Result, Results, Status
from aiposture.snapshot.models import Snapshot

pytestmark = pytest.mark.integration

GUIDE, PARTIAL, PLACEHOLDER = "111122223333", "444455556666", "777788889999"
LAB = "555566667777"
DATA_REFS = [f"Data events: {t}" for t in (*BEDROCK_TYPES, *AGENTCORE_TYPES, *MANTLE_TYPES)]
OTHER_REFS = [
    "Insights: ApiCallRateInsight",
    "Insights: ApiErrorRateInsight",
    "Management events",
    "CloudWatch Logs delivery",
    "Model invocation logging",
]
# Types whose selector in the guide's organization-trail JSON has no placeholder.
NO_PLACEHOLDER = {
    "AWS::Bedrock::Model",
    "AWS::Bedrock::AsyncInvoke",
    "AWS::BedrockAgentCore::CodeInterpreter",
    "AWS::BedrockAgentCore::Browser",
}
# Types the organization-trail JSON leaves out altogether.
ABSENT = {
    "AWS::BedrockAgentCore::CodeInterpreterCustom",
    "AWS::BedrockAgentCore::BrowserCustom",
    "AWS::BedrockAgentCore::WorkloadIdentityDirectory",
    *MANTLE_TYPES,
}


@pytest.fixture(scope="module")
def snapshot(demo_env: DemoEnvironment) -> Snapshot:
    return demo_env.collect()


@pytest.fixture(scope="module")
def results(snapshot: Snapshot, demo_env: DemoEnvironment) -> Results:
    return evaluate_snapshot(snapshot, demo_env.org.config)


@pytest.fixture(scope="module")
def every(snapshot: Snapshot, demo_env: DemoEnvironment) -> Results:
    """Every check judged in every region (``scan.regions_in_use: all``), as before issue 16."""
    config = demo_env.org.config
    scan = config.scan.model_copy(update={"regions_in_use": "all"})
    return evaluate_snapshot(snapshot, config.model_copy(update={"scan": scan}))


def scoped_out(r: Result) -> bool:
    """NOT_APPLICABLE because its workload is not in use in the region (issue 16)."""
    return r.status == Status.NOT_APPLICABLE and "scoping" in r.evidence


def nothing_to_judge(r: Result) -> bool:
    """NOT_APPLICABLE because the kind was listed and holds no resource (issue 17).

    The per-resource checks judge each resource of a kind; a region where the guide
    account has none of the kind (no agent in us-west-2) has nothing to judge. A kind whose
    listing failed is ERROR, not this.
    """
    return (
        r.status == Status.NOT_APPLICABLE
        and r.evidence.get("listed") is True
        and r.evidence.get("count") == 0
    )


def by_ref(results: Results, account: str) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = defaultdict(list)
    for r in results.results:
        if r.account_id == account:
            for ref in r.seed_refs:
                out[ref].append(r)
    return out


@pytest.mark.parametrize("account", [GUIDE, PARTIAL, PLACEHOLDER, LAB])
def test_every_account_has_results_for_every_cloudtrail_requirement(results, account):
    refs = by_ref(results, account)
    for ref in (*DATA_REFS, *OTHER_REFS):
        regions = {r.region for r in refs[ref]}
        assert regions == {"us-east-1", "us-west-2"}, (account, ref, regions)


def test_the_guide_account_passes_everything(results):
    mine = [r for r in results.results if r.account_id == GUIDE]
    failing = [
        (r.check_id, r.region, r.status, r.message)
        for r in mine
        if r.status != Status.PASS and not scoped_out(r) and not nothing_to_judge(r)
    ]
    assert failing == []
    refs = by_ref(results, GUIDE)
    assert all(refs[ref] for ref in (*DATA_REFS, *OTHER_REFS))


@pytest.mark.parametrize("ref", DATA_REFS)
def test_the_placeholder_account_fails_data_events_naming_the_placeholder(every, ref):
    rtype = ref.removeprefix("Data events: ")
    for r in by_ref(every, PLACEHOLDER)[ref]:
        if rtype in NO_PLACEHOLDER:
            assert r.status == Status.PASS, r.message
        elif rtype in ABSENT:
            assert r.status == Status.FAIL and f"no selector for {rtype}" in r.message
        else:
            assert r.status == Status.FAIL, r.message
            assert "placeholder" in r.message
            assert any(
                p in r.message for p in ("ACCOUNT_ID", "REGION", "BEDROCK_EXECUTION_ROLE_NAME")
            )


def test_the_placeholder_account_otherwise_follows_the_guide(results):
    refs = by_ref(results, PLACEHOLDER)
    for ref in OTHER_REFS:
        assert {r.status for r in refs[ref]} == {Status.PASS}, ref


def status_of(results: Results, account: str, check: str, region: str = "us-east-1") -> Result:
    found = [
        r
        for r in results.results
        if (r.account_id, r.check_id, r.region) == (account, check, region)
    ]
    assert len(found) == 1, (account, check, region, found)
    return found[0]


@pytest.mark.parametrize(
    ("check", "region", "status", "fragment"),
    [
        ("ct-data-bedrock-agent-alias", "us-east-1", Status.PASS, "ops-trail"),
        ("ct-data-bedrock-knowledge-base", "us-east-1", Status.PASS, "ops-trail"),
        ("ct-data-bedrock-session", "us-east-1", Status.FAIL, "readOnly"),
        ("ct-data-bedrock-guardrail", "us-east-1", Status.FAIL, "NotStartsWith"),
        ("ct-data-mantle-project", "us-east-1", Status.FAIL, "bedrock-mantle"),
        # No agent and no agent use in us-west-2: scoped out (issue 16); judged with `all`.
        (
            "ct-data-bedrock-agent-alias",
            "us-west-2",
            Status.NOT_APPLICABLE,
            "no Bedrock agent alias exists in us-west-2",
        ),
        ("ct-region-coverage", "us-west-2", Status.FAIL, "legacy-trail"),
        ("ct-management-events", "us-east-1", Status.FAIL, "read"),
        ("ct-cloudwatch-delivery", "us-east-1", Status.FAIL, "AccessDenied"),
        ("ct-insights-api-call-rate", "us-east-1", Status.FAIL, "data"),
        ("bedrock-invocation-logging", "us-east-1", Status.FAIL, "S3 only"),
        ("bedrock-invocation-logging", "us-west-2", Status.FAIL, "off"),
    ],
)
def test_the_partial_account_passes_and_fails_where_the_demo_put_it(
    results, check, region, status, fragment
):
    r = status_of(results, PARTIAL, check, region)
    assert r.status == status, r.message
    assert fragment in r.message


def test_the_partial_account_log_group_class_and_stopped_trail(results):
    classes = [
        r
        for r in results.results
        if r.account_id == PARTIAL and r.check_id == "ct-delivery-log-group-class"
    ]
    assert [r.status for r in classes] == [Status.FAIL]
    assert "INFREQUENT_ACCESS" in classes[0].message
    legacy = [
        r
        for r in results.results
        if r.check_id == "ct-trail-logging" and "legacy-trail" in (r.resource_arn or "")
    ]
    assert [r.status for r in legacy] == [Status.FAIL]


def test_results_carry_evidence_and_remediation(results):
    r = status_of(results, PLACEHOLDER, "ct-data-bedrock-agent-alias")
    assert r.evidence["selectors"], "the selectors as read are part of the evidence"
    assert "REGION" in str(r.evidence["selectors"])
    assert "put-event-selectors replaces" in r.remediation.text


# --- the detection layer ---------------------------------------------------------------

KIND_OF = {c.check.id: c.kind.name for c in load_catalog().checks}
DETECTION_REFS = {
    "metric_filter": [f"Metric Filter {n}" for n in range(1, 26)],
    "alarm_chain": [f"Alarm: {name}" for name in ALARM_NAMES],
    "contributor_insights_rule": [f"Contributor Insights Rule {n}" for n in range(1, 24)],
    "saved_query": [f"Query {n}" for n in range(1, 28)],
}


def kind_ready(results: Results, kind: str) -> None:
    """The kind has checks in the catalog, and none of its results is an internal error."""
    assert kind in KIND_OF.values(), f"no check of kind {kind} in the catalog"
    internal = f"internal error in rule kind {kind}"
    assert not [r.message for r in results.results if r.message.startswith(internal)]


def detection(results: Results, account: str, kind: str, ref: str, region: str) -> Result:
    found = [
        r
        for r in results.results
        if (r.account_id, r.region) == (account, region)
        and ref in r.seed_refs
        and KIND_OF.get(r.check_id) == kind
    ]
    assert len(found) == 1, (account, kind, ref, region, found)
    return found[0]


@pytest.mark.parametrize("kind", sorted(DETECTION_REFS))
def test_every_detection_item_of_the_guide_is_judged_in_every_account(results, kind):
    kind_ready(results, kind)
    for account in (GUIDE, PARTIAL, PLACEHOLDER, LAB):
        refs = by_ref(results, account)
        for ref in DETECTION_REFS[kind]:
            kinds = {KIND_OF.get(r.check_id) for r in refs[ref]}
            assert kind in kinds, (account, ref)


@pytest.mark.parametrize("kind", sorted(DETECTION_REFS))
def test_the_guide_account_passes_every_detection_item(every, kind):
    kind_ready(every, kind)
    for region in ("us-east-1", "us-west-2"):
        for ref in DETECTION_REFS[kind]:
            r = detection(every, GUIDE, kind, ref, region)
            assert r.status == Status.PASS, (ref, region, r.message)


@pytest.mark.parametrize(
    ("kind", "ref", "link", "fragments"),
    [
        # delivery is broken (AccessDenied, 3 days old) into an Infrequent Access log group,
        # so nothing can fire; what else is wrong is named further down the chain
        ("metric_filter", "Metric Filter 14", "delivered", ["AccessDenied", "INFREQUENT_ACCESS"]),
        ("metric_filter", "Metric Filter 3", "delivered", ["log class"]),
        ("metric_filter", "Metric Filter 4", "delivered", ["filter:"]),
        ("metric_filter", "Metric Filter 7", "delivered", ["filter:"]),
        # its weak selectors do not record these events in the first place
        ("metric_filter", "Metric Filter 1", "recorded", ["bedrock-mantle"]),
        ("metric_filter", "Metric Filter 6", "recorded", ["bedrock-mantle"]),
        ("metric_filter", "Metric Filter 2", "recorded", ["InvokeInlineAgent", "filter:"]),
        ("metric_filter", "Metric Filter 13", "recorded", ["ApiErrorRateInsight"]),
        # the alarm chain: the links further down are still named
        ("alarm_chain", "Alarm: CloudTrail Logging Disruption", "delivered", ["pending"]),
        (
            "alarm_chain",
            "Alarm: Bedrock Knowledge Base Retrieval Spike",
            "delivered",
            ["CloudTrailMetrics/BedrockKnowledgeBaseRetrievals"],
        ),
        ("alarm_chain", "Alarm: CloudTrail Insights Anomaly", "recorded", []),
        ("alarm_chain", "Alarm: Bedrock Unauthorized Access", "recorded", ["bedrock-mantle"]),
        # Contributor Insights
        ("contributor_insights_rule", "Contributor Insights Rule 3", "delivered", ["DISABLED"]),
        ("contributor_insights_rule", "Contributor Insights Rule 1", "recorded", ["mantle"]),
        (
            "contributor_insights_rule",
            "Contributor Insights Rule 2",
            "recorded",
            ["INFREQUENT_ACCESS"],
        ),
        ("contributor_insights_rule", "Contributor Insights Rule 5", "recorded", []),
        # saved queries: some saved, the rest missing, none can see delivered events
        ("saved_query", "Query 5", "delivered", []),
        ("saved_query", "Query 2", "recorded", []),
        ("saved_query", "Query 4", "recorded", []),
        ("saved_query", "Query 18", "delivered", []),  # InvokeModel is a write management event
    ],
)
def test_no_detection_of_the_partial_account_can_fire_and_each_says_why(
    results, kind, ref, link, fragments
):
    kind_ready(results, kind)
    r = detection(results, PARTIAL, kind, ref, "us-east-1")
    assert r.status == Status.FAIL, r.message
    assert r.evidence.get("broken_link") == link, r.message
    assert r.message.startswith(f"Broken link: {link}."), r.message
    for fragment in fragments:
        assert fragment.lower() in r.message.lower(), (fragment, r.message)


def test_the_partial_account_passes_no_detection(results):
    detections = [
        r
        for r in results.results
        if r.account_id == PARTIAL and KIND_OF.get(r.check_id) in DETECTION_REFS
    ]
    judged = [r for r in detections if not scoped_out(r)]
    assert judged and {r.status for r in judged} == {Status.FAIL}


MANAGEMENT_ONLY = {
    "metric_filter": ["Metric Filter 4", "Metric Filter 5", "Metric Filter 7", "Metric Filter 14"],
    "alarm_chain": [
        "Alarm: Bedrock Guardrail Modification",
        "Alarm: CloudTrail Logging Disruption",
    ],
    "contributor_insights_rule": ["Contributor Insights Rule 10", "Contributor Insights Rule 11"],
    "saved_query": ["Query 5", "Query 8"],
}
"""Detections of management events only: the placeholder account's trail records those."""


@pytest.mark.parametrize("kind", sorted(DETECTION_REFS))
def test_the_placeholder_accounts_detections_of_data_events_can_never_fire(results, kind):
    """Its detection layer is the guide's; its trail records no data event (placeholders)."""
    kind_ready(results, kind)
    for ref in DETECTION_REFS[kind]:
        r = detection(results, PLACEHOLDER, kind, ref, "us-east-1")
        if ref in MANAGEMENT_ONLY[kind]:
            assert r.status == Status.PASS, (ref, r.message)
        elif r.status == Status.FAIL:
            assert r.evidence.get("broken_link") == "recorded", (ref, r.message)
    data = detection(results, PLACEHOLDER, "metric_filter", "Metric Filter 2", "us-east-1")
    assert data.status == Status.FAIL and "guide placeholder" in data.message


def test_each_result_stands_for_what_its_rule_kind_says(every):
    """A fix plan matches results before and after by (check, account, region, resource).

    A kind that judges each resource (a trail, an agent...) must name a distinct resource
    in each result; any other kind gives one result per account and region.
    """
    catalog = load_catalog()
    seen: dict[tuple[str, str, str | None], list[Result]] = defaultdict(list)
    for r in every.results:
        seen[(r.check_id, r.account_id, r.region)].append(r)
    per_resource = 0
    for (check_id, account_id, region), mine in seen.items():
        kind = catalog.get(check_id).kind
        arns = [r.resource_arn for r in mine]
        if kind.results == "resource" and len(mine) > 1:
            per_resource += 1
            assert None not in arns and len(set(arns)) == len(arns), (check_id, region, arns)
        elif kind.results == "region":
            assert len(mine) == 1, (check_id, account_id, region, arns)
    assert per_resource, "the demo has regions with several resources of a kind"
