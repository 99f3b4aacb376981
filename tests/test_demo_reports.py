"""`aiposture demo` as a user runs it: every format written, each readable, the PDF as pages."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markupsafe import escape

from aiposture.demo.accounts import HOSTILE_TAG
from aiposture.guide.vocabulary import DIMENSIONS
from aiposture.markdown_text import md_text
from aiposture.report import available_formats, get_renderer
from aiposture.results import Results, Status, load_results
from tests.cli.helpers import run_aiposture
from tests.pdf_pages import page_text, red_pixels, render_page

pytestmark = pytest.mark.integration
POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "pdfinfo"))


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    proc = run_aiposture(["demo", "--out", str(out)], dict(os.environ), timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert str(out.resolve()) in proc.stdout.splitlines()  # the report folder, on its own line
    return out


@pytest.fixture(scope="module")
def results(demo_out: Path) -> Results:
    return load_results(demo_out / "results.json")


def test_the_demo_writes_every_format(demo_out: Path) -> None:
    for name in available_formats():
        path = demo_out / get_renderer(name).filename
        assert path.is_file() and path.stat().st_size > 1000, name


def test_the_demo_folder_is_whole_by_its_manifest(demo_out: Path) -> None:
    """Every file the demo wrote, the snapshot included, is listed and matches."""
    manifest = json.loads((demo_out / "MANIFEST.json").read_text())
    expected = {get_renderer(name).filename for name in available_formats()} | {"snapshot.json"}
    assert set(manifest["files"]) == expected
    proc = run_aiposture(["verify", str(demo_out)], dict(os.environ))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(expected)} file(s) match MANIFEST.json" in proc.stdout


def test_the_demo_applies_its_waivers(results: Results) -> None:
    statuses = {w.status.value for w in results.waivers}
    assert statuses == {"applied", "expired", "unmatched"}
    waived = [r for r in results.results if r.status is Status.WAIVED]
    assert waived and all(r.waiver is not None for r in waived)


def test_machine_formats_agree_with_the_results(demo_out: Path, results: Results) -> None:
    failing = [r for r in results.results if r.status in (Status.FAIL, Status.ERROR)]
    sarif = json.loads((demo_out / get_renderer("sarif").filename).read_text())
    reported = [r for r in sarif["runs"][0]["results"] if not r.get("suppressions")]
    assert len(reported) == len(failing)
    junit = ET.fromstring((demo_out / get_renderer("junit").filename).read_bytes())
    assert sum(int(s.get("failures", 0)) for s in junit.iter("testsuite")) >= len(
        [r for r in failing if r.status is Status.FAIL]
    )
    rows = list(csv.DictReader(io.StringIO((demo_out / "report.csv").read_text())))
    assert len(rows) == len(results.results)


@pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftoppm, pdftotext, pdfinfo) is not installed"
)
def test_the_demo_pdf_becomes_png_pages_with_extractable_text(
    demo_out: Path, results: Results, tmp_path: Path
) -> None:
    pdf = demo_out / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    [pages_line] = [line for line in info.stdout.splitlines() if line.startswith("Pages:")]
    pages = int(pages_line.split()[1])
    assert pages >= 20  # 900+ results: a real document, not a stub
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "6", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    pngs = sorted(tmp_path.glob("p*.png"))
    assert len(pngs) == 6
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 1000 for p in pngs)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "AI Workload Monitoring Compliance Report" in text
    assert results.scan.snapshot_sha256[:12] in text
    for check_id in ("mf-01-bedrock-unauthorized-access", "alarm-cloudtrail-logging-disruption"):
        assert check_id in "".join(text.split())


def test_a_hostile_tag_read_from_aws_stays_text_in_the_html(demo_out: Path) -> None:
    html = (demo_out / "report.html").read_text()
    assert HOSTILE_TAG not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;tag&#39;)&lt;/script&gt;" in html or (
        "&lt;script&gt;alert('tag')&lt;/script&gt;" in html
    )


def test_the_demo_report_names_every_scoping_matrix_dimension_scored_or_not_assessed(
    demo_out: Path, results: Results
) -> None:
    """Issue 17's acceptance: all 11 dimensions, each with a score or "not assessed" and why."""
    assert set(DIMENSIONS) <= set(results.scores.dimensions)
    reasons = results.scores.not_assessed or {}
    html = (demo_out / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="dimensions"') : html.index('id="findings"')]
    blocks = {}
    for block in section.split('<div class="dimension')[1:]:
        name = re.search(r'<span class="mono">([a-z.]+)</span>', block)
        assert name is not None
        blocks[name.group(1)] = block
    assert set(DIMENSIONS) <= set(blocks)
    for dim, label in DIMENSIONS.items():
        block = blocks[dim]
        assert str(escape(label)) in block
        score = results.scores.dimensions[dim]
        if score is None:
            assert f"Not assessed: {escape(reasons[dim])}." in block, dim
        else:
            assert f"{score:.1f} / 100" in block, dim
    markdown = (demo_out / "report.md").read_text(encoding="utf-8")
    for dim in DIMENSIONS:
        assert re.search(
            rf"^\| {re.escape(md_text(dim))} \| (\d+\.\d|not assessed) \|", markdown, re.M
        )
    sarif = json.loads((demo_out / get_renderer("sarif").filename).read_text())
    scores = sarif["runs"][0]["properties"]["scores"]
    assert set(DIMENSIONS) <= set(scores["dimensions"])
    assert scores["not_assessed"] == reasons


@pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftoppm, pdftotext, pdfinfo) is not installed"
)
def test_the_demo_shows_the_continuity_timeline_in_html_and_pdf(
    demo_out: Path, results: Results, tmp_path: Path
) -> None:
    """Issue 18: the partial account's 9-day trail stop and 3-day alarm gap, drawn in red."""
    from aiposture.demo.accounts import GUIDE_ACCOUNT, PARTIAL_ACCOUNT

    assert results.scan.period is not None and results.scan.period.label == "last 90 days"
    html = (demo_out / "report.html").read_text()
    section = html[html.index('<section class="continuity"') : html.index('id="unverified"')]
    blocks = section.split('<div class="cont-account"')[1:]
    by_account = {re.search(r'<span class="mono">(\d{12})</span>', b)[1]: b for b in blocks}  # type: ignore[index]
    partial, guide = by_account[PARTIAL_ACCOUNT], by_account[GUIDE_ACCOUNT]
    assert (
        partial.count('class="gap gap-off"') == 1 and partial.count('class="gap gap-weakened"') == 1
    )
    assert "(9.0 days)" in partial and "(3.0 days)" in partial
    assert "StopLogging" in partial and "EnableAlarmActions" in partial
    assert 'class="gap ' not in guide and 'class="timeline"' in guide
    assert 'id="cover-period">last 90 days: ' in html

    pdf = demo_out / "report.pdf"
    pages = page_text(pdf)
    png, _ = render_page(
        pdf, pages, lambda page: PARTIAL_ACCOUNT in page and "gap(s) over the" in page, tmp_path
    )
    red = red_pixels(png)
    assert red > 20, red  # the trail's 9 days off
    assert "AUDIT PERIOD" in pages[0].upper() and "last 90 days" in pages[0]
