"""The continuity checks judge the audit period from the present state and the event history.

Hand-built snapshots (tests/builders.py) with an event history (tests/rules/continuity_builders.py):
the acceptance cases of issue 18 (a stop/start pair inside the period fails with the exact
interval and actor, a pair outside does not, a history shorter than the period is ERROR
with its reach, a control created mid-period is off before its creation, a denied call
changes nothing) and organization trails judged from the owner's history.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from aiposture.config import Config
from aiposture.engine.runner import evaluate
from aiposture.results import Status
from aiposture.snapshot.history import FAMILIES, FAMILY_BY_KEY, HistoryEvent, Period
from aiposture.snapshot.models import (
    AccountSnapshot,
    OrganizationInfo,
    RegionSnapshot,
    Snapshot,
    TrailStatus,
)
from tests.builders import ACCOUNT, NOW, REGION, snapshot, trail, with_detection
from tests.rules.continuity_builders import (
    BOB,
    LAST_90,
    MALLORY,
    ago,
    event,
    history,
    with_history,
)
from tests.rules.helpers import CATALOG, only, run_check

TRAIL = "continuity-trail-logging"
ALARMS = "continuity-alarms"
ALARM = "AI-CloudTrailLoggingDisruption"


def _stop_start(stop_days: float, start_days: float) -> list[HistoryEvent]:
    return [
        event("StopLogging", ago(stop_days), name="ops-trail", event_id="stop"),
        event("StartLogging", ago(start_days), name="ops-trail", actor=BOB, event_id="start"),
    ]


def test_a_stop_start_pair_inside_the_period_fails_with_the_interval_and_the_actor() -> None:
    snap = with_history(snapshot(trail("ops-trail")), history(*_stop_start(40, 31)))
    outcome = only(run_check(TRAIL, snap))
    assert outcome.status is Status.FAIL
    assert (
        "trail ops-trail was off from 2026-10-11 12:00 UTC to 2026-10-20 12:00 UTC (9.0 days)"
    ) in outcome.message
    assert f"opened by StopLogging by {MALLORY} from 198.51.100.7" in outcome.message
    assert f"closed by StartLogging by {BOB}" in outcome.message
    (control,) = outcome.evidence["controls"]
    (gap,) = control["gaps"]
    assert gap["start"] == ago(40).isoformat() and gap["end"] == ago(31).isoformat()
    assert gap["hours"] == 9 * 24 and gap["state"] == "off"
    assert gap["opened_by"]["event_id"] == "stop" and gap["opened_by"]["actor_arn"] == MALLORY
    assert gap["closed_by"]["event_id"] == "start" and gap["closed_by"]["actor_arn"] == BOB


def test_a_pair_outside_the_period_does_not_fail() -> None:
    quarter = Period(start=ago(90), end=ago(45), label="an earlier quarter")
    snap = with_history(snapshot(trail("ops-trail")), history(*_stop_start(40, 31)), period=quarter)
    outcome = only(run_check(TRAIL, snap))
    assert outcome.status is Status.PASS, outcome.message
    assert outcome.evidence["lane"] == [
        {"start": quarter.start.isoformat(), "end": quarter.end.isoformat(), "state": "on"}
    ]
    assert outcome.evidence["changes"] == [], "events after the period are not its changes"


def test_a_pair_straddling_the_period_start_is_clipped_to_it() -> None:
    period = Period(start=ago(35), end=NOW, label="since")
    hist = history(*_stop_start(40, 31), start=ago(45))
    outcome = only(
        run_check(TRAIL, with_history(snapshot(trail("ops-trail")), hist, period=period))
    )
    assert outcome.status is Status.FAIL
    (gap,) = outcome.evidence["controls"][0]["gaps"]
    assert (gap["start"], gap["end"]) == (ago(35).isoformat(), ago(31).isoformat())
    assert gap["opened_by"]["event_id"] == "stop", "the event that opened it, though before"


def test_a_history_shorter_than_the_period_is_an_error_saying_how_far_it_reaches() -> None:
    period = Period(start=ago(120), end=NOW, label="the last 120 days")
    snap = with_history(snapshot(trail("ops-trail")), history(), period=period)
    outcome = only(run_check(TRAIL, snap))
    assert outcome.status is Status.ERROR
    assert "reaches back only to 2026-08-22 12:00 UTC" in outcome.message
    assert "after the period's start 2026-07-23 12:00 UTC" in outcome.message
    assert outcome.evidence["history"]["reaches_period_start"] is False
    lane = outcome.evidence["lane"]
    assert lane[0] == {
        "start": period.start.isoformat(),
        "end": ago(90).isoformat(),
        "state": "unknown",
    }
    assert lane[-1]["state"] == "on"


def test_a_gap_found_in_a_short_history_still_fails() -> None:
    period = Period(start=ago(120), end=NOW, label="the last 120 days")
    snap = with_history(snapshot(trail("ops-trail")), history(*_stop_start(40, 31)), period=period)
    assert only(run_check(TRAIL, snap)).status is Status.FAIL


def test_a_control_created_mid_period_is_off_before_its_creation() -> None:
    created = [
        event("CreateTrail", ago(20), name="ops-trail", event_id="create"),
        event("StartLogging", ago(20, -1), name="ops-trail", event_id="start"),
    ]
    outcome = only(run_check(TRAIL, with_history(snapshot(trail("ops-trail")), history(*created))))
    assert outcome.status is Status.FAIL
    segments = outcome.evidence["controls"][0]["segments"]
    assert segments == [
        {"start": ago(90).isoformat(), "end": ago(20, -1).isoformat(), "state": "off"},
        {"start": ago(20, -1).isoformat(), "end": NOW.isoformat(), "state": "on"},
    ]
    assert "already at the period's start" in outcome.message


def test_a_denied_stop_logging_changes_nothing_but_is_listed() -> None:
    denied = event("StopLogging", ago(40), name="ops-trail", error="AccessDenied")
    outcome = only(run_check(TRAIL, with_history(snapshot(trail("ops-trail")), history(denied))))
    assert outcome.status is Status.PASS, outcome.message
    (change,) = outcome.evidence["changes"]
    assert change["error_code"] == "AccessDenied" and change["event_name"] == "StopLogging"


def test_a_family_name_that_could_not_be_read_is_an_error_never_a_pass() -> None:
    family = FAMILY_BY_KEY["trail-logging"]
    names = [n for n in family.event_names if n != "StopLogging"]
    snap = with_history(snapshot(trail("ops-trail")), history(names=names))
    outcome = only(run_check(TRAIL, snap))
    assert outcome.status is Status.ERROR
    assert "did not read StopLogging" in outcome.message
    assert {s["state"] for s in outcome.evidence["lane"]} == {"unknown"}


def test_an_unread_history_is_an_error_naming_the_failed_call() -> None:
    snap = snapshot(trail("ops-trail"))
    snap.period = LAST_90
    outcome = only(run_check(TRAIL, snap))
    assert outcome.status is Status.ERROR
    assert "the event history was not read" in outcome.message


def test_without_a_period_every_continuity_check_is_not_applicable() -> None:
    snap = snapshot(trail("ops-trail"))
    continuity = CATALOG.selected(lambda c: c.check.id.startswith("continuity-"))
    results = evaluate(snap, "sha", continuity, Config()).results
    assert len({r.check_id for r in results}) == len(FAMILIES) == 12
    assert {r.status for r in results} == {Status.NOT_APPLICABLE}
    assert all("(--no-history)" in r.message for r in results)


def test_the_tolerance_lets_a_short_gap_pass_and_a_long_one_fail() -> None:
    snap = with_history(snapshot(trail("ops-trail")), history(*_stop_start(40, 39.9)))
    lenient = Config.model_validate({"continuity": {"tolerance_hours": 3}})
    assert only(run_check(TRAIL, snap, config=lenient)).status is Status.PASS
    assert only(run_check(TRAIL, snap)).status is Status.FAIL
    strict = Config.model_validate({"continuity": {"tolerance_hours": 2}})
    outcome = only(run_check(TRAIL, snap, config=strict))
    assert outcome.status is Status.FAIL and "(tolerance 2 hours)" in outcome.message


def test_get_trail_status_times_close_a_gap_the_history_opened() -> None:
    logged = trail("ops-trail")
    assert logged.status is not None
    logged.status = TrailStatus(
        is_logging=True, time_logging_started=ago(5), time_logging_stopped=ago(6)
    )
    snap = with_history(snapshot(logged), history(event("StopLogging", ago(6), name="ops-trail")))
    outcome = only(run_check(TRAIL, snap))
    assert outcome.status is Status.FAIL
    (gap,) = outcome.evidence["controls"][0]["gaps"]
    assert (gap["start"], gap["end"]) == (ago(6).isoformat(), ago(5).isoformat())
    assert gap["closed_by"]["event_id"] == "GetTrailStatus:StartLoggingTime"


def test_an_event_marks_the_status_time_so_it_is_not_counted_twice() -> None:
    logged = trail("ops-trail")
    logged.status = TrailStatus(is_logging=True, time_logging_started=ago(31, -0.01))
    snap = with_history(snapshot(logged), history(*_stop_start(40, 31)))
    (gap,) = only(run_check(TRAIL, snap)).evidence["controls"][0]["gaps"]
    assert gap["closed_by"]["event_id"] == "start"


def test_a_present_state_the_history_cannot_explain_is_an_error() -> None:
    snap = with_history(
        snapshot(trail("ops-trail")), history(event("StopLogging", ago(5), name="ops-trail"))
    )
    outcome = only(run_check(TRAIL, snap))
    assert outcome.status is Status.ERROR
    assert "does not decide the state of trail ops-trail" in outcome.message


# --- organization trails ------------------------------------------------------------

MANAGEMENT = "123456789012"
ORG = OrganizationInfo(
    id="o-abc",
    arn=f"arn:aws:organizations::{MANAGEMENT}:organization/o-abc",
    master_account_id=MANAGEMENT,
)


def _org_member(owner_history: bool, owner_events: list[HistoryEvent] | None = None) -> Snapshot:
    org_trail = trail("org-trail", account=MANAGEMENT, org_trail=True)
    owner = AccountSnapshot(
        account_id=MANAGEMENT,
        scanned_regions=[REGION] if owner_history else [],
        trails=[],
        regions={REGION: RegionSnapshot(region=REGION)} if owner_history else {},
    )
    snap = snapshot(org_trail, organization=ORG, extra_accounts=[owner])
    snap.period = LAST_90
    member = snap.account(ACCOUNT)
    assert member is not None
    member.regions[REGION].event_history = history()
    if owner_history:
        owner.regions[REGION].event_history = history(*(owner_events or []))
    return snap


def test_a_member_region_judges_the_org_trail_from_the_owners_history() -> None:
    stopped = [
        event("StopLogging", ago(30), name="org-trail", event_id="org-stop"),
        event("StartLogging", ago(29), name="org-trail", event_id="org-start"),
    ]
    outcome = only(run_check(TRAIL, _org_member(True, stopped)))
    assert outcome.status is Status.FAIL
    assert "trail org-trail was off from" in outcome.message
    assert outcome.evidence["history"]["read_in"] == [
        f"{MANAGEMENT}/{REGION}",
        f"{ACCOUNT}/{REGION}",
    ]
    assert [c["event_id"] for c in outcome.evidence["changes"]] == ["org-stop", "org-start"]
    assert only(run_check(TRAIL, _org_member(True))).status is Status.PASS


def test_a_member_region_without_the_owners_history_is_an_error_naming_the_owner() -> None:
    outcome = only(run_check(TRAIL, _org_member(False)))
    assert outcome.status is Status.ERROR
    assert f"the history is in {REGION} of account {MANAGEMENT}" in outcome.message
    assert f"the changes of trail org-trail are recorded in {MANAGEMENT}/{REGION}" in (
        outcome.message
    )


def test_an_org_trail_whose_owner_is_not_in_the_snapshot_names_that_account() -> None:
    snap = _org_member(False)
    shadow = trail("org-trail", account=MANAGEMENT, org_trail=True)
    shadow.owner_reads_skipped = True
    snap.accounts = [a for a in snap.accounts if a.account_id == ACCOUNT]
    snap.accounts[0].trails.append(shadow)
    outcome = only(run_check(TRAIL, snap))
    assert outcome.status is Status.ERROR
    assert f"account {MANAGEMENT}, which this scan did not read" in outcome.message
    assert "LookupEvents covers its own account only" in outcome.message


# --- other families -------------------------------------------------------------------


def _alarm(enabled: bool = True) -> dict[str, Any]:
    return {
        "AlarmName": ALARM,
        "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{ALARM}",
        "ActionsEnabled": enabled,
    }


def test_alarm_actions_disabled_for_three_days_fail_and_others_alarms_do_not_hide_it() -> None:
    snap = with_detection(snapshot(), alarms=[_alarm(), {**_alarm(), "AlarmName": "cpu"}])
    hist = history(
        event("DisableAlarmActions", ago(20), alarmNames=[ALARM]),
        event("EnableAlarmActions", ago(17), alarmNames=[ALARM], actor=BOB),
    )
    outcome = only(run_check(ALARMS, with_history(snap, hist)))
    assert outcome.status is Status.FAIL
    assert f"alarm {ALARM} was weakened from" in outcome.message and "(3.0 days)" in outcome.message
    lane = outcome.evidence["lane"]
    assert [s["state"] for s in lane] == ["on", "weakened", "on"]
    assert lane[0]["start"] == LAST_90.start.isoformat() and lane[-1]["end"] == NOW.isoformat()
    assert [c["control"] for c in outcome.evidence["controls"]] == [f"alarm {ALARM}", "alarm cpu"]


def test_a_put_that_may_have_created_the_control_is_error_never_an_assumed_pass() -> None:
    snap = with_detection(snapshot(), alarms=[_alarm()])
    hist = history(event("PutMetricAlarm", ago(10), alarmName=ALARM, event_id="put"))
    outcome = only(run_check(ALARMS, with_history(snap, hist)))
    assert outcome.status is Status.ERROR
    assert (
        f"cannot tell whether alarm {ALARM} existed before PutMetricAlarm at 2026-11-10 12:00 "
        f"UTC by {MALLORY} from 198.51.100.7: PutMetricAlarm creates or updates, and nothing "
        f"read shows alarm {ALARM} before it"
    ) in outcome.message
    assert [a["event_id"] for a in outcome.evidence["ambiguous_puts"]] == ["put"]
    assert outcome.evidence["ambiguous_puts"][0]["control"] == f"alarm {ALARM}"
    assert "assumed_updates" not in outcome.evidence
    (control,) = outcome.evidence["controls"]
    assert [s["state"] for s in control["segments"]] == ["unknown", "on"]
    assert control["segments"][0]["end"] == ago(10).isoformat()


def test_a_put_after_a_delete_is_a_creation_so_the_gap_between_them_is_off() -> None:
    snap = with_detection(snapshot(), alarms=[_alarm()])
    hist = history(
        event("DeleteAlarms", ago(10), alarmNames=[ALARM]),
        event("PutMetricAlarm", ago(8), alarmName=ALARM),
    )
    outcome = only(run_check(ALARMS, with_history(snap, hist)))
    assert outcome.status is Status.FAIL
    (control,) = outcome.evidence["controls"]
    assert [s["state"] for s in control["segments"]] == ["unknown", "off", "on"]
    assert "was off from 2026-11-10 12:00 UTC to 2026-11-12 12:00 UTC" in outcome.message


def test_every_evidence_lane_covers_the_period_exactly_for_every_family() -> None:
    snap = with_history(snapshot(trail("ops-trail")), history(*_stop_start(40, 31)))
    continuity = CATALOG.selected(lambda c: c.check.id.startswith("continuity-"))
    results = evaluate(snap, "sha", continuity, Config()).results
    assert len(results) == 12
    for result in results:
        evidence = result.evidence
        assert evidence["period"]["start"] == LAST_90.start.isoformat(), result.check_id
        if "lane" not in evidence:
            continue
        lane = evidence["lane"]
        assert lane[0]["start"] == LAST_90.start.isoformat(), result.check_id
        assert lane[-1]["end"] == LAST_90.end.isoformat(), result.check_id
        assert all(a["end"] == b["start"] for a, b in itertools.pairwise(lane))
        for control in evidence["controls"]:
            segs = control["segments"]
            assert segs[0]["start"] == lane[0]["start"] and segs[-1]["end"] == lane[-1]["end"]
        times = [c["time"] for c in evidence["changes"]]
        assert times == sorted(times)


def test_a_gap_longer_than_a_day_reads_in_days_and_a_short_one_in_minutes() -> None:
    snap = with_history(
        snapshot(trail("ops-trail")),
        history(*_stop_start(40, 40 - timedelta(minutes=30) / timedelta(days=1))),
    )
    assert "(30 minutes)" in only(run_check(TRAIL, snap)).message


def test_a_family_with_no_control_in_the_period_is_nothing_to_judge() -> None:
    snap = with_history(with_detection(snapshot(), guardduty_detectors=[]), history())
    outcome = only(run_check("continuity-guardduty", snap))
    assert outcome.status is Status.NOT_APPLICABLE
    assert "No GuardDuty detectors existed" in outcome.message
    assert (outcome.evidence["listed"], outcome.evidence["count"]) == (True, 0)
    assert outcome.evidence["controls"] == []
