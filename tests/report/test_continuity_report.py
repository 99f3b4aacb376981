"""The "Continuity over the period" section: timeline SVG, tables, cover, Method, PDF pixels."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aiposture.report import get_renderer
from aiposture.report.continuity_view import build_continuity, merge_lanes, period_text
from aiposture.report.html import render_html
from aiposture.report.timeline_svg import (
    MIN_GAP_PX,
    STATE_COLOURS,
    TimelineGap,
    TimelineLane,
    TimelineTick,
    month_ticks,
    timeline_svg,
)
from aiposture.results import Status, content_sha256, dump_results, load_results
from tests.pdf_pages import page_text, pixels, red_pixels, render_page
from tests.report.continuity_fixture import (
    ACCOUNT,
    DENIED,
    END,
    HOSTILE_ACTOR,
    OTHER,
    PERIOD,
    RESTART,
    START,
    STOP,
    continuity,
    continuity_results,
    evidence,
    ref,
    seg,
)

POPPLER = shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None
RAW_HOSTILE = '<script>alert("x")</script>'

# The geometry of timeline_svg: the plot starts at x=210 and is 560 wide.
PLOT_X, PLOT_W = 210.0, 560.0


def _x(moment: datetime) -> float:
    return PLOT_X + PLOT_W * (moment - START).total_seconds() / (END - START).total_seconds()


def _account_svg(account: str = ACCOUNT) -> str:
    view = build_continuity(continuity_results())
    return str(next(a for a in view.accounts if a.account_id == account).svg)


# ---- the SVG ----


def test_month_ticks_are_the_first_of_each_month_inside_the_period():
    assert month_ticks(START, END) == [
        datetime(2026, 8, 1, tzinfo=UTC),
        datetime(2026, 9, 1, tzinfo=UTC),
    ]
    year_end = month_ticks(datetime(2026, 11, 15, tzinfo=UTC), datetime(2027, 2, 2, tzinfo=UTC))
    assert [m.month for m in year_end] == [12, 1, 2]
    assert month_ticks(START, START + timedelta(days=10)) == []
    # A month starting near an end of the axis gets its line, not a name over the end's date.
    late = datetime(2026, 12, 5, tzinfo=UTC)
    svg = str(timeline_svg(late - timedelta(days=90), late, [TimelineLane("x", [])], label="t"))
    assert svg.count('class="month-tick"') == 3
    assert re.findall(r'class="month"[^>]*>([^<]+)<', svg) == ["Oct", "Nov"]


def test_one_lane_per_family_in_family_order_with_status():
    svg = _account_svg()
    labels = re.findall(r'class="lane-label"[^>]*>([^<]+)</text>', svg)
    assert labels == [
        "CloudTrail logging",
        "Bedrock model invocation logging",
        "CloudWatch alarms and their actions",
        "GuardDuty detectors",
    ]
    assert re.findall(r'class="lane-status"[^>]*>([^<]+)<', svg) == ["FAIL", "PASS", "FAIL", "N/A"]
    assert svg.count('class="lane"') == 4
    assert "no such control in the period" in svg  # GuardDuty: not applicable
    assert ">Aug</text>" in svg and ">Sep</text>" in svg
    assert ">2026-07-01</text>" in svg and ">2026-10-01</text>" in svg


def test_the_gap_is_red_at_its_exact_interval_with_its_title():
    svg = _account_svg()
    gap = re.search(
        r'<rect class="gap gap-off" x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="\d+" '
        r'fill="(#[0-9a-f]+)"><title>([^<]*)</title>',
        svg,
    )
    assert gap is not None
    x, width, colour, title = float(gap[1]), float(gap[2]), gap[3], gap[4]
    assert colour == STATE_COLOURS["off"] == "#d92d20"
    assert x == pytest.approx(_x(STOP), abs=0.01)
    assert x + width == pytest.approx(_x(RESTART), abs=0.02)
    assert "us-east-1 Trail ops-trail: off from 2026-08-01 12:00:00 UTC" in title
    assert "to 2026-08-10 12:00:00 UTC (216.0 h (9.0 days))" in title
    assert "opened by StopLogging" in title and "closed by StartLogging" in title
    # The weakened alarm is drawn in the lighter red.
    assert 'class="gap gap-weakened"' in svg and STATE_COLOURS["weakened"] in svg


def test_change_ticks_name_time_event_actor_and_ip():
    svg = _account_svg()
    titles = re.findall(r'<g class="tick"><title>([^<]*)</title>', svg)
    assert len(titles) == 4  # stop, start, disable, enable
    assert any(
        t.startswith("us-east-1: StartLogging at 2026-08-10 12:00:00 UTC by ")
        and "assumed-role/Admin/alice from 198.51.100.7 on ops-trail" in t
        for t in titles
    )
    denied = re.findall(r'<g class="tick denied"><title>([^<]*)</title>', svg)
    assert len(denied) == 1
    assert "StopLogging at 2026-07-20 09:30:00 UTC" in denied[0]
    assert "[denied: AccessDenied, changed nothing]" in denied[0]
    x = float(re.search(r'class="tick denied">.*?<line x1="(\d+)"', svg)[1])
    assert x == round(_x(DENIED))


def test_a_short_gap_is_never_thinner_than_the_minimum():
    hour = STOP + timedelta(hours=1)
    lane = TimelineLane(
        label="x",
        segments=[(START, STOP, "on"), (STOP, hour, "off"), (hour, END, "on")],
        gaps=[TimelineGap(STOP, hour, "off", "one hour")],
    )
    svg = str(timeline_svg(START, END, [lane], label="t"))
    widths = [
        float(w)
        for w in re.findall(r'class="(?:seg seg-off|gap gap-off)"[^>]*width="([\d.]+)"', svg)
    ]
    assert widths and all(w >= MIN_GAP_PX for w in widths)


def test_changes_on_one_pixel_column_share_one_tick_and_count_the_rest():
    ticks = [TimelineTick(STOP + timedelta(seconds=i), f"change {i}") for i in range(20)]
    lane = TimelineLane(label="busy", segments=[(START, END, "on")], ticks=ticks)
    svg = str(timeline_svg(START, END, [lane], label="t"))
    assert svg.count('<g class="tick">') == 1
    assert "change 0\nchange 1" in svg and "change 11" in svg and "change 12" not in svg
    assert "... and 8 more change(s)" in svg


def test_merge_lanes_takes_the_worst_state_at_each_instant():
    mid = START + timedelta(days=30)
    late = START + timedelta(days=60)
    merged = merge_lanes(
        [
            [(START, mid, "unknown"), (mid, END, "on")],
            [(START, late, "on"), (late, END, "weakened")],
            [(START, END, "on")],
        ]
    )
    assert merged == [(START, mid, "unknown"), (mid, late, "on"), (late, END, "weakened")]
    off = merge_lanes([[(START, END, "weakened")], [(mid, late, "off")]])
    assert [s for _, _, s in off] == ["weakened", "off", "weakened"]


# ---- the section in HTML ----


def test_section_tables_list_the_gap_and_every_change():
    view = build_continuity(continuity_results())
    assert view.read and view.gaps == 2 and view.failing_accounts == 1
    assert view.tolerance == "none: any gap fails"
    first = view.accounts[0]
    assert first.account_id == ACCOUNT
    trail = next(g for g in first.gaps if g.check_id == "continuity-trail-logging")
    assert (trail.start, trail.end, trail.length, trail.state) == (
        "2026-08-01 12:00:00 UTC",
        "2026-08-10 12:00:00 UTC",
        "216.0 h (9.0 days)",
        "off",
    )
    assert trail.opened_by.startswith("StopLogging at 2026-08-01 12:00:00 UTC by " + HOSTILE_ACTOR)
    assert trail.opened_by.endswith("from 203.0.113.66") and trail.over_tolerance
    assert [c.event_name for c in first.changes] == [
        "StopLogging",
        "StopLogging",
        "StartLogging",
        "DisableAlarmActions",
        "EnableAlarmActions",
    ]
    assert first.changes[0].denied and first.changes[0].outcome.startswith("denied (AccessDenied)")
    assert any("us-west-2: the event history reaches back to 2026-07-20" in n for n in first.notes)
    assert view.accounts[1].account_id == OTHER and not view.accounts[1].gaps
    # Its trail logging was judged from another account's history (an organization trail).
    assert view.accounts[1].notes == [
        f"us-east-1 CloudTrail logging: judged from the event history of {ACCOUNT}/us-east-1 "
        "(the organization trail's owner)"
    ]


def test_hostile_actor_is_inert_in_svg_and_tables():
    html = render_html(continuity_results())
    assert RAW_HOSTILE not in html
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    section = html[html.index('id="continuity"') : html.index('id="unverified"')]
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert escaped in svg  # the tick and gap titles
    tables = section[section.index("</svg>") :]
    assert tables.count(escaped) >= 3  # the gap's opener and two changes' actors
    assert "<script" not in section


def test_cover_method_and_contents_state_the_period():
    html = render_html(continuity_results())
    expected = period_text(PERIOD)
    assert expected.startswith("2026-07-01..2026-09-30: 2026-07-01 00:00:00 UTC to 2026-10-01")
    assert f'id="cover-period">{expected}</dd>' in html
    method = html[html.index('id="method-continuity"') :]
    assert expected in method[: method.index("</div>")]
    assert 'href="#continuity">Continuity over the period</a>' in html
    assert "Continuity over the period: 2\n    gaps longer than the tolerance" in html


def test_no_period_says_history_was_not_read_and_draws_nothing():
    results = continuity_results(period=None)
    html = render_html(results)
    assert 'id="continuity-not-read"' in html
    assert "not read (--no-history)" in html[html.index('id="cover-period"') :][:200]
    assert 'class="timeline"' not in html and 'id="continuity-headline"' not in html
    view = build_continuity(results)
    assert not view.read and not view.accounts
    assert view.counts["NOT_APPLICABLE"] == len(results.results)


def test_change_table_is_bounded_keeping_the_gap_events_and_denials():
    noise = [
        {
            **ref(
                f"noise-{i:03d}", "PutMetricAlarm", START + timedelta(hours=i), "arn:x", "1.1.1.1"
            ),
            "resource": "a",
            "error_code": None,
        }
        for i in range(50)
    ]
    busy = continuity(
        "dashboard",
        Status.PASS,
        ev=evidence(lane=[seg(START, END, "on")], controls=[], changes=noise),
    )
    view = build_continuity(continuity_results(extra=[busy]), change_limit=6)
    first = view.accounts[0]
    assert first.changes_total == 55 and len(first.changes) == 6
    names = [c.event_name for c in first.changes]
    # The four events that opened or closed a gap and the denied call are always kept.
    assert names.count("StopLogging") == 2 and "StartLogging" in names
    assert "DisableAlarmActions" in names and "EnableAlarmActions" in names
    html = render_html(continuity_results(extra=[busy]))
    assert "55 change(s)" in html  # the HTML default lists up to 200
    from aiposture.report.pdf import PDF_OPTIONS

    assert PDF_OPTIONS.continuity_change_limit < 200


def test_evidence_of_another_shape_draws_unknown_not_a_gap():
    odd = continuity("notifications", Status.ERROR, ev={"lane": "not a list", "why": "x"})
    view = build_continuity(continuity_results(extra=[odd]))
    svg = str(view.accounts[0].svg)
    lanes = svg.split('<g class="lane">')
    sns = next(lane for lane in lanes if "SNS alarm topics" in lane)
    assert "seg-unknown" in sns and "gap" not in sns.replace("no such", "")


# ---- machine formats and results.json ----


def test_period_in_markdown_sarif_and_results_json(tmp_path: Path):
    results = continuity_results()
    md = get_renderer("markdown").render(results).decode()
    assert "Audit period: 2026-07-01..2026-09-30: 2026-07-01 00:00:00 UTC" in md
    assert "### Continuity over the period" in md and "2 gap(s) longer than the tolerance" in md
    assert RAW_HOSTILE not in md
    sarif = json.loads(get_renderer("sarif").render(results))
    assert sarif["runs"][0]["properties"]["audit_period"] == {
        "start": "2026-07-01T00:00:00.000Z",
        "end": "2026-10-01T00:00:00.000Z",
        "label": "2026-07-01..2026-09-30",
    }
    path = tmp_path / "results.json"
    dump_results(results, path)
    doc = json.loads(path.read_text())
    assert doc["scan"]["period"]["label"] == "2026-07-01..2026-09-30"
    assert load_results(path).scan.period == PERIOD


def test_results_without_a_period_hash_as_before():
    """A results file written before periods existed still matches its recorded hash."""
    results = continuity_results(period=None)
    # The hash as the aiposture before periods computed it: its own unset added members left
    # out, and no scan.period at all.
    before = {"integrity": True, "scoping": True, "peer_refs": True, "scores": {"not_assessed"}}
    doc = results.model_dump(mode="json", exclude=before)
    assert doc["scan"].pop("period") is None
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert content_sha256(results) == hashlib.sha256(canonical.encode("ascii")).hexdigest()


# ---- the PDF, looked at as pixels ----


@pytest.fixture(scope="module")
def continuity_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """The PDF page with the section, as PNG; that page's text; the whole text."""
    pdf = get_renderer("pdf").render(continuity_results())
    if not POPPLER:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    tmp = tmp_path_factory.mktemp("continuity")
    path = tmp / "report.pdf"
    path.write_bytes(pdf)
    pages = page_text(path)
    png, page = render_page(
        path, pages, lambda p: "Continuity over the period\n" in p and "Account" in p, tmp
    )
    return png, page, "\f".join(pages)


def test_pdf_draws_the_gap_in_red(continuity_page: tuple[Path, str, str]):
    png, page, _ = continuity_page
    red = red_pixels(png)
    assert red > 40, red
    green = pixels(png, lambda r, g, b: 100 < r < 150 and g > 190 and 140 < b < 190)
    assert green > 200  # the lanes that were on
    flat = " ".join(page.split())
    assert "2026-08-01 12:00:00 UTC" in flat and "216.0 h (9.0 days)" in flat
    assert "assumed-role/Admin/alice" in flat


def test_pdf_states_the_period_on_the_cover(continuity_page: tuple[Path, str, str]):
    _, _, text = continuity_page
    cover = " ".join(text.split("\f")[0].split())
    assert "AUDIT PERIOD 2026-07-01..2026-09-30" in cover.upper()
    flat = " ".join(text.split())
    assert RAW_HOSTILE in flat.replace("/ ", "/")  # printed as text, never run


# ---- in a real browser ----

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_in_chromium_the_timeline_is_svg_and_the_hostile_actor_stays_text(tmp_path: Path):
    from tests.report.test_report_in_browser import dom

    page = dom(tmp_path, continuity_results())
    assert page.count("<script") == 1  # the report's own; the actor's stayed text
    section = page[page.index('id="continuity"') : page.index('id="unverified"')]
    assert section.count('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"') == 2
    assert section.count('<g class="tick">') == 4 and section.count('<g class="tick denied">') == 1
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in section
