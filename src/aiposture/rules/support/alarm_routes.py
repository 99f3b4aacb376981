"""The last links of an alarm chain: alarm -> SNS topic -> confirmed subscriber.

An alarm reaches a person through an SNS action of its own or through a composite alarm
that certainly goes to ALARM when it does (its ``AlarmRule`` is parsed and evaluated). A
topic counts when it has at least one confirmed subscription; pending confirmations don't.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiposture.errors import PatternSyntaxError
from aiposture.lang.alarm_expressions import STATES, State, fires_when, parse_rule
from aiposture.results import Status
from aiposture.rules.base import describe_error, errors_for
from aiposture.rules.support.chain import Link, broken, ok, unknown
from aiposture.rules.support.detection_scope import DeliveryGroup
from aiposture.snapshot.models import RegionSnapshot

ALARM, TOPIC, SUBSCRIBER = "alarm", "topic", "subscriber"
"""The alarm's own links in the detection chain."""

_NOT_FOUND = {"NotFound", "NotFoundException", "ResourceNotFoundException"}


@dataclass(frozen=True)
class Route:
    """One SNS action reachable from the alarm, and what was found at its end."""

    topic: str
    via: str | None
    status: Status
    reached: int
    message: str
    confirmed: int = 0


def topic_route(topic: str, via: str | None, group: DeliveryGroup) -> Route:
    """Follow one SNS action to its topic and subscribers, in the alarm's account and region."""
    reg = group.region_snapshot
    parts = topic.split(":")
    where = f" (through composite alarm {via})" if via else ""
    if len(parts) < 6 or parts[3] != group.region or parts[4] != group.account_id:
        return Route(
            topic,
            via,
            Status.ERROR,
            2,
            f"SNS topic {topic}{where} is outside account {group.account_id}, {group.region}, "
            f"so its subscriptions were not read",
        )
    if reg is None or reg.sns_topics is None or topic not in reg.sns_topics:
        reason = group.unread("GetTopicAttributes", topic)
        return Route(topic, via, Status.ERROR, 2, f"SNS topic {topic}{where}: {reason}")
    found = reg.sns_topics[topic]
    if found.attributes is None:
        errs = errors_for(reg.errors, "GetTopicAttributes", topic)
        if errs and errs[0].error_code in _NOT_FOUND:
            return Route(topic, via, Status.FAIL, 2, f"SNS topic {topic}{where} does not exist")
    if found.subscriptions is not None:
        confirmed = [
            s for s in found.subscriptions if str(s.get("SubscriptionArn") or "").startswith("arn:")
        ]
        if confirmed:
            return Route(topic, via, Status.PASS, 4, "", len(confirmed))
        pending = len(found.subscriptions)
        what = (
            f"only {pending} pending (unconfirmed) subscription(s)"
            if pending
            else "no subscriptions"
        )
        return Route(topic, via, Status.FAIL, 3, f"SNS topic {topic}{where} has {what}")
    count = (found.attributes or {}).get("SubscriptionsConfirmed")
    if count is not None and str(count).isdigit():
        if int(count) > 0:
            return Route(topic, via, Status.PASS, 4, "", int(count))
        return Route(
            topic, via, Status.FAIL, 3, f"SNS topic {topic}{where} has no confirmed subscription"
        )
    reason = _unread(reg, "ListSubscriptionsByTopic", topic)
    return Route(
        topic, via, Status.ERROR, 3, f"subscriptions of SNS topic {topic}{where}: {reason}"
    )


def _unread(reg: RegionSnapshot, operation: str, resource: str) -> str:
    errs = errors_for(reg.errors, operation, resource)
    return describe_error(errs[0]) if errs else f"{operation} was not read"


def sns_actions(alarm: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The alarm's ALARM actions: (SNS topic ARNs, other actions such as Lambda or SSM)."""
    sns: list[str] = []
    other: list[str] = []
    for action in alarm.get("AlarmActions") or []:
        parts = str(action).split(":")
        (sns if len(parts) >= 6 and parts[2] == "sns" else other).append(str(action))
    return sns, other


def firing_composites(
    alarm: dict[str, Any], reg: RegionSnapshot
) -> tuple[list[dict[str, Any]], list[str]]:
    """Composite alarms certainly in ALARM when ``alarm`` alone is; and notes on the others."""
    composites = reg.composite_alarms or []
    if not composites:
        return [], []
    metric_keys = {
        str(k) for a in reg.alarms or [] for k in (a.get("AlarmName"), a.get("AlarmArn")) if k
    }
    firing = {str(k) for k in (alarm.get("AlarmName"), alarm.get("AlarmArn")) if k}
    fired: list[dict[str, Any]] = []
    fired_keys: set[str] = set()
    notes: list[str] = []
    parsed: dict[int, Any] = {}
    for i, c in enumerate(composites):
        try:
            parsed[i] = parse_rule(str(c.get("AlarmRule") or ""))
        except PatternSyntaxError as exc:
            if any(key in str(c.get("AlarmRule") or "") for key in firing):
                notes.append(
                    f"composite alarm {c.get('AlarmName')} names {alarm.get('AlarmName')} but its "
                    f"rule could not be parsed ({exc}), so it does not count"
                )

    def possible(ref: str) -> tuple[State, ...]:
        if ref in metric_keys:
            return ("OK", "INSUFFICIENT_DATA")
        return STATES

    def in_alarm(ref: str) -> bool:
        return ref in firing

    changed = True
    while changed:
        changed = False
        for i, rule in parsed.items():
            c = composites[i]
            name = str(c.get("AlarmName") or "")
            if name in fired_keys or not any(r in firing for r in rule.references()):
                continue
            if fires_when(rule, in_alarm, possible):
                fired.append(c)
                fired_keys.add(name)
                firing.update(str(k) for k in (c.get("AlarmName"), c.get("AlarmArn")) if k)
                changed = True
    for i, rule in parsed.items():
        c = composites[i]
        if str(c.get("AlarmName")) not in fired_keys and any(
            r in firing for r in rule.references()
        ):
            notes.append(
                f"composite alarm {c.get('AlarmName')} does not go to ALARM when "
                f"{alarm.get('AlarmName')} alone does (rule {rule.text})"
            )
    return fired, notes


def alarm_routes(alarm: dict[str, Any], group: DeliveryGroup) -> tuple[list[Route], list[str]]:
    """Every SNS route of ``alarm`` (direct and through composites), with notes."""
    reg = group.region_snapshot
    assert reg is not None
    sns, other = sns_actions(alarm)
    notes: list[str] = []
    if alarm.get("ActionsEnabled") is False:
        notes.append(f"alarm {alarm.get('AlarmName')} has its own actions disabled")
        sns, other = [], []
    routes = [topic_route(t, None, group) for t in sns]
    notes += [
        f"alarm {alarm.get('AlarmName')} action {a} is not an SNS topic and does not count"
        for a in other
    ]
    if reg.composite_alarms is None:
        reason = group.unread("DescribeAlarms")
        routes.append(Route("", None, Status.ERROR, 2, f"composite alarms were not read: {reason}"))
        return routes, notes
    fired, more = firing_composites(alarm, reg)
    notes.extend(more)
    for c in fired:
        cname = str(c.get("AlarmName"))
        if c.get("ActionsEnabled") is False:
            notes.append(f"composite alarm {cname} has its actions disabled")
            continue
        c_sns, c_other = sns_actions(c)
        routes.extend(topic_route(t, cname, group) for t in c_sns)
        notes.extend(
            f"composite alarm {cname} action {a} is not an SNS topic and does not count"
            for a in c_other
        )
    return routes, notes


def alarm_links(
    alarm: dict[str, Any], group: DeliveryGroup, problems: list[str], subject: str, fix: str
) -> tuple[tuple[Link, ...], str, dict[str, Any]]:
    """The alarm, topic and subscriber links of an alarm whose threshold was judged.

    ``problems`` are the alarm link's own faults (looser than the guide, cannot change
    state); ``subject`` says what the alarm watches, for messages. Returns the links, the
    notification part of the PASS message and the evidence of the routes.
    """
    name = str(alarm.get("AlarmName") or "")
    routes, notes = alarm_routes(alarm, group)
    evidence: dict[str, Any] = {
        "notes": notes,
        "topics": [
            {"topic": r.topic, "via": r.via, "status": r.status.value, "confirmed": r.confirmed}
            for r in routes
            if r.topic
        ],
    }
    extra = f" ({'; '.join(notes)})" if notes else ""
    if problems:
        evidence["problems"] = problems
        return (
            (broken(ALARM, f"alarm {name} on {subject}: {'; '.join(problems)}. {fix}"),),
            "",
            evidence,
        )
    passing = [r for r in routes if r.status is Status.PASS]
    if passing:
        best = max(passing, key=lambda r: r.confirmed)
        via = f" through composite alarm {best.via}" if best.via else ""
        text = (
            f"notifies SNS topic {best.topic}{via}, which has {best.confirmed} confirmed "
            "subscriber(s)"
        )
        return (
            (
                ok(ALARM, f"alarm {name} is no looser than the guide"),
                ok(TOPIC, f"alarm {name} notifies SNS topic {best.topic}{via}"),
                ok(
                    SUBSCRIBER,
                    f"SNS topic {best.topic} has {best.confirmed} confirmed subscriber(s)",
                ),
            ),
            text,
            evidence,
        )
    if alarm.get("ActionsEnabled") is False:
        evidence["problems"] = ["actions disabled"]
        return (
            (
                broken(
                    ALARM,
                    f"alarm {name} on {subject} has its actions disabled (ActionsEnabled is false) "
                    f"and no composite alarm notifies for it{extra}; run aws cloudwatch "
                    f'enable-alarm-actions --alarm-names "{name}"',
                ),
            ),
            "",
            evidence,
        )
    alarm_ok = ok(ALARM, f"alarm {name} is no looser than the guide")
    pending = [r for r in routes if r.status is Status.ERROR]
    if pending:
        link = TOPIC if min(r.reached for r in pending) <= 2 else SUBSCRIBER
        return (
            (
                alarm_ok,
                unknown(
                    link,
                    f"where alarm {name} notifies: {'; '.join(r.message for r in pending)}{extra}",
                ),
            ),
            "",
            evidence,
        )
    if routes:
        furthest = max(r.reached for r in routes)
        why = "; ".join(r.message for r in routes if r.reached == furthest)
        if furthest >= 3:
            return (
                (
                    alarm_ok,
                    ok(TOPIC, f"alarm {name} notifies an SNS topic"),
                    broken(
                        SUBSCRIBER,
                        f"alarm {name} notifies {why}{extra}; confirm a subscription (the endpoint must accept the "
                        "confirmation message)",
                    ),
                ),
                "",
                evidence,
            )
        return (
            (
                alarm_ok,
                broken(
                    TOPIC, f"alarm {name}: {why}{extra}; point the alarm at an existing SNS topic"
                ),
            ),
            "",
            evidence,
        )
    return (
        (
            alarm_ok,
            broken(
                TOPIC,
                f"alarm {name} on {subject} notifies no SNS topic, directly or through a composite "
                f"alarm{extra}; add an SNS topic to its AlarmActions",
            ),
        ),
        "",
        evidence,
    )
