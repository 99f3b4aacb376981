"""Report renderers: registry, JSON, self-contained HTML, and a PDF looked at as pages."""

from __future__ import annotations

import base64
import hashlib
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
from aiposture.errors import RenderError
from aiposture.guide.vocabulary import DIMENSIONS
from aiposture.report import available_formats, get_renderer, write_reports
from aiposture.report import pdf as pdf_module
from aiposture.report import templates as templates_module
from aiposture.report.charts import score_chart
from aiposture.report.formatting import STATUS_ORDER, evidence_excerpt, https_url, ranked_results
from aiposture.report.html import render_html
from aiposture.report.pdf import PDF_OPTIONS, URLRefusedError, html_to_pdf, refusing_url_fetcher
from aiposture.report.view import ReportOptions, build_view, check_groups
from aiposture.results import Results, Severity, Status, content_sha256, load_results
from tests.report.conftest import (
    ACCOUNT_A,
    ACCOUNT_B,
    HOSTILE_CHECK_ID,
    IMG,
    SCRIPT,
    build_results,
)

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


def _script_of(html: str) -> str:
    match = re.search(r"<script>(.*?)</script>", html, flags=re.S)
    assert match is not None
    return match.group(1)


def _csp(html: str) -> dict[str, list[str]]:
    match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert match is not None
    policy = match.group(1).replace("&#39;", "'")
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def parse(html: str) -> _Report:
    report = _Report()
    report.feed(html)
    report.close()
    return report


# ---- registry -----------------------------------------------------------------------


def test_registry_lists_every_format():
    assert available_formats()[:3] == ["json", "html", "pdf"]  # machine formats follow
    for name in available_formats():
        renderer = get_renderer(name)
        assert renderer.name == name
    assert [get_renderer(n).filename for n in ("json", "html", "pdf")] == [
        "results.json",
        "report.html",
        "report.pdf",
    ]


def test_unknown_format_names_the_choices():
    choices = ", ".join(available_formats())
    with pytest.raises(
        RenderError, match=rf"^unknown report format 'docx'; choose from: {choices}$"
    ):
        get_renderer("docx")


# ---- json ---------------------------------------------------------------------------


def test_json_round_trips(results: Results):
    data = get_renderer("json").render(results)
    assert data.endswith(b"\n")
    back = Results.model_validate_json(data)
    assert back.integrity is not None  # sealed with the hash of its own content
    assert back.integrity.content_sha256 == content_sha256(results)
    assert back.model_copy(update={"integrity": None}) == results


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
    url = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringPolicyExamples.html"
    # the PDF: one block for the check (remediation once), one row per affected resource
    (group,) = [g for g in build_view(results, PDF_OPTIONS).groups if g.check_id == "CW-MF-01"]
    assert group.remediation_url == url and len(group.rows) == 2
    pdf_html = render_html(results, PDF_OPTIONS)
    assert pdf_html.count(f'href="{url}"') == 1
    assert render_html(results).count(f'href="{url}"') == 3  # group + both appendix rows


def test_findings_are_grouped_by_check_most_severe_first(results: Results):
    groups = check_groups(results)
    assert [g.check_id for g in groups] == [
        "CW-MF-01",  # critical
        HOSTILE_CHECK_ID,  # high, FAIL before ERROR
        "CW-ALARM-UNAUTH",  # high, ERROR
        "BR-INVOCATION-LOGGING",  # medium, waived
        "CT-LOG-VALIDATION",  # low
    ]
    mf = groups[0]
    assert (mf.failed, mf.errors, mf.waived, mf.accounts) == (2, 0, 0, 2)
    assert [r.account_id for r in mf.rows] == [ACCOUNT_A, ACCOUNT_B]
    assert groups[2].worst_status == "ERROR" and groups[2].errors == 1
    waived = groups[3]
    assert waived.rows[0].waiver == "W-12, secops@example.com, expires 2026-03-31"
    # every finding has exactly one row, nothing else has any
    findings = [r for r in results.results if r.status.value in ("FAIL", "ERROR", "WAIVED")]
    assert sum(len(g.rows) for g in groups) == len(findings)


def test_pdf_lists_passing_results_one_line_each_after_the_findings(results: Results):
    view = build_view(results, PDF_OPTIONS)
    assert view.rows == [] and not view.interactive
    passing = [r for r in results.results if r.status.value in ("PASS", "NOT_APPLICABLE")]
    assert passing and len(view.pass_rows) == len(passing)
    assert sum(len(g.rows) for g in view.groups) + len(view.pass_rows) == len(results.results)
    html = render_html(results, PDF_OPTIONS)
    assert html.index('id="findings"') < html.index('id="passes"')
    for r in passing:
        assert escape(r.message) in html
    assert "<script" not in html and "script-src 'none'" in html.replace("&#39;", "'")
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
    assert "img" not in page.tags and "style" in page.tags
    assert page.tags.count("style") == 1  # the evidence's </pre><style> stayed text
    assert page.tags.count("script") == 1  # ours, and only ours
    assert _script_of(html) == templates_module.script()
    assert page.handlers == []
    assert HOSTILE_CHECK_ID in html
    # the hostile owner and justification of a waiver, and the baseline's ARN, too
    assert "owner &lt;img src=x onerror=alert(2)&gt;" in html
    assert "Expired long ago &lt;script&gt;" in html


def test_html_is_self_contained(results: Results):
    html = render_html(results)
    page = parse(html)
    assert "link" not in page.tags and "iframe" not in page.tags
    # The only URL attributes are https remediation links, never fetched by anyone, and
    # the table of contents' links to the page's own sections.
    for tag, attr, value, cls in page.urls:
        if value.startswith("#"):
            assert (tag, attr) == ("a", "href") and f'id="{value[1:]}"' in html
            continue
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


@pytest.fixture(scope="module")
def pdf_pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[Path], str, str]:
    """The fixture's PDF, rendered once per module: bytes, PNG pages, text (laid out, raw)."""
    pdf = get_renderer("pdf").render(build_results())
    if not POPPLER:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    tmp = tmp_path_factory.mktemp("pdf")
    path = tmp / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp / "page")], check=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    raw = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pdf, sorted(tmp.glob("page*.png")), text, raw


def test_pdf_renders_pages_with_the_text(pdf_pages: tuple[bytes, list[Path], str, str]):
    pdf, pages, text, raw = pdf_pages
    assert pdf.startswith(b"%PDF")
    assert len(pages) >= 4  # cover and summary, dimensions, findings, appendix
    assert all(p.stat().st_size > 1000 for p in pages)
    assert text.count("\f") == len(pages)  # one form feed per page: every page has text
    assert "AI Workload Monitoring Compliance Report" in text
    for check_id in ("CW-MF-01", "CW-ALARM-UNAUTH", "GD-ENABLED", HOSTILE_CHECK_ID):
        assert check_id in text
    for heading in (
        "Executive summary",
        "Top risks",
        "Scores by account",
        "Change since the baseline scan",
        "Scores by dimension",
        "Findings by severity",
        "Unverified controls",
        "Waivers",
        "Method",
        "Appendix: every result",
    ):
        assert heading.lower() in text.lower(), heading
    flat = " ".join(raw.split())  # a long cell wraps at spaces
    assert SCRIPT in flat and IMG in flat  # the hostile names are printed as text, not run
    for number, page in enumerate(text.split("\f")[:-1], start=1):
        footer = page.strip().splitlines()[-1]  # the page number ends every page
        assert re.search(rf"\b{number} ?/ ?{len(pages)}$", footer), footer


def test_pdf_running_header_on_every_page_but_the_cover(
    pdf_pages: tuple[bytes, list[Path], str, str],
):
    _, pages, text, _ = pdf_pages
    later = text.split("\f")[1 : len(pages)]
    assert later and all("AI Workload Monitoring Compliance Report" in p for p in later)
    assert all("Snapshot SHA-256 " + "9f2c4e1a" * 8 in p for p in text.split("\f")[:-1])


# ---- writing ------------------------------------------------------------------------


def test_write_reports_writes_every_format(results: Results, tmp_path: Path):
    out = tmp_path / "out"
    paths = write_reports(results, ["json", "html", "pdf", "json"], out)
    assert paths == [out / "results.json", out / "report.html", out / "report.pdf"]
    assert load_results(paths[0]).model_copy(update={"integrity": None}) == results
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


# ---- report sections ----------------------------------------------------------------


def test_cover_and_summary_figures(results: Results):
    html = render_html(results)
    assert re.search(r'id="overall-score">42\.9<', html)
    for status, count in results.counts().items():
        assert re.search(rf'data-status="{status}">\s*<div class="tile-count">{count}<', html)
    top = html[html.index("Top risks") :]
    assert top.index("CW-MF-01") < top.index(HOSTILE_CHECK_ID) < top.index("CT-LOG-VALIDATION")
    assert "CW-ALARM-UNAUTH" not in top[: top.index("</table>")]  # an ERROR is no top risk


def test_chart_has_one_bar_per_score_with_its_length():
    svg = str(score_chart([("Overall", 50.0), ("genai.controls", None), (f"x{SCRIPT}", 100.0)]))
    widths = re.findall(r'class="chart-bar" x="\d+" y="[\d.]+" width="([\d.]+)"', svg)
    assert [float(w) for w in widths] == [190.0, 0.0, 380.0]
    assert "n/a" in svg and SCRIPT not in svg and "x&lt;script&gt;" in svg
    assert str(score_chart([])) == ""


def test_account_scores_table(results: Results):
    view = build_view(results)
    assert view.account_dimensions == ["agentic.identity", "genai.controls"]
    assert [(a.account_id, a.overall.text) for a in view.account_scores] == [
        (ACCOUNT_A, "61.5"),
        (ACCOUNT_B, "20.0"),
    ]
    assert [d.text for d in view.account_scores[0].dimensions] == ["n/a", "50.0"]
    assert "Scores by account" in render_html(results)


def test_baseline_change_is_summarised(results: Results):
    base = build_view(results).baseline
    assert base is not None
    assert (base.new_failures, base.regressed, base.resolved) == (1, 1, 2)
    changes = {c.name: (c.old, c.new, c.delta, c.direction) for c in base.score_changes}
    assert base.score_changes[0].name == "overall"
    assert changes["overall"] == ("50.0", "42.9", "-7.1", "down")
    assert changes["genai.controls"] == ("40.0", "50.0", "+10.0", "up")
    assert changes["agentic.audit_logging"][2:] == ("0.0", "same")
    assert changes["genai.resilience"][2:] == ("n/a", "none")
    html = render_html(results)
    assert re.search(r'id="diff-new">1<', html) and re.search(r'id="diff-resolved">2<', html)
    no_baseline = render_html(results.model_copy(update={"baseline": None}))
    assert "Change since the baseline scan" not in no_baseline


def test_waivers_unverified_and_method_sections(results: Results):
    view = build_view(results)
    assert [(w.id, w.status) for w in view.waivers] == [
        ("W-OLD", "expired"),
        ("W-NOTHING", "unmatched"),
        ("W-12", "applied"),
    ]
    assert [u.check_id for u in view.unverified] == ["CW-ALARM-UNAUTH"]
    html = render_html(results)
    waivers = html[html.index('id="waivers"') : html.index('id="method"')]
    assert "2024-01-31" in waivers and "secops@example.com" in waivers and "expired" in waivers
    unverified = html[html.index('id="unverified"') : html.index('id="waivers"')]
    assert "cloudwatch:DescribeAlarms failed: AccessDenied" in unverified
    method = html[html.index('id="method"') : html.index('id="appendix"')]
    for severity, weight in (("critical", "10"), ("high", "7.5"), ("low", "2.5"), ("info", "0")):
        assert re.search(
            rf"sev-{severity}\">{severity}</span></td><td class=\"num\">{weight}<", method
        )
    assert "score = 100 * sum(weight of passing checks)" in method
    empty = render_html(results.model_copy(update={"waivers": []}))
    assert "No waivers file was given." in empty


def test_one_section_per_dimension_with_its_failing_checks(results: Results):
    sections = {d.name: d for d in build_view(results).dimension_sections}
    # Every Scoping Matrix dimension, and the one the fixture's results name besides.
    assert set(sections) == {*DIMENSIONS, "agentic.audit_logging"}
    controls = sections["genai.controls"]
    assert controls.score.text == "50.0" and controls.not_assessed is None
    assert controls.label == "Generative AI: Controls"
    assert [(c.check_id, c.failed) for c in controls.failing] == [("CW-MF-01", 2)]
    assert controls.passed == 1 and controls.applicable == 3
    assert sections["agentic.audit_logging"].failing == []
    assert sections["genai.resilience"].not_assessed == "no result of this scan maps to it"
    html = render_html(results)
    dims = html[html.index('id="dimensions"') : html.index('id="findings"')]
    scored = [d for d in sections.values() if d.not_assessed is None]
    assert dims.count('class="dimension"') == len(scored) == 3
    assert dims.count('class="dimension not-assessed"') == len(sections) - 3
    assert "Generative AI: Resilience" in dims
    assert "Not assessed: no result of this scan maps to it." in dims


def test_a_dimension_whose_checks_were_all_not_applicable_says_so_with_their_reasons(
    results: Results,
):
    from aiposture.engine.scoring import rescored

    na = [r for r in results.results if r.status is Status.NOT_APPLICABLE]
    assert na
    scoped = [
        r.model_copy(update={"dimensions": ["agentic.orchestration"]})
        if r.status is Status.NOT_APPLICABLE
        else r
        for r in results.results
    ]
    html = render_html(rescored(results.model_copy(update={"results": scoped})))
    dims = html[html.index('id="dimensions"') : html.index('id="findings"')]
    section = dims[dims.index("agentic.orchestration") :]
    section = section[: section.index("</div>")]
    assert "not assessed" in section
    assert "Not assessed: every check mapped to it was not applicable here" in section
    assert str(escape(na[0].message)) in section


def test_csp_allows_exactly_our_script_by_hash(results: Results):
    html = render_html(results)
    policy = _csp(html)
    code = _script_of(html)
    digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    assert policy["script-src"] == [f"'sha256-{digest}'"]
    assert policy["default-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in html
    # nothing from the results reaches the script: another scan, the very same code
    other = results.model_copy(update={"results": results.results[:1]})
    assert _script_of(render_html(other)) == code
    assert "</script" not in code.lower()


def test_pdf_bounds_each_reason_and_excerpt_and_says_so(results: Results):
    long = results.results[1].model_copy(
        update={"message": "why " * 300, "evidence": {"k": "v" * 2000}}
    )
    bounded = results.model_copy(update={"results": [long]})
    (row,) = check_groups(bounded, PDF_OPTIONS)[0].rows
    assert len(row.message) == PDF_OPTIONS.group_message_limit and row.message_cut == 1200
    assert row.evidence.truncated and len(row.evidence.text) == PDF_OPTIONS.group_evidence_limit
    html = render_html(bounded, PDF_OPTIONS)
    assert "[&hellip; 1,200 chars]" in html
    assert f"[&hellip; {row.evidence.total_chars:,} chars]" in html
    (full,) = check_groups(bounded)[0].rows  # the HTML keeps the whole reason
    assert full.message == long.message and full.message_cut == 0


def test_print_css_hides_the_controls_and_shows_every_row(results: Results):
    css = re.sub(r"\s+", " ", templates_module.stylesheet())
    printed = css[css.rindex("@media print") :]
    assert ".controls, button.sort, .toc { display: none; }" in printed
    assert "tr[hidden] { display: table-row; }" in printed
    html = render_html(results)
    assert '<div class="controls" id="table-controls" hidden>' in html  # shown by the script


@pytest.fixture(scope="module")
def long_pdf_pages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A demo-sized findings table (one check failing on 60 trails): each page's text."""
    base = build_results()
    template = next(r for r in base.results if r.check_id == "CT-LOG-VALIDATION")
    extra = [
        template.model_copy(
            update={
                "resource_arn": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_A}:trail/t-{i:03d}",
                "message": f"Trail t-{i:03d} has log file validation disabled. "
                + "Why. " * 40
                + f"End-{i:03d}.",
            }
        )
        for i in range(60)
    ]
    results = base.model_copy(update={"results": [*base.results, *extra]})
    if not POPPLER:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    path = tmp_path_factory.mktemp("long") / "report.pdf"
    path.write_bytes(get_renderer("pdf").render(results))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_pdf_repeats_table_headers_and_never_splits_a_row(long_pdf_pages: list[str]):
    pages_with_rows = [p for p in long_pdf_pages if "Trail t-0" in p]
    assert len(pages_with_rows) >= 2  # the table spans pages
    for page in pages_with_rows:  # its header is repeated on each
        flat = " ".join(page.split())
        assert "ACCOUNT, REGION, RESOURCE" in flat and "EVIDENCE (EXCERPT)" in flat
    for i in range(60):  # a row's first and last words are on the same page
        starts = {n for n, p in enumerate(long_pdf_pages) if f"Trail t-{i:03d} has" in p}
        ends = {n for n, p in enumerate(long_pdf_pages) if f"End-{i:03d}." in p}
        assert len(starts) == 1 and starts == ends, i
