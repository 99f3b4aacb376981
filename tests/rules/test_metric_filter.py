"""Rule kind ``metric_filter``: filters on the CloudTrail log group judged against sample events."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from aiposture.guide import detection as guide_detection
from aiposture.results import Status
from aiposture.rules.metric_filter import MetricFilterParams, find_filters
from aiposture.snapshot.models import AccountSnapshot, OrganizationInfo, RegionSnapshot
from tests.builders import (
    ACCOUNT,
    REGION,
    denied,
    guide_selectors,
    guide_trail,
    log_group,
    snapshot,
    with_detection,
)
from tests.rules.helpers import CATALOG, only, run_check

GROUP = "aws-cloudtrail-logs/ai"
MGMT = "123456789012"


def entry(
    pattern: str, name: str = "ai-filter", metric: str = "BedrockAgentInvocations"
) -> dict[str, Any]:
    """A DescribeMetricFilters entry."""
    return {
        "filterName": name,
        "filterPattern": pattern,
        "logGroupName": GROUP,
        "metricTransformations": [
            {"metricName": metric, "metricNamespace": "AIWorkloadMetrics", "metricValue": "1"}
        ],
    }


def snap_with(*filters: dict[str, Any]) -> Any:
    """A snapshot whose guide-complete trail delivers to GROUP, which holds ``filters``."""
    snap = snapshot(guide_trail(), log_groups=[log_group(GROUP)])
    return with_detection(snap, metric_filters={GROUP: list(filters)})


def guide(check_id: str) -> str:
    """The guide's own pattern of a catalog check."""
    params = CATALOG.params_by_id[check_id]
    assert isinstance(params, MetricFilterParams)
    return params.guide_pattern


def _number(seed_refs: list[str]) -> int:
    """The guide's Metric Filter number a check names."""
    (ref,) = [r for r in seed_refs if r.startswith("Metric Filter ")]
    return int(ref.removeprefix("Metric Filter "))


AGENTS = "mf-02-bedrock-agent-invocations"
MODELS = "mf-06-model-invocation-volume"


def test_guide_filter_passes_naming_filter_group_and_metric() -> None:
    outcome = only(run_check(AGENTS, snap_with(entry(guide(AGENTS)))))
    assert outcome.status == Status.PASS, outcome.message
    assert "ai-filter" in outcome.message and GROUP in outcome.message
    assert "AIWorkloadMetrics/BedrockAgentInvocations" in outcome.message
    assert outcome.resource_arn == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP}"
    assert [link["state"] for link in outcome.evidence["chain"]] == ["ok"] * 5
    assert [link["link"] for link in outcome.evidence["chain"]] == [
        "trail -> log group",
        "recorded",
        "delivered",
        "log class",
        "filter",
    ]


def test_over_broad_filter_fails_naming_what_it_is_not_for() -> None:
    outcome = only(
        run_check(
            AGENTS, snap_with(entry('{ $.eventSource = "bedrock.amazonaws.com" }', name="wide"))
        )
    )
    assert outcome.status == Status.FAIL, outcome.message
    assert outcome.message.startswith("Broken link: filter.")
    assert "filter wide matches every event the detection is for, but also" in outcome.message
    assert outcome.evidence["broken_link"] == "filter"


def test_exact_filter_passes_beside_an_over_broad_one() -> None:
    snap = snap_with(
        entry('{ $.eventSource = "bedrock.amazonaws.com" }', name="broad"),
        entry(guide(AGENTS), name="exact"),
    )
    outcome = only(run_check(AGENTS, snap))
    assert outcome.status == Status.PASS and "exact" in outcome.message


def test_filter_missing_a_branch_fails_naming_the_missed_event() -> None:
    pattern = '{ $.eventSource = "bedrock.amazonaws.com" && $.eventName = "InvokeAgent" }'
    outcome = only(run_check(AGENTS, snap_with(entry(pattern, name="half"))))
    assert outcome.status == Status.FAIL
    assert outcome.message.startswith("Broken link: filter.")
    assert "half" in outcome.message and "matches 1 of 2" in outcome.message
    assert "InvokeInlineAgent" in outcome.message


def test_guide_model_invocation_filter_fails_on_bedrock_mantle_with_why() -> None:
    outcome = only(run_check(MODELS, snap_with(entry(guide(MODELS), name="guide-mf6"))))
    assert outcome.status == Status.FAIL
    assert "guide-mf6" in outcome.message
    assert "bedrock-mantle CreateInference" in outcome.message
    assert "bedrock-mantle.amazonaws.com" in outcome.message and "seed 002" in outcome.message


def test_guide_unauthorized_access_filter_fails_on_denied_mantle_call() -> None:
    check = "mf-01-bedrock-unauthorized-access"
    outcome = only(run_check(check, snap_with(entry(guide(check)))))
    assert outcome.status == Status.FAIL
    assert "bedrock-mantle CreateInference denied" in outcome.message


def test_recommended_patterns_pass_every_check() -> None:
    for item in CATALOG.checks:
        if item.kind.name != "metric_filter":
            continue
        pattern = guide_detection.metric_filter(_number(item.check.seed_refs)).complete_pattern
        outcome = only(run_check(item.check.id, snap_with(entry(pattern))))
        assert outcome.status == Status.PASS, (item.check.id, outcome.message)


def test_syntax_error_fails_naming_error_and_position() -> None:
    bad = '{ $.eventSource = "bedrock.amazonaws.com" && $.eventName == "InvokeAgent" }'
    outcome = only(run_check(AGENTS, snap_with(entry(bad, name="typo"))))
    assert outcome.status == Status.FAIL
    assert "filter typo has a pattern AWS would reject" in outcome.message
    assert (
        "unknown operator '=='" in outcome.message
        and f"at character {bad.index('==') + 1}" in outcome.message
    )


def test_log_group_without_filters_fails() -> None:
    outcome = only(run_check(AGENTS, snap_with()))
    assert outcome.status == Status.FAIL
    assert f"Log group {GROUP} has no metric filters" in outcome.message


def test_unread_filters_are_an_error_with_the_reason() -> None:
    snap = snapshot(
        guide_trail(),
        log_groups=[log_group(GROUP)],
        region_errors={
            REGION: [
                denied(
                    "logs",
                    "DescribeMetricFilters",
                    GROUP,
                    message="not authorized to describe metric filters",
                )
            ]
        },
    )
    with_detection(snap, metric_filters={})
    outcome = only(run_check(AGENTS, snap))
    assert outcome.status == Status.ERROR
    assert "not authorized to describe metric filters" in outcome.message


def test_no_trail_is_a_broken_trail_link() -> None:
    snap = with_detection(snapshot(log_groups=[log_group(GROUP)]), metric_filters={GROUP: []})
    outcome = only(run_check(AGENTS, snap))
    assert outcome.status == Status.FAIL
    assert outcome.message.startswith("Broken link: trail -> log group. The detection needs")
    assert "no trail covers" in outcome.message


def test_trail_not_delivering_is_a_broken_trail_link() -> None:
    snap = snapshot(guide_trail(log_group=None), log_groups=[log_group(GROUP)])
    with_detection(snap, metric_filters={GROUP: [entry(guide(AGENTS))]})
    outcome = only(run_check(AGENTS, snap))
    assert outcome.status == Status.FAIL
    assert "Broken link: trail -> log group" in outcome.message
    assert "does not deliver to CloudWatch Logs" in outcome.message


def _org_snapshot(scanned: bool, pattern: str | None) -> Any:
    # The organization trail's selectors name the member's resources: it records its events.
    org_trail = guide_trail(
        "org-trail", account=MGMT, org_trail=True, advanced=guide_selectors(ACCOUNT)
    )
    org = OrganizationInfo(
        id="o-abc", arn=f"arn:aws:organizations::{MGMT}:organization/o-abc", master_account_id=MGMT
    )
    extra = []
    if scanned:
        reg = RegionSnapshot(
            region=REGION,
            log_groups=[log_group(GROUP, account=MGMT)],
            metric_filters={GROUP: [entry(pattern or "", name="org-filter")]},
        )
        extra.append(
            AccountSnapshot(account_id=MGMT, scanned_regions=[REGION], regions={REGION: reg})
        )
    return snapshot(org_trail, organization=org, extra_accounts=extra)


def test_org_trail_is_judged_on_the_management_accounts_log_group() -> None:
    outcome = only(run_check(AGENTS, _org_snapshot(True, guide(AGENTS))))
    assert outcome.status == Status.PASS, outcome.message
    assert "org-filter" in outcome.message
    assert outcome.resource_arn == f"arn:aws:logs:{REGION}:{MGMT}:log-group:{GROUP}"
    wrong = only(
        run_check(
            AGENTS, _org_snapshot(True, '{ $.eventName = "InvokeAgent" && $.errorCode = "x" }')
        )
    )
    assert wrong.status == Status.FAIL and "org-filter" in wrong.message


def test_org_trail_with_management_account_not_scanned_is_an_error() -> None:
    outcome = only(run_check(AGENTS, _org_snapshot(False, None)))
    assert outcome.status == Status.ERROR
    assert MGMT in outcome.message


def test_find_filters_lists_every_match_and_is_memoised() -> None:
    snap = snap_with(entry(guide(AGENTS), name="a"), entry('{ $.eventName = "Invoke*" }', name="b"))
    params = CATALOG.params_by_id[AGENTS]
    assert isinstance(params, MetricFilterParams)
    from aiposture.config import Config
    from aiposture.rules.base import RuleContext

    acct = snap.account(ACCOUNT)
    assert acct is not None
    ctx = RuleContext(
        snapshot=snap, account=acct, region=REGION, config=Config(), checks=CATALOG.params_by_id
    )
    search = find_filters(params, ctx)
    assert [m.name for m in search.matches] == ["a"]  # b also counts what it is not for
    assert search.groups[0].link.state == "ok"
    assert search.matches[0].transformations[0]["metricName"] == "BedrockAgentInvocations"
    assert find_filters(params, ctx) is search


def test_filter_reading_account_specific_fields_is_judged_per_account() -> None:
    names = '($.eventName = "InvokeAgent" || $.eventName = "InvokeInlineAgent")'
    own = '{ $.recipientAccountId = "' + ACCOUNT + '" && ' + names + " }"
    other = '{ $.recipientAccountId = "999988887777" && ' + names + " }"
    assert only(run_check(AGENTS, snap_with(entry(own)))).status == Status.PASS
    assert only(run_check(AGENTS, snap_with(entry(other)))).status == Status.FAIL


def test_cached_verdicts_equal_direct_evaluation() -> None:
    from aiposture.lang.filter_pattern import parse
    from aiposture.lang.filter_pattern_verdicts import verdicts
    from aiposture.rules.support.sample_events import event_message

    params = CATALOG.params_by_id[MODELS]
    assert isinstance(params, MetricFilterParams)
    samples = [*params.must_match, *params.must_not_match]
    templates = tuple(event_message(s, "{account}", "{region}", "{partition}") for s in samples)
    patterns = [
        guide(MODELS),
        '{ $.userIdentity.accountId = "' + ACCOUNT + '" }',
        '{ $.awsRegion = "us-*" && $.eventName = "Converse*" }',
        "InvokeModel",
        '{ $.eventName = "x" ',
    ]
    for account in (ACCOUNT, "999988887777"):
        messages = tuple(event_message(s, account, REGION) for s in samples)
        for pattern, verdict in zip(
            patterns, verdicts(patterns, lambda m=messages: m, templates), strict=True
        ):
            if verdict.error:
                assert pattern.endswith(" ")
                continue
            assert verdict.hits == tuple(parse(pattern).matches(m) for m in messages), pattern


def test_a_filter_meant_for_the_detection_that_matches_nothing_is_the_one_named() -> None:
    # `&&` in place of `||`: the filter publishes the guide's metric but can never match.
    broken = (
        '{ ($.eventSource = "bedrock.amazonaws.com") && '
        '($.eventName = "InvokeAgent" && $.eventName = "InvokeInlineAgent") }'
    )
    snap = snap_with(
        entry('{ $.eventName = "StopLogging" }', name="other", metric="CloudTrailLogging"),
        entry(broken, name="agents"),
    )
    outcome = only(run_check(AGENTS, snap))
    assert outcome.status == Status.FAIL
    assert "filter agents publishes the guide's metric" in outcome.message
    assert "publishes the guide's metric but its pattern matches none of the events" in (
        outcome.message
    )
    assert "other" not in outcome.message


def test_when_no_filter_matches_any_event_none_is_called_the_closest() -> None:
    snap = snap_with(entry('{ $.eventName = "StopLogging" }', name="other", metric="Other"))
    outcome = only(run_check(AGENTS, snap))
    assert outcome.status == Status.FAIL
    assert "no filter on the log group matches any of the events" in outcome.message
    assert "closest" not in outcome.message


def test_the_guides_metric_is_its_namespace_and_name_together() -> None:
    broken = (
        '{ ($.eventSource = "bedrock.amazonaws.com") && '
        '($.eventName = "InvokeAgent" && $.eventName = "InvokeInlineAgent") }'
    )
    # Same name in another namespace (which holds a "/", as AWS/Bedrock does): not the guide's.
    elsewhere = entry(broken, name="agents")
    elsewhere["metricTransformations"][0]["metricNamespace"] = "Team/AIWorkloadMetrics"
    outcome = only(run_check(AGENTS, snap_with(elsewhere)))
    assert outcome.status == Status.FAIL
    assert "publishes the guide's metric" not in outcome.message


def test_the_catalog_carries_the_guides_namespace_and_name_apart() -> None:
    params = CATALOG.params_by_id[AGENTS]
    assert isinstance(params, MetricFilterParams)
    assert (params.guide_metric.namespace, params.guide_metric.name) == (
        "AIWorkloadMetrics",
        "BedrockAgentInvocations",
    )
    data = params.model_dump()
    data["guide_filter"] = 26
    with pytest.raises(ValidationError, match="the guide has Metric Filters 1-25, not 26"):
        MetricFilterParams.model_validate(data)
    data["guide_filter"] = 2
    data["guide_metric"] = "AIWorkloadMetrics/BedrockAgentInvocations"
    with pytest.raises(ValidationError, match="guide_metric"):
        MetricFilterParams.model_validate(data)
