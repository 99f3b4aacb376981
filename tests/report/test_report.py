"""Report renderers: registry, JSON, self-contained HTML, and a PDF looked at as pages."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

import aiposture
from aiposture.engine.results import Results, Severity, Status
from aiposture.errors import RenderError
from aiposture.report import available_formats, get_renderer, write_reports
from aiposture.report import pdf as pdf_module
from aiposture.report import templates as templates_module
from aiposture.report.html import render_html
from aiposture.report.pdf import PDF_OPTIONS, URLRefusedError, html_to_pdf, refusing_url_fetcher
from aiposture.report.view import (
    STATUS_ORDER,
    ReportOptions,
    build_view,
    evidence_excerpt,
    https_url,
    ranked_results,
)
from tests.report.conftest import HOSTILE_CHECK_ID, IMG, SCRIPT

POPPLER = shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None


class _Report(HTMLParser):
    """Collects the results table's rows and every tag, URL and event handler in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str, str]] = []  # tag, attribute, value, class
        self.handlers: list[str] = []
        self.result_rows: list[dict[str, str | None]] = []
        self.body_rows = 0
        self._in_results = False
        self._in_tbody = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        for name in ("src", "href", "action", "data", "srcset", "poster", "background"):
            if attr.get(name):
                self.urls.append((tag, name, attr[name] or "", attr.get("class") or ""))
        if tag == "table" and "results" in classes:
            self._in_results = True
        if self._in_results and tag == "tbody":
            self._in_tbody = True
        if self._in_tbody and tag == "tr":
            self.body_rows += 1
            if "result" in classes:
                self.result_rows.append(attr)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_tbody = False
        if tag == "table":
            self._in_results = False


def parse(html: str) -> _Report:
    report = _Report()
    report.feed(html)
    report.close()
    return report


# ---- registry -----------------------------------------------------------------------


def test_registry_lists_every_format():
    assert available_formats() == ["json", "html", "pdf"]
    for name in available_formats():
        renderer = get_renderer(name)
        assert renderer.name == name
        assert renderer.filename in {"results.json", "report.html", "report.pdf"}


def test_unknown_format_names_the_choices():
    with pytest.raises(
        RenderError, match=r"^unknown report format 'docx'; choose from: json, html, pdf$"
    ):
        get_renderer("docx")


# ---- json ---------------------------------------------------------------------------


def test_json_round_trips(results: Results):
    data = get_renderer("json").render(results)
    assert data.endswith(b"\n")
    assert Results.model_validate_json(data) == results


# ---- view ---------------------------------------------------------------------------


def test_results_are_ranked_by_status_then_severity(results: Results):
    ranked = ranked_results(results)
    keys = [(STATUS_ORDER.index(r.status), r.severity.rank) for r in ranked]
    assert keys == sorted(keys)
    assert [r.status for r in ranked[:3]] == [Status.FAIL] * 3
    assert ranked[0].severity is Severity.CRITICAL
    assert set(STATUS_ORDER) == set(Status)


@pytest.mark.parametrize("compact", [False, True])
def test_evidence_excerpt_is_json_and_cut_with_a_note(compact: bool):
    evidence = {"b": [1, 2, {"c": "<x>"}], "a": "é"}
    whole = evidence_excerpt(evidence, compact=compact)
    assert not whole.truncated
    assert json.loads(whole.text) == evidence
    assert whole.text.count("\n") == (3 if compact else 9)
    cut = evidence_excerpt({"k": "v" * 100}, limit=20, compact=compact)
    assert cut.truncated and len(cut.text) == 20 and cut.total_chars > 100


def test_only_plain_https_urls_become_links():
    assert https_url("https://docs.aws.amazon.com/x") == "https://docs.aws.amazon.com/x"
    for bad in (
        None,
        "javascript:alert(1)",
        "http://example.com",
        "data:text/html,x",
        "https://",
        'https://a" onmouseover="x',
        "https://a b",
    ):
        assert https_url(bad) is None


def test_html_repeats_remediation_and_pdf_shows_it_once_per_check(results: Results):
    full = [r for r in build_view(results).rows if r.check_id == "CW-MF-01"]
    assert [r.remediation_shown for r in full] == [True, True]
    short = [r for r in build_view(results, PDF_OPTIONS).rows if r.check_id == "CW-MF-01"]
    assert [r.remediation_shown for r in short] == [True, False]
    assert all(r.remediation_shown for r in build_view(results, PDF_OPTIONS).rows[2:])


def test_pdf_lists_passing_results_one_line_each_after_the_findings(results: Results):
    view = build_view(results, PDF_OPTIONS)
    shown = {r.status for r in view.rows}
    assert shown <= {"FAIL", "ERROR", "WAIVED"}
    passing = [r for r in results.results if r.status.value in ("PASS", "NOT_APPLICABLE")]
    assert passing and len(view.pass_rows) == len(passing)
    assert len(view.rows) + len(view.pass_rows) == len(results.results)
    html = render_html(results, PDF_OPTIONS)
    assert "Controls in place" in html
    assert html.index('class="result st-fail"') < html.index('id="passes"')
    for r in passing:
        assert escape(r.message) in html
    assert 'id="passes"' not in render_html(results)  # the HTML keeps every row in full


def test_summary_counts(results: Results):
    view = build_view(results)
    assert {c.status: c.count for c in view.status_counts} == results.counts()
    assert sum(row.total for row in view.severity_rows) == len(results.results)
    assert view.overall is not None and view.overall.text == "42.9"
    assert [d.text for d in view.dimensions if d.name == "genai.resilience"] == ["n/a"]


# ---- html ---------------------------------------------------------------------------


def test_html_has_one_table_row_per_result_with_its_fields(results: Results):
    html = render_html(results)
    page = parse(html)
    assert len(page.result_rows) == page.body_rows == len(results.results)
    for r in results.results:
        assert escape(r.check_id) in html
        assert escape(r.message) in html
        assert escape(r.remediation.text) in html
    for text in ("111111111111", "222222222222", "us-east-1", "eu-west-1", "Metric Filter 1"):
        assert text in html
    assert "9f2c4e1a" * 8 in html  # snapshot SHA-256
    assert "2025-11-20 09:00:00 UTC" in html and "2025-11-20 09:04:37 UTC" in html
    assert "catalog 2025.11" in html and "assumed-role/AiPostureAudit/auditor" in html
    assert "score = 100 * sum(weight of passing checks)" in html
    assert "Truncated" in html or "Excerpt:" in html  # the long GuardDuty evidence


def test_html_keeps_untrusted_strings_inert(results: Results):
    html = render_html(results)
    page = parse(html)
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "script" not in page.tags and "img" not in page.tags and "style" in page.tags
    assert page.tags.count("style") == 1  # the evidence's </pre><style> stayed text
    assert page.handlers == []
    assert HOSTILE_CHECK_ID in html


def test_html_is_self_contained(results: Results):
    html = render_html(results)
    page = parse(html)
    assert "link" not in page.tags and "iframe" not in page.tags
    # The only URL attributes are https remediation links, never fetched by anyone.
    for tag, attr, value, cls in page.urls:
        assert (tag, attr, cls) == ("a", "href", "remediation-link"), value
        assert value.startswith("https://")
    assert not any("javascript:" in url for _, _, url, _ in page.urls)
    style = re.search(r"<style>(.*?)</style>", html, flags=re.S)
    assert style is not None
    css = re.sub(r"/\*.*?\*/", "", style.group(1), flags=re.S)
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_html_print_css(results: Results):
    css = re.sub(r"\s+", " ", render_html(results))
    assert "size: A4" in css
    assert 'content: counter(page) " / " counter(pages)' in css
    assert "thead { display: table-header-group; }" in css
    assert "tr { break-inside: avoid; }" in css
    assert "string(doctitle)" in css and "@media print" in css


def test_findings_come_first(results: Results):
    html = render_html(results)
    assert html.index('class="result st-fail"') < html.index('class="result st-error"')
    assert html.index('class="result st-error"') < html.index('class="result st-pass"')


def test_templates_dir_prefers_packaged_templates(monkeypatch: pytest.MonkeyPatch, tmp_path):
    assert templates_module.templates_dir() == (
        Path(aiposture.__file__).resolve().parents[2] / "reports" / "templates"
    )
    package = tmp_path / "site-packages" / "aiposture"
    (package / "_data" / "templates").mkdir(parents=True)
    monkeypatch.setattr(aiposture, "__file__", str(package / "__init__.py"))
    assert templates_module.templates_dir() == package / "_data" / "templates"


def test_missing_template_is_a_render_error():
    with pytest.raises(RenderError, match=r"report template 'nope\.html\.j2' not found in"):
        templates_module.get_template("nope.html.j2")


# ---- pdf ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/x", "https://example.com/", "file:///etc/passwd", "data:,x"]
)
def test_fetcher_refuses_every_url(url: str):
    with pytest.raises(URLRefusedError, match="refuses to fetch"):
        refusing_url_fetcher(url)


def test_refusing_fetcher_is_used_and_nothing_is_fetched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    calls: list[tuple[str, type[BaseException]]] = []

    def recording(url: str, *args: object, **kwargs: object):
        try:
            refusing_url_fetcher(url)
        except BaseException as exc:
            calls.append((url, type(exc)))
            raise

    monkeypatch.setattr(pdf_module, "refusing_url_fetcher", recording)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    html = (
        f'<html><body><p>x</p><img src="file:///etc/hostname"><img src="{secret.as_uri()}">'
        '<div style="background: url(http://127.0.0.1:9/x)">y</div></body></html>'
    )
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    urls = {url for url, _ in calls}
    assert {"file:///etc/hostname", secret.as_uri(), "http://127.0.0.1:9/x"} <= urls
    assert {exc for _, exc in calls} == {URLRefusedError}
    assert b"TOPSECRET" not in pdf
    # weasyprint's "failed to load" lines about refused URLs are silenced
    assert not [rec for rec in caplog.records if "refuses to fetch" in rec.getMessage()]


def test_weasyprint_failure_is_a_one_line_render_error(monkeypatch: pytest.MonkeyPatch):
    import weasyprint

    def broken(self, *args, **kwargs):
        raise ValueError("layout exploded\nwith a second line")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    with pytest.raises(RenderError) as info:
        html_to_pdf("<p>x</p>")
    assert str(info.value) == "cannot render the PDF report: ValueError: layout exploded"


def test_pdf_renders_pages_with_the_text(results: Results, tmp_path: Path):
    pdf = get_renderer("pdf").render(results)
    assert pdf.startswith(b"%PDF")
    if not POPPLER:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2
    assert all(p.stat().st_size > 1000 for p in pages)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "AI Workload Monitoring Compliance Report" in text
    for check_id in ("CW-MF-01", "CW-ALARM-UNAUTH", "GD-ENABLED", HOSTILE_CHECK_ID):
        assert check_id in text
    assert SCRIPT in text  # the hostile name is printed as text, not run
    assert "as for the first CW-MF-01 result above" in text
    assert re.search(r"(?m)^1 ?/ ?\d+$", text)  # page numbers in the footer


# ---- writing ------------------------------------------------------------------------


def test_write_reports_writes_every_format(results: Results, tmp_path: Path):
    out = tmp_path / "out"
    paths = write_reports(results, ["json", "html", "pdf", "json"], out)
    assert paths == [out / "results.json", out / "report.html", out / "report.pdf"]
    assert Results.model_validate_json(paths[0].read_bytes()) == results
    assert paths[1].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert paths[2].read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.pdf", "results.json"]


def test_unknown_format_writes_nothing(results: Results, tmp_path: Path):
    with pytest.raises(RenderError, match="unknown report format 'nope'"):
        write_reports(results, ["json", "nope"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unwritable_directory_is_a_render_error(results: Results, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(RenderError, match="cannot write reports"):
        write_reports(results, ["json"], blocker / "out")


def test_custom_options_are_reported(results: Results):
    html = render_html(results, ReportOptions(evidence_limit=50, pass_evidence_limit=40))
    assert "up to 50 characters per finding" in html and "(40 per passing result)" in html
