"""The detection chain on the demo organization, through the real collectors.

Each class of issue 12 fails for the right reason somewhere in the demo, and its corrected
twin passes: the lab account (``us-east-1`` broken, ``us-west-2`` corrected) for over-broad
detections, missing data, metric math and what a filter sees; the placeholder account for a
trail that records none of the data events (twin: the guide account); the partial account
for broken delivery into an Infrequent Access log group (twin: the guide account).

The same table runs twice: on ``mock_aws()`` in-process here, and on moto's HTTP server in
``test_detection_chain_http.py`` (a module uses one kind of moto at a time).
"""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.config import Config
from aiposture.demo.environment import DemoEnvironment
from aiposture.results import Result, Results, Status

pytestmark = pytest.mark.integration

GUIDE, PARTIAL, PLACEHOLDER, LAB = "111122223333", "444455556666", "777788889999", "555566667777"
EAST, WEST = "us-east-1", "us-west-2"

# (class, check, broken account, broken region, status, link, phrase, twin account, twin region)
CASES: list[tuple[str, str, str, str, Status, str | None, str, str, str]] = [
    (
        "recorded",
        "mf-02-bedrock-agent-invocations",
        PLACEHOLDER,
        EAST,
        Status.FAIL,
        "recorded",
        "does not log the data event",
        GUIDE,
        EAST,
    ),
    (
        "recorded",
        "alarm-bedrock-agent-invocation-spike",
        PLACEHOLDER,
        EAST,
        Status.FAIL,
        "recorded",
        "guide placeholder",
        GUIDE,
        EAST,
    ),
    (
        "recorded",
        "mf-19-agentcore-memory-operations",
        PLACEHOLDER,
        WEST,
        Status.FAIL,
        "recorded",
        "does not log the data event",
        GUIDE,
        WEST,
    ),
    (
        "recorded",
        "ci-17-top-agentcore-memory-accessors",
        PLACEHOLDER,
        EAST,
        Status.FAIL,
        "recorded",
        "does not log the data event",
        GUIDE,
        EAST,
    ),
    (
        "recorded",
        "query-16-agentcore-memory-operations",
        PLACEHOLDER,
        EAST,
        Status.FAIL,
        "recorded",
        "does not log the data event",
        GUIDE,
        EAST,
    ),
    (
        "delivered",
        "mf-14-cloudtrail-logging-disruption",
        PARTIAL,
        EAST,
        Status.FAIL,
        "delivered",
        "delivery error AccessDenied",
        GUIDE,
        EAST,
    ),
    (
        "delivered",
        "alarm-cloudtrail-logging-disruption",
        PARTIAL,
        EAST,
        Status.FAIL,
        "delivered",
        "log class: log group ops-cloudtrail is in the INFREQUENT_ACCESS log class",
        GUIDE,
        EAST,
    ),
    (
        "over-broad",
        "mf-01-bedrock-unauthorized-access",
        LAB,
        EAST,
        Status.FAIL,
        "filter",
        "which it is not for",
        LAB,
        WEST,
    ),
    (
        "over-broad",
        "mf-14-cloudtrail-logging-disruption",
        LAB,
        EAST,
        Status.FAIL,
        "filter",
        "which it is not for",
        LAB,
        WEST,
    ),
    (
        "over-broad",
        "mf-20-gateway-config-changes",
        LAB,
        EAST,
        Status.FAIL,
        "filter",
        "which it is not for",
        LAB,
        WEST,
    ),
    (
        "over-broad",
        "alarm-cloudtrail-logging-disruption",
        LAB,
        EAST,
        Status.FAIL,
        "filter",
        "which it is not for",
        LAB,
        WEST,
    ),
    (
        "over-broad",
        "ci-10-guardrail-changes",
        LAB,
        EAST,
        Status.FAIL,
        "rule",
        "which it is not for",
        LAB,
        WEST,
    ),
    (
        "missing data",
        "alarm-bedrock-guardrail-modification",
        LAB,
        EAST,
        Status.FAIL,
        "alarm",
        "sits in ALARM for good",
        LAB,
        WEST,
    ),
    (
        "missing data",
        "alarm-bedrock-logging-config-change",
        LAB,
        EAST,
        Status.FAIL,
        "alarm",
        "never notifies again",
        LAB,
        WEST,
    ),
    (
        "metric math",
        "alarm-ai-role-permission-escalation",
        LAB,
        EAST,
        Status.FAIL,
        "alarm",
        "means the metric > 1",
        LAB,
        WEST,
    ),
    (
        "filter inputs",
        "mf-09-vpce-access-denied",
        LAB,
        EAST,
        Status.FAIL,
        "filter",
        "let through no event",
        LAB,
        WEST,
    ),
    (
        "filter inputs",
        "mf-10-agent-cross-service-denied",
        LAB,
        EAST,
        Status.ERROR,
        None,
        "transformed log events",
        LAB,
        WEST,
    ),
    (
        "log alarm",
        "alarm-bedrock-flow-invocation-spike",
        LAB,
        EAST,
        Status.FAIL,
        "alarm",
        "never counted",
        LAB,
        WEST,
    ),
]


def everywhere(config: Config) -> Config:
    """``config`` with ``scan.regions_in_use: all``.

    The chain is judged wherever a class of issue was put, including regions where the
    workload the detection watches is not in use (scoped out with ``auto``, issue 16).
    """
    scan = config.scan.model_copy(update={"regions_in_use": "all"})
    return config.model_copy(update={"scan": scan})


def _one(results: Results, account: str, check: str, region: str) -> Result:
    found = [
        r
        for r in results.results
        if (r.account_id, r.check_id, r.region) == (account, check, region)
    ]
    assert len(found) == 1, (account, check, region)
    return found[0]


def assert_case(results: Results, case: tuple[Any, ...]) -> None:
    _, check, account, region, status, link, phrase, twin_account, twin_region = case
    broken = _one(results, account, check, region)
    assert broken.status is status, (check, broken.message)
    assert broken.evidence.get("broken_link") == link, (check, broken.evidence.get("broken_link"))
    assert phrase in broken.message, (check, phrase, broken.message)
    if link is not None:
        assert broken.message.startswith(f"Broken link: {link}."), broken.message
    twin = _one(results, twin_account, check, twin_region)
    assert twin.status is Status.PASS, (check, twin_account, twin_region, twin.message)


@pytest.fixture(scope="module")
def in_process(demo_env: DemoEnvironment) -> Results:
    return evaluate_snapshot(demo_env.collect(), everywhere(demo_env.org.config))


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_each_class_fails_at_its_link_and_its_twin_passes(
    in_process: Results, case: tuple[Any, ...]
) -> None:
    assert_case(in_process, case)


def test_the_log_alarm_twin_passes_as_a_log_alarm(in_process: Results) -> None:
    twin = _one(in_process, LAB, "alarm-bedrock-flow-invocation-spike", WEST)
    assert "Log alarm AI-BedrockFlowInvocations-LogAlarm" in twin.message


def test_metric_math_twin_is_judged_by_the_threshold_it_implies(in_process: Results) -> None:
    twin = _one(in_process, LAB, "alarm-ai-role-permission-escalation", WEST)
    assert "through metric math (2 * m1)" in twin.message


def test_the_lab_corrected_region_passes_every_detection_check(in_process: Results) -> None:
    failing = [
        (r.check_id, r.message[:200])
        for r in in_process.results
        if r.account_id == LAB
        and r.region in (WEST, None)
        and r.check_id.startswith(("mf-", "alarm-", "ci-", "query-", "det-"))
        and r.status is not Status.PASS
    ]
    assert failing == []


def test_every_chain_evidence_lists_its_links_in_order(in_process: Results) -> None:
    order = ["trail -> log group", "recorded", "delivered", "log class"]
    for r in in_process.results:
        chain = r.evidence.get("chain")
        if not chain or len(chain) < 4:
            continue
        assert [link["link"] for link in chain[:4]] == order, r.check_id
        states = [link["state"] for link in chain]
        if r.status is Status.PASS:
            assert set(states) == {"ok"}, r.check_id
        elif r.status is Status.FAIL:
            assert "broken" in states, r.check_id
