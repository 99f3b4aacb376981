"""``aiposture diff`` between two quarters: the continuity gaps that opened and closed."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from aiposture.cli import cli
from aiposture.engine.continuity_diff import diff_gaps, gap_key
from aiposture.engine.diff import diff_results, has_regression
from aiposture.report.diff import render_diff
from aiposture.report.html import render_html
from aiposture.results import Result, Results, Status, content_sha256, dump_results
from aiposture.snapshot.history import Period
from tests.report.continuity_fixture import (
    ACCOUNT,
    HOSTILE_ACTOR,
    continuity,
    evidence,
    ref,
    seg,
)

Q2 = Period(
    start=datetime(2026, 4, 1, tzinfo=UTC), end=datetime(2026, 7, 1, tzinfo=UTC), label="Q2"
)
Q3 = Period(
    start=datetime(2026, 7, 1, tzinfo=UTC), end=datetime(2026, 10, 1, tzinfo=UTC), label="Q3"
)


def _gap(start: datetime, end: datetime, opener: str | None = None) -> dict[str, Any]:
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "hours": (end - start).total_seconds() / 3600,
        "state": "off",
        "opened_by": ref(opener, "StopLogging", start, HOSTILE_ACTOR, "203.0.113.66")
        if opener
        else None,
        "closed_by": None,
    }


def _trail(
    period: Period,
    gaps: list[dict[str, Any]],
    *,
    status: Status | None = None,
    region: str = "us-east-1",
    control: str = "Trail ops-trail",
) -> Result:
    ev = evidence(
        lane=[seg(period.start, period.end, "on")],
        controls=[{"control": control, "resource": None, "segments": [], "gaps": gaps}],
        changes=[],
    )
    ev["period"] = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "label": period.label,
    }
    return continuity(
        "trail-logging",
        status or (Status.FAIL if gaps else Status.PASS),
        region=region,
        ev=ev,
    )


def _scan(period: Period | None, *results: Result) -> Results:
    from tests.report.continuity_fixture import continuity_results

    base = continuity_results(period=period)
    scan = base.scan.model_copy(update={"period": period})
    return base.model_copy(update={"scan": scan, "results": list(results)})


def test_gaps_opened_and_closed_keyed_by_account_region_check_control_start():
    june = datetime(2026, 6, 3, tzinfo=UTC)
    august = datetime(2026, 8, 1, tzinfo=UTC)
    old = _scan(Q2, _trail(Q2, [_gap(june, june + timedelta(days=2), "ev-june")]))
    new = _scan(Q3, _trail(Q3, [_gap(august, august + timedelta(days=9), "ev-aug")]))
    d = diff_gaps(old, new)
    assert d is not None and d.note is None
    assert [gap_key(g) for g in d.opened] == [
        (ACCOUNT, "us-east-1", "continuity-trail-logging", "Trail ops-trail", august.isoformat())
    ]
    assert [g.start for g in d.closed] == [june] and not d.unverified
    assert (d.baseline_period, d.period) == (Q2, Q3)
    assert has_regression(diff_results(old, new))  # a gap opened, though statuses did not move


def test_the_same_gap_in_both_scans_is_neither_opened_nor_closed():
    july = datetime(2026, 7, 10, tzinfo=UTC)
    gap = _gap(july, july + timedelta(days=1), "ev-1")
    other_region = _trail(Q3, [_gap(july, july + timedelta(hours=5))], region="us-west-2")
    old = _scan(Q3, _trail(Q3, [gap]))
    new = _scan(Q3, _trail(Q3, [gap]), other_region)
    d = diff_gaps(old, new)
    assert d is not None and not d.closed
    assert [(g.region, g.start) for g in d.opened] == [("us-west-2", july)]  # region is in the key
    renamed = _scan(Q3, _trail(Q3, [gap], control="Trail other"))
    d = diff_gaps(old, renamed)
    assert d is not None and len(d.opened) == 1 and len(d.closed) == 1  # control is in the key


def test_a_gap_cut_by_the_quarter_boundary_matches_itself():
    """Stopped 20 June, started 5 July: [06-20, 07-01) in Q2 and [07-01, 07-05) in Q3."""
    stop = datetime(2026, 6, 20, tzinfo=UTC)
    start = datetime(2026, 7, 5, tzinfo=UTC)
    old = _scan(Q2, _trail(Q2, [_gap(stop, Q2.end)]))
    new = _scan(Q3, _trail(Q3, [_gap(Q3.start, start)]))
    d = diff_gaps(old, new)
    assert d is not None and not d.opened and not d.closed
    # Matched by the event that opened it, though the starts differ and nothing touches.
    old = _scan(Q2, _trail(Q2, [_gap(stop, stop + timedelta(days=1), "ev-stop")]))
    new = _scan(Q3, _trail(Q3, [_gap(Q3.start + timedelta(days=2), start, "ev-stop")]))
    d = diff_gaps(old, new)
    assert d is not None and not d.opened and not d.closed


def test_a_baseline_gap_is_not_closed_where_this_scan_could_not_read_history():
    june = datetime(2026, 6, 3, tzinfo=UTC)
    old = _scan(Q2, _trail(Q2, [_gap(june, june + timedelta(days=2))]))
    unread = continuity("trail-logging", Status.ERROR, message="LookupEvents: AccessDenied")
    d = diff_gaps(old, _scan(Q3, unread))
    assert d is not None and not d.closed and [g.start for g in d.unverified] == [june]
    d = diff_gaps(old, _scan(Q3))  # no result at all there
    assert d is not None and not d.closed and len(d.unverified) == 1


def test_no_history_on_either_side_is_said_not_compared():
    july = datetime(2026, 7, 10, tzinfo=UTC)
    new = _scan(Q3, _trail(Q3, [_gap(july, july + timedelta(days=1))]))
    d = diff_gaps(_scan(None), new)
    assert d is not None and not d.opened and not d.closed
    assert d.note == (
        "the baseline reads no event history (--no-history): continuity gaps cannot be compared"
    )
    assert diff_gaps(_scan(None), _scan(None)) is None  # neither judged continuity


def test_renderings_list_gaps_and_keep_hostile_strings_inert():
    august = datetime(2026, 8, 1, tzinfo=UTC)
    hostile = "Trail <script>alert(1)</script>|x\x1b[31m"
    old = _scan(Q2, _trail(Q2, []))
    new = _scan(Q3, _trail(Q3, [_gap(august, august + timedelta(days=9), "e1")], control=hostile))
    d = diff_results(old, new)
    text = render_diff(d, "text")
    assert "Continuity gaps opened (1):" in text and "Continuity gaps closed (0):" in text
    assert "off from 2026-08-01T00:00:00+00:00 to 2026-08-10T00:00:00+00:00 (216.0 h" in text
    assert "opened by StopLogging at 2026-08-01 00:00:00 UTC by " + HOSTILE_ACTOR in text
    assert "\x1b" not in text and "\\x1b" in text
    assert "Audit periods: baseline Q2:" in text
    md = render_diff(d, "markdown")
    assert "#### Continuity gaps opened (1)" in md
    assert "<script>" not in md and "&lt;script\\>" in md and "\\|x" in md
    doc = json.loads(render_diff(d, "json"))
    assert doc["continuity"]["opened"][0]["control"] == hostile
    assert doc["continuity"]["period"]["label"] == "Q3"
    html = render_html(new.model_copy(update={"baseline": d}))
    assert 'id="diff-gaps"' in html and "1 opened, 0 closed" in html
    assert "<script>alert(1)" not in html


def test_a_baseline_without_continuity_hashes_as_before():
    """Results with a baseline diff written before continuity keep their recorded hash."""
    old = _scan(None)
    new = _scan(None, continuity("trail-logging", Status.PASS))
    new = new.model_copy(update={"scan": new.scan.model_copy(update={"period": None})})
    d = diff_results(_scan(None), _scan(None))
    assert d.continuity is None
    results = old.model_copy(update={"baseline": d})
    before = {
        "integrity": True,
        "scoping": True,
        "peer_refs": True,
        "scores": {"not_assessed"},
    }
    doc = results.model_dump(mode="json", exclude=before)
    assert doc["scan"].pop("period") is None and doc["baseline"].pop("continuity") is None
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert content_sha256(results) == hashlib.sha256(canonical.encode("ascii")).hexdigest()


def test_cli_diff_between_two_quarters(tmp_path: Path):
    august = datetime(2026, 8, 1, tzinfo=UTC)
    june = datetime(2026, 6, 3, tzinfo=UTC)
    old_path, new_path = tmp_path / "q2.json", tmp_path / "q3.json"
    dump_results(_scan(Q2, _trail(Q2, [_gap(june, june + timedelta(days=2))])), old_path)
    dump_results(_scan(Q3, _trail(Q3, [_gap(august, august + timedelta(days=9))])), new_path)
    runner = CliRunner()
    out = runner.invoke(cli, ["diff", str(old_path), str(new_path)])
    assert out.exit_code == 0, out.output
    assert "Continuity gaps opened (1):" in out.output
    assert "Continuity gaps closed (1):" in out.output
    out = runner.invoke(cli, ["diff", str(old_path), str(new_path), "--fail-on-regression"])
    assert out.exit_code == 1
    assert "1 continuity gap(s) opened" in out.output
