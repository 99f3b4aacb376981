"""Hand-built continuity results (issue 18) with the evidence shape of the contract.

The rules that write these results are built in parallel; the report is tested against the
contract's evidence shape directly: a trail stopped for 9 days by a hostile-named actor, an
alarm's actions disabled for 3 days, a denied StopLogging, a region whose history does not
reach the period's start, and a family not applicable in a region.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiposture.results import Remediation, Result, Results, ScanInfo, Severity, Status, ToolRef
from aiposture.snapshot.history import FAMILIES, Period

ACCOUNT = "111111111111"
OTHER = "222222222222"
START = datetime(2026, 7, 1, tzinfo=UTC)
END = datetime(2026, 10, 1, tzinfo=UTC)
PERIOD = Period(start=START, end=END, label="2026-07-01..2026-09-30")
HOSTILE_ACTOR = 'arn:aws:sts::111111111111:assumed-role/<script>alert("x")</script>/eve'
ADMIN = "arn:aws:sts::111111111111:assumed-role/Admin/alice"
TRAIL = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/ops-trail"
ALARM = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:AI-CloudTrailLoggingDisruption"

STOP = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)
RESTART = STOP + timedelta(days=9)
DISABLE = datetime(2026, 9, 2, 8, 0, tzinfo=UTC)
ENABLE = DISABLE + timedelta(days=3)
DENIED = datetime(2026, 7, 20, 9, 30, tzinfo=UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 as the evidence writes it."""
    return moment.isoformat()


def ref(event_id: str, name: str, time: datetime, actor: str, ip: str) -> dict[str, Any]:
    """A REF of the contract."""
    return {
        "event_id": event_id,
        "event_name": name,
        "time": iso(time),
        "actor_arn": actor,
        "source_ip": ip,
    }


def seg(start: datetime, end: datetime, state: str) -> dict[str, str]:
    """A lane or control segment."""
    return {"start": iso(start), "end": iso(end), "state": state}


def evidence(
    *,
    lane: list[dict[str, str]],
    controls: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    history_start: datetime = START,
    reaches: bool = True,
    read_in: str = f"{ACCOUNT}/us-east-1",
    tolerance: float = 0.0,
) -> dict[str, Any]:
    """The evidence of one continuity result."""
    return {
        "period": {"start": iso(START), "end": iso(END), "label": PERIOD.label},
        "history": {
            "start": iso(history_start),
            "end": iso(END),
            "oldest_available": iso(history_start),
            "reaches_period_start": reaches,
            "read_in": read_in,
        },
        "tolerance_hours": tolerance,
        "lane": lane,
        "controls": controls,
        "changes": changes,
    }


def continuity(
    key: str,
    status: Status,
    *,
    account: str = ACCOUNT,
    region: str = "us-east-1",
    message: str = "",
    ev: dict[str, Any] | None = None,
) -> Result:
    """One ``continuity-<key>`` result."""
    family = next(f for f in FAMILIES if f.key == key)
    return Result(
        check_id=f"continuity-{key}",
        title=f"{family.title} stayed on throughout the period",
        severity=Severity.HIGH,
        status=status,
        account_id=account,
        region=region,
        resource_arn=None,
        seed_refs=[],
        dimensions=["genai.controls"],
        message=message or f"{family.title}: {status.value}",
        evidence=ev or {},
        remediation=Remediation(text="Investigate who switched the control off, and why."),
    )


def trail_gap_result() -> Result:
    """The trail stopped for 9 days by the hostile actor, restarted by Admin."""
    opened = ref("ev-stop", "StopLogging", STOP, HOSTILE_ACTOR, "203.0.113.66")
    closed = ref("ev-start", "StartLogging", RESTART, ADMIN, "198.51.100.7")
    denied = ref("ev-denied", "StopLogging", DENIED, HOSTILE_ACTOR, "203.0.113.66")
    return continuity(
        "trail-logging",
        Status.FAIL,
        message="Trail ops-trail was off from 2026-08-01 12:00 UTC to 2026-08-10 12:00 UTC.",
        ev=evidence(
            lane=[seg(START, STOP, "on"), seg(STOP, RESTART, "off"), seg(RESTART, END, "on")],
            controls=[
                {
                    "control": "Trail ops-trail",
                    "resource": TRAIL,
                    "segments": [
                        seg(START, STOP, "on"),
                        seg(STOP, RESTART, "off"),
                        seg(RESTART, END, "on"),
                    ],
                    "gaps": [
                        {
                            "start": iso(STOP),
                            "end": iso(RESTART),
                            "hours": 216.0,
                            "state": "off",
                            "opened_by": opened,
                            "closed_by": closed,
                        }
                    ],
                }
            ],
            changes=[
                {**denied, "resource": "ops-trail", "error_code": "AccessDenied"},
                {**opened, "resource": "ops-trail", "error_code": None},
                {**closed, "resource": "ops-trail", "error_code": None},
            ],
        ),
    )


def alarm_gap_result() -> Result:
    """The alarm's actions disabled for 3 days."""
    opened = ref("ev-disable", "DisableAlarmActions", DISABLE, ADMIN, "198.51.100.7")
    closed = ref("ev-enable", "EnableAlarmActions", ENABLE, ADMIN, "198.51.100.7")
    return continuity(
        "alarms",
        Status.FAIL,
        ev=evidence(
            lane=[
                seg(START, DISABLE, "on"),
                seg(DISABLE, ENABLE, "weakened"),
                seg(ENABLE, END, "on"),
            ],
            controls=[
                {
                    "control": "Alarm AI-CloudTrailLoggingDisruption",
                    "resource": ALARM,
                    "segments": [],
                    "gaps": [
                        {
                            "start": iso(DISABLE),
                            "end": iso(ENABLE),
                            "hours": 72.0,
                            "state": "weakened",
                            "opened_by": opened,
                            "closed_by": closed,
                        }
                    ],
                }
            ],
            changes=[
                {**opened, "resource": "AI-CloudTrailLoggingDisruption", "error_code": None},
                {**closed, "resource": "AI-CloudTrailLoggingDisruption", "error_code": None},
            ],
        ),
    )


def short_history_result() -> Result:
    """us-west-2: history reaches 2026-07-20 only; no gap found, so ERROR."""
    reach = datetime(2026, 7, 20, tzinfo=UTC)
    return continuity(
        "trail-logging",
        Status.ERROR,
        region="us-west-2",
        message="The event history reaches back to 2026-07-20 only.",
        ev=evidence(
            lane=[seg(START, reach, "unknown"), seg(reach, END, "on")],
            controls=[],
            changes=[],
            history_start=reach,
            reaches=False,
            read_in=f"{ACCOUNT}/us-west-2",
        ),
    )


def passing_result(key: str, *, account: str = ACCOUNT, region: str = "us-east-1") -> Result:
    """A family on all period."""
    return continuity(
        key,
        Status.PASS,
        account=account,
        region=region,
        ev=evidence(lane=[seg(START, END, "on")], controls=[], changes=[]),
    )


def continuity_results(
    period: Period | None = PERIOD, extra: list[Result] | None = None
) -> Results:
    """Results of two accounts with the continuity results above."""
    results = [
        trail_gap_result(),
        alarm_gap_result(),
        short_history_result(),
        passing_result("invocation-logging"),
        passing_result("trail-logging", account=OTHER),
        continuity(
            "guardduty",
            Status.NOT_APPLICABLE,
            message="No GuardDuty detector existed during the period.",
        ),
        *(extra or []),
    ]
    if period is None:
        results = [
            r.model_copy(
                update={
                    "status": Status.NOT_APPLICABLE,
                    "message": "history was not read (--no-history)",
                    "evidence": {},
                }
            )
            for r in results
        ]
    return Results(
        tool=ToolRef(version="0.0.0", catalog_version="test"),
        scan=ScanInfo(
            started_at=END,
            finished_at=END + timedelta(minutes=3),
            identity_arn="arn:aws:iam::111111111111:role/auditor",
            accounts=[ACCOUNT, OTHER],
            regions=["us-east-1", "us-west-2"],
            snapshot_sha256="a" * 64,
            period=period,
        ),
        results=results,
    )
