"""The per-resource AI posture rules over each resource's own configuration (``details``).

The case files (``checks/ai-posture/*.cases.yaml``) hold one resource per case; these tests
hold what they cannot: several resources judged apart in one region, the shared helper's
reading of failed calls, and the customer-key and role-identity rules a user relies on.
"""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.config import Config
from aiposture.results import Status
from aiposture.rules import REGISTRY
from aiposture.rules.base import RuleContext
from aiposture.rules.execution_role_not_shared import (
    RoleNotSharedParams,
    execution_role_not_shared,
    role_identity,
)
from aiposture.rules.resource_customer_key import (
    CustomerKeyParams,
    key_class,
    resource_customer_key,
)
from aiposture.rules.support.details import DETAIL_CALLS, dig, kind_details
from aiposture.snapshot.inventory import DETAIL_OPERATIONS, KINDS_BY_KEY
from aiposture.snapshot.models import CallError, InventoryItem
from tests.builders import ACCOUNT, REGION, snapshot

KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PROMPT = "bedrock-agent:prompt"
AGENT = "bedrock-agent:agent"
RUNTIME = "bedrock-agentcore-control:runtime"
PROMPT_KEY = CustomerKeyParams(
    kind=PROMPT, key_path="customerEncryptionKeyArn", protects="its template"
)


def _prompt(pid: str, details: dict[str, Any] | None) -> InventoryItem:
    arn = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:prompt/{pid}"
    return InventoryItem(arn=arn, id=pid, name=pid.lower(), details=details)


def _ctx(
    inventory: dict[str, list[InventoryItem]],
    errors: list[CallError] | None = None,
    regions: tuple[str, ...] = (REGION,),
) -> RuleContext:
    snap = snapshot(regions=regions, region_errors={REGION: errors or []})
    account = snap.accounts[0]
    account.regions[REGION].inventory = inventory
    for other in regions[1:]:
        account.regions[other].inventory = {}
    return RuleContext(snapshot=snap, account=account, region=REGION, config=Config())


def _denied(operation: str, resource: str | None) -> CallError:
    return CallError(
        service="bedrock-agent",
        operation=operation,
        region=REGION,
        resource=resource,
        error_code="AccessDeniedException",
        message="not authorized",
    )


def test_each_resource_is_judged_apart_with_its_own_arn() -> None:
    good = _prompt("GOOD000001", {"customerEncryptionKeyArn": KEY})
    bare = _prompt("BARE000001", {"name": "bare"})
    unread = _prompt("UNREAD0001", None)
    ctx = _ctx({PROMPT: [good, bare, unread]}, [_denied("GetPrompt", unread.arn)])
    outcomes = resource_customer_key(PROMPT_KEY, ctx)
    by_arn = {o.resource_arn: o for o in outcomes}
    assert [by_arn[i.arn].status for i in (good, bare, unread)] == [
        Status.PASS,
        Status.FAIL,
        Status.ERROR,
    ]
    assert "GetPrompt in us-east-1 failed with AccessDeniedException" in by_arn[unread.arn].message


def test_a_failure_of_another_call_on_the_resource_is_not_blamed() -> None:
    """Only the kind's own detail calls explain missing details (not, say, a child listing)."""
    agent = InventoryItem(
        arn=f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent/AGNT000001", id="AGNT000001"
    )
    ctx = _ctx({AGENT: [agent]}, [_denied("ListAgentAliases", agent.arn)])
    found = kind_details(ctx, AGENT)
    assert found.unread and "ListAgentAliases" not in found.unread[0][1]
    assert "was not read (bedrock-agent:GetAgent)" in found.unread[0][1]


def test_a_service_the_region_does_not_offer_leaves_nothing_to_judge() -> None:
    ctx = _ctx({})
    region = ctx.region_snapshot
    assert region is not None
    region.services_not_offered["bedrock-agent"] = "not in botocore's endpoint data"
    (outcome,) = resource_customer_key(PROMPT_KEY, ctx)
    assert outcome.status is Status.NOT_APPLICABLE
    assert "not in botocore's endpoint data" in outcome.message


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (KEY, "customer"),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", "customer"),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/orders-data", "customer"),
        ("alias/aws/s3", "aws-managed"),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/bedrock", "aws-managed"),
        ("", None),
        ("   ", None),
        (None, None),
        (42, None),
    ],
)
def test_key_class(key: object, expected: str | None) -> None:
    assert key_class(key) == expected


def test_a_customer_key_pass_says_it_was_not_verified_with_describe_key() -> None:
    ctx = _ctx({PROMPT: [_prompt("GOOD000001", {"customerEncryptionKeyArn": KEY})]})
    (outcome,) = resource_customer_key(PROMPT_KEY, ctx)
    assert outcome.status is Status.PASS
    assert "kms:DescribeKey" in outcome.evidence["verified"]


def test_dig_reads_dotted_paths_and_tolerates_other_shapes() -> None:
    data = {"a": {"b": {"c": "x"}}, "l": [1]}
    assert dig(data, "a.b.c") == "x"
    assert dig(data, "a.missing.c") is None
    assert dig(data, "l.0") is None
    assert dig(None, "a") is None


def test_the_detail_calls_start_with_the_collectors_get_operation() -> None:
    assert set(DETAIL_CALLS) == set(DETAIL_OPERATIONS) <= set(KINDS_BY_KEY)
    assert all(DETAIL_CALLS[k][0] == op for k, op in DETAIL_OPERATIONS.items())


@pytest.mark.parametrize(
    ("one", "two", "same"),
    [
        (
            "arn:aws:iam::111122223333:role/Agent",
            "arn:aws:iam::111122223333:role/service-role/agent",
            True,
        ),
        ("arn:aws:iam::111122223333:role/Agent", "arn:aws:iam::444455556666:role/Agent", False),
        ("arn:aws:iam::111122223333:role/AgentA", "arn:aws:iam::111122223333:role/AgentB", False),
    ],
)
def test_role_identity(one: str, two: str, same: bool) -> None:
    assert (role_identity(one) == role_identity(two)) is same


def _runtime(rid: str, role: str | None) -> InventoryItem:
    arn = f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:runtime/{rid}"
    details = None if role is None else {"agentRuntimeArn": arn, "roleArn": role}
    return InventoryItem(arn=arn, id=rid, name=rid, details=details)


ROLES = RoleNotSharedParams.model_validate(
    {
        "agents": [
            {"kind": AGENT, "role_path": "agent.agentResourceRoleArn"},
            {"kind": RUNTIME, "role_path": "roleArn"},
        ]
    }
)


def test_a_shared_role_fails_even_when_another_agent_is_unknown() -> None:
    shared = f"arn:aws:iam::{ACCOUNT}:role/SharedRole"
    ctx = _ctx(
        {
            AGENT: [],
            RUNTIME: [
                _runtime("one-a1b2c3d4e5", shared),
                _runtime("two-a1b2c3d4e5", shared),
                _runtime("own-a1b2c3d4e5", f"arn:aws:iam::{ACCOUNT}:role/OwnRole"),
                _runtime("unread-a1b2c3d4e5", None),
            ],
        }
    )
    statuses = {
        o.resource_arn.rsplit("/", 1)[-1]: o.status
        for o in execution_role_not_shared(ROLES, ctx)
        if o.resource_arn
    }
    assert statuses == {
        "one-a1b2c3d4e5": Status.FAIL,
        "two-a1b2c3d4e5": Status.FAIL,
        "own-a1b2c3d4e5": Status.ERROR,
        "unread-a1b2c3d4e5": Status.ERROR,
    }


def test_the_role_rule_is_registered_as_an_account_rule() -> None:
    assert REGISTRY["execution_role_not_shared"].scope == "account"
    for name in (
        "resource_customer_key",
        "resources_exist",
        "agentcore_runtime_in_vpc",
        "agentcore_runtime_jwt_identity",
        "agentcore_gateway_authorizer",
    ):
        assert REGISTRY[name].scope == "account_region"


def test_an_unknown_kind_is_refused_when_the_catalog_loads() -> None:
    with pytest.raises(ValueError, match="unknown inventory kind"):
        CustomerKeyParams(kind="bedrock:nothing", key_path="k", protects="it")


def test_a_snapshot_without_inventory_is_error_never_none() -> None:
    """A snapshot written before the inventory existed cannot say no prompt exists."""
    ctx = _ctx({})
    region = ctx.region_snapshot
    assert region is not None
    region.inventory = None
    (outcome,) = resource_customer_key(PROMPT_KEY, ctx)
    assert outcome.status is Status.ERROR
    assert "holds no inventory of AI resources" in outcome.message
    roles = execution_role_not_shared(ROLES, ctx)
    assert [o.status for o in roles] == [Status.ERROR]
