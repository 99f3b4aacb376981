"""The same demo through moto's HTTP server, reached via AWS_ENDPOINT_URL like a user would."""

from __future__ import annotations

import json

import pytest

from aiposture import __version__
from aiposture.collect.scan import CollectOptions, collect
from aiposture.collect.session import SessionFactory
from aiposture.demo.environment import (
    DEMO_LOOKUP_EVENTS_PER_SECOND,
    DemoServer,
    demo_environment,
)
from aiposture.snapshot.models import Snapshot
from tests.collect.helpers import normalized

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", autouse=True)
def inprocess_snapshot() -> Snapshot:
    """Collected under mock_aws() before the server starts (both share moto's backends)."""
    with demo_environment() as env:
        return env.collect()


@pytest.fixture
def server_snapshot(server_env: DemoServer) -> Snapshot:
    org = server_env.org
    return collect(
        SessionFactory(),
        CollectOptions(
            regions=org.regions,
            assume_roles=org.assume_roles,
            history=True,  # as the in-process demo reads it (DemoEnvironment.options)
            lookup_events_per_second=DEMO_LOOKUP_EVENTS_PER_SECOND,
        ),
    )


def test_the_collector_goes_through_aws_endpoint_url(server_env: DemoServer) -> None:
    factory = SessionFactory()
    client = factory.client(factory.base_session(), "cloudtrail", "us-west-2")
    assert client.meta.endpoint_url == server_env.endpoint_url
    # botocore reads max_attempts=10 as ten retries: eleven attempts in all
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 11}
    assert f"aiposture/{__version__}" in client.meta.config.user_agent_extra


def test_server_snapshot_is_complete(server_snapshot: Snapshot) -> None:
    assert server_snapshot.identity is not None
    assert server_snapshot.identity.arn == "arn:aws:iam::111122223333:user/aiposture-auditor"
    assert [a.account_id for a in server_snapshot.accounts] == [
        "111122223333",
        "444455556666",
        "777788889999",
        "555566667777",
    ]
    assert not [e for a in server_snapshot.accounts for e in a.all_errors()]
    partial = server_snapshot.account("444455556666")
    assert partial is not None
    ops = partial.trails[0]
    assert ops.status is not None
    assert ops.status.latest_cloudwatch_logs_delivery_error == "AccessDenied"
    assert partial.regions["us-east-1"].log_groups[0].log_group_class == "INFREQUENT_ACCESS"


def test_both_transports_give_the_same_snapshot(
    inprocess_snapshot: Snapshot, server_snapshot: Snapshot
) -> None:
    left, right = normalized(inprocess_snapshot), normalized(server_snapshot)
    assert json.dumps(left, sort_keys=True, indent=1) == json.dumps(right, sort_keys=True, indent=1)
