"""The demo's AI access: the guide account passes, the partial account fails for real reasons."""

from __future__ import annotations

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.demo.environment import DemoEnvironment
from aiposture.results import Status

pytestmark = pytest.mark.integration

GUIDE, PARTIAL = "111122223333", "444455556666"
CHECKS = (
    "bedrock-api-key-long-term",
    "bedrock-api-key-administrative",
    "bedrock-full-access-policy-attached",
    "agentcore-full-access-policy-attached",
    "bedrock-agent-role-least-privilege",
    "bedrock-vpc-endpoints",
    "bedrock-invocation-logs-encrypted",
)


@pytest.fixture(scope="module")
def verdicts(demo_env: DemoEnvironment) -> dict[tuple[str, str], list[tuple[Status, str]]]:
    results = evaluate_snapshot(demo_env.collect(), demo_env.org.config).results
    out: dict[tuple[str, str], list[tuple[Status, str]]] = {}
    for r in results:
        if r.check_id in CHECKS:
            out.setdefault((r.account_id, r.check_id), []).append((r.status, r.message))
    return out


@pytest.mark.parametrize("check", CHECKS)
def test_the_guide_account_never_fails_or_errs(verdicts: dict, check: str) -> None:
    found = verdicts[(GUIDE, check)]
    assert {s for s, _ in found} <= {Status.PASS, Status.NOT_APPLICABLE}, found
    if check == "bedrock-api-key-administrative":  # no key at all: nothing to judge
        assert [s for s, _ in found] == [Status.NOT_APPLICABLE], found
    else:
        assert any(s is Status.PASS for s, _ in found)


def test_the_partial_accounts_developer_key(verdicts: dict) -> None:
    [(status, message)] = verdicts[(PARTIAL, "bedrock-api-key-long-term")]
    assert status is Status.FAIL and "BedrockAPIKey-dev-sandbox" in message
    assert "never expires" in message
    [(status, message)] = verdicts[(PARTIAL, "bedrock-api-key-administrative")]
    assert status is Status.FAIL and "AmazonBedrockFullAccess" in message
    [(status, message)] = verdicts[(PARTIAL, "bedrock-full-access-policy-attached")]
    assert status is Status.FAIL and "user BedrockAPIKey-dev-sandbox" in message


def test_the_partial_accounts_network_logs_and_agent_roles(verdicts: dict) -> None:
    roles = verdicts[(PARTIAL, "bedrock-agent-role-least-privilege")]
    assert roles and all(s is Status.FAIL for s, m in roles if "no permissions boundary" in m)
    assert any(
        s is Status.FAIL and "MakeItWork" in m and "no permissions boundary" in m for s, m in roles
    ), roles
    assert Status.FAIL in {s for s, _ in verdicts[(PARTIAL, "bedrock-vpc-endpoints")]}
    logs = verdicts[(PARTIAL, "bedrock-invocation-logs-encrypted")]
    assert any(s is Status.FAIL and "not SSE-KMS (AES256)" in m for s, m in logs)
