"""The CloudTrail control families: trail logging, and the trail's event selection and delivery.

The controls are the trails that cover the (account, region)
(:func:`aiposture.rules.support.coverage.coverage`): the account's own and its
organization's trail. A trail's events are recorded where its API is called: in its home
region, in its owner's account (CloudTrail API Reference: a trail's ``StartLogging``,
``StopLogging``, ``UpdateTrail``... "must be called from the Region in which the trail was
created"; LookupEvents "Looks up management events ... captured by CloudTrail" in the
account and region it is called in). So each trail's timeline is read from the history of
``(owner account, home region)``, which for an organization trail is the management
account's.

``GetTrailStatus``' ``StartLoggingTime`` and ``StopLoggingTime`` (the most recent start and
stop; botocore ``cloudtrail`` model, ``GetTrailStatusResponse``) corroborate the history:
each becomes a change of its own unless an event of the history already marks it
(:data:`~aiposture.rules.continuity_controls.CORROBORATION_WINDOW`).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from aiposture.lang.selectors import trail_logs
from aiposture.rules.base import RuleContext
from aiposture.rules.continuity_controls import (
    Control,
    FamilyModel,
    Present,
    Source,
    params,
    response,
    text_param,
)
from aiposture.rules.support.coverage import coverage, selectors_unknown_reason
from aiposture.rules.support.events import cloudtrail_event
from aiposture.rules.support.timeline import Change, State
from aiposture.snapshot.history import FAMILY_BY_KEY, HistoryEvent
from aiposture.snapshot.models import Trail


def trail_name(value: str) -> str:
    """A trail's name from a name or an ARN (``arn:aws:cloudtrail:R:A:trail/NAME``)."""
    return value.split(":trail/", 1)[1] if ":trail/" in value else value


def _event_trail(event: HistoryEvent) -> str | None:
    named = text_param(event, "name", "trailName")
    if named is None:
        answered = response(event).get("name")
        named = answered if isinstance(answered, str) and answered else None
    return trail_name(named) if named else None


def _source(trail: Trail) -> Source:
    return Source(trail.owner_account_id, trail.home_region)


_LOGGING_EFFECTS: dict[str, tuple[State | None, State | None]] = {
    "CreateTrail": ("off", "off"),
    "StartLogging": ("off", "on"),
    "StopLogging": ("on", "off"),
    "DeleteTrail": ("unknown", "off"),
}
"""``(before, after)`` of each trail-logging event: a new trail does not log until started
(CloudTrail API Reference, CreateTrail: "creates a trail"; StartLogging "Starts the recording
of Amazon Web Services API calls and log file delivery for a trail"); a deleted trail logged
or not before it, and logs nothing after."""


def _status_changes(trail: Trail) -> list[Change]:
    """GetTrailStatus' most recent start and stop, as changes to the trail.

    Each says what its event says (:data:`_LOGGING_EFFECTS`): a start follows a stopped
    trail, a stop a logging one.
    """
    status = trail.status
    if status is None:
        return []
    out = []
    for when, name, field in (
        (status.time_logging_started, "StartLogging", "StartLoggingTime"),
        (status.time_logging_stopped, "StopLogging", "StopLoggingTime"),
    ):
        if when is None:
            continue
        at = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        ref: dict[str, Any] = {
            "event_id": f"GetTrailStatus:{field}",
            "event_name": f"{name} (GetTrailStatus {field})",
            "time": at.isoformat(),
            "actor_arn": None,
            "source_ip": None,
        }
        before, state = _LOGGING_EFFECTS[name]
        out.append(Change(at, ref["event_id"], before, state, ref))
    return out


class TrailLogging(FamilyModel):
    """``continuity-trail-logging``: each covering trail logging, from creation to deletion."""

    family = FAMILY_BY_KEY["trail-logging"]
    reads = ("DescribeTrails",)

    def present(self, ctx: RuleContext) -> Present:
        """The trails covering the region; their logging state from GetTrailStatus."""
        cov = coverage(ctx)
        out = Present(unread=list(cov.gaps))
        for trail in cov.all_trails:
            if trail.status is None:
                state: State = "unknown"
                out.unread.extend(f"trail {t.name}: {why}" for t, why in cov.unknown if t is trail)
            else:
                state = "on" if trail.status.is_logging else "off"
            control = Control(trail.name, f"trail {trail.name}", trail.arn, state, _source(trail))
            control.extra = _status_changes(trail)
            out.controls.append(control)
        return out

    def targets(self, event: HistoryEvent) -> list[str]:
        """The trail named by ``name`` (or by CreateTrail's answer)."""
        name = _event_trail(event)
        return [name] if name else []

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """Create: absent before, not yet logging after; Start/Stop switch; Delete ends it."""
        return _LOGGING_EFFECTS.get(event.event_name, (None, None))

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """A trail homed here that no longer exists: off after its deletion."""
        arn = f"arn:{ctx.partition}:cloudtrail:{source.region}:{source.account_id}:trail/{key}"
        return Control(key, f"trail {key}", arn, "off", source, exists=False)


_PROBE = {"source": "cloudtrail.amazonaws.com", "name": "StopLogging"}
"""The management write event the selectors must keep logging (the guide's disruption alarm
watches ``StopLogging``)."""


def _selectors_state(api: dict[str, Any], ctx: RuleContext) -> State:
    """``on`` when selectors in GetEventSelectors form log the probe management write event."""
    event = cloudtrail_event(
        category="Management",
        source=_PROBE["source"],
        name=_PROBE["name"],
        read_only=False,
        account=ctx.account_id,
        region=ctx.region,
    )
    return "on" if trail_logs(api, event, ctx.partition).logged else "weakened"


def _pascal(value: Any) -> Any:
    """CloudTrail's record of selectors (``fieldSelectors``...) in the API's form (``FieldSelectors``)."""
    if isinstance(value, dict):
        return {(k[:1].upper() + k[1:]): _pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pascal(v) for v in value]
    return value


class TrailConfiguration(FamilyModel):
    """``continuity-trail-configuration``: management events logged, delivered to CloudWatch Logs.

    Each covering trail keeps logging management events (its selectors) and delivering to
    CloudWatch Logs (its log group).

    Two controls per trail: ``<trail>#selectors`` (moved by ``PutEventSelectors``) and
    ``<trail>#delivery`` (moved by ``UpdateTrail`` with ``cloudWatchLogsLogGroupArn``: an
    empty value removes the delivery). ``PutInsightSelectors`` and ``PutEventConfiguration``
    are listed as changes but move neither.
    """

    family = FAMILY_BY_KEY["trail-configuration"]
    reads = ("DescribeTrails",)
    creates = False

    def present(self, ctx: RuleContext) -> Present:
        """Each covering trail's selectors and delivery, as read."""
        cov = coverage(ctx)
        out = Present(unread=list(cov.gaps))
        for trail in cov.all_trails:
            source = _source(trail)
            if trail.event_selectors is None:
                selectors: State = "unknown"
                out.unread.append(f"trail {trail.name}: {selectors_unknown_reason(trail)}")
            else:
                selectors = _selectors_state(trail.event_selectors.as_api(), ctx)
            delivery: State = "on" if trail.cloudwatch_logs_log_group_arn else "weakened"
            out.controls.append(
                Control(
                    f"{trail.name}#selectors",
                    f"trail {trail.name} management events",
                    trail.arn,
                    selectors,
                    source,
                )
            )
            out.controls.append(
                Control(
                    f"{trail.name}#delivery",
                    f"trail {trail.name} CloudWatch Logs delivery",
                    trail.arn,
                    delivery,
                    source,
                )
            )
        return out

    def targets(self, event: HistoryEvent) -> list[str]:
        """The facet of the trail the event moves (none for Insights and aggregation)."""
        name = _event_trail(event)
        if name is None:
            return []
        if event.event_name == "PutEventSelectors":
            return [f"{name}#selectors"]
        if event.event_name == "UpdateTrail" and "cloudWatchLogsLogGroupArn" in params(event):
            return [f"{name}#delivery"]
        return []

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """The selectors' or the delivery's state after the event (before: not said)."""
        if key.endswith("#delivery"):
            arn = params(event).get("cloudWatchLogsLogGroupArn")
            return None, ("on" if arn else "weakened")
        found = params(event)
        api: dict[str, Any] = {}
        if found.get("advancedEventSelectors") is not None:
            api["AdvancedEventSelectors"] = _pascal(found["advancedEventSelectors"])
        elif found.get("eventSelectors") is not None:
            api["EventSelectors"] = _pascal(found["eventSelectors"])
        if not api:
            return None, "unknown"
        return None, _selectors_state(api, ctx)

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """Not judged here: a deleted trail is ``continuity-trail-logging``'s."""
        return None
