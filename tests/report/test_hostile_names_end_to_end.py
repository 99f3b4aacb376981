"""Names read from AWS go through the real rules into every report, and stay inert text.

A trail, a log group, a metric filter and an alarm with hostile names are judged by the real
catalog; their names reach the messages and evidence, then the HTML, the PDF and the machine
formats. Nothing runs and nothing is fetched: HTML escapes them, the PDF prints them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from aiposture.api import evaluate_snapshot
from aiposture.config import Config
from aiposture.report import get_renderer
from aiposture.report.html import render_html
from aiposture.results import Results
from tests.builders import log_group, snapshot, trail, with_detection

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
GROUP = f"ai-logs-{IMG}"
POPPLER = shutil.which("pdftotext") is not None


@pytest.fixture(scope="module")
def results() -> Results:
    hostile_trail = trail(f"trail-{SCRIPT}", log_group=GROUP)
    hostile_trail.tags = {"team": f"tag-{IMG}"}
    snap = snapshot(hostile_trail, log_groups=[log_group(GROUP)])
    with_detection(
        snap,
        metric_filters={
            GROUP: [
                {
                    "filterName": f"filter-{SCRIPT}",
                    "filterPattern": '{ $.eventName = "StopLogging" }',
                    "logGroupName": GROUP,
                    "metricTransformations": [
                        {
                            "metricName": f"m-{IMG}",
                            "metricNamespace": "AIWorkloadMetrics",
                            "metricValue": "1",
                        }
                    ],
                }
            ]
        },
        subscription_filters={GROUP: []},
        alarms=[],
        composite_alarms=[],
        sns_topics={},
        insight_rules=[],
        query_definitions=[],
        dashboards={f"dash-{SCRIPT}": "{not json"},
        guardduty_detectors=[],
    )
    return evaluate_snapshot(snap, Config())


def test_the_hostile_names_reach_the_results(results: Results) -> None:
    text = " ".join(r.message for r in results.results)
    assert any(f"tag-{IMG}" in json.dumps(r.evidence) for r in results.results)
    assert f"trail-{SCRIPT}" in text
    assert f"filter-{SCRIPT}" in text
    assert GROUP in text
    assert f"dash-{SCRIPT}" in text


def test_html_escapes_every_hostile_name(results: Results) -> None:
    html = render_html(results)
    for raw in (SCRIPT, IMG):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) is not installed")
def test_pdf_prints_hostile_names_as_text(results: Results, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(get_renderer("pdf").render(results))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "".join(f"trail-{SCRIPT}".split()) in flat


@pytest.mark.parametrize("fmt", ["markdown", "junit"])
def test_markup_formats_escape_the_names(results: Results, fmt: str) -> None:
    data = get_renderer(fmt).render(results).decode("utf-8")
    assert "<script>" not in data and "<img" not in data
    assert "alert(1)" in data  # the name is there, as text


@pytest.mark.parametrize("fmt", ["sarif", "csv"])
def test_data_formats_keep_the_names_as_plain_strings(results: Results, fmt: str) -> None:
    data = get_renderer(fmt).render(results).decode("utf-8")
    assert f"filter-{SCRIPT}" in data  # a JSON string or a quoted CSV cell: data, not markup
