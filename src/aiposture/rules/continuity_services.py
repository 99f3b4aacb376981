"""The other control families: the alarms' SNS topics, GuardDuty, X-Ray Transaction Search.

Request parameters as CloudTrail records them: SNS ``DeleteTopic`` ``{"topicArn"}``,
``Unsubscribe`` ``{"subscriptionArn"}`` (a subscription ARN is its topic's ARN and a
``:<id>`` suffix; SNS API Reference, Subscribe, ``SubscriptionArn``), ``Subscribe``
``{"topicArn", "protocol", "endpoint"}``; GuardDuty ``CreateDetector`` ``{"enable"}`` with the
new id in ``responseElements.detectorId``, ``DeleteDetector``/``UpdateDetector``
``{"detectorId", "enable"}``; X-Ray ``UpdateTraceSegmentDestination`` ``{"destination"}``
(``CloudWatchLogs`` or ``XRay``; X-Ray API Reference).
"""

from __future__ import annotations

from aiposture.rules.base import RuleContext, describe_error, errors_for
from aiposture.rules.continuity_cloudwatch import alarm_topics
from aiposture.rules.continuity_controls import (
    Control,
    FamilyModel,
    Present,
    Source,
    bool_param,
    response,
    text_param,
)
from aiposture.rules.model_invocation_logging import bedrock_not_offered
from aiposture.rules.support.timeline import State
from aiposture.snapshot.history import FAMILY_BY_KEY, HistoryEvent

_NOT_FOUND = {"NotFound", "NotFoundException", "ResourceNotFoundException"}
_UNCONFIRMED = {"PendingConfirmation", "Deleted"}


class Notifications(FamilyModel):
    """``continuity-notifications``: the alarms' SNS topics keep a confirmed subscriber.

    Off: the topic was deleted; weakened: it has no confirmed subscriber. ``Unsubscribe``
    implies a subscriber before it (whether one remains after, the present state or a later
    event says); ``Subscribe`` and ``SetTopicAttributes`` are listed as changes but move
    nothing (a new subscriber counts once confirmed, which no management event records).
    """

    family = FAMILY_BY_KEY["notifications"]
    reads = ("DescribeAlarms", "GetTopicAttributes", "ListSubscriptionsByTopic")

    def present(self, ctx: RuleContext) -> Present:
        """Each topic the region's alarms notify, as GetTopicAttributes and ListSubscriptionsByTopic read it."""
        reg = ctx.region_snapshot
        out = Present()
        if reg is None or reg.sns_topics is None:
            errs = errors_for(reg.errors if reg else [], "GetTopicAttributes")
            why = describe_error(errs[0]) if errs else "the alarms' topics were not read"
            out.unread.append(f"SNS topics: {why}")
            return out
        source = Source(ctx.account_id, ctx.region)
        for arn, topic in sorted(reg.sns_topics.items()):
            state: State
            if topic.attributes is None:
                errs = errors_for(reg.errors, "GetTopicAttributes", arn)
                if errs and errs[0].error_code in _NOT_FOUND:
                    out.controls.append(Control(arn, f"SNS topic {arn}", arn, "off", source, False))
                    continue
                out.unread.append(
                    f"SNS topic {arn}: " + (describe_error(errs[0]) if errs else "not read")
                )
                state = "unknown"
            elif topic.subscriptions is None:
                errs = errors_for(reg.errors, "ListSubscriptionsByTopic", arn)
                why = describe_error(errs[0]) if errs else "not read"
                out.unread.append(f"subscriptions of SNS topic {arn}: {why}")
                state = "unknown"
            else:
                confirmed = [
                    s
                    for s in topic.subscriptions
                    if str(s.get("SubscriptionArn", "")) not in _UNCONFIRMED
                ]
                state = "on" if confirmed else "weakened"
            out.controls.append(Control(arn, f"SNS topic {arn}", arn, state, source))
        return out

    def targets(self, event: HistoryEvent) -> list[str]:
        """The topic deleted, or whose subscriber left."""
        if event.event_name == "DeleteTopic":
            arn = text_param(event, "topicArn")
            return [arn] if arn else []
        if event.event_name == "Unsubscribe":
            sub = text_param(event, "subscriptionArn")
            return [sub.rsplit(":", 1)[0]] if sub and sub.count(":") >= 6 else []
        return []

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """DeleteTopic: off after; Unsubscribe: a subscriber before it."""
        if event.event_name == "DeleteTopic":
            return "unknown", "off"
        return "on", None

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """A topic an alarm still notifies that was deleted in the period: off after."""
        reg = ctx.region_snapshot
        alarms = [*(reg.alarms or []), *(reg.composite_alarms or [])] if reg else []
        if key not in alarm_topics(alarms):
            return None
        return Control(key, f"SNS topic {key}", key, "off", source, exists=False)


class GuardDuty(FamilyModel):
    """``continuity-guardduty``: each GuardDuty detector stays enabled."""

    family = FAMILY_BY_KEY["guardduty"]
    reads = ("ListDetectors", "GetDetector")
    creates = False

    def present(self, ctx: RuleContext) -> Present:
        """Each detector of ListDetectors: on when its ``Status`` is ``ENABLED``."""
        reg = ctx.region_snapshot
        out = Present()
        if reg is None or reg.guardduty_detectors is None:
            errs = errors_for(reg.errors if reg else [], "ListDetectors")
            why = describe_error(errs[0]) if errs else "ListDetectors was not read"
            out.unread.append(f"GuardDuty detectors: {why}")
            return out
        source = Source(ctx.account_id, ctx.region)
        for detector in reg.guardduty_detectors:
            did = str(detector.get("DetectorId") or "")
            status = detector.get("Status")
            state: State
            if status is None:
                state = "unknown"
                errs = errors_for(reg.errors, "GetDetector", did)
                why = describe_error(errs[0]) if errs else "GetDetector was not read"
                out.unread.append(f"GuardDuty detector {did}: {why}")
            else:
                state = "on" if str(status).upper() == "ENABLED" else "off"
            out.controls.append(
                Control(did, f"GuardDuty detector {did}", self._arn(ctx, did), state, source)
            )
        return out

    @staticmethod
    def _arn(ctx: RuleContext, detector_id: str) -> str:
        return f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"

    def targets(self, event: HistoryEvent) -> list[str]:
        """The detector created (its id in the answer), deleted or updated."""
        did = text_param(event, "detectorId")
        if did is None and event.event_name == "CreateDetector":
            answered = response(event).get("detectorId")
            did = answered if isinstance(answered, str) and answered else None
        return [did] if did else []

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """Create: absent before; ``enable`` decides after; Delete: off after."""
        enable = bool_param(event, "enable")
        match event.event_name:
            case "CreateDetector":
                return "off", ("off" if enable is False else "on")
            case "DeleteDetector":
                return "unknown", "off"
            case "UpdateDetector" if enable is not None:
                return None, ("on" if enable else "off")
        return None, None

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """A detector deleted in the period: off after."""
        return Control(key, f"GuardDuty detector {key}", self._arn(ctx, key), "off", source, False)


class TransactionSearch(FamilyModel):
    """``continuity-transaction-search``: X-Ray segments keep going to CloudWatch Logs."""

    family = FAMILY_BY_KEY["transaction-search"]
    reads = ("GetTraceSegmentDestination", "GetIndexingRules")
    creates = False

    def not_applicable(self, ctx: RuleContext) -> str | None:
        """Where X-Ray, or Bedrock (whose pipeline B is read only where it is offered), is not."""
        return super().not_applicable(ctx) or bedrock_not_offered(ctx)

    def present(self, ctx: RuleContext) -> Present:
        """One control: GetTraceSegmentDestination, on when ``CloudWatchLogs``."""
        reg = ctx.region_snapshot
        out = Present()
        found = reg.agent_telemetry if reg else None
        dest = found.trace_segment_destination if found else None
        state: State
        if dest is None:
            errs = errors_for(reg.errors if reg else [], "GetTraceSegmentDestination")
            why = describe_error(errs[0]) if errs else "GetTraceSegmentDestination was not read"
            out.unread.append(f"Transaction Search: {why}")
            state = "unknown"
        else:
            state = "on" if dest.get("Destination") == "CloudWatchLogs" else "off"
        arn = f"arn:{ctx.partition}:xray:{ctx.region}:{ctx.account_id}:trace-segment-destination"
        out.controls.append(
            Control(
                "",
                "Transaction Search",
                arn,
                state,
                Source(ctx.account_id, ctx.region),
                exists=state != "off",
            )
        )
        return out

    def targets(self, event: HistoryEvent) -> list[str]:
        """The region's one destination (indexing rule changes move nothing)."""
        return [""] if event.event_name == "UpdateTraceSegmentDestination" else []

    def effect(
        self, ctx: RuleContext, event: HistoryEvent, key: str
    ) -> tuple[State | None, State | None]:
        """``CloudWatchLogs``: on after; ``XRay``: off after."""
        dest = text_param(event, "destination", "Destination")
        if dest is None:
            return None, "unknown"
        return None, ("on" if dest == "CloudWatchLogs" else "off")

    def from_history(self, ctx: RuleContext, key: str, source: Source) -> Control | None:
        """Never: the one control is always present."""
        return None
