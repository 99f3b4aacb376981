"""A metric whose namespace or name holds ``/`` is alarmed on exactly, never split.

CloudWatch allows ``/`` in both parts (botocore ``cloudwatch`` ``Namespace`` pattern
``[^:].*``, ``MetricName`` length 1-255; ``logs`` ``MetricNamespace`` and ``MetricName``
pattern ``[^:*$]*``), so ``Org/AI`` + ``ai/Name/count`` has no single ``/`` to split at.
The lab account's ``us-west-2`` region passes every detection; here its filters publish such
metrics and its alarms are taken away (its topics are kept), so the plan must alarm on the
passing filters' own metrics, and the plan must pass its own verification.
"""

from __future__ import annotations

import hcl2
import pytest

from aiposture.api import evaluate_snapshot
from aiposture.demo.environment import DemoEnvironment
from aiposture.engine.catalog import load_catalog
from aiposture.remediate.plan import PutMetricAlarm, PutMetricFilter
from aiposture.remediate.terraform import render_terraform
from aiposture.remediate.verify import plan_and_verify
from aiposture.snapshot.io import snapshot_sha256

pytestmark = pytest.mark.integration

LAB, WEST = "555566667777", "us-west-2"
NAMESPACE = "Org/AI"


def test_alarms_watch_a_slashed_namespace_and_name_exactly(demo_env: DemoEnvironment) -> None:
    snapshot = demo_env.collect()
    account = snapshot.account(LAB)
    assert account is not None
    region = account.regions[WEST]
    region.alarms, region.composite_alarms, region.log_alarms = [], [], []
    published: set[tuple[str, str]] = set()
    for entries in (region.metric_filters or {}).values():
        for entry in entries:
            for t in entry.get("metricTransformations") or []:
                t["metricNamespace"] = NAMESPACE
                t["metricName"] = f"ai/{t['metricName']}/count"
                published.add((NAMESPACE, t["metricName"]))
    assert published
    config = demo_env.org.config
    results = evaluate_snapshot(snapshot, config)
    plan, verification = plan_and_verify(
        snapshot, results, load_catalog(), config, snapshot_sha256(snapshot)
    )
    lab = plan.account(LAB)
    assert lab is not None
    steps = [s for s in lab.steps if s.region == WEST]
    assert not [s for s in steps if isinstance(s, PutMetricFilter)], "the filters already pass"
    alarms = [s for s in steps if isinstance(s, PutMetricAlarm)]
    assert len(alarms) >= 10
    watched = {(s.namespace, s.metric_name) for s in alarms}
    assert watched <= published, sorted(watched - published)
    assert verification.ok, [(c.check_id, c.region) for c in verification.not_fixed]
    fixed = {c.check_id for c in verification.fixed if c.account_id == LAB and c.region == WEST}
    assert len([c for c in fixed if c.startswith("alarm-")]) >= len(alarms)
    doc = hcl2.loads(render_terraform(plan, lab))
    in_terraform = {
        (body["namespace"].strip('"'), body["metric_name"].strip('"'))
        for block in doc["resource"]
        for body in (block.get('"aws_cloudwatch_metric_alarm"') or {}).values()
    }
    assert in_terraform == {
        (s.namespace, s.metric_name) for s in lab.steps if isinstance(s, PutMetricAlarm)
    }
