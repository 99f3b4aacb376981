"""Rule kind ``selector_validity``: the static validation of a trail's event selectors."""

from __future__ import annotations

from collections import Counter

from aiposture.lang.selector_issues import IssueSeverity
from aiposture.results import Status
from aiposture.rules.base import NoParams, Outcome, RuleContext, RuleKind
from aiposture.rules.support.coverage import selectors_unknown_reason
from aiposture.rules.support.selector_facts import trail_issues
from aiposture.rules.support.trails import trails_homed_here


def selector_validity(_: NoParams, ctx: RuleContext) -> list[Outcome]:
    """Each trail homed here has selectors free of placeholders, foreign ARNs and limit breaches."""
    out = []
    for trail in trails_homed_here(ctx):
        if trail.event_selectors is None:
            out.append(
                Outcome(
                    Status.ERROR,
                    f"Cannot read the event selectors of trail {trail.name}: {selectors_unknown_reason(trail)}",
                    trail.arn,
                )
            )
            continue
        issues = trail_issues(trail, ctx)
        evidence = {
            "mode": trail.event_selectors.mode,
            "issues": [
                {
                    "severity": i.severity.value,
                    "kind": i.kind.value,
                    "selector": i.selector_name,
                    "message": i.message,
                }
                for i in issues
            ],
        }
        errors = [i for i in issues if i.severity == IssueSeverity.ERROR]
        counts = Counter(i.severity.value for i in issues)
        if errors:
            first = "; ".join(i.message for i in errors[:3])
            more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
            out.append(
                Outcome(
                    Status.FAIL,
                    f"Trail {trail.name} has {len(errors)} invalid selector value(s): {first}{more}.",
                    trail.arn,
                    evidence,
                )
            )
        else:
            notes = ", ".join(f"{n} {k} note(s)" for k, n in sorted(counts.items()))
            out.append(
                Outcome(
                    Status.PASS,
                    f"Trail {trail.name} selectors are valid" + (f" ({notes})." if notes else "."),
                    trail.arn,
                    evidence,
                )
            )
    return out


SELECTOR_VALIDITY = RuleKind(
    "selector_validity",
    selector_validity,
    NoParams,
    "trail",
    "The trail's selectors hold no guide placeholders, foreign ARNs or limit breaches.",
    results="resource",
)
