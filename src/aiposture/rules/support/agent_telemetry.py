"""What the pipeline B rule kinds share (agent telemetry, ADOT).

The evidence is :attr:`RegionSnapshot.agent_telemetry
<aiposture.snapshot.models.RegionSnapshot.agent_telemetry>`, read by
:mod:`aiposture.collect.agent_telemetry` where Bedrock is offered. A member that was not
read gives ERROR naming the failed call, never PASS. Log group and runtime names come from
AWS and stay plain text in the messages.
"""

from __future__ import annotations

from aiposture.results import Status
from aiposture.rules.base import Outcome, RuleContext, describe_error, errors_for
from aiposture.rules.model_invocation_logging import bedrock_not_offered
from aiposture.snapshot.models import AgentTelemetry

SPANS_LOG_GROUP_NAME = "aws/spans"
"""The log group Transaction Search ingests spans into."""
RUNTIME_PREFIX = "/aws/bedrock-agentcore/runtimes/"
"""The prefix of every AgentCore runtime log group, ``<prefix><agent_id>-<endpoint_name>``."""


def not_applicable(ctx: RuleContext, what: str) -> list[Outcome] | None:
    """NOT_APPLICABLE where Bedrock is not offered (pipeline B is not read there), else None."""
    reason = bedrock_not_offered(ctx)
    if reason is None:
        return None
    return [Outcome(Status.NOT_APPLICABLE, f"{what} does not apply: {reason}.")]


def telemetry(ctx: RuleContext) -> AgentTelemetry | None:
    """The region's pipeline B evidence, None when it was not read."""
    reg = ctx.region_snapshot
    return reg.agent_telemetry if reg is not None else None


def why_unread(ctx: RuleContext, operation: str, resource: str | None = None) -> str:
    """The failed call that left a member unread (on ``resource`` first), else "not read"."""
    reg = ctx.region_snapshot
    errors = errors_for(reg.errors if reg else [], operation, resource)
    if resource is not None:
        errors = [e for e in errors if e.resource == resource] or errors
    return describe_error(errors[0]) if errors else f"{operation} was not read"
