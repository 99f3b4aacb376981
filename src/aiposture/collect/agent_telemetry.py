"""Pipeline B of the guide, agent telemetry (ADOT), as one region shows it.

Transaction Search, ``aws/spans`` and the AgentCore runtime log groups.

The guide ("Pipeline B: Agent Telemetry (collected by ADOT SDK)") says AgentCore runtimes
send telemetry "to ``aws/spans`` and ``/aws/bedrock-agentcore/runtimes/<agent>``" and asks
to "Enable CloudWatch Transaction Search"; its cross-pipeline Queries 19, 20 and 22 read
``aws/spans``. What this module reads, per region (Transaction Search is configured per
account and Region, CloudWatch User Guide, Enable-TransactionSearch.html):

- X-Ray ``GetTraceSegmentDestination`` (no input; ``Destination`` ``XRay`` or
  ``CloudWatchLogs``, ``Status`` ``PENDING`` or ``ACTIVE``, botocore ``xray`` model 1.44):
  "The Transaction Search feature requires a CloudWatchLogs destination" (API reference).
- X-Ray ``GetIndexingRules`` (input ``NextToken`` only, no paginator in botocore; the answer
  lists 1 to 10 rules): the ``Default`` rule's ``Probabilistic.DesiredSamplingPercentage`` is
  the share of spans indexed as trace summaries (1 % by default, free of charge).
- CloudWatch Logs ``DescribeLogGroups`` with ``logGroupNamePrefix=aws/spans`` (the exact
  name is kept), then ``DescribeLogStreams`` on it with ``orderBy=LastEventTime``,
  ``descending=True``, ``limit=1``: the stream with the latest event. ``lastEventTimestamp``
  "updates on an eventual consistency basis. It typically updates in less than an hour from
  ingestion, but in rare situations might take longer" (botocore ``logs`` model 1.44,
  ``LogStream.lastEventTimestamp``; CloudWatch Logs API reference, DescribeLogStreams), so
  the freshness the rules judge is accurate to about an hour. AWS refuses
  ``logStreamNamePrefix`` together with ``orderBy=LastEventTime``; none is sent.
- CloudWatch Logs ``DescribeLogGroups`` with ``logGroupNamePrefix=/aws/bedrock-agentcore/runtimes/``
  (every page, 50 a page): AgentCore names a runtime's log group
  ``/aws/bedrock-agentcore/runtimes/<agent_id>-<endpoint_name>`` (AgentCore Developer Guide,
  observability-view.html "View logs", and the runtime troubleshooting page); the rules
  match each inventoried runtime to the groups that start with its id.

Read only where Bedrock is offered (:func:`read_agent_telemetry` is called by
:func:`aiposture.collect.account.read_region`): the guide's pipeline B observes agents that
call Bedrock models (Queries 19 and 20 keep spans with ``gen_ai.system = aws.bedrock``), and
the AgentCore inventory is read only there too. Every failed call is a
:class:`~aiposture.snapshot.models.CallError` in the region's ``errors`` (its ``resource``
names the log group or prefix for the Logs calls), and the member it would have filled
stays ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiposture.collect.detection import ClientFor, plain
from aiposture.collect.logs import log_group_from_description
from aiposture.collect.partitions import service_offered
from aiposture.collect.recorder import record_call
from aiposture.collect.responses import MalformedResponse
from aiposture.snapshot.models import BEDROCK_SERVICE, AgentTelemetry, LogGroup, RegionSnapshot

SERVICE = "xray"
"""The botocore service name of X-Ray (Transaction Search is an X-Ray setting)."""

SPANS_LOG_GROUP = "aws/spans"
"""The log group Transaction Search ingests spans into (CloudWatch User Guide,
CloudWatch-Transaction-Search-ingesting-span-log-groups.html)."""

RUNTIME_LOG_GROUP_PREFIX = "/aws/bedrock-agentcore/runtimes/"
"""The prefix of every AgentCore runtime log group, ``<prefix><agent_id>-<endpoint_name>``."""

DEFAULT_INDEXING_RULE = "Default"
"""The indexing rule every account has (``aws xray update-indexing-rule --name "Default"``,
CloudWatch User Guide, Enable-TransactionSearch.html)."""

LOG_GROUP_PAGE_SIZE = 50
"""DescribeLogGroups ``limit`` (the model's maximum, 50)."""

MAX_INDEXING_RULE_PAGES = 20
"""A bound on GetIndexingRules pages (AWS documents one ``Default`` rule; a page holds up to
10): an answer that keeps returning a token is malformed, not an endless list."""


def trace_segment_destination(client: Any) -> dict[str, Any]:
    """X-Ray GetTraceSegmentDestination: ``Destination`` and ``Status`` (raises on failure)."""
    answer = client.get_trace_segment_destination()
    if "Destination" not in answer:
        raise MalformedResponse(
            service=SERVICE,
            operation="GetTraceSegmentDestination",
            reason="the answer has no Destination",
        )
    found: dict[str, Any] = plain({k: answer[k] for k in ("Destination", "Status") if k in answer})
    return found


def indexing_rules(client: Any) -> list[dict[str, Any]]:
    """X-Ray GetIndexingRules, every page (raises on failure)."""
    rules: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(MAX_INDEXING_RULE_PAGES):
        page = client.get_indexing_rules(**({"NextToken": token} if token else {}))
        if not isinstance(page.get("IndexingRules"), list):
            raise MalformedResponse(
                service=SERVICE, operation="GetIndexingRules", reason="no IndexingRules list"
            )
        rules.extend(plain(page["IndexingRules"]))
        token = page.get("NextToken")
        if not token:
            return rules
    raise MalformedResponse(
        service=SERVICE,
        operation="GetIndexingRules",
        reason=f"still a NextToken after {MAX_INDEXING_RULE_PAGES} pages",
    )


def log_groups_by_prefix(client: Any, prefix: str, region: str, account_id: str) -> list[LogGroup]:
    """CloudWatch Logs DescribeLogGroups by ``logGroupNamePrefix``, every page."""
    pages = client.get_paginator("describe_log_groups").paginate(
        logGroupNamePrefix=prefix, PaginationConfig={"PageSize": LOG_GROUP_PAGE_SIZE}
    )
    return [
        log_group_from_description(desc, region, account_id)
        for page in pages
        for desc in page.get("logGroups") or []
        if str(desc.get("logGroupName", "")).startswith(prefix)
    ]


def latest_streams(client: Any, log_group: str) -> list[dict[str, Any]]:
    """DescribeLogStreams ordered by last event time, newest first, one stream."""
    answer = client.describe_log_streams(
        logGroupName=log_group, orderBy="LastEventTime", descending=True, limit=1
    )
    streams = answer.get("logStreams")
    if not isinstance(streams, list):
        raise MalformedResponse(
            service="logs", operation="DescribeLogStreams", reason="no logStreams list"
        )
    found: list[dict[str, Any]] = plain(streams[:1])
    return found


def read_agent_telemetry(clients: ClientFor, reg: RegionSnapshot, account_id: str) -> None:
    """Fill ``reg.agent_telemetry``; every failed call lands in ``reg.errors``.

    Nothing is read where botocore's endpoint data does not offer Bedrock (the region's
    ``services_not_offered`` says so; ``agent_telemetry`` stays ``None``).
    """
    region = reg.region
    if not service_offered(BEDROCK_SERVICE, region):
        return

    def read(
        service: str, operation: str, fn: Callable[..., Any], *args: Any, resource: str | None
    ) -> Any:
        return record_call(
            reg.errors,
            lambda: fn(clients(service, region), *args),
            service=service,
            operation=operation,
            region=region,
            account_id=account_id,
            resource=resource,
        )

    found = AgentTelemetry()
    found.trace_segment_destination = read(
        SERVICE, "GetTraceSegmentDestination", trace_segment_destination, resource=None
    )
    found.indexing_rules = read(SERVICE, "GetIndexingRules", indexing_rules, resource=None)
    spans = read(
        "logs",
        "DescribeLogGroups",
        log_groups_by_prefix,
        SPANS_LOG_GROUP,
        region,
        account_id,
        resource=SPANS_LOG_GROUP,
    )
    if spans is not None:
        found.spans_log_group_read = True
        found.spans_log_group = next((g for g in spans if g.name == SPANS_LOG_GROUP), None)
        if found.spans_log_group is not None:
            found.spans_latest_streams = read(
                "logs",
                "DescribeLogStreams",
                latest_streams,
                SPANS_LOG_GROUP,
                resource=SPANS_LOG_GROUP,
            )
    found.runtime_log_groups = read(
        "logs",
        "DescribeLogGroups",
        log_groups_by_prefix,
        RUNTIME_LOG_GROUP_PREFIX,
        region,
        account_id,
        resource=RUNTIME_LOG_GROUP_PREFIX,
    )
    reg.agent_telemetry = found
