"""Where no topic has a confirmed subscriber, the plan asks for one instead of inventing it.

The lab account's ``us-west-2`` region passes every detection. Here its alarms and topics are
taken away (read, and empty): the filters still count the right events, so the guide's alarms
are due, but nobody could be notified. The plan must name ``remediation.alarm_topic_arns``
for each, and use the topic once the configuration lists one.
"""

from __future__ import annotations

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.config import Config
from aiposture.demo.environment import DemoEnvironment
from aiposture.engine.catalog import load_catalog
from aiposture.remediate.plan import Plan, PutMetricAlarm, Verification
from aiposture.remediate.verify import plan_and_verify
from aiposture.snapshot.io import snapshot_sha256
from aiposture.snapshot.models import Snapshot

pytestmark = pytest.mark.integration

LAB, WEST = "555566667777", "us-west-2"
TOPIC_KEY = "remediation.alarm_topic_arns"
TOPIC = f"arn:aws:sns:{WEST}:{LAB}:soc-pager"


def _without_alarms_or_topics(demo_env: DemoEnvironment) -> Snapshot:
    snapshot = demo_env.collect()
    account = snapshot.account(LAB)
    assert account is not None
    region = account.regions[WEST]
    region.alarms, region.composite_alarms, region.log_alarms = [], [], []
    region.sns_topics = {}
    return snapshot


def _plan(snapshot: Snapshot, config: Config) -> tuple[Plan, Verification]:
    results = evaluate_snapshot(snapshot, config)
    return plan_and_verify(snapshot, results, load_catalog(), config, snapshot_sha256(snapshot))


def test_alarms_without_a_confirmed_topic_name_the_config_key(demo_env: DemoEnvironment) -> None:
    plan, verification = _plan(_without_alarms_or_topics(demo_env), demo_env.org.config)
    lab = plan.account(LAB)
    assert lab is not None
    asking = [s for s in lab.unresolved if s.config_key == TOPIC_KEY and s.region == WEST]
    assert asking, [s.reason for s in lab.unresolved]
    assert any("confirmed subscriber" in s.reason for s in asking)
    assert not [s for s in lab.steps if isinstance(s, PutMetricAlarm) and s.region == WEST]
    assert verification.ok


def test_a_configured_topic_is_used_for_the_guide_alarms(demo_env: DemoEnvironment) -> None:
    base = demo_env.org.config
    config = base.model_copy(
        update={"remediation": base.remediation.model_copy(update={"alarm_topic_arns": [TOPIC]})}
    )
    plan, _ = _plan(_without_alarms_or_topics(demo_env), config)
    lab = plan.account(LAB)
    assert lab is not None
    alarms = [s for s in lab.steps if isinstance(s, PutMetricAlarm) and s.region == WEST]
    assert alarms
    assert all(s.alarm_actions == [TOPIC] for s in alarms)
    assert not [s for s in lab.unresolved if s.config_key == TOPIC_KEY and s.region == WEST]
