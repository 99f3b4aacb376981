"""The demo's agent telemetry (pipeline B of the guide).

Transaction Search, ``aws/spans`` and the AgentCore runtime log groups:

- **guide** (every region): Transaction Search on (X-Ray segments to CloudWatch Logs,
  ``ACTIVE``, the ``Default`` indexing rule at 1 %), spans ingested into ``aws/spans`` an
  hour ago, and each of its runtimes' log group ``/aws/bedrock-agentcore/runtimes/<id>-DEFAULT``.
- **placeholder** (home region): the same, for its one runtime.
- **partial** (home region): Transaction Search was turned on, spans flowed ten days ago,
  then someone switched the destination back to X-Ray to save cost: ``aws/spans`` is stale
  and Transaction Search is off. Its runtime has no log group: its execution role was never
  given ``logs:CreateLogGroup`` on ``/aws/bedrock-agentcore/runtimes/*``. Its other region
  never had Transaction Search.
- **lab**: none (it runs no agent).

Written with plain boto3 calls: X-Ray ``UpdateTraceSegmentDestination``,
``UpdateIndexingRule`` and ``PutTraceSegments`` (which the moto extension
:mod:`aiposture.demo.moto_ext.xray_transaction_search` ingests into ``aws/spans`` while the
destination is CloudWatch Logs, as Transaction Search does), and CloudWatch Logs
``CreateLogGroup``/``CreateLogStream``/``PutLogEvents`` for the runtime's own logs.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from aiposture.demo.writers import SeedAccount

RUNTIME_LOG_PREFIX = "/aws/bedrock-agentcore/runtimes/"
"""AgentCore's runtime log groups: ``<prefix><agent_id>-<endpoint_name>``."""
RUNTIME_LOG_STREAM = "[runtime-logs] 6f1c2a4e-demo"
"""A stream as AgentCore names the runtime's stdout/stderr streams."""
INDEXING_PERCENTAGE = 1.0
"""The guide and placeholder accounts' indexing share: the AWS default (free)."""
PARTIAL_LAST_SPAN = timedelta(days=10)
"""How long ago the partial account's last span was ingested (older than the check's 7 days,
younger than the 14 days CloudWatch Logs accepts an event for)."""


def _segment(name: str, when: datetime) -> str:
    """One X-Ray segment document (X-Ray Developer Guide, segment documents) ending at ``when``."""
    end = when.timestamp()
    trace_id = f"1-{int(end) - 2:08x}-{secrets.token_hex(12)}"
    return json.dumps(
        {
            "name": name,
            "id": secrets.token_hex(8),
            "trace_id": trace_id,
            "start_time": end - 1.5,
            "end_time": end,
            "annotations": {"session_id": f"demo-session-{secrets.token_hex(4)}"},
        }
    )


def _set_destination(acct: SeedAccount, region: str, destination: str) -> None:
    """Send X-Ray segments to ``destination``; wait until the change is ACTIVE, as a script would."""
    xray = acct.client("xray", region)
    xray.update_trace_segment_destination(Destination=destination)
    for _ in range(10):
        if xray.get_trace_segment_destination().get("Status") == "ACTIVE":
            return
        time.sleep(0.1)


def _transaction_search(acct: SeedAccount, region: str) -> None:
    """Turn Transaction Search on, with the Default indexing rule at :data:`INDEXING_PERCENTAGE`."""
    _set_destination(acct, region, "CloudWatchLogs")
    acct.client("xray", region).update_indexing_rule(
        Name="Default", Rule={"Probabilistic": {"DesiredSamplingPercentage": INDEXING_PERCENTAGE}}
    )


def _spans(acct: SeedAccount, region: str, when: datetime) -> None:
    """Send a few agent spans through X-Ray, ending at ``when``."""
    docs = [_segment(name, when) for name in ("demo_agent", "invoke_model", "execute_tool")]
    acct.client("xray", region).put_trace_segments(TraceSegmentDocuments=docs)


def _runtime_ids(acct: SeedAccount, region: str) -> list[str]:
    client = acct.client("bedrock-agentcore-control", region)
    return [str(r["agentRuntimeId"]) for r in client.list_agent_runtimes()["agentRuntimes"]]


def _runtime_log_groups(acct: SeedAccount, region: str, now: datetime) -> None:
    """Each runtime's DEFAULT-endpoint log group, with one log line, as the runtime writes it."""
    logs = acct.client("logs", region)
    for runtime_id in _runtime_ids(acct, region):
        name = f"{RUNTIME_LOG_PREFIX}{runtime_id}-DEFAULT"
        acct.log_group(name, region, retention=365)
        logs.create_log_stream(logGroupName=name, logStreamName=RUNTIME_LOG_STREAM)
        logs.put_log_events(
            logGroupName=name,
            logStreamName=RUNTIME_LOG_STREAM,
            logEvents=[
                {"timestamp": int(now.timestamp() * 1000), "message": "agent invocation done"}
            ],
        )


def seed_agent_telemetry(
    guide: SeedAccount, partial: SeedAccount, placeholder: SeedAccount, regions: Sequence[str]
) -> None:
    """Write the agent telemetry of the guide, placeholder and partial accounts."""
    now = datetime.now(UTC)
    home = regions[0]
    for region in regions:
        _transaction_search(guide, region)
        _spans(guide, region, now - timedelta(hours=1))
    _runtime_log_groups(guide, home, now - timedelta(hours=1))

    _transaction_search(placeholder, home)
    _spans(placeholder, home, now - timedelta(hours=3))
    _runtime_log_groups(placeholder, home, now - timedelta(hours=3))

    _transaction_search(partial, home)
    _spans(partial, home, now - PARTIAL_LAST_SPAN)
    _set_destination(partial, home, "XRay")
