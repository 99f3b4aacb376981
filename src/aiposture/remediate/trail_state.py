"""One trail the plan changes, with every step on it merged (:func:`trail_states`).

A trail can take several steps (update-trail, start-logging, put-event-selectors,
put-insight-selectors); a renderer that states the whole resource (CloudFormation,
Terraform) needs the trail as it is now and as it is after all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, assert_never

from aiposture.remediate.plan import (
    PutEventSelectors,
    PutInsightSelectors,
    StartLogging,
    Step,
    Target,
    TrailStep,
    UpdateTrail,
)

__all__ = ["TrailState", "trail_states"]


@dataclass
class TrailState:
    """A trail the plan changes: what it is now and what it is after every step on it.

    ``*_before`` is ``None`` when the plan does not say what the trail has now (the
    renderer must then leave that setting alone rather than state it).
    """

    name: str
    arn: str
    region: str
    account_id: str
    trail: dict[str, Any]
    """The trail as read (DescribeTrails, plus ``Tags`` and ``IsLogging``)."""
    steps: list[Step] = field(default_factory=list)
    """The plan's steps on this trail, in plan order."""
    advanced_before: list[dict[str, Any]] | None = None
    classic_before: list[dict[str, Any]] | None = None
    selectors_known: bool = False
    """True when the trail's current event selectors are known (from a step or the read)."""
    advanced_after: list[dict[str, Any]] | None = None
    insights_before: list[dict[str, Any]] | None = None
    insights_after: list[dict[str, Any]] | None = None
    enable_log_file_validation: bool | None = None
    start_logging: bool = False

    @property
    def targets(self) -> list[Target]:
        """Every result the steps on this trail mean to fix."""
        return [t for s in self.steps for t in s.targets]

    @property
    def is_logging(self) -> bool | None:
        """Whether the trail logs now, as read."""
        value = self.trail.get("IsLogging")
        return value if isinstance(value, bool) else None

    @property
    def log_file_validation_after(self) -> bool | None:
        """Log file validation after the plan (only ever turned on)."""
        if self.enable_log_file_validation:
            return True
        value = self.trail.get("LogFileValidationEnabled")
        return value if isinstance(value, bool) else None

    @property
    def tags(self) -> list[dict[str, str]]:
        """The trail's tags as ``[{Key, Value}]`` (read as a list or a mapping)."""
        raw = self.trail.get("Tags")
        if isinstance(raw, dict):
            return [{"Key": str(k), "Value": str(v)} for k, v in raw.items()]
        if isinstance(raw, list):
            return [
                {"Key": str(t["Key"]), "Value": str(t.get("Value", ""))}
                for t in raw
                if isinstance(t, dict) and "Key" in t
            ]
        return []

    @property
    def sns_topic(self) -> str | None:
        """The SNS topic as read (its name, or its ARN when only that was read)."""
        for key in ("SnsTopicName", "SnsTopicARN"):
            value = self.trail.get(key)
            if isinstance(value, str) and value:
                return value
        return None


def _selectors_from_read(trail: dict[str, Any]) -> tuple[bool, Any, Any]:
    """(known, advanced, classic) from the trail as read, when it carries its selectors."""
    advanced = trail.get("AdvancedEventSelectors")
    classic = trail.get("EventSelectors")
    if isinstance(advanced, list) and advanced:
        return True, advanced, None
    if isinstance(classic, list):
        return True, None, classic
    if isinstance(advanced, list):
        return True, [], None
    return False, None, None


def _new_state(step: TrailStep) -> TrailState:
    """The state of the trail ``step`` changes, as read, before any step."""
    state = TrailState(
        name=step.trail_name,
        arn=step.trail_arn,
        region=step.region,
        account_id=step.account_id,
        trail=dict(step.trail),
    )
    known, advanced, classic = _selectors_from_read(state.trail)
    state.selectors_known = known
    state.advanced_before = advanced
    state.classic_before = classic
    read_insights = state.trail.get("InsightSelectors")
    if isinstance(read_insights, list):
        state.insights_before = read_insights
    elif state.trail.get("HasInsightSelectors") is False:
        state.insights_before = []
    return state


def trail_states(steps: Iterable[Step]) -> list[TrailState]:
    """The trails ``steps`` change, each with all its steps merged, in plan order."""
    states: dict[str, TrailState] = {}
    for step in steps:
        if not isinstance(step, TrailStep):
            continue
        state = states.get(step.trail_arn)
        if state is None:
            state = states[step.trail_arn] = _new_state(step)
        else:
            for key, value in step.trail.items():
                state.trail.setdefault(key, value)
        state.steps.append(step)
        match step:
            case UpdateTrail():
                if step.enable_log_file_validation:
                    state.enable_log_file_validation = True
            case StartLogging():
                state.start_logging = True
            case PutEventSelectors():
                state.selectors_known = True
                state.advanced_before = step.before_advanced
                state.classic_before = step.before_classic
                state.advanced_after = list(step.after)
            case PutInsightSelectors():
                state.insights_before = list(step.before)
                state.insights_after = list(step.after)
            case _:
                assert_never(step)
    return list(states.values())
