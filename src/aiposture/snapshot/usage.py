"""Whether a region uses AI: the inventory, the usage metrics and invocation logging, together.

Issue 16: a region is "AI in use" when any signal says so: an inventoried AI resource, a
usage metric (:attr:`RegionSnapshot.usage`) with a positive total over the window, or
Bedrock model invocation logging configured. It is "not in use" only when every signal
was read and none says so; otherwise nobody can tell, and a rule must not read "cannot
tell" as "not in use" (that would be a false PASS).

:func:`type_in_use` asks the same of one CloudTrail data-event resource type (a workload):
its own resources, the usage metrics of its family, and, for a type that cannot be listed,
any sign of AI in the region. The engine scopes per-workload checks by it
(``scan.regions_in_use``).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiposture.snapshot.inventory import RESOURCE_KINDS, ResourceKind, kinds_of
from aiposture.snapshot.models import BEDROCK_SERVICE, RegionSnapshot

BEDROCK_NAMESPACE = "AWS/Bedrock"
"""The CloudWatch namespace of Bedrock runtime (model) metrics."""
AGENTS_NAMESPACE = "AWS/Bedrock/Agents"
"""The CloudWatch namespace of Bedrock Agents runtime metrics (InvokeAgent, InvokeInlineAgent)."""
AGENTCORE_NAMESPACE = "Bedrock-AgentCore"
"""The CloudWatch namespace of AgentCore metrics (runtime, gateway, memory, built-in tools)."""

PREFERRED_METRICS = ("Invocations", "InvocationCount", "SessionCount", "LegacyModelInvocations")
"""The metrics a reason names first: counts of calls rather than of tokens or errors."""


@dataclass(frozen=True)
class Family:
    """The usage signals that speak for a group of data-event types."""

    namespace: str
    """The CloudWatch namespace whose metrics show the family's use."""
    words: str
    """How a reason names its use ("AgentCore use")."""
    invocation_logging: bool
    """Whether configured model invocation logging counts as a sign of the family's use."""


BEDROCK = Family(BEDROCK_NAMESPACE, "Bedrock use", invocation_logging=True)
"""Models and the other Bedrock types (knowledge bases, guardrails, flows, prompts...)."""
AGENTS = Family(AGENTS_NAMESPACE, "Bedrock agent use", invocation_logging=False)
"""Bedrock agents (agent aliases, inline agents)."""
AGENTCORE = Family(AGENTCORE_NAMESPACE, "AgentCore use", invocation_logging=False)
"""Every ``AWS::BedrockAgentCore::*`` type."""

AGENT_TYPES = frozenset({"AWS::Bedrock::AgentAlias", "AWS::Bedrock::InlineAgent"})
"""The data-event types whose use the Bedrock Agents metrics show."""


def family_of(data_event_type: str) -> Family:
    """The usage family of a data-event type (AgentCore, Bedrock agents, or Bedrock)."""
    if data_event_type.startswith("AWS::BedrockAgentCore::"):
        return AGENTCORE
    if data_event_type in AGENT_TYPES:
        return AGENTS
    return BEDROCK


def plural(label: str, count: int = 2) -> str:
    """``label`` in the plural when ``count`` is not 1 ("AgentCore memories")."""
    if count == 1:
        return label
    if label.endswith("s"):
        return label + "es"
    if label.endswith("y") and not label.endswith(("ay", "ey", "oy", "uy")):
        return label[:-1] + "ies"
    return label + "s"


def _either(words: list[str], conjunction: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def inventory_has_resources(region: RegionSnapshot) -> bool:
    """Whether any kind of the region's inventory holds at least one resource."""
    return any(items for items in (region.inventory or {}).values())


def kind_listed(region: RegionSnapshot, kind: ResourceKind) -> bool:
    """Whether ``kind`` was listed in the region (or its service is not offered there).

    A kind whose listing failed, or whose parent is unknown, has no key: it was not listed.
    A service named in ``services_not_offered`` under its botocore service name counts as
    listed (it has none of these resources).
    """
    if region.inventory is None:
        return False
    return kind.key in region.inventory or kind.service in region.services_not_offered


def unlisted_kinds(region: RegionSnapshot) -> list[ResourceKind]:
    """The kinds that were not listed in the region (every kind when the inventory was not read)."""
    return [kind for kind in RESOURCE_KINDS if not kind_listed(region, kind)]


def inventory_complete(region: RegionSnapshot) -> bool:
    """Whether every kind was listed (or its service is not offered in the region)."""
    return region.inventory is not None and not unlisted_kinds(region)


def metrics_show_use(region: RegionSnapshot) -> bool:
    """Whether any usage metric of the region has a total above zero over the window."""
    return region.usage is not None and any(m.total > 0 for m in region.usage.metrics)


def metric_totals(
    region: RegionSnapshot, namespace: str | None = None
) -> dict[tuple[str, str], float]:
    """The positive totals of the region's usage metrics, summed over their dimensions.

    Keyed by (namespace, metric name), the call counts first (:data:`PREFERRED_METRICS`);
    only ``namespace`` when it is given. Empty when the metrics were not read.
    """
    totals: dict[tuple[str, str], float] = {}
    for m in region.usage.metrics if region.usage is not None else []:
        if m.total > 0 and namespace in (None, m.namespace):
            key = (m.namespace, m.metric)
            totals[key] = totals.get(key, 0.0) + m.total

    def order(key: tuple[str, str]) -> tuple[int, str, str]:
        name = key[1]
        rank = (
            PREFERRED_METRICS.index(name) if name in PREFERRED_METRICS else len(PREFERRED_METRICS)
        )
        return (rank, key[0], name)

    return {key: totals[key] for key in sorted(totals, key=order)}


def _metric_words(key: tuple[str, str], total: float, days: int) -> str:
    return f"{key[0]} {key[1]}: {total:,.0f} in {days} days"


def invocation_logging_on(region: RegionSnapshot) -> bool | None:
    """Whether Bedrock model invocation logging is configured in the region.

    ``False`` where Bedrock is not offered (nothing can be configured there); ``None`` when
    the configuration was not read.
    """
    if region.invocation_logging is not None:
        return region.invocation_logging.enabled
    if BEDROCK_SERVICE in region.services_not_offered:
        return False
    return None


def _logging_off_words(region: RegionSnapshot) -> str:
    if BEDROCK_SERVICE in region.services_not_offered:
        return "Bedrock is not offered there"
    return "model invocation logging is off"


def region_signals(region: RegionSnapshot) -> tuple[list[str], list[str]]:
    """The signs of AI use in the region, and the signals that could not be read, in words.

    Signs: the inventoried resources, each usage metric with a positive total, configured
    model invocation logging. Unread: the inventory (or the kinds whose listing failed),
    the usage metrics, the invocation-logging configuration.
    """
    signs: list[str] = []
    unknown: list[str] = []
    if region.inventory is None:
        unknown.append("the AI inventory was not read (a snapshot taken before it existed)")
    else:
        count = sum(len(items) for items in region.inventory.values())
        if count:
            signs.append(f"{count} AI {plural('resource', count)} inventoried")
        missing = unlisted_kinds(region)
        if missing:
            labels = _either([plural(k.label) for k in missing], "and")
            unknown.append(f"{labels} could not be listed")
    if region.usage is None:
        unknown.append("the usage metrics (CloudWatch) were not read")
    else:
        days = region.usage.window_days
        signs.extend(_metric_words(k, t, days) for k, t in metric_totals(region).items())
    logging = invocation_logging_on(region)
    if logging:
        signs.append("Bedrock model invocation logging is configured")
    elif logging is None:
        unknown.append("the Bedrock model invocation logging configuration was not read")
    return signs, unknown


@dataclass(frozen=True)
class RegionFacts:
    """What :func:`type_in_use` needs of a region, read once for all its types."""

    signals: tuple[list[str], list[str]]
    """:func:`region_signals`: the signs of AI use and the signals not read, in words."""
    totals: dict[tuple[str, str], float]
    """:func:`metric_totals` of every namespace."""
    logging: bool | None
    """:func:`invocation_logging_on`."""


def region_facts(region: RegionSnapshot) -> RegionFacts:
    """The facts of ``region`` that every workload type's verdict reads."""
    return RegionFacts(region_signals(region), metric_totals(region), invocation_logging_on(region))


def ai_in_use(region: RegionSnapshot) -> bool | None:
    """Whether the region uses AI: ``True``, ``False``, or ``None`` when nobody can tell.

    ``True`` when any signal says so (:func:`region_signals`): a resource inventoried, a
    usage metric total above zero (a region with invocations but no resources is in use:
    quiet use, e.g. stolen keys invoking models), or model invocation logging configured.
    ``False`` only when the usage metrics, the whole inventory and the invocation-logging
    configuration were read and none shows anything. ``None`` otherwise: a signal that was
    not read (a failed call, or an old snapshot without it) cannot say no.
    """
    signs, unknown = region_signals(region)
    if signs:
        return True
    return None if unknown else False


def _listed_type(
    region: RegionSnapshot,
    data_event_type: str,
    kinds: tuple[ResourceKind, ...],
    facts: RegionFacts,
) -> tuple[bool | None, str]:
    """:func:`type_in_use` for a type with inventoried kinds."""
    name = region.region
    family = family_of(data_event_type)
    signs: list[str] = []
    unknown: list[str] = []
    if region.inventory is None:
        unknown.append(f"the AI inventory was not read in {name}")
    for kind in kinds:
        items = (region.inventory or {}).get(kind.key) or []
        if items:
            verb = "exists" if len(items) == 1 else "exist"
            signs.append(f"{len(items)} {plural(kind.label, len(items))} {verb} in {name}")
        elif region.inventory is not None and not kind_listed(region, kind):
            unknown.append(f"{plural(kind.label)} could not be listed in {name}")
    if region.usage is None:
        unknown.append(f"the usage metrics were not read in {name}")
    else:
        days = region.usage.window_days
        used = next(((k, t) for k, t in facts.totals.items() if k[0] == family.namespace), None)
        if used is not None:
            words = _metric_words(used[0], used[1], days)
            signs.append(f"{family.words} was seen in {name}: {words}")
    logging = facts.logging if family.invocation_logging else False
    if logging:
        signs.append(f"Bedrock model invocation logging is configured in {name}")
    elif logging is None:
        unknown.append(f"the Bedrock model invocation logging configuration was not read in {name}")
    if signs:
        return True, "; ".join(signs)
    if unknown:
        return None, "; ".join(unknown)
    assert region.usage is not None
    labels = _either([k.label for k in kinds])
    days = region.usage.window_days
    if family.invocation_logging:
        return False, (
            f"no {labels} exists in {name}, no {family.words} was seen in {days} days and "
            f"{_logging_off_words(region)}"
        )
    return False, f"no {labels} exists in {name} and no {family.words} was seen in {days} days"


def type_in_use(
    region: RegionSnapshot,
    data_event_type: str,
    *,
    facts: RegionFacts | None = None,
) -> tuple[bool | None, str]:
    """Whether the region uses the workload ``data_event_type`` (a CloudTrail ``resources.type``).

    Returns the verdict and why, in words (the message of a scoped-out check):

    - a type with inventoried kinds (:func:`kinds_of`) is in use when a resource of those
      kinds exists, or a usage metric of its family (:func:`family_of`: AgentCore, Bedrock
      agents, or Bedrock, where configured model invocation logging counts too) shows use;
      for example False with "no AgentCore gateway exists in eu-west-1 and no AgentCore use
      was seen in 30 days";
    - a type that cannot be listed (bedrock-mantle, sessions, tools, async invocations,
      inline agents, S3 objects, Lambda functions...) is in use wherever the region shows
      any sign of AI use (:func:`ai_in_use`); the reason is then the region's, the same for
      every such type ("no AI resource and no Bedrock, agent or AgentCore use was seen in
      eu-west-1 in 30 days, and model invocation logging is off").

    ``None`` when a signal that could say yes was not read (the listing failed, the metrics
    or the logging configuration were not read, an old snapshot): nobody can tell, and a
    check must then be judged as usual. ``facts`` is the region's :func:`region_facts`,
    when the caller has them already (they are the same for every type).
    """
    facts = facts if facts is not None else region_facts(region)
    kinds = kinds_of(data_event_type)
    if kinds:
        return _listed_type(region, data_event_type, kinds, facts)
    name = region.region
    signs, unknown = facts.signals
    if signs:
        return True, f"AI is in use in {name}: {'; '.join(signs)}"
    if unknown:
        return None, f"in {name}, {'; '.join(unknown)}"
    assert region.usage is not None
    return False, (
        f"no AI resource and no Bedrock, agent or AgentCore use was seen in {name} in "
        f"{region.usage.window_days} days, and {_logging_off_words(region)}"
    )
