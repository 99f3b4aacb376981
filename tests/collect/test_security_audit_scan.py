"""A scan by an identity with only the AWS managed policy SecurityAudit, over moto's HTTP server.

The demo organization is served behind the project's fault injector
(:mod:`aiposture.testing.faults`), which denies every read SecurityAudit does not grant (from
the managed-policy data, :mod:`aiposture.iam.managed_policies`) with the AccessDenied code
of each service's protocol. Every result that differs from the clean scan's is an ERROR
that names the missing IAM action and the statement that adds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from aiposture.api import evaluate_snapshot
from aiposture.collect.guard import COLLECTOR_OPERATIONS
from aiposture.collect.policy import iam_action
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo.environment import DemoServer
from aiposture.iam.managed_policies import SECURITY_AUDIT
from aiposture.results import Status
from aiposture.testing.fault_servers import fault_demo_server
from aiposture.testing.faults import FaultInjector, FaultPlan

pytestmark = pytest.mark.integration

REGION = "us-east-1"

NOT_IN_SECURITY_AUDIT = sorted(
    (service, operation)
    for service, operation in COLLECTOR_OPERATIONS
    if not SECURITY_AUDIT.grants(iam_action(service, operation))
)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[DemoServer, FaultInjector]]:
    """The demo organization (one region) behind a fault injector."""
    with fault_demo_server(regions=[REGION]) as found:
        yield found


def _verdicts(served: tuple[DemoServer, FaultInjector]) -> dict[tuple[Any, ...], list[Any]]:
    """The results of an organization scan, per (check, account, region)."""
    server, _ = served
    session = boto3.Session(
        aws_access_key_id=server.org.auditor_access_key_id,
        aws_secret_access_key=server.org.auditor_secret_access_key,
        region_name=REGION,
    )
    factory = SessionFactory(session=session, endpoint_url=server.endpoint_url)
    snapshot = collect(factory, CollectOptions(org=True, regions=[REGION], workers=8))
    found: dict[tuple[Any, ...], list[Any]] = {}
    config = server.org.config  # every region judged in full: see test_malformed_answers
    config = config.model_copy(
        update={"scan": config.scan.model_copy(update={"regions_in_use": "all"})}
    )
    for r in evaluate_snapshot(snapshot, config).results:
        found.setdefault((r.check_id, r.account_id, r.region), []).append(r)
    return found


def _statuses(results: list[Any]) -> list[Status]:
    return sorted(r.status for r in results)


def test_security_audit_alone_gives_errors_that_name_the_missing_action(
    served: tuple[DemoServer, FaultInjector],
) -> None:
    assert ("cloudtrail", "GetEventConfiguration") in NOT_IN_SECURITY_AUDIT
    assert ("cloudwatch", "GetMetricData") in NOT_IN_SECURITY_AUDIT
    injector = served[1]
    injector.set_plan(FaultPlan())
    clean = _verdicts(served)
    injector.set_plan(FaultPlan(deny=tuple((None, s, o) for s, o in NOT_IN_SECURITY_AUDIT)))
    injector.reset()
    try:
        audited = _verdicts(served)
        assert injector.counts().denied, "the plan must really deny"
    finally:
        injector.set_plan(FaultPlan())
    assert audited.keys() == clean.keys()
    changed = {k: rs for k, rs in audited.items() if _statuses(rs) != _statuses(clean[k])}
    assert {k[0] for k in changed} >= {
        "det-event-aggregation-api-activity",
        "det-event-aggregation-resource-access",
        "det-event-aggregation-user-actions",
    }
    for result in (r for rs in changed.values() for r in rs):
        assert result.status is Status.ERROR, (result.check_id, result.message)
        assert any(
            f"lacks {iam_action(s, o)} (SecurityAudit does not grant it: attach ReadOnlyAccess or "
            "the statement `aiposture policy --security-audit-addition` prints)"
            in result.message
            or f"lacks {iam_action(s, o)} (neither ReadOnlyAccess nor SecurityAudit grants it"
            in result.message
            for s, o in NOT_IN_SECURITY_AUDIT
        ), (result.check_id, result.message)
    print(
        f"\n{len(changed)} verdicts turned ERROR naming the action: {sorted({k[0] for k in changed})}"
    )
