"""What a new data-event selector is expected to cost: an estimate, from the usage signal.

CloudTrail charges every data event a trail delivers (the first copy included), at a list
price per 100,000 events (``remediation.data_event_price_usd_per_100k``). The volume is
estimated from the region's usage metrics (:attr:`RegionSnapshot.usage`, summed over its
window): AWS/Bedrock ``Invocations`` for ``AWS::Bedrock::Model``, AWS/Bedrock/Agents
``InvocationCount`` for agent aliases, Bedrock-AgentCore ``Invocations`` for the AgentCore
types, each invocation counted as one data event. That is an estimate, and for the
namespaces shared by several types an upper bound; a type with no such metric has no
estimate ("volume unknown"), never a zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from aiposture.remediate.plan import DataEventCost
from aiposture.snapshot.models import MetricUse, Snapshot

DAYS_PER_MONTH = 30
"""The month of the monthly figure."""

_MODEL = ("AWS/Bedrock", "Invocations")
_AGENTS = ("AWS/Bedrock/Agents", "InvocationCount")
_AGENTCORE = ("Bedrock-AgentCore", "Invocations")


def usage_metric(resource_type: str) -> tuple[str, str] | None:
    """The (namespace, metric) whose sum estimates the data events of ``resource_type``."""
    if resource_type == "AWS::Bedrock::Model":
        return _MODEL
    if resource_type == "AWS::Bedrock::AgentAlias":
        return _AGENTS
    if resource_type.startswith("AWS::BedrockAgentCore::"):
        return _AGENTCORE
    return None


def _total(metrics: Iterable[MetricUse], namespace: str, name: str) -> float:
    """The metric's total over the window, counting each invocation once.

    CloudWatch publishes the same invocations under several dimension sets (per model, per
    operation and model...): each set adds up to the whole, so the sums are grouped by the
    dimension names and the largest group is the total.
    """
    groups: dict[frozenset[str], float] = defaultdict(float)
    for m in metrics:
        if m.namespace == namespace and m.metric == name:
            groups[frozenset(m.dimensions)] += m.total
    return max(groups.values(), default=0.0)


def estimate(
    snapshot: Snapshot,
    resource_type: str,
    places: Iterable[tuple[str, str]],
    price_usd_per_100k: float,
) -> DataEventCost:
    """The expected cost of logging ``resource_type`` in ``places`` (account, region)."""
    metric = usage_metric(resource_type)
    where = sorted(set(places))
    if metric is None:
        return DataEventCost(
            resource_type=resource_type,
            price_usd_per_100k=price_usd_per_100k,
            basis="volume unknown (no usage metric for this type)",
            unknown_places=[f"{a}/{r}" for a, r in where],
        )
    namespace, name = metric
    per_day = 0.0
    known: list[str] = []
    unknown: list[str] = []
    windows: set[int] = set()
    for account_id, region in where:
        acct = snapshot.account(account_id)
        reg = acct.regions.get(region) if acct is not None else None
        usage = reg.usage if reg is not None else None
        if usage is None or usage.window_days <= 0:
            unknown.append(f"{account_id}/{region}")
            continue
        per_day += _total(usage.metrics, namespace, name) / usage.window_days
        known.append(f"{account_id}/{region}")
        windows.add(usage.window_days)
    if not known:
        return DataEventCost(
            resource_type=resource_type,
            price_usd_per_100k=price_usd_per_100k,
            basis=f"volume unknown (the {namespace} metrics were not read)",
            unknown_places=unknown,
        )
    days = "/".join(str(d) for d in sorted(windows))
    basis = (
        f"estimate from {namespace} {name} over the last {days} days in "
        + ", ".join(known)
        + ", one data event per invocation (an upper bound: the selector may keep only "
        "some operations, and the metric may count other resources of the service)"
    )
    if unknown:
        basis += "; volume unknown in " + ", ".join(unknown) + " (usage metrics not read)"
    return DataEventCost(
        resource_type=resource_type,
        price_usd_per_100k=price_usd_per_100k,
        events_per_day=round(per_day, 1),
        usd_per_month=round(per_day * DAYS_PER_MONTH * price_usd_per_100k / 100_000, 4),
        basis=basis,
        unknown_places=unknown,
    )
