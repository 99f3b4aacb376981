"""The HTML report as a browser sees it: headless Chromium, no network, no script run."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from aiposture.engine.results import Results
from aiposture.report import write_reports

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


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def test_dom_after_load_has_every_result_and_no_injected_element(results: Results, tmp_path: Path):
    (html,) = write_reports(results, ["html"], tmp_path)
    proc = chromium(tmp_path, "--dump-dom", html.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert len(re.findall(r'<tr class="result ', dom)) == len(results.results)
    assert "<script" not in dom and "<img" not in dom  # hostile names stayed text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom


def test_screenshot_renders(results: Results, tmp_path: Path):
    (html,) = write_reports(results, ["html"], tmp_path)
    shot = tmp_path / "shot.png"
    proc = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", html.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a real page, not a blank one
