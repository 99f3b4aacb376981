"""The minimum-call budget: the fewest AWS requests that could have produced a snapshot.

:func:`minimum_calls` walks a :class:`~aiposture.snapshot.models.Snapshot` and counts, per
``"service:Operation"``, the requests the collector has to send to read that evidence:
one per read, plus one per further page when a list is longer than the operation's page
size. A read recorded as a :class:`~aiposture.snapshot.models.CallError` still counts once:
it had to be sent to learn that it failed. Retries (throttling) are not part of the budget,
so ``actual / minimum`` measures the collector's overhead.

The count follows what the collector sends:

- per scan: ``sts:GetCallerIdentity``; for an organization scan, Organizations
  ``DescribeOrganization``, ``ListAccounts`` (20 accounts a page) and
  ``ListDelegatedAdministrators``;
- per account other than the scanning identity's own: ``sts:AssumeRole`` (an account whose
  AssumeRole failed costs only that request); the own account costs one too when a role in
  it was tried (its ``identity_arn`` is not the scanning identity's, or AssumeRole failed);
- per account: EC2 ``DescribeRegions``, Organizations ``DescribeOrganization`` and the
  CloudWatch dashboards (``ListDashboards``, a ``GetDashboard`` per dashboard; a snapshot
  written when dashboards were read per region counts them per region);
- per scanned region: CloudTrail ``DescribeTrails``, Bedrock
  ``GetModelInvocationLoggingConfiguration`` and the detection layer (alarms, Contributor
  Insights rules, saved queries once per query language, GuardDuty, the alarms' SNS
  topics, the filters of each log group read). A region that was not scanned but holds a delivery log group
  costs the log-group reads, and the detection layer only when its evidence shows it ran;
- per scanned region, the inventory (:mod:`aiposture.collect.inventory`): one listing per
  kind of an offered service (a service in ``services_not_offered`` costs nothing), one
  more per further page; a child kind (agent aliases, flow aliases, gateway targets,
  runtime endpoints) is listed once per parent (with its own pages), and not at all when
  the parent listing failed. A failed listing counts once;
- per scanned region, each inventoried resource's own configuration
  (:mod:`aiposture.collect.inventory_details`): one Get per item of each kind in
  :data:`~aiposture.snapshot.inventory.DETAIL_OPERATIONS`, and for a knowledge base its
  ListDataSources pages and one GetDataSource per data source;
- per scanned region, the usage signals (:mod:`aiposture.collect.usage`): CloudWatch
  ``ListMetrics`` once per namespace (and per further page of the metrics kept), then one
  ``GetMetricData`` per batch of :data:`~aiposture.collect.usage.MAX_QUERIES` metrics
  (none when no metric was found). A failed ListMetrics costs one request; a failed
  GetMetricData costs every namespace's ListMetrics and one GetMetricData;
- per account and per scanned region, the AI access reads (IAM, VPC endpoints, the
  invocation-log bucket): :mod:`aiposture.collect.budget_access`;
- per scanned region whose event history was read: CloudTrail ``LookupEvents``, one call per
  page of 50 events of each event name (one for a name without events, one for a name that
  failed: :func:`~aiposture.collect.history.minimum_lookup_calls`);
- per trail: ``GetTrailStatus``, ``GetEventSelectors``, ``GetInsightSelectors``,
  ``GetEventConfiguration`` and ``ListTags``; only ``GetTrailStatus`` for a trail another
  account owns (``Trail.owner_reads_skipped``: an organization trail seen from a member).

A page of an inventory listing holds the fewest of what the collector asks for
(``maxResults``) and what the botocore model allows in the answer's list (``max`` of the
paginator's ``result_key`` member: 10 for most ``bedrock-agent`` summaries), see
:func:`inventory_page_size`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache

from aiposture.collect import (
    inventory_agentcore,
    inventory_agents,
    inventory_bedrock,
    inventory_details,
    usage,
)
from aiposture.collect.botocore_data import data_session
from aiposture.collect.budget_access import access_account_calls, access_region_calls
from aiposture.collect.cloudtrail import OWNER_ONLY_OPERATIONS
from aiposture.collect.detection import QUERY_LANGUAGES
from aiposture.collect.history import OPERATION as HISTORY_OPERATION
from aiposture.collect.history import SERVICE as HISTORY_SERVICE
from aiposture.collect.history import minimum_lookup_calls
from aiposture.snapshot.inventory import (
    DETAIL_EXTRA_OPERATIONS,
    DETAIL_OPERATIONS,
    KINDS_BY_KEY,
    RESOURCE_KINDS,
    ResourceKind,
)
from aiposture.snapshot.models import (
    BEDROCK_SERVICE,
    AccountSnapshot,
    CallError,
    RegionSnapshot,
    Snapshot,
)

__all__ = [
    "PAGE_SIZES",
    "excess_calls",
    "inventory_page_size",
    "minimum_calls",
    "pages",
]

PAGE_SIZES: dict[str, int] = {
    "organizations:ListAccounts": 20,
    "cloudwatch:DescribeAlarms": 100,
    "cloudwatch:DescribeInsightRules": 500,
    "logs:DescribeQueryDefinitions": 1000,
    "logs:DescribeMetricFilters": 50,
    "logs:DescribeSubscriptionFilters": 50,
    "guardduty:ListDetectors": 50,
    "sns:ListSubscriptionsByTopic": 100,
    "cloudwatch:ListMetrics": 500,  # "Up to 500 results are returned for any one call"
}
"""The most items one page of each paginated operation returns (inventory listings:
:func:`inventory_page_size`)."""

_REQUESTED_PAGE_SIZES: dict[str, int] = {
    inventory_bedrock.SERVICE: inventory_bedrock.PAGE_SIZE,
    inventory_bedrock.DATA_AUTOMATION: inventory_bedrock.PAGE_SIZE,
    inventory_agents.SERVICE: inventory_agents.PAGE_SIZE,
}
"""The ``maxResults`` the inventory readers send, per service (AgentCore: per operation)."""

_INVENTORY_OPERATIONS = frozenset(f"{k.service}:{k.operation}" for k in RESOURCE_KINDS)
_USAGE_OPERATIONS = frozenset({"cloudwatch:ListMetrics", "cloudwatch:GetMetricData"})


_DETECTION_OPERATIONS = frozenset(
    {
        "cloudwatch:DescribeAlarms",
        "cloudwatch:DescribeInsightRules",
        "cloudwatch:ListDashboards",
        "cloudwatch:GetDashboard",
        "logs:DescribeQueryDefinitions",
        "logs:DescribeMetricFilters",
        "logs:DescribeSubscriptionFilters",
        "guardduty:ListDetectors",
        "guardduty:GetDetector",
        "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic",
    }
)


def pages(key: str, items: int) -> int:
    """The requests needed to list ``items`` items with ``key`` (at least one)."""
    size = PAGE_SIZES[key]
    return max(1, -(-items // size))


def inventory_page_size(kind: ResourceKind) -> int:
    """The most items one page of ``kind``'s listing returns.

    The ``maxResults`` the reader asks for, capped by the ``max`` the botocore model sets
    on the answer's list (the paginator's ``result_key``), when it sets one.
    """
    if kind.service == inventory_agentcore.SERVICE:
        requested = inventory_agentcore.PAGE_SIZES[kind.operation]
    else:
        requested = _REQUESTED_PAGE_SIZES[kind.service]
    cap = _listed_max(kind.service, kind.operation)
    return min(requested, cap) if cap else requested


@cache
def _listed_max(service: str, operation: str) -> int | None:
    """The model's ``max`` on the list a page of ``operation`` returns (None: unbounded)."""
    session = data_session()
    paginator = session.get_paginator_model(service).get_paginator(operation)
    result_key = paginator["result_key"]
    output = session.get_service_model(service).operation_model(operation).output_shape
    member = output.members[result_key] if output is not None else None
    cap = member.metadata.get("max") if member is not None else None
    return int(cap) if cap else None


def _pages_of(items: int, size: int) -> int:
    return max(1, -(-items // size))


def _key(error: CallError) -> str:
    return f"{error.service}:{error.operation}"


def _failed_resources(errors: Iterable[CallError], key: str) -> set[str]:
    """The distinct resources of the failed ``key`` calls (``""`` for a call without one)."""
    return {e.resource or "" for e in errors if _key(e) == key}


def _detection_ran(reg: RegionSnapshot) -> bool:
    """True when the region's evidence shows the detection layer was read."""
    fields = (
        reg.metric_filters,
        reg.subscription_filters,
        reg.alarms,
        reg.composite_alarms,
        reg.log_alarms,
        reg.sns_topics,
        reg.insight_rules,
        reg.query_definitions,
        reg.dashboards,
        reg.guardduty_detectors,
    )
    return any(f is not None for f in fields) or any(
        _key(e) in _DETECTION_OPERATIONS for e in reg.errors
    )


def _log_group_calls(reg: RegionSnapshot, calls: Counter[str]) -> None:
    """DescribeLogGroups for each log group read, or tried and failed, in the region."""
    read = {g.name for g in reg.log_groups}
    failed = _failed_resources(reg.errors, "logs:DescribeLogGroups") - read
    calls["logs:DescribeLogGroups"] += len(read) + len(failed)


def _dashboard_calls(
    dashboards: dict[str, str] | None, errors: list[CallError], calls: Counter[str]
) -> None:
    """One ListDashboards, and a GetDashboard per dashboard listed (read or failed)."""
    calls["cloudwatch:ListDashboards"] += 1
    if dashboards is not None:
        failed = _failed_resources(errors, "cloudwatch:GetDashboard") - set(dashboards)
        calls["cloudwatch:GetDashboard"] += len(dashboards) + len(failed)


def _query_calls(reg: RegionSnapshot, calls: Counter[str]) -> None:
    """DescribeQueryDefinitions once per query language, plus its further pages."""
    key = "logs:DescribeQueryDefinitions"
    definitions = reg.query_definitions or []
    for language in QUERY_LANGUAGES:
        count = sum(str(d.get("queryLanguage") or "CWLI") == language for d in definitions)
        calls[key] += pages(key, count)


def _detection_calls(reg: RegionSnapshot, calls: Counter[str], *, dashboards: bool = False) -> None:
    """The detection layer of one region: filters, alarms, topics, rules, queries, GuardDuty.

    ``dashboards``: the snapshot read dashboards per region (written before they were
    read once per account), so this region's count includes them.
    """
    for name in dict.fromkeys(g.name for g in reg.log_groups):
        for key, found in (
            ("logs:DescribeMetricFilters", reg.metric_filters),
            ("logs:DescribeSubscriptionFilters", reg.subscription_filters),
        ):
            listed = (found or {}).get(name)
            calls[key] += pages(key, len(listed) if listed is not None else 0)

    alarms = len(reg.alarms or []) + len(reg.composite_alarms or []) + len(reg.log_alarms or [])
    calls["cloudwatch:DescribeAlarms"] += pages("cloudwatch:DescribeAlarms", alarms)
    for topic in (reg.sns_topics or {}).values():
        calls["sns:GetTopicAttributes"] += 1
        subs = len(topic.subscriptions or [])
        calls["sns:ListSubscriptionsByTopic"] += pages("sns:ListSubscriptionsByTopic", subs)

    calls["cloudwatch:DescribeInsightRules"] += pages(
        "cloudwatch:DescribeInsightRules", len(reg.insight_rules or [])
    )
    _query_calls(reg, calls)

    if dashboards:
        _dashboard_calls(reg.dashboards, reg.errors, calls)

    ids = {str(d.get("DetectorId", "")) for d in reg.guardduty_detectors or []}
    if reg.guardduty_detectors is not None:
        failed = _failed_resources(reg.errors, "guardduty:GetDetector") - ids
        detectors = len(reg.guardduty_detectors) + len(failed)
        calls["guardduty:GetDetector"] += detectors
    else:
        detectors = 0
    calls["guardduty:ListDetectors"] += pages("guardduty:ListDetectors", detectors)


def _inventory_calls(reg: RegionSnapshot, calls: Counter[str]) -> None:
    """The inventory listings of one scanned region (see the module docstring)."""
    keys = {_key(e) for e in reg.errors}
    if reg.inventory is None and not keys & _INVENTORY_OPERATIONS:
        return  # a snapshot written before the inventory was read
    inventory = reg.inventory or {}
    for kind in RESOURCE_KINDS:
        if kind.service in reg.services_not_offered:
            continue
        key, size = f"{kind.service}:{kind.operation}", inventory_page_size(kind)
        found = inventory.get(kind.key)
        if kind.parent is None:
            calls[key] += _pages_of(len(found), size) if found is not None else 1
            continue
        parents = inventory.get(kind.parent)
        if parents is None:
            continue  # the parents are unknown: none of their children was listed
        if found is None:  # a child listing failed: each parent's still cost one
            calls[key] += len(parents)
            continue
        for parent in parents:
            children = sum(item.parent_arn == parent.arn for item in found)
            calls[key] += _pages_of(children, size)


def _detail_calls(reg: RegionSnapshot, calls: Counter[str]) -> None:
    """The Get of each listed item of a detailed kind, and a knowledge base's data sources.

    An item read costs its Get; a knowledge base read also costs its ListDataSources pages
    and one GetDataSource per data source. An item not read costs the calls up to the one
    that failed (a failed GetDataSource: at least one ListDataSources and that GetDataSource).
    """
    inventory = reg.inventory or {}
    failed = {(_key(e), e.resource or "") for e in reg.errors}
    for key, operation in DETAIL_OPERATIONS.items():
        kind = KINDS_BY_KEY[key]
        if kind.service in reg.services_not_offered:
            continue
        for item in inventory.get(key) or []:
            calls[f"{kind.service}:{operation}"] += 1
            if key not in DETAIL_EXTRA_OPERATIONS:
                continue
            list_op, get_op = (f"{kind.service}:{op}" for op in DETAIL_EXTRA_OPERATIONS[key])
            if item.details is not None:
                sources = item.details.get("dataSources") or []
                calls[list_op] += _pages_of(len(sources), inventory_details.DATA_SOURCE_PAGE_SIZE)
                calls[get_op] += len(sources)
            elif (list_op, item.arn) in failed:
                calls[list_op] += 1
            elif (get_op, item.arn) in failed:
                calls[list_op] += 1
                calls[get_op] += 1


def _usage_calls(reg: RegionSnapshot, calls: Counter[str]) -> None:
    """The usage signals of one scanned region (see the module docstring)."""
    failed = {_key(e) for e in reg.errors} & _USAGE_OPERATIONS
    namespaces = usage.USAGE_METRICS
    if reg.usage is not None:
        for namespace in namespaces:
            kept = sum(m.namespace == namespace for m in reg.usage.metrics)
            calls["cloudwatch:ListMetrics"] += pages("cloudwatch:ListMetrics", kept)
        metrics = len(reg.usage.metrics)
        calls["cloudwatch:GetMetricData"] += -(-metrics // usage.MAX_QUERIES)
    elif "cloudwatch:ListMetrics" in failed:
        calls["cloudwatch:ListMetrics"] += 1
    elif "cloudwatch:GetMetricData" in failed:
        calls["cloudwatch:ListMetrics"] += len(namespaces)
        calls["cloudwatch:GetMetricData"] += 1


def _agent_telemetry_calls(reg: RegionSnapshot, calls: Counter[str]) -> None:
    """Pipeline B of one scanned region (:mod:`aiposture.collect.agent_telemetry`).

    Nothing when it was not read (Bedrock not offered, an older snapshot). Otherwise one
    GetTraceSegmentDestination, GetIndexingRules per page of 10 rules, DescribeLogGroups for
    ``aws/spans`` and per page of 50 runtime log groups, and DescribeLogStreams when
    ``aws/spans`` exists. A failed DescribeLogGroups is counted by :func:`_log_group_calls`
    (its ``resource`` names the group or prefix), so it is not counted again here.
    """
    found = reg.agent_telemetry
    if found is None:
        return
    calls["xray:GetTraceSegmentDestination"] += 1
    calls["xray:GetIndexingRules"] += _pages_of(len(found.indexing_rules or []), 10)
    if found.spans_log_group_read:
        calls["logs:DescribeLogGroups"] += 1
    if found.spans_log_group is not None:
        calls["logs:DescribeLogStreams"] += 1
    if found.runtime_log_groups is not None:
        calls["logs:DescribeLogGroups"] += _pages_of(len(found.runtime_log_groups), 50)


def _account_calls(acct: AccountSnapshot, own_arn: str | None, calls: Counter[str]) -> None:
    """``own_arn`` is the scanning identity's ARN when ``acct`` is its own account."""
    assume_failed = any(_key(e) == "sts:AssumeRole" for e in acct.errors)
    if own_arn is None:
        calls["sts:AssumeRole"] += 1
        if assume_failed:
            return
    elif assume_failed or (acct.identity_arn or own_arn) != own_arn:
        # a role in the own account was tried: read with it, or with the base credentials
        calls["sts:AssumeRole"] += 1

    calls["ec2:DescribeRegions"] += 1
    calls["organizations:DescribeOrganization"] += 1
    per_region_dashboards = not acct.dashboards_per_account and any(
        reg.dashboards is not None
        or any(_key(e) == "cloudwatch:ListDashboards" for e in reg.errors)
        for reg in acct.regions.values()
    )  # a snapshot written when dashboards were read in every region
    if not per_region_dashboards:
        _dashboard_calls(acct.dashboards, acct.errors, calls)

    scanned = list(dict.fromkeys(acct.scanned_regions))
    owned = sum(not t.owner_reads_skipped for t in acct.trails)
    calls["cloudtrail:GetTrailStatus"] += len(acct.trails)
    for operation in OWNER_ONLY_OPERATIONS:
        calls[f"cloudtrail:{operation}"] += owned
    calls["cloudtrail:DescribeTrails"] += len(scanned)
    calls["bedrock:GetModelInvocationLoggingConfiguration"] += sum(
        BEDROCK_SERVICE not in acct.regions.get(r, RegionSnapshot(region=r)).services_not_offered
        for r in scanned
    )  # not called where botocore's endpoint data does not offer Bedrock
    for region, reg in acct.regions.items():
        _log_group_calls(reg, calls)
        if region in scanned or _detection_ran(reg):
            _detection_calls(reg, calls, dashboards=per_region_dashboards)
        if region in scanned:
            _inventory_calls(reg, calls)
            _detail_calls(reg, calls)
            _usage_calls(reg, calls)
            _agent_telemetry_calls(reg, calls)
            access_region_calls(reg, calls)
        if reg.event_history is not None:  # one call per page of each event name
            calls[f"{HISTORY_SERVICE}:{HISTORY_OPERATION}"] += minimum_lookup_calls(
                reg.event_history, reg.errors
            )
    access_account_calls(acct, calls)
    for region in scanned:
        if region not in acct.regions:  # scanned, yet no evidence kept: still read
            _detection_calls(RegionSnapshot(region=region), calls, dashboards=per_region_dashboards)


def minimum_calls(snapshot: Snapshot, *, org: bool = False, org_accounts: int = 0) -> Counter[str]:
    """The fewest requests, per ``"service:Operation"``, that could have produced ``snapshot``.

    ``org`` says the scan discovered an organization of ``org_accounts`` accounts (every
    account ListAccounts returns, scanned or not).
    """
    calls: Counter[str] = Counter()
    calls["sts:GetCallerIdentity"] += 1
    if org:
        calls["organizations:DescribeOrganization"] += 1
        calls["organizations:ListAccounts"] += pages("organizations:ListAccounts", org_accounts)
        calls["organizations:ListDelegatedAdministrators"] += 1
    identity = snapshot.identity
    for acct in snapshot.accounts:
        own = identity is not None and acct.account_id == identity.account
        _account_calls(acct, identity.arn if own and identity else None, calls)
    return calls


def excess_calls(actual: Counter[str], minimum: Counter[str]) -> Counter[str]:
    """The requests in ``actual`` beyond ``minimum``, per operation (only positive counts)."""
    return Counter({k: n - minimum[k] for k, n in actual.items() if n > minimum[k]})
