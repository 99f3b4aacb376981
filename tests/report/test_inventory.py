"""The report's "AI inventory" section: what exists where, whether it is logged, what was scoped out.

Built by hand (:mod:`tests.report.inventory_fixture`): the inventory of ``Results.scoping``
joined to the data-event checks' evidence by account, region and exact ARN, scoped-out
results grouped per workload, hostile resource names inert in HTML, PDF and Markdown.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markupsafe import escape

from aiposture.errors import IntegrityError
from aiposture.report import get_renderer
from aiposture.report.html import render_html
from aiposture.report.inventory_view import (
    LOGGED,
    NO_DATA_EVENTS,
    NOT_JUDGED,
    NOT_LOGGED,
    InventoryView,
    RegionInventory,
    build_inventory,
    scoping_headline,
)
from aiposture.report.markdown import UNLOGGED_LIMIT
from aiposture.report.pdf import PDF_OPTIONS
from aiposture.report.view import build_view
from aiposture.results import Results, Scoping, Status, dump_results, load_results
from tests.report.conftest import ACCOUNT_A, ACCOUNT_B, build_results
from tests.report.inventory_fixture import (
    AGENT_ARN,
    ALIAS_ARN,
    BROWSER,
    GATEWAY,
    HOSTILE_ARN,
    HOSTILE_NAME,
    KB_ARN,
    MEMORY_ARN,
    TRAIL_BY,
    _check,
    _entry,
    _resource,
    _scoped,
    build_scoped_results,
)
from tests.report.test_report import parse
from tests.report.test_report_in_browser import CHROMIUM, dom, visible_rows

POPPLER = shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None
SCOPED_OUT = 7  # the fixture's NOT_APPLICABLE results with evidence["scoping"]


@pytest.fixture
def scoped() -> Results:
    return build_scoped_results()


def _inventory(results: Results) -> InventoryView:
    view = build_inventory(results)
    assert view is not None
    return view


def _region(view: InventoryView, account: str, region: str) -> RegionInventory:
    (found,) = [
        r for a in view.accounts for r in a.regions if (a.account_id, r.region) == (account, region)
    ]
    return found


# ---- the view -----------------------------------------------------------------------


def test_each_resource_says_whether_it_is_logged_as_the_checks_judged_it(scoped: Results):
    region = _region(_inventory(scoped), ACCOUNT_A, "us-east-1")
    by_arn = {r.arn: r for r in region.resources}
    assert by_arn[ALIAS_ARN].logging == LOGGED
    assert by_arn[ALIAS_ARN].logging_text == f"logged by {TRAIL_BY}"
    assert by_arn[HOSTILE_ARN].logging == NOT_LOGGED
    assert by_arn[HOSTILE_ARN].checks == ["ct-data-agentcore-gateway"]
    assert by_arn[HOSTILE_ARN].name == HOSTILE_NAME
    assert by_arn[AGENT_ARN].logging == NO_DATA_EVENTS  # an agent has no data-event type
    assert by_arn[KB_ARN].logging == NOT_JUDGED  # no check's evidence names it
    # judged in eu-west-1 only: the join is by account, region and ARN, so not judged here
    assert by_arn[MEMORY_ARN].logging == NOT_JUDGED
    assert by_arn[MEMORY_ARN].name == "mem-1"  # no name: the id
    # kinds in the inventory's order (agent, alias, knowledge base, gateway, memory)
    assert [r.label for r in region.resources] == [
        "Bedrock agent",
        "Bedrock agent alias",
        "Bedrock knowledge base",
        "AgentCore gateway",
        "AgentCore memory",
    ]
    assert region.logging_counts == {LOGGED: 1, NOT_LOGGED: 1, NO_DATA_EVENTS: 1, NOT_JUDGED: 2}


def test_logged_only_when_every_judgement_says_so_and_malformed_evidence_judges_nothing(
    scoped: Results,
):
    kb = _resource(KB_ARN, "policy-docs", "bedrock-agent:knowledge-base", "KB", True, "t (s)")
    alias_again = _resource(ALIAS_ARN, "live", "bedrock-agent:agent-alias", "alias", False, None)
    extra = [
        # a second check says the alias is not logged: the alias is not logged
        _check(
            "ct-data-other",
            Status.FAIL,
            ACCOUNT_A,
            "us-east-1",
            evidence={"resources": [alias_again]},
            message="x",
        ),
        # "logged" not a boolean: ignored, the knowledge base stays not judged
        _check(
            "ct-data-bedrock-knowledge-base",
            Status.PASS,
            ACCOUNT_A,
            "us-east-1",
            evidence={"resources": [{**kb, "logged": "yes"}, "not a dict"]},
            message="x",
        ),
        # a check that is not a data-event check: its evidence is not a judgement of logging
        _check(
            "det-something",
            Status.PASS,
            ACCOUNT_A,
            "us-east-1",
            evidence={"resources": [kb]},
            message="x",
        ),
    ]
    results = scoped.model_copy(update={"results": [*scoped.results, *extra]})
    by_arn = {r.arn: r for r in _region(_inventory(results), ACCOUNT_A, "us-east-1").resources}
    assert by_arn[ALIAS_ARN].logging == NOT_LOGGED
    assert by_arn[ALIAS_ARN].checks == ["ct-data-other"]
    assert by_arn[KB_ARN].logging == NOT_JUDGED


def test_regions_say_yes_no_or_cannot_tell_and_the_quiet_ones_collapse(scoped: Results):
    view = _inventory(scoped)
    a, b = view.accounts
    assert (a.account_id, b.account_id) == (ACCOUNT_A, ACCOUNT_B)
    assert [r.region for r in a.busy] == ["us-east-1"] and [r.region for r in a.quiet] == [
        "eu-west-1"
    ]
    assert a.in_use == ["us-east-1"] and a.cannot_tell == []
    assert (a.resources, a.logged, a.not_logged, a.not_judged, a.no_data_events) == (5, 1, 1, 2, 1)
    cannot = _region(view, ACCOUNT_B, "us-east-1")
    assert (cannot.in_use, cannot.quiet) == ("cannot tell", False)  # an unread signal is shown
    assert cannot.unknown == ["CloudWatch metrics of AWS/Bedrock: AccessDenied"]
    assert cannot.unknown_kinds == ["AgentCore gateway"]  # the kind's label, not its key
    assert b.cannot_tell == ["us-east-1"] and b.in_use == []
    quiet = _region(view, ACCOUNT_B, "eu-west-1")
    assert (quiet.in_use, quiet.quiet) == ("no", True)
    assert (view.regions_in_use, view.regions_cannot_tell, view.regions_quiet) == (1, 1, 2)
    assert (view.resources, view.not_logged, view.not_judged) == (5, 1, 2)


def test_scoped_out_results_are_grouped_per_workload_with_their_reason(scoped: Results):
    view = _inventory(scoped)
    quiet = _region(view, ACCOUNT_A, "eu-west-1")
    gateway = next(s for s in quiet.scoped_out if s.workload == GATEWAY)
    assert gateway.label == "AgentCore gateway"
    assert gateway.checks == ["ct-data-agentcore-gateway", "det-agentcore-gateway-errors"]
    assert (
        gateway.reason == "no AgentCore gateway exists in eu-west-1 and no use was seen in 30 days"
    )
    assert quiet.scoped_out_checks == 3
    busy = _region(view, ACCOUNT_A, "us-east-1")
    assert [(s.label, s.checks) for s in busy.scoped_out] == [
        ("AgentCore browser", ["ct-data-agentcore-browser-custom"])
    ]
    assert view.scoped_out_checks == SCOPED_OUT
    (account_a, _) = view.accounts
    assert (account_a.quiet_workloads, account_a.quiet_scoped_out_checks) == (2, 3)


def test_a_check_of_two_workloads_is_listed_under_each_and_counted_once(scoped: Results):
    both = _scoped("det-two", ACCOUNT_A, "eu-west-1", f"{GATEWAY}, {BROWSER}", "both")
    both.evidence["scoping"]["types"] = [GATEWAY, BROWSER]
    results = scoped.model_copy(update={"results": [*scoped.results, both]})
    quiet = _region(_inventory(results), ACCOUNT_A, "eu-west-1")
    assert {s.workload: "det-two" in s.checks for s in quiet.scoped_out} == {
        BROWSER: True,
        GATEWAY: True,
    }
    assert quiet.scoped_out_checks == 4
    # the per-type reason of the scoping wins over the check's joined one
    gateway = next(s for s in quiet.scoped_out if s.workload == GATEWAY)
    assert gateway.reason.startswith("no AgentCore gateway exists in eu-west-1")


def test_the_headline_says_the_mode_and_the_usage_window():
    assert (
        scoping_headline(Scoping(mode="auto", window_days=30))
        == "Regions scoped by use (scan.regions_in_use = auto, usage window 30 days)"
    )
    assert scoping_headline(Scoping(mode="all", window_days=30)) == (
        "Every region judged in full (scan.regions_in_use = all, usage window 30 days): "
        "no check is scoped out by use"
    )
    assert "usage metrics not read" in scoping_headline(Scoping(mode="auto", window_days=None))


def test_results_without_scoping_say_so_and_show_no_inventory(results: Results):
    assert results.scoping is None and build_inventory(results) is None
    html = render_html(results)
    assert "These results record no AI inventory" in html
    assert 'id="inventory-detail"' not in html and 'href="#inventory-detail"' not in html
    assert "AI inventory" not in get_renderer("markdown").render(results).decode()


# ---- scoped-out results in the lists of results ---------------------------------------


def test_scoped_out_results_are_listed_once_per_workload_not_one_row_each(scoped: Results):
    view = build_view(scoped, PDF_OPTIONS)
    listed = {p.check_id for p in view.pass_rows}
    assert (
        "det-agentcore-gateway-errors" not in listed
        and "ct-data-agentcore-browser-custom" not in listed
    )
    assert "CT-INSIGHTS" in listed  # not applicable by declared scope: still one row
    assert view.scoped_out_grouped == SCOPED_OUT
    # every result is still shown somewhere: a finding, a row, or grouped in the inventory
    findings = sum(len(g.rows) for g in view.groups)
    assert findings + len(view.pass_rows) + view.scoped_out_grouped == len(scoped.results)
    html = render_html(scoped, PDF_OPTIONS)
    assert f"{SCOPED_OUT} not-applicable results\n    scoped out by use are not listed here" in html
    # the HTML's filterable table too: every other result one row, the scoped-out ones in the
    # inventory (each check id under its account, region and workload, the quiet ones folded)
    full = render_html(scoped)
    rows = parse(full).result_rows
    assert len(rows) == len(scoped.results) - SCOPED_OUT
    assert not any(r.get("data-check") == "det-agentcore-gateway-errors" for r in rows)
    assert f"{SCOPED_OUT} not-applicable results\n    scoped out by use are not listed here" in full
    inventory = full[full.index('id="inventory-detail"') : full.index('id="appendix"')]
    for result in scoped.results:
        if result.evidence.get("scoping"):
            assert result.check_id in inventory


def test_a_scoped_out_result_of_a_region_the_scoping_does_not_list_keeps_its_row(scoped: Results):
    stray = _scoped(
        "ct-data-agentcore-gateway", ACCOUNT_B, "ap-south-1", GATEWAY, "AgentCore gateway"
    )
    results = scoped.model_copy(update={"results": [*scoped.results, stray]})
    view = build_view(results, PDF_OPTIONS)
    assert [p.region for p in view.pass_rows if p.check_id == "ct-data-agentcore-gateway"] == [
        "ap-south-1"
    ]
    assert view.scoped_out_grouped == SCOPED_OUT


# ---- HTML -------------------------------------------------------------------------------


def test_html_shows_the_section_and_keeps_hostile_names_inert(scoped: Results):
    for html in (render_html(scoped), render_html(scoped, PDF_OPTIONS)):
        page = parse(html)
        assert HOSTILE_NAME not in html and "<img src=x" not in html
        assert str(escape(HOSTILE_NAME)) in html and str(escape(HOSTILE_ARN)) in html
        assert "img" not in page.tags and page.handlers == []
        assert page.tags.count("script") == (1 if 'class="interactive"' in html else 0)
        assert "Regions scoped by use (scan.regions_in_use = auto, usage window 30 days)" in html
        assert (
            html.index('id="summary"')
            < html.index('id="inventory"')
            < html.index('id="dimensions"')
        )
        assert html.index('id="inventory-detail"') < html.index('id="appendix"')
        assert f"logged by {escape(TRAIL_BY)}" in html
        assert 'Listing failed (unknown, not "none"): AgentCore gateway' in html


def test_html_with_mode_all_says_nothing_is_scoped_out_and_escapes_folded_lines(scoped: Results):
    scoping = scoped.scoping
    assert scoping is not None
    regions = [r.model_copy(update={"not_applicable": {}}) for r in scoping.regions]
    regions[1] = regions[1].model_copy(update={"region": "<b>x</b>"})  # a quiet region
    unscoped = [r for r in scoped.results if not r.evidence.get("scoping")]
    every = scoped.model_copy(
        update={
            "results": unscoped,
            "scoping": scoping.model_copy(update={"mode": "all", "regions": regions}),
        }
    )
    for html in (render_html(every), render_html(every, PDF_OPTIONS)):
        assert (
            "Every region judged in full (scan.regions_in_use = all, usage window 30 days)" in html
        )
        assert "Every check is judged in every region" in html
        assert 'id="scoped-out-note"' not in html
        assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html  # in the folded line


def test_html_unfolds_quiet_regions_and_the_pdf_collapses_them_to_one_line(scoped: Results):
    html = render_html(scoped)
    assert html.count('<details class="inv-quiet">') == 2  # one per account
    folded = html[html.index('<details class="inv-quiet">') :]
    assert "no AgentCore gateway exists in eu-west-1 and no use was seen in 30 days" in folded
    pdf_html = render_html(scoped, PDF_OPTIONS)
    assert "<details" not in pdf_html
    lines = re.findall(r'<p class="inv-quiet">(.*?)</p>', pdf_html, flags=re.S)
    assert len(lines) == 2
    assert all(
        "eu-west-1" in line and "2 workloads scoped out (3 results)" in line for line in lines
    )


# ---- Markdown ---------------------------------------------------------------------------


def _markdown(results: Results) -> str:
    return get_renderer("markdown").render(results).decode("utf-8")


def test_markdown_summarises_the_inventory_and_keeps_hostile_names_inert(scoped: Results):
    md = _markdown(scoped)
    section = md[md.index("### AI inventory") :]
    assert (
        "Regions scoped by use (scan.regions\\_in\\_use = auto, usage window 30 days)." in section
    )
    assert "| 111111111111 | us-east-1 | yes | 5 | 1 | 2 | 1 |" in section
    assert "| 222222222222 | us-east-1 | cannot tell | 0 | 0 | 0 | 0 |" in section
    assert (
        "eu-west-1" not in section.split("**Resources not logged")[0].split("|---")[1]
    )  # collapsed
    assert "**Resources not logged: 1**" in section
    (line,) = [ln for ln in section.splitlines() if ln.startswith("- AgentCore gateway")]
    assert "<script>" not in line and "<img" not in line
    assert "\\|" in line and "|" not in line.replace("\\|", "")  # no table break
    assert "\\`tick\\`" in line  # no code span
    assert "http://" not in line  # no autolink
    assert "=HYPERLINK(" in line  # shown as text (a Markdown page computes nothing)


def test_markdown_bounds_the_resources_not_logged(scoped: Results):
    extra = [
        _entry(
            "bedrock-agentcore-control:gateway",
            "AgentCore gateway",
            f"{HOSTILE_ARN}-{i}",
            f"gw-{i}",
            GATEWAY,
        )
        for i in range(UNLOGGED_LIMIT + 5)
    ]
    evidence = [_resource(e.arn, e.name or "", e.kind, e.label, False, None) for e in extra]
    scoping = scoped.scoping
    assert scoping is not None
    first = scoping.regions[0]
    regions = [
        first.model_copy(update={"inventory": [*first.inventory, *extra]}),
        *scoping.regions[1:],
    ]
    check = _check(
        "ct-data-agentcore-gateway",
        Status.FAIL,
        ACCOUNT_A,
        "us-east-1",
        evidence={"resources": evidence},
        message="x",
    )
    results = scoped.model_copy(
        update={
            "results": [*scoped.results, check],
            "scoping": scoping.model_copy(update={"regions": regions}),
        }
    )
    md = _markdown(results)
    assert f"**Resources not logged: {UNLOGGED_LIMIT + 6}**" in md
    assert "- … and 6 more." in md
    assert (
        len([ln for ln in md.splitlines() if ln.startswith("- AgentCore gateway")])
        == UNLOGGED_LIMIT
    )


# ---- JSON ---------------------------------------------------------------------------------


def test_json_carries_the_scoping_and_its_hash_covers_it(scoped: Results, tmp_path: Path):
    data = json.loads(get_renderer("json").render(scoped))
    assert data["scoping"]["mode"] == "auto" and data["scoping"]["window_days"] == 30
    assert data["scoping"]["regions"][0]["inventory"][2]["name"] == HOSTILE_NAME
    path = tmp_path / "results.json"
    dump_results(scoped, path)
    assert load_results(path).scoping == scoped.scoping
    data = json.loads(path.read_text())
    data["scoping"]["regions"][0]["ai_in_use"] = False  # hide the region's AI use
    path.write_text(json.dumps(data))
    with pytest.raises(IntegrityError, match="changed after aiposture wrote them"):
        load_results(path)


# ---- PDF ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[str]]:
    """The scoped fixture's PDF: PNG pages (50 dpi) and each page's text."""
    if not POPPLER:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    tmp = tmp_path_factory.mktemp("inv-pdf")
    path = tmp / "report.pdf"
    path.write_bytes(get_renderer("pdf").render(build_scoped_results()))
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp / "page")], check=True)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return sorted(tmp.glob("page*.png")), text.split("\f")[:-1]


def test_pdf_prints_the_inventory_pages_with_hostile_names_as_text(
    pdf_text: tuple[list[Path], list[str]],
):
    pngs, pages = pdf_text
    assert len(pngs) == len(pages) and all(p.stat().st_size > 1000 for p in pngs)
    (summary,) = [
        n for n, p in enumerate(pages) if "AI inventory and scope" in p and "Account" in p
    ]
    (detail,) = [
        n for n, p in enumerate(pages) if "Appendix: AI inventory by account and region" in p
    ]
    dimensions = next(n for n, p in enumerate(pages) if "Scores by dimension" in p and n > 0)
    assert summary < dimensions < detail
    flat = " ".join(pages[detail].split())
    assert "usage window 30 days" in " ".join(pages[summary].split())
    for text in (
        "Bedrock agent alias",
        "logged by org-trail",
        "not logged",
        "not judged",
        "CANNOT TELL",
    ):
        assert text in flat, text

    def squeeze(text: str) -> str:  # a long cell wraps at spaces and hyphens
        return re.sub(r"[\s-]", "", text)

    assert squeeze(HOSTILE_NAME) in squeeze(pages[detail])  # printed as text, not run
    assert squeeze(HOSTILE_ARN) in squeeze(pages[detail])


def test_pdf_stays_short_for_fifty_accounts(tmp_path: Path):
    """50 accounts of 4 regions: one busy region each in detail, three quiet ones in one line."""
    if not POPPLER:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    fixture = build_scoped_results()
    assert fixture.scoping is not None
    busy, quiet = fixture.scoping.regions[0], fixture.scoping.regions[1]
    regions, results = [], []
    for i in range(50):
        account = f"{100000000000 + i}"
        regions.append(busy.model_copy(update={"account_id": account}))
        for region in ("eu-west-1", "eu-central-1", "ap-south-1"):
            regions.append(quiet.model_copy(update={"account_id": account, "region": region}))
            results += [
                _scoped(check, account, region, GATEWAY, "AgentCore gateway")
                for check in ("ct-data-agentcore-gateway", "det-agentcore-gateway-errors")
            ]
    base = build_results()
    big = base.model_copy(
        update={
            "results": [*base.results, *results],
            "scoping": Scoping(mode="auto", window_days=30, regions=regions),
        }
    )
    html = render_html(big, PDF_OPTIONS)
    assert (
        html.count('<p class="inv-quiet">') == 50
        and html.count('<table class="inv-resources">') == 50
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(get_renderer("pdf").render(big))
    pages = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    inventory_pages = [
        p
        for p in pages.split("\f")
        if "AI inventory by account and region" in p or "ap-south-1" in p
    ]
    # 300 scoped-out results, 50 accounts: about 2 accounts a page, not 300 rows
    assert len(inventory_pages) <= 30, len(inventory_pages)


# ---- the browser --------------------------------------------------------------------------


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_the_browser_runs_only_our_script_and_keeps_quiet_regions_folded(
    scoped: Results, tmp_path: Path
):
    page = dom(tmp_path, scoped)
    assert page.count("<script") == 1 and "<img" not in page
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in page
    folded = re.findall(r"<details[^>]*>", page)
    assert folded == ['<details class="inv-quiet">'] * 2  # not opened by anything
    assert len(visible_rows(page)) == len(scoped.results) - SCOPED_OUT  # the rest: grouped
