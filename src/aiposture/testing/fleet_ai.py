"""AI resources and signs of use for the test fleet (:mod:`aiposture.testing.fleet`).

The fleet reuses the demo's seeders (:mod:`aiposture.demo.resources_bedrock`,
:mod:`~aiposture.demo.resources_agents`, :mod:`~aiposture.demo.resources_agentcore`,
:mod:`~aiposture.demo.resources_usage`), so its resources are written through the same
moto extensions (:mod:`aiposture.demo.moto_ext`) the demo uses. Every
:data:`AI_GROUP_EVERY`-th member starts a group of three consecutive members that play
the demo's guide, partial and placeholder accounts in one region (the groups take the
fleet's regions in turn): guardrails, a custom model, an inference profile, Data
Automation projects, agents and aliases, knowledge bases, flows and aliases, a prompt,
AgentCore gateways and targets, runtimes and endpoints, memories and the guide's tools and
identities. The guide's models are invoked in that region; the partial account's "quiet"
use lands in the fleet's last region. Every other account and region holds no AI resource
and no use, so a fleet scan reads both full and empty inventories, child listings
included.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiposture.demo.resources_agentcore import seed_agentcore_resources
from aiposture.demo.resources_agents import seed_agent_resources
from aiposture.demo.resources_bedrock import seed_bedrock_resources
from aiposture.demo.resources_usage import seed_usage_metrics
from aiposture.demo.writers import SeedAccount

__all__ = ["AI_GROUP_EVERY", "seed_fleet_ai"]

AI_GROUP_EVERY = 10
"""Members ``1, 11, 21, ...`` each start a group of three accounts with AI resources."""


def seed_fleet_ai(members: Sequence[SeedAccount], regions: Sequence[str]) -> dict[str, str]:
    """Write the AI resources of the fleet's groups; return ``{account id: region}`` of each.

    ``members`` are the fleet's members in order (member ``i`` at index ``i - 1``); a group
    needs three members, so a fleet of fewer than four accounts has none.
    """
    holders: dict[str, str] = {}
    for group, start in enumerate(range(0, len(members) - 2, AI_GROUP_EVERY)):
        guide, partial, placeholder = members[start : start + 3]
        region = regions[group % len(regions)]
        seed_bedrock_resources(guide, partial, placeholder, region)
        seed_agent_resources(guide, partial, placeholder, region)
        seed_agentcore_resources(guide, partial, placeholder, region)
        seed_usage_metrics(guide, partial, [region, regions[-1]])
        holders.update(dict.fromkeys((guide.account_id, partial.account_id), region))
        holders[placeholder.account_id] = region
    return holders
