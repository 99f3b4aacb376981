"""Answers that are not what they claim, for every operation the collectors send.

The demo organization is served by moto's HTTP server behind the project's fault injector
(:mod:`aiposture.testing.faults`); an organization scan reads two of its accounts. For each
collector operation and each corruption (an
empty 200, moto's 200 cut in half, an HTML page with status 200, an answer that never
comes), an organization scan runs the real collectors and the results are compared with
the clean scan's:

- no result is PASS that the clean scan does not pass;
- every result that changed is ERROR, or a FAIL that holds whatever the lost answer said
  and names the recorded error (never a silent FAIL); the corrupted call is recorded as a
  failed call in the snapshot;
- a scan that cannot start at all (STS, Organizations) stops with one line;
- a lost answer never scopes a check out: nothing is NOT_APPLICABLE by use
  (``scan.regions_in_use = auto``) that the clean scan judged.

The verdicts are compared with every region judged in full (``regions_in_use = all``):
a lost inventory answer rightly stops scoping by use, and the check is then judged on its
own evidence, which the first two rules cover.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import boto3
import pytest

from aiposture.api import evaluate_snapshot
from aiposture.collect.deadline import Timeouts
from aiposture.collect.guard import COLLECTOR_OPERATIONS
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo.environment import DemoServer
from aiposture.engine.catalog import Catalog, load_catalog
from aiposture.errors import AiPostureError
from aiposture.results import Status
from aiposture.snapshot.inventory import RESOURCE_KINDS
from aiposture.snapshot.models import Snapshot
from aiposture.testing.fault_servers import fault_demo_server
from aiposture.testing.faults import CORRUPTIONS, FaultInjector, FaultPlan

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REGION = "us-east-1"
HANG_TIMEOUTS = Timeouts(connect_s=1.0, read_s=2.0, call_budget_s=3.0)
"""Short enough for the ``hang`` cases (the injector holds each answer 3.5 s: one
attempt times out, and a second could not finish within the budget), long enough that
moto's other answers never time out on a loaded machine (a 1 s read timeout did: a
ListMetrics that timed out left GetMetricData unsent, and its hang case unproven)."""

SCANNED = ["444455556666", "555566667777"]
"""The partial and lab accounts: between them every collector operation, and FAILs that a
lost answer could turn into a false PASS (the management account passes everything)."""

SCAN_STOPPERS = {("sts", "GetCallerIdentity"), ("organizations", "ListAccounts")}
"""Without these answers no scan can start: it must stop with one line instead."""

OPERATIONS = sorted(COLLECTOR_OPERATIONS)
INVENTORY_LISTINGS = {(kind.service, kind.operation) for kind in RESOURCE_KINDS}
REPRESENTATIVES = {
    ("bedrock", "ListGuardrails"),
    ("bedrock-agent", "ListAgentAliases"),  # a child listing
    ("bedrock-agentcore-control", "ListGatewayTargets"),  # a child listing
    ("bedrock-data-automation", "ListBlueprints"),
}
"""The inventory listings that get every corruption. The 26 listings go through one reader
per service and the same answer checks and per-call budget (one code path for every
operation), so each other listing gets one corrupted answer, the three kinds taken in turn:
every listing is still corrupted, and every corruption hits many listings."""


ONE_CORRUPTION: dict[tuple[str, str], str] = {
    ("xray", "GetTraceSegmentDestination"): "empty",
    ("xray", "GetIndexingRules"): "truncated",
    ("logs", "DescribeLogStreams"): "html",
    # each AI resource's own configuration (collect/inventory_details.py), kinds in turn
    ("bedrock", "GetGuardrail"): "empty",
    ("bedrock", "GetCustomModel"): "truncated",
    ("bedrock", "GetImportedModel"): "html",
    ("bedrock", "GetModelInvocationJob"): "empty",
    ("bedrock-agent", "GetAgent"): "truncated",
    ("bedrock-agent", "GetKnowledgeBase"): "html",
    ("bedrock-agent", "ListDataSources"): "empty",
    ("bedrock-agent", "GetDataSource"): "truncated",
    ("bedrock-agent", "GetFlow"): "html",
    ("bedrock-agent", "GetPrompt"): "empty",
    ("bedrock-agentcore-control", "GetAgentRuntime"): "truncated",
    ("bedrock-agentcore-control", "GetGateway"): "html",
    # the AI access reads (collect/iam_posture.py, collect/network_access.py), kinds in turn
    ("iam", "ListServiceSpecificCredentials"): "empty",
    ("iam", "ListAttachedUserPolicies"): "truncated",
    ("iam", "ListUserPolicies"): "html",
    ("iam", "GetUserPolicy"): "empty",
    ("iam", "ListGroupsForUser"): "truncated",
    ("iam", "ListAttachedGroupPolicies"): "html",
    ("iam", "ListGroupPolicies"): "empty",
    ("iam", "GetGroupPolicy"): "truncated",
    ("iam", "GetRole"): "html",
    ("iam", "ListAttachedRolePolicies"): "empty",
    ("iam", "ListRolePolicies"): "truncated",
    ("iam", "GetRolePolicy"): "html",
    ("iam", "GetPolicy"): "empty",
    ("iam", "GetPolicyVersion"): "truncated",
    ("iam", "ListEntitiesForPolicy"): "html",
    ("ec2", "DescribeVpcs"): "empty",
    ("ec2", "DescribeVpcEndpoints"): "truncated",
    ("s3", "GetBucketEncryption"): "html",
}
"""Pipeline B's reads (collect/agent_telemetry.py): one corrupted answer each, the kinds in
turn. They go through the same answer checks and per-call budget as every other read, and
the collector's own checks of each answer (a missing ``Destination``, ``IndexingRules`` or
``logStreams``) are tested in tests/collect/test_agent_telemetry.py. The Get calls that
read each AI resource's own configuration likewise share one code path
(collect/inventory_details.py); its model checks are tested in
tests/collect/test_inventory_details.py. The AI access reads (IAM once per account, VPC
endpoints and the invocation-log bucket per region) share the recorder's code path too;
their own handling is tested in tests/collect/test_iam_posture.py."""


NO_HANG = {("cloudtrail", "LookupEvents")}
"""Operations that get every corruption but ``hang``: the event history asks LookupEvents
once per event name (40), one after the other in each account-region, so a hang would cost
forty call budgets; the budget is the one code path every read shares (tested above)."""


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    others = sorted(INVENTORY_LISTINGS - REPRESENTATIVES)
    for svc, op in OPERATIONS:
        if (svc, op) in NO_HANG:
            cases.extend((svc, op, kind) for kind in CORRUPTIONS if kind != "hang")
        elif (svc, op) in ONE_CORRUPTION:
            cases.append((svc, op, ONE_CORRUPTION[(svc, op)]))
        elif (svc, op) in INVENTORY_LISTINGS and (svc, op) not in REPRESENTATIVES:
            kind = CORRUPTIONS[others.index((svc, op)) % 3]  # empty, truncated, html
            cases.append((svc, op, kind))
        else:
            cases.extend((svc, op, kind) for kind in CORRUPTIONS)
    return cases


CASES = _cases()

Key = tuple[str, str | None, str | None, str | None]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[DemoServer, FaultInjector]]:
    """The demo organization (one region) behind a fault injector."""
    with fault_demo_server(regions=[REGION]) as found:
        yield found


_SESSIONS: dict[str, boto3.Session] = {}
"""The auditor's session, one per server: every scan makes its own clients from it, and the
botocore models they are built from are parsed once, not once per case (a fresh session
spends more time loading them than the scan itself)."""


@cache
def _catalog() -> Catalog:
    """The check catalog, loaded once for every case (each evaluation only reads it)."""
    return load_catalog()


def _scan(served: tuple[DemoServer, FaultInjector], timeouts: Timeouts | None = None) -> Snapshot:
    server, _ = served
    session = _SESSIONS.get(server.endpoint_url)
    if session is None:
        session = _SESSIONS[server.endpoint_url] = boto3.Session(
            aws_access_key_id=server.org.auditor_access_key_id,
            aws_secret_access_key=server.org.auditor_secret_access_key,
            region_name=REGION,
        )
    factory = SessionFactory(session=session, endpoint_url=server.endpoint_url, timeouts=timeouts)
    options = CollectOptions(
        org=True,
        regions=[REGION],
        accounts=SCANNED,
        workers=8,
        history=True,  # LookupEvents too (moto answers at once: no need to wait out 2/s)
        lookup_events_per_second=1000.0,
    )
    return collect(factory, options)


def _verdicts(
    served: tuple[DemoServer, FaultInjector], snapshot: Snapshot, mode: str = "all"
) -> dict[Key, Any]:
    config = served[0].org.config
    config = config.model_copy(
        update={"scan": config.scan.model_copy(update={"regions_in_use": mode})}
    )
    results = evaluate_snapshot(snapshot, config, catalog=_catalog()).results
    return {(r.check_id, r.account_id, r.region, r.resource_arn): r for r in results}


def _scoped_out(verdicts: dict[Key, Any]) -> set[Key]:
    return {k for k, r in verdicts.items() if "scoping" in r.evidence}


@pytest.fixture(scope="module")
def clean(served: tuple[DemoServer, FaultInjector]) -> tuple[dict[Key, Any], dict[str, int]]:
    """The clean scan's verdicts (every region judged in full), and how often it sent each
    operation; ``clean_scoped`` holds what the clean scan scopes out by use."""
    served[1].reset()
    snapshot = _scan(served)
    assert not any(a.all_errors() for a in snapshot.accounts)
    _CLEAN_SCOPED.update(_scoped_out(_verdicts(served, snapshot, "auto")))
    assert _CLEAN_SCOPED, "the scanned accounts must have something scoped out by use"
    return _verdicts(served, snapshot), dict(served[1].counts().requests)


_CLEAN_SCOPED: set[Key] = set()


def test_the_clean_scan_sends_every_collector_operation(
    clean: tuple[dict[Key, Any], dict[str, int]],
) -> None:
    sent = clean[1]
    assert sorted(k for k in (f"{s}:{o}" for s, o in OPERATIONS) if not sent.get(k)) == []
    print(f"\n{len(CASES)} corrupted-answer cases: {len(OPERATIONS)} operations x {CORRUPTIONS}")


@pytest.mark.parametrize(("service", "operation", "kind"), CASES)
def test_a_corrupted_answer_is_an_error_never_a_verdict(
    served: tuple[DemoServer, FaultInjector],
    clean: tuple[dict[Key, Any], dict[str, int]],
    service: str,
    operation: str,
    kind: str,
) -> None:
    injector = served[1]
    injector.set_plan(FaultPlan(corrupt=((None, service, operation, kind),), hang_s=3.5))
    injector.reset()
    try:
        timeouts = HANG_TIMEOUTS if kind == "hang" else None
        if (service, operation) in SCAN_STOPPERS:
            with pytest.raises(AiPostureError) as stopped:
                _scan(served, timeouts)
            message = str(stopped.value)
            assert "\n" not in message and operation in message
            return
        snapshot = _scan(served, timeouts)
    finally:
        injector.set_plan(FaultPlan())
    assert injector.counts().corrupted[f"{service}:{operation}"] > 0

    recorded = [
        e
        for e in [*snapshot.errors, *(e for a in snapshot.accounts for e in a.all_errors())]
        if (e.service, e.operation) == (service, operation)
    ]
    assert recorded, f"the corrupted {service}:{operation} left no recorded error"
    codes = {"CallTimedOut"} if kind == "hang" else {"MalformedResponse"}
    assert {e.error_code for e in recorded} <= codes

    before = clean[0]  # every region judged in full
    judged = _verdicts(served, snapshot, "auto")
    # The lost answer scoped nothing out that the clean scan judged; what it judged is
    # compared with the clean scan judged in full (a lost inventory answer rightly stops
    # scoping by use: the check is then judged on its own evidence).
    scoped = _scoped_out(judged)
    assert scoped <= _CLEAN_SCOPED
    after = {k: r for k, r in judged.items() if k not in scoped}
    new_passes = [
        k
        for k, r in after.items()
        if r.status is Status.PASS and (k not in before or before[k].status is not Status.PASS)
    ]
    assert new_passes == []
    # A changed verdict is ERROR, or a FAIL that stands whatever the unread answer said
    # (a link broken elsewhere) and names the recorded error among what it could not verify.
    silent = [
        (k, before[k].status.value if k in before else None, r.status.value, r.message)
        for k, r in after.items()
        if r.status is not Status.ERROR
        and (k not in before or before[k].status is not r.status)
        and not (r.status is Status.FAIL and any(code in r.message for code in codes))
    ]
    assert silent == []
