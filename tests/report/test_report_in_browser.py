"""The HTML report as a browser sees it: headless Chromium, no network.

The report's one script (filter and sort) is allowed by its SHA-256 in the page's CSP; these
tests prove it runs (so the hash is right) and that nothing else does. A URL fragment such as
``#status=FAIL`` drives the filter, so ``--dump-dom`` shows the filtered table.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from aiposture.report import write_reports
from aiposture.results import Results

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",  # no network at all
]
_ROW = re.compile(r'<tr class="result [^"]*"[^>]*>')


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def dom(tmp_path: Path, results: Results, fragment: str = "") -> str:
    (html,) = write_reports(results, ["html"], tmp_path)
    proc = chromium(tmp_path, "--dump-dom", html.as_uri() + fragment)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def visible_rows(page: str) -> list[str]:
    return [row for row in _ROW.findall(page) if not re.search(r"\shidden(=|\s|>)", row)]


def test_dom_after_load_has_every_result_and_no_injected_element(results: Results, tmp_path: Path):
    page = dom(tmp_path, results)
    assert len(_ROW.findall(page)) == len(results.results)
    assert page.count("<script") == 1  # ours; the hostile names stayed text
    assert "<img" not in page and "onerror=" not in page.replace("onerror=alert(2)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the script ran (the CSP hash allowed it): controls shown, every row visible and counted
    assert re.search(r'<div class="controls" id="table-controls">', page)
    assert '<html lang="en" class="js">' in page
    assert len(visible_rows(page)) == len(results.results)
    assert re.search(rf'id="visible-count">{len(results.results)}<', page)


def test_reads_the_score_and_the_counts(results: Results, tmp_path: Path):
    page = dom(tmp_path, results)
    assert re.search(r'id="overall-score">42\.9<', page)
    for status, count in results.counts().items():
        assert re.search(rf'data-status="{status}">\s*<div class="tile-count">{count}<', page)


def test_filter_to_fail_shows_only_failures(results: Results, tmp_path: Path):
    page = dom(tmp_path, results, "#status=FAIL")
    shown = visible_rows(page)
    fails = results.counts()["FAIL"]
    assert len(shown) == fails and fails < len(results.results)
    assert all('data-status="FAIL"' in row for row in shown)
    assert re.search(rf'id="visible-count">{fails}<', page)


def test_filter_by_severity_and_text_and_sort(results: Results, tmp_path: Path):
    page = dom(tmp_path, results, "#severity=critical&q=eu-west-1&sort=check")
    shown = visible_rows(page)
    assert len(shown) == 1 and 'data-check="CW-MF-01"' in shown[0]
    checks = re.findall(r'<tr class="result [^"]*"[^>]*data-check="([^"]*)"', page)
    assert checks == sorted(checks)
    assert 'data-sorted-by="check asc"' in page


def test_a_hostile_fragment_is_only_compared_never_run(results: Results, tmp_path: Path):
    page = dom(tmp_path, results, "#q=%3Cimg%20src%3Dx%20onerror%3Dalert(9)%3E&status=%3Cb%3E")
    assert "<img" not in page and "alert(9)" not in page
    assert len(visible_rows(page)) == 0  # no row contains that text


def test_screenshot_renders(results: Results, tmp_path: Path):
    (html,) = write_reports(results, ["html"], tmp_path)
    shot = tmp_path / "shot.png"
    proc = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", html.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a real page, not a blank one
