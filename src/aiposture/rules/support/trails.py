"""Trail facts several rule kinds share: the trails homed in a region, a trail's evidence."""

from __future__ import annotations

from typing import Any

from aiposture.rules.base import RuleContext
from aiposture.snapshot.models import Trail


def trails_homed_here(ctx: RuleContext) -> list[Trail]:
    """The trails the account owns whose home region is the region being judged."""
    return [
        t
        for t in ctx.account.trails
        if t.owner_account_id == ctx.account_id and t.home_region == ctx.region
    ]


def trail_summary(trail: Trail) -> dict[str, Any]:
    """A trail's main attributes, for evidence."""
    return {
        "name": trail.name,
        "arn": trail.arn,
        "home_region": trail.home_region,
        "multi_region": trail.is_multi_region,
        "organization_trail": trail.is_organization_trail,
        "status": trail.status.model_dump(mode="json") if trail.status else None,
        "tags": trail.tags,
    }
