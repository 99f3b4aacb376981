"""Report renderers: registry, JSON, self-contained HTML, and a PDF looked at as pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aiposture.engine.results import Results
from aiposture.errors import RenderError
from aiposture.report import available_formats, get_renderer, write_reports
from aiposture.report import pdf as pdf_module
from aiposture.report.html import render_html
from aiposture.report.pdf import html_to_pdf
from tests.report.conftest import IMG, SCRIPT


class _Collector(HTMLParser):
    """Counts result blocks and collects every URL-bearing attribute and script tag."""

    def __init__(self) -> None:
        super().__init__()
        self.results = 0
        self.urls: list[tuple[str, str, str]] = []
        self.scripts = 0
        self.imgs = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article" and "result" in (attrs.get("class") or "").split():
            self.results += 1
        if tag == "script":
            self.scripts += 1
        if tag == "img":
            self.imgs += 1
        for name in ("src", "href", "action", "data"):
            if attrs.get(name):
                self.urls.append((tag, name, attrs[name]))


def test_registry_lists_formats_and_rejects_unknown():
    assert available_formats() == ["json", "html", "pdf"]
    with pytest.raises(
        RenderError, match="unknown report format 'docx'; choose from: json, html, pdf"
    ):
        get_renderer("docx")


def test_json_round_trips(results: Results):
    data = get_renderer("json").render(results)
    assert Results.model_validate_json(data) == results


def test_html_lists_every_result_and_keeps_untrusted_strings_inert(results: Results):
    html = render_html(results)
    parsed = _Collector()
    parsed.feed(html)
    assert parsed.results == len(results.results)
    assert parsed.scripts == 0 and parsed.imgs == 0
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The only URLs are https remediation links; javascript: never becomes an href.
    assert all(url.startswith("https://") for _, _, url in parsed.urls), parsed.urls
    assert not any("javascript:" in url for _, _, url in parsed.urls)
    for r in results.results:
        assert r.check_id in html or "&lt;" in r.check_id


def test_html_is_self_contained(results: Results):
    html = render_html(results)
    assert "<link" not in html
    style = re.search(r"<style>(.*?)</style>", html, flags=re.S)
    assert style is not None
    assert not re.search(r"@import\s+(url|[\"'])", style.group(1))
    assert "url(" not in style.group(1).split("*/", 1)[1]  # after the header comment
    assert "Content-Security-Policy" in html


def test_findings_come_first(results: Results):
    html = render_html(results)
    first_fail = html.index('class="result st-fail"')
    first_pass = html.index('class="result st-pass"')
    assert first_fail < first_pass


def test_refusing_fetcher_is_used_and_nothing_is_fetched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    calls: list[str] = []
    original = pdf_module.refusing_url_fetcher

    def recording(url, *args, **kwargs):
        calls.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(pdf_module, "refusing_url_fetcher", recording)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    html = (
        f'<html><body><p>x</p><img src="file://{secret}">'
        '<div style="background: url(http://127.0.0.1:9/x)">y</div></body></html>'
    )
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert any(u.startswith("file://") for u in calls)
    assert any(u.startswith("http://127.0.0.1") for u in calls)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed")
def test_pdf_renders_to_pages_with_extractable_text(results: Results, tmp_path: Path):
    pdf = get_renderer("pdf").render(results)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2
    assert all(p.stat().st_size > 1000 for p in pages)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "AI Workload Monitoring Compliance Report" in text
    assert "CW-MF-01" in text
    assert SCRIPT in text  # the hostile name is printed as text, not run


def test_write_reports_writes_files_atomically(results: Results, tmp_path: Path):
    paths = write_reports(results, ["json", "html", "json"], tmp_path / "out")
    assert [p.name for p in paths] == ["results.json", "report.html"]
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)
    assert not list((tmp_path / "out").glob(".*tmp"))


def test_unknown_format_writes_nothing(results: Results, tmp_path: Path):
    with pytest.raises(RenderError):
        write_reports(results, ["json", "nope"], tmp_path / "out")
    assert not (tmp_path / "out").exists()
