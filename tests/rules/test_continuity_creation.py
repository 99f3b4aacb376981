"""A ``Put`` that creates *or* updates is never taken for an update on trust.

When such a ``Put`` is a control's oldest change, the state before it is on only when the
evidence shows the control existed: an older change in the history, or the resource's own
``creationTime`` (DescribeMetricFilters, DescribeSubscriptionFilters, DescribeLogGroups)
more than a minute before it. A creation time at the ``Put`` (or after it) shows the ``Put``
created it: off before, a gap. Otherwise the state before is unknown: ERROR naming the
``Put`` (the first 3, then how many more).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiposture.results import Status
from aiposture.snapshot.models import Snapshot
from tests.builders import ACCOUNT, REGION, log_group, snapshot, trail, with_detection
from tests.rules.continuity_builders import BOB, LAST_90, MALLORY, ago, event, history, with_history
from tests.rules.helpers import only, run_check

FILTERS = "continuity-metric-filters"
SUBSCRIPTIONS = "continuity-subscription-filters"
LOG_GROUPS = "continuity-log-groups"
ALARMS = "continuity-alarms"
INVOCATION = "continuity-invocation-logging"
GROUP = "aws-cloudtrail-logs/ai"
FILTER = "CloudTrailLoggingDisruption"


def _millis(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _filters(created: datetime | None, *, key: str = "metric_filters") -> Snapshot:
    item: dict[str, Any] = {"filterName": FILTER, "logGroupName": GROUP, "filterPattern": "{}"}
    if created is not None:
        item["creationTime"] = _millis(created)
    snap = snapshot(trail("ops-trail"), log_groups=[log_group(GROUP)])
    return with_detection(snap, **{key: {GROUP: [item]}})


def _put(when: datetime, name: str = "PutMetricFilter") -> Any:
    return event(name, when, logGroupName=GROUP, filterName=FILTER, event_id="put")


def test_an_older_creation_time_shows_the_filter_existed_before_the_put() -> None:
    snap = with_history(_filters(ago(400)), history(_put(ago(30))))
    outcome = only(run_check(FILTERS, snap))
    assert outcome.status is Status.PASS, outcome.message
    assert "ambiguous_puts" not in outcome.evidence
    assert "assum" not in outcome.message and "taken for" not in outcome.message
    (control,) = outcome.evidence["controls"]
    assert [s["state"] for s in control["segments"]] == ["on"]


def test_a_creation_time_at_the_put_shows_the_put_created_it_so_before_it_is_a_gap() -> None:
    created = ago(30) + timedelta(milliseconds=420)  # the service stamps it as it handles the Put
    snap = with_history(_filters(created), history(_put(ago(30))))
    outcome = only(run_check(FILTERS, snap))
    assert outcome.status is Status.FAIL
    assert (
        f"metric filter {FILTER} on {GROUP} was off from 2026-08-22 12:00 UTC to 2026-10-21 "
        "12:00 UTC (60.0 days), already at the period's start, closed by PutMetricFilter by "
        f"{MALLORY}"
    ) in outcome.message
    (control,) = outcome.evidence["controls"]
    (gap,) = control["gaps"]
    assert gap["closed_by"]["event_id"] == "put" and gap["opened_by"] is None
    assert "ambiguous_puts" not in outcome.evidence


def test_a_creation_time_within_a_minute_before_the_put_is_that_puts_doing() -> None:
    snap = with_history(_filters(ago(30) - timedelta(seconds=40)), history(_put(ago(30))))
    outcome = only(run_check(FILTERS, snap))
    assert outcome.status is Status.FAIL
    assert "to 2026-10-21 12:00 UTC" in outcome.message


def test_a_creation_time_a_minute_and_more_before_the_put_is_an_existing_filter() -> None:
    created = ago(30) - timedelta(minutes=1, seconds=1)
    snap = with_history(_filters(created), history(_put(ago(30))))
    outcome = only(run_check(FILTERS, snap))
    # existed from its creation (off before it: a gap of its own), on through the Put
    assert outcome.status is Status.FAIL
    assert "to 2026-10-21 11:58 UTC" in outcome.message
    assert "closed by creation (DescribeMetricFilters creationTime)" in outcome.message


def test_without_a_creation_time_the_oldest_put_leaves_the_state_before_it_unknown() -> None:
    snap = with_history(_filters(None), history(_put(ago(30))))
    outcome = only(run_check(FILTERS, snap))
    assert outcome.status is Status.ERROR
    assert (
        f"cannot tell whether metric filter {FILTER} on {GROUP} existed before PutMetricFilter "
        f"at 2026-10-21 12:00 UTC by {MALLORY}"
    ) in outcome.message
    assert "No gap was found in what was read." in outcome.message
    assert [a["event_id"] for a in outcome.evidence["ambiguous_puts"]] == ["put"]


def test_a_put_after_the_period_leaves_the_whole_period_unknown() -> None:
    period = LAST_90.model_copy(update={"end": ago(20), "label": "the quarter"})
    snap = with_history(_filters(None), history(_put(ago(10))), period=period)
    outcome = only(run_check(FILTERS, snap))
    assert outcome.status is Status.ERROR
    (control,) = outcome.evidence["controls"]
    assert [s["state"] for s in control["segments"]] == ["unknown"]


def test_a_creation_time_no_event_explains_is_off_before_it() -> None:
    snap = with_history(_filters(ago(5)), history())
    outcome = only(run_check(FILTERS, snap))
    assert outcome.status is Status.FAIL
    assert "to 2026-11-15 12:00 UTC (85.0 days)" in outcome.message
    assert "closed by creation (DescribeMetricFilters creationTime)" in outcome.message


def test_a_delete_before_the_put_decides_without_any_creation_time() -> None:
    hist = history(
        event("DeleteMetricFilter", ago(40), logGroupName=GROUP, filterName=FILTER),
        _put(ago(30)),
    )
    outcome = only(run_check(FILTERS, with_history(_filters(None), hist)))
    assert outcome.status is Status.FAIL
    assert "(10.0 days)" in outcome.message
    assert "ambiguous_puts" not in outcome.evidence


def test_subscription_filters_read_their_creation_time_too() -> None:
    older = _filters(ago(400), key="subscription_filters")
    hist = history(_put(ago(30), "PutSubscriptionFilter"))
    assert only(run_check(SUBSCRIPTIONS, with_history(older, hist))).status is Status.PASS
    at_put = _filters(ago(30), key="subscription_filters")
    hist = history(_put(ago(30), "PutSubscriptionFilter"))
    assert only(run_check(SUBSCRIPTIONS, with_history(at_put, hist))).status is Status.FAIL


def test_a_log_groups_creation_time_in_the_period_is_off_before_it() -> None:
    group = log_group(GROUP)
    group.raw = {"logGroupName": GROUP, "creationTime": _millis(ago(12))}
    snap = with_history(snapshot(trail("ops-trail"), log_groups=[group]), history())
    outcome = only(run_check(LOG_GROUPS, snap))
    assert outcome.status is Status.FAIL
    assert "closed by creation (DescribeLogGroups creationTime)" in outcome.message
    created = history(event("CreateLogGroup", ago(12), logGroupName=GROUP, actor=BOB))
    snap = with_history(snapshot(trail("ops-trail"), log_groups=[group]), created)
    outcome = only(run_check(LOG_GROUPS, snap))
    assert outcome.status is Status.FAIL
    assert f"closed by CreateLogGroup by {BOB}" in outcome.message
    group.raw["creationTime"] = _millis(ago(400))
    snap = with_history(snapshot(trail("ops-trail"), log_groups=[group]), history())
    assert only(run_check(LOG_GROUPS, snap)).status is Status.PASS


def test_more_than_three_ambiguous_puts_are_counted() -> None:
    names = ["a1", "a2", "a3", "a4", "a5"]
    alarms = [
        {"AlarmName": n, "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{n}"}
        for n in names
    ]
    hist = history(
        *(event("PutMetricAlarm", ago(10 + i), alarmName=n) for i, n in enumerate(names))
    )
    outcome = only(run_check(ALARMS, with_history(with_detection(snapshot(), alarms=alarms), hist)))
    assert outcome.status is Status.ERROR
    assert outcome.message.count("cannot tell whether alarm") == 3
    assert "and 2 more (see ambiguous_puts in the evidence)" in outcome.message
    assert len(outcome.evidence["ambiguous_puts"]) == 5


def test_a_configuration_put_says_how_it_stood_is_unknown() -> None:
    config = {
        "cloudWatchConfig": {"logGroupName": "bedrock-logs", "roleArn": "arn:aws:iam::1:role/r"},
        "textDataDeliveryEnabled": True,
    }
    snap = snapshot(invocation=config)
    hist = history(event("PutModelInvocationLoggingConfiguration", ago(15), loggingConfig=config))
    outcome = only(run_check(INVOCATION, with_history(snap, hist)))
    assert outcome.status is Status.ERROR
    assert "cannot tell how model invocation logging stood before" in outcome.message
    assert "sets it whatever it was" in outcome.message


def test_an_update_that_moves_nothing_is_no_ambiguous_put() -> None:
    detector = {"DetectorId": "d1", "Status": "ENABLED"}
    snap = with_detection(snapshot(), guardduty_detectors=[detector])
    hist = history(
        event("UpdateDetector", ago(20), detectorId="d1", findingPublishingFrequency="SIX_HOURS")
    )
    outcome = only(run_check("continuity-guardduty", with_history(snap, hist)))
    assert outcome.status is Status.PASS, outcome.message
    assert "ambiguous_puts" not in outcome.evidence
    enabled = history(event("UpdateDetector", ago(20), detectorId="d1", enable=True))
    outcome = only(run_check("continuity-guardduty", with_history(snap, enabled)))
    assert outcome.status is Status.ERROR
    assert "cannot tell how GuardDuty detector d1 stood before UpdateDetector" in outcome.message
