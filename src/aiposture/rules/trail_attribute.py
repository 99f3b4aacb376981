"""Rule kind ``trail_attribute``: each trail homed in the region has an attribute set."""

from __future__ import annotations

from typing import Literal

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.trails import trail_summary, trails_homed_here


class AttributeParams(Params):
    """Parameters of ``trail_attribute``."""

    attribute: Literal["log_file_validation_enabled", "kms_key_id"]
    description: str


def trail_attribute(p: AttributeParams, ctx: RuleContext) -> list[Outcome]:
    """Each trail homed here has the attribute set."""
    out = []
    for trail in trails_homed_here(ctx):
        value = getattr(trail, p.attribute)
        evidence = {**trail_summary(trail), p.attribute: value}
        if value:
            out.append(
                Outcome(
                    Status.PASS, f"Trail {trail.name} has {p.description}.", trail.arn, evidence
                )
            )
        else:
            out.append(
                Outcome(
                    Status.FAIL,
                    f"Trail {trail.name} does not have {p.description}.",
                    trail.arn,
                    evidence,
                )
            )
    return out


TRAIL_ATTRIBUTE = RuleKind(
    "trail_attribute",
    trail_attribute,
    AttributeParams,
    "trail",
    "The trail has an attribute set.",
    results="resource",
)
