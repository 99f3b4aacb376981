"""Rule kind ``trail_logging``: each trail homed in the region is logging."""

from __future__ import annotations

from aiposture.results import Status
from aiposture.rules.base import (
    NoParams,
    Outcome,
    RuleContext,
    RuleKind,
    describe_error,
    errors_for,
)
from aiposture.rules.support.trails import trail_summary, trails_homed_here


def trail_logging(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """Each trail homed here is logging."""
    out = []
    for trail in trails_homed_here(ctx):
        evidence = trail_summary(trail)
        if trail.status is None:
            errs = errors_for(trail.errors, "GetTrailStatus")
            why = describe_error(errs[0]) if errs else "GetTrailStatus was not read"
            out.append(
                Outcome(
                    Status.ERROR,
                    f"Cannot read the status of trail {trail.name}: {why}",
                    trail.arn,
                    evidence,
                )
            )
        elif trail.status.is_logging:
            out.append(Outcome(Status.PASS, f"Trail {trail.name} is logging.", trail.arn, evidence))
        else:
            stopped = trail.status.time_logging_stopped
            since = f" since {stopped.isoformat()}" if stopped else ""
            out.append(
                Outcome(
                    Status.FAIL,
                    f"Trail {trail.name} is not logging{since}: it records nothing.",
                    trail.arn,
                    evidence,
                )
            )
    return out


TRAIL_LOGGING = RuleKind(
    "trail_logging", trail_logging, NoParams, "trail", "The trail is logging.", results="resource"
)
