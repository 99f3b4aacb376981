"""The machine formats: SARIF, JUnit XML, OCSF, ASFF, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import jsonschema
import pytest
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from aiposture.api import evaluate_snapshot
from aiposture.demo.environment import DemoEnvironment
from aiposture.markdown_text import md_text
from aiposture.report import available_formats, get_renderer, write_reports
from aiposture.report.junit import UNMAPPED_SUITE
from aiposture.report.markdown import TOP_LIMIT
from aiposture.results import (
    Diff,
    DiffEntry,
    PeerRefRecord,
    Result,
    Results,
    Severity,
    Status,
    WaiverRecord,
    WaiverRef,
    WaiverStatus,
)

from .conftest import ACCOUNT_A, HOSTILE_CHECK_ID, IMG, SCRIPT

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
MACHINE = {
    "sarif": "report.sarif",
    "junit": "report.junit.xml",
    "ocsf": "report.ocsf.json",
    "asff": "report.asff.json",
    "csv": "report.csv",
    "markdown": "report.md",
}


def _waived(results: Results) -> Results:
    """The fixture, with a real waiver reference on its WAIVED result, and a baseline."""
    out = results.model_copy(deep=True)
    for r in out.results:
        if r.status is Status.WAIVED:
            r.waiver = WaiverRef(
                id="W-12",
                owner="secops@example.com",
                justification=f"Accepted risk {SCRIPT}",
                expires=date(2026, 3, 31),
            )
    out.waivers = [
        WaiverRecord(
            id="W-12",
            owner="secops@example.com",
            justification="Accepted risk",
            expires=date(2026, 3, 31),
            status=WaiverStatus.APPLIED,
            matched=1,
        ),
        WaiverRecord(
            id=f"W-{IMG}",
            owner="x|y",
            justification="old",
            expires=date(2020, 1, 1),
            status=WaiverStatus.EXPIRED,
        ),
    ]
    return out


@pytest.fixture
def hand(results: Results) -> Results:
    return _waived(results)


def _render(name: str, results: Results) -> bytes:
    return get_renderer(name).render(results)


# ---- registry -----------------------------------------------------------------------


def test_every_machine_format_is_registered_with_its_file_name():
    for name, filename in MACHINE.items():
        assert name in available_formats()
        assert get_renderer(name).filename == filename


def test_write_reports_writes_every_machine_format(hand: Results, tmp_path: Path):
    paths = write_reports(hand, list(MACHINE), tmp_path)
    assert sorted(p.name for p in paths) == sorted(MACHINE.values())
    assert all(p.stat().st_size > 0 for p in paths)


# ---- SARIF --------------------------------------------------------------------------


def _sarif(results: Results) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_render("sarif", results))
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft7Validator)
    return doc


def test_sarif_validates_and_reports_fail_error_and_waived(hand: Results):
    run = _sarif(hand)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "aiposture" and driver["version"] == "0.1.0"
    assert "informationUri" not in driver  # no published project page: no made-up URL
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert sorted(rule_ids) == sorted({r.check_id for r in hand.results})
    statuses = Counter(r["properties"]["status"] for r in run["results"])
    expected = Counter(
        r.status.value
        for r in hand.results
        if r.status in (Status.FAIL, Status.ERROR, Status.WAIVED)
    )
    assert statuses == expected
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_sarif_levels_follow_severity_and_error_is_never_quiet(hand: Results):
    run = _sarif(hand)["runs"][0]
    by_check = {(r["ruleId"], r["properties"]["account"]): r for r in run["results"]}
    assert by_check[("CW-MF-01", ACCOUNT_A)]["level"] == "error"  # critical
    assert by_check[("CT-LOG-VALIDATION", ACCOUNT_A)]["level"] == "note"  # low
    error = next(r for r in run["results"] if r["properties"]["status"] == "ERROR")
    assert error["kind"] == "fail" and error["level"] == "error"  # high, unverified
    assert error["message"]["text"].startswith("Unverified")
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "CW-MF-01")
    assert rule["properties"]["security-severity"] == "10.0"
    assert rule["properties"]["seed_refs"] == ["Metric Filter 1"]
    assert rule["properties"]["dimensions"] == ["genai.controls"]
    assert "MonitoringPolicyExamples" in rule["help"]["text"]


def test_sarif_waived_result_is_suppressed_with_the_justification(hand: Results):
    run = _sarif(hand)["runs"][0]
    waived = [r for r in run["results"] if "suppressions" in r]
    assert len(waived) == 1
    (suppression,) = waived[0]["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["justification"] == f"Accepted risk {SCRIPT}"
    assert all(
        "suppressions" not in r for r in run["results"] if r["properties"]["status"] != "WAIVED"
    )


def test_sarif_fingerprints_are_stable_and_distinct(hand: Results):
    first = _sarif(hand)["runs"][0]["results"]
    shuffled = hand.model_copy(update={"results": list(reversed(hand.results))})
    second = _sarif(shuffled)["runs"][0]["results"]

    def prints(results: list[dict[str, Any]]) -> dict[tuple[str, str, str], str]:
        return {
            (
                r["ruleId"],
                r["properties"]["account"] or "",
                r["properties"]["resource"] or "",
            ): r["partialFingerprints"]["aiposture/v1"]
            for r in results
        }

    assert prints(first) == prints(second)
    assert len(set(prints(first).values())) == len(first)


def test_sarif_locations_are_logical(hand: Results):
    run = _sarif(hand)["runs"][0]
    hostile = next(r for r in run["results"] if r["ruleId"] == HOSTILE_CHECK_ID)
    (location,) = hostile["locations"]
    (logical,) = location["logicalLocations"]
    assert logical["fullyQualifiedName"].startswith("arn:aws:cloudtrail:")
    assert "physicalLocation" not in location


# ---- JUnit --------------------------------------------------------------------------


def _junit(results: Results) -> ET.Element:
    return ET.fromstring(_render("junit", results))


def _expected_suites(results: Results) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {}
    for r in results.results:
        for d in r.dimensions or [UNMAPPED_SUITE]:
            out.setdefault(d, []).append(r)
    return out


def _check_counts(root: ET.Element, results: Results) -> None:
    expected = _expected_suites(results)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == set(expected)
    for name, members in expected.items():
        suite = suites[name]
        cases = suite.findall("testcase")
        want = Counter(r.status for r in members)
        assert int(suite.get("tests", "")) == len(members) == len(cases)
        assert int(suite.get("failures", "")) == want[Status.FAIL]
        assert int(suite.get("errors", "")) == want[Status.ERROR]
        skipped = want[Status.WAIVED] + want[Status.NOT_APPLICABLE]
        assert int(suite.get("skipped", "")) == skipped
        assert sum(c.find("failure") is not None for c in cases) == want[Status.FAIL]
        assert sum(c.find("error") is not None for c in cases) == want[Status.ERROR]
        assert sum(c.find("skipped") is not None for c in cases) == skipped
    total = sum(len(m) for m in expected.values())
    assert int(root.get("tests", "")) == total


def test_junit_parses_with_the_expected_counts(hand: Results):
    root = _junit(hand)
    _check_counts(root, hand)
    names = [s.get("name") for s in root.iter("testsuite")]
    assert names[-1] == UNMAPPED_SUITE and names[:-1] == sorted(names[:-1])


def test_junit_case_names_classnames_and_reasons(hand: Results):
    root = _junit(hand)
    cases = list(root.iter("testcase"))
    hostile = next(c for c in cases if c.get("classname") == HOSTILE_CHECK_ID)
    assert SCRIPT in (hostile.get("name") or "")  # kept as text, parsed back intact
    failure = hostile.find("failure")
    assert failure is not None and SCRIPT in (failure.get("message") or "")
    assert "Evidence:" in (failure.text or "") and IMG in (failure.text or "")
    waived = next(c for c in cases if c.get("classname") == "BR-INVOCATION-LOGGING")
    skipped = waived.find("skipped")
    assert skipped is not None and "W-12" in (skipped.get("message") or "")
    na = next(c for c in cases if c.get("classname") == "CT-INSIGHTS")
    assert "scope" in (na.find("skipped").get("message") or "")  # type: ignore[union-attr]
    # A result with two dimensions is a case in each of their suites.
    in_suites = [
        s.get("name")
        for s in root.iter("testsuite")
        for c in s.findall("testcase")
        if c.get("classname") == "CT-SEL-BEDROCK-AGENTALIAS"
    ]
    assert sorted(in_suites) == ["agentic.audit_logging", "genai.controls"]


def test_junit_survives_characters_xml_cannot_carry(hand: Results):
    hand.results[1].message = "bad \x00 \x1b char"
    root = _junit(hand)
    _check_counts(root, hand)


# ---- OCSF ---------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="allow")


class OcsfProduct(_Strict):
    name: str
    vendor_name: str
    version: str


class OcsfMetadata(_Strict):
    version: Literal["1.3.0"]
    product: OcsfProduct


class OcsfCompliance(_Strict):
    standards: list[str] = Field(min_length=1)
    requirements: list[str]
    control: str
    status_id: Literal[0, 1, 2, 3, 99]
    status: str


class OcsfFindingInfo(_Strict):
    uid: str = Field(min_length=1)
    title: str
    desc: str


class OcsfAccount(_Strict):
    uid: str


class OcsfCloud(_Strict):
    provider: Literal["AWS"]
    account: OcsfAccount | None = None
    region: str | None = None


class OcsfResource(_Strict):
    uid: str
    region: str | None


class OcsfComplianceFinding(_Strict):
    """The required (and our recommended) fields of OCSF 1.3.0 Compliance Finding."""

    activity_id: Literal[1]
    category_uid: Literal[2]
    class_uid: Literal[2003]
    type_uid: Literal[200301]
    time: int
    severity_id: Literal[0, 1, 2, 3, 4, 5, 6, 99]
    status_id: Literal[0, 1, 2, 3, 4, 5, 6, 99]
    status: str
    compliance: OcsfCompliance
    finding_info: OcsfFindingInfo
    resources: list[OcsfResource]
    cloud: OcsfCloud
    metadata: OcsfMetadata


def _ocsf(results: Results) -> list[OcsfComplianceFinding]:
    doc = json.loads(_render("ocsf", results))
    assert isinstance(doc, list) and len(doc) == len(results.results)
    return [OcsfComplianceFinding.model_validate(f) for f in doc]


def test_ocsf_validates_and_maps_every_status(hand: Results):
    findings = _ocsf(hand)
    by = {
        (f.compliance.control, f.cloud.account.uid if f.cloud.account else None): f
        for f in findings
    }
    assert by[("CT-SEL-BEDROCK-AGENTALIAS", ACCOUNT_A)].compliance.status_id == 1
    assert by[("CW-MF-01", ACCOUNT_A)].compliance.status_id == 3
    assert by[("CW-MF-01", ACCOUNT_A)].severity_id == 5
    error = next(f for f in findings if f.compliance.control == "CW-ALARM-UNAUTH")
    assert error.compliance.status_id == 99 and error.compliance.status == "Unverified"
    waived = next(f for f in findings if f.compliance.control == "BR-INVOCATION-LOGGING")
    assert waived.compliance.status_id == 3 and waived.status == "Suppressed"
    alias = by[("CT-SEL-BEDROCK-AGENTALIAS", ACCOUNT_A)]
    assert alias.compliance.requirements == ["Data events: AWS::Bedrock::AgentAlias"]
    assert alias.compliance.standards == [
        "Scoping Matrix: agentic.audit_logging",
        "Scoping Matrix: genai.controls",
    ]
    assert alias.resources[0].uid.startswith("arn:aws:cloudtrail:")
    assert len({f.finding_info.uid for f in findings}) == len(findings)


def test_ocsf_never_maps_an_error_to_pass(hand: Results):
    for r in hand.results:
        r.status = Status.ERROR
    assert all(f.compliance.status_id != 1 for f in _ocsf(hand))


# ---- ASFF ---------------------------------------------------------------------------

_Account = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]


class AsffSeverity(_Strict):
    Label: Literal["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]


class AsffRecommendation(_Strict):
    Text: str = Field(max_length=512)
    Url: str | None = None


class AsffRemediation(_Strict):
    Recommendation: AsffRecommendation


class AsffResource(_Strict):
    Type: str = Field(min_length=1)
    Id: str = Field(min_length=1)
    Partition: Literal["aws", "aws-cn", "aws-us-gov"]
    Region: str


class AsffCompliance(_Strict):
    Status: Literal["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"]


class AsffWorkflow(_Strict):
    Status: Literal["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"]


class AsffFinding(_Strict):
    """The fields BatchImportFindings requires, with the ASFF length limits."""

    SchemaVersion: Literal["2018-10-08"]
    Id: str = Field(min_length=1, max_length=512)
    ProductArn: Annotated[
        str,
        StringConstraints(
            pattern=r"^arn:aws:securityhub:[a-z0-9-]+:\d{12}:product/\d{12}/default$"
        ),
    ]
    GeneratorId: str = Field(min_length=1, max_length=512)
    AwsAccountId: _Account
    Types: list[str] = Field(min_length=1, max_length=50)
    CreatedAt: datetime
    UpdatedAt: datetime
    Severity: AsffSeverity
    Title: str = Field(min_length=1, max_length=256)
    Description: str = Field(min_length=1, max_length=1024)
    Remediation: AsffRemediation
    Resources: list[AsffResource] = Field(min_length=1, max_length=32)
    Compliance: AsffCompliance
    Workflow: AsffWorkflow
    RecordState: Literal["ACTIVE", "ARCHIVED"]


def _asff(results: Results) -> list[AsffFinding]:
    doc = json.loads(_render("asff", results))
    assert list(doc) == ["Findings"] and len(doc["Findings"]) == len(results.results)
    return [AsffFinding.model_validate(f) for f in doc["Findings"]]


def test_asff_validates_and_maps_every_status(hand: Results):
    findings = _asff(hand)
    status = {f.GeneratorId.split("/", 1)[1]: f for f in findings}
    assert status["CT-SEL-BEDROCK-AGENTALIAS"].Compliance.Status == "PASSED"
    assert status["CT-LOG-VALIDATION"].Compliance.Status == "FAILED"
    error = status["CW-ALARM-UNAUTH"]
    assert error.Compliance.Status == "NOT_AVAILABLE" and error.RecordState == "ACTIVE"
    assert error.Description.startswith("Unverified")
    waived = status["BR-INVOCATION-LOGGING"]
    assert waived.Compliance.Status == "FAILED" and waived.Workflow.Status == "SUPPRESSED"
    na = status["CT-INSIGHTS"]
    assert na.RecordState == "ARCHIVED"
    trail = status["CT-LOG-VALIDATION"].Resources[0]
    assert trail.Type == "AwsCloudTrailTrail" and trail.Partition == "aws"
    account_level = status["GD-ENABLED"]
    assert account_level.Resources[0].Type == "AwsAccount"
    assert account_level.AwsAccountId == ACCOUNT_A  # the scanning identity's account
    assert len({f.Id for f in findings}) == len(findings)
    assert status[HOSTILE_CHECK_ID].Remediation.Recommendation.Url is None  # javascript: dropped


def test_asff_cuts_long_strings_to_the_limits(hand: Results):
    hand.results[1].title = "T" * 1000
    hand.results[1].message = "M" * 5000
    hand.results[1].remediation.text = "R" * 5000
    findings = _asff(hand)  # the model enforces every limit
    assert any(len(f.Title) == 256 for f in findings)


def test_asff_product_arn_uses_the_partition(hand: Results):
    hand.results[1].region = "cn-north-1"
    hand.results[1].resource_arn = "arn:aws-cn:logs:cn-north-1:222222222222:log-group:x"
    doc = json.loads(_render("asff", hand))
    cn = next(f for f in doc["Findings"] if f["Resources"][0]["Partition"] == "aws-cn")
    assert cn["ProductArn"].startswith("arn:aws-cn:securityhub:cn-north-1:")


# ---- CSV ----------------------------------------------------------------------------


def _csv(results: Results) -> list[dict[str, str]]:
    text = _render("csv", results).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_result_with_stable_columns(hand: Results):
    rows = _csv(hand)
    assert len(rows) == len(hand.results)
    assert list(rows[0])[:4] == ["check_id", "title", "severity", "status"]
    hostile = next(r for r in rows if r["check_id"] == HOSTILE_CHECK_ID)
    assert hostile["message"] == f"Trail {SCRIPT} {IMG} does not log Bedrock data events."
    waived = next(r for r in rows if r["status"] == "WAIVED")
    assert waived["waiver_id"] == "W-12" and waived["waiver_expires"] == "2026-03-31"
    assert hostile["remediation_url"] == ""  # javascript: dropped


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_csv_neutralises_formulas(hand: Results, payload: str):
    hand.results[0].title = payload
    hand.results[0].message = payload
    row = next(r for r in _csv(hand) if r["check_id"] == hand.results[0].check_id)
    assert row["title"] == "'" + payload and row["message"] == "'" + payload


# ---- Markdown -----------------------------------------------------------------------


def _md(results: Results) -> str:
    return _render("markdown", results).decode("utf-8")


def test_markdown_summary_has_scores_counts_and_waivers(hand: Results):
    text = _md(hand)
    assert "**Overall score: 42.9 / 100**" in text
    assert "| agentic.identity | 12.5 |" in text
    assert "| genai.resilience | not assessed | n/a |" in text
    assert "- genai.resilience: no result of this scan maps to it" in text
    assert "| FAIL | 4 |" in text and "| ERROR (unverified) | 1 |" in text
    assert "| critical | 2 | 0 | 0 |" in text
    assert "### Top failures (5)" in text
    assert "| W-12 | secops@&#8203;example.com | 2026-03-31 | applied | 1 | 0 |" in text
    assert "Change since baseline" in text
    hand.baseline = None
    assert "Change since baseline" not in _md(hand)


def test_markdown_keeps_untrusted_strings_inert(hand: Results):
    text = _md(hand)
    assert "<script" not in text and "<img" not in text
    assert "&lt;script\\>alert(1)&lt;/script\\>" in text  # shown as text
    assert "http://169.254" not in text
    # Every table row keeps its column count: hostile pipes are escaped.
    for line in text.splitlines():
        if line.startswith("|"):
            header = _table_width(text, line)
            assert len(re.findall(r"(?<!\\)\|", line)) == header, line


def _table_width(text: str, row: str) -> int:
    lines = text.splitlines()
    i = lines.index(row)
    while i > 0 and lines[i - 1].startswith("|"):
        i -= 1
    return len(re.findall(r"(?<!\\)\|", lines[i]))


def test_the_report_escapes_with_the_one_markdown_escaper():
    assert md_text("a|b") == "a\\|b"
    assert md_text("`x`") == "\\`x\\`"
    assert md_text("<b>x</b>") == "&lt;b\\>x&lt;/b\\>"
    assert md_text("[x](javascript:y)") == "\\[x\\](javascript:y)"
    assert md_text("line\nbreak") == "line break"
    assert "://" not in md_text("see https://example.com")


def test_markdown_bounds_the_top_failures(hand: Results):
    template = next(r for r in hand.results if r.status is Status.FAIL)
    extra = [
        template.model_copy(update={"resource_arn": f"arn:aws:logs:us-east-1:1:log-group:{i}"})
        for i in range(TOP_LIMIT + 5)
    ]
    hand.results.extend(extra)
    text = _md(hand)
    failing = sum(r.status in (Status.FAIL, Status.ERROR) for r in hand.results)
    section = text.split("### Top failures")[1].split("###")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == TOP_LIMIT + 1  # the header and TOP_LIMIT rows
    assert f"… and {failing - TOP_LIMIT} more." in section


def test_markdown_shows_the_change_since_baseline(hand: Results):
    entry = DiffEntry(
        check_id="CW-MF-01",
        title="t",
        severity=Severity.CRITICAL,
        account_id=ACCOUNT_A,
        region="us-east-1",
        resource_arn=None,
        old_status=Status.PASS,
        new_status=Status.FAIL,
    )
    hand.baseline = Diff(
        baseline_finished_at=datetime(2025, 8, 1, tzinfo=UTC),
        baseline_snapshot_sha256="0" * 64,
        regressed=[entry],
        score_changes={"overall": (50.0, 42.9), "genai.controls": (75.0, 50.0)},
    )
    text = _md(hand)
    assert "### Change since baseline" in text
    assert "Overall score: 50.0 → 42.9." in text
    assert "**Regressed: 1**" in text and "PASS → FAIL" in text
    assert "| genai.controls | 50.0 | 75.0 |" in text


# ---- the demo -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_results(demo_env: DemoEnvironment) -> Results:
    return evaluate_snapshot(demo_env.collect(), demo_env.org.config)


@pytest.mark.integration
def test_every_machine_format_renders_the_demo(demo_results: Results, tmp_path: Path):
    write_reports(demo_results, list(MACHINE), tmp_path)
    sarif = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, SCHEMA, cls=jsonschema.Draft7Validator)
    failing = sum(
        r.status in (Status.FAIL, Status.ERROR, Status.WAIVED) for r in demo_results.results
    )
    assert len(sarif["runs"][0]["results"]) == failing > 0
    root = ET.fromstring((tmp_path / "report.junit.xml").read_bytes())
    _check_counts(root, demo_results)
    ocsf = json.loads((tmp_path / "report.ocsf.json").read_text(encoding="utf-8"))
    assert len(ocsf) == len(demo_results.results)
    for f in ocsf:
        OcsfComplianceFinding.model_validate(f)
    asff = json.loads((tmp_path / "report.asff.json").read_text(encoding="utf-8"))
    for f in asff["Findings"]:
        AsffFinding.model_validate(f)
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text("utf-8"), newline=""))
    )
    assert len(rows) == len(demo_results.results)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"**Overall score: {demo_results.scores.overall:.1f} / 100**" in md


def test_the_sarif_schema_rejects_a_bad_log(hand: Results):
    doc = json.loads(_render("sarif", hand))
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft7Validator)


GITHUB_HOSTILE = (
    "@aws/security-team www.evil.example a@b.example $$x$$ $.eventName #1 "
    "<img src=x> | pipe\nnewline [x](https://evil.example) :shipit:"
)


def test_markdown_renders_hostile_names_literally_on_github(hand: Results):
    cmarkgfm = pytest.importorskip("cmarkgfm")
    first = next(i for i, r in enumerate(hand.results) if r.status is Status.FAIL)
    hand.results[first] = hand.results[first].model_copy(
        update={
            "title": GITHUB_HOSTILE,
            "message": GITHUB_HOSTILE,
            "resource_arn": f"arn:aws:iam::111111111111:role/{GITHUB_HOSTILE}",
        }
    )
    text = _md(hand)
    # GitHub math reads the source: no "$" outside a span.
    assert "$" not in text.replace("<span>$</span>", "")
    rendered = cmarkgfm.github_flavored_markdown_to_html(
        text, options=cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE
    )
    assert "<a " not in rendered and "<img" not in rendered
    visible = re.sub(r"<[^>]+>", "", rendered)
    assert re.search(r"(?:^|\W)@[A-Za-z0-9]", visible) is None  # no @mention
    assert re.search(r"(?:^|\W)#\d", visible) is None  # no issue reference
    assert "@\u200baws/security-team www\u200b.evil.example a@\u200bb.example" in visible
    # The hostile row keeps its five cells.
    for line in text.splitlines():
        if line.startswith("|"):
            assert len(re.findall(r"(?<!\\)\|", line)) == _table_width(text, line), line


# ---- peer_refs ------------------------------------------------------------------------


def test_peer_refs_reach_every_machine_format_and_they_stay_valid(hand: Results):
    """A user migrating from Prowler finds the Prowler check of each finding in each format."""
    why = "Both require the filter; aiposture also fails <b>detect-only</b> filters."
    peers = {
        "CW-MF-01": [
            PeerRefRecord(ref="prowler:bedrock_guardrails_configured", relation="stricter", why=why)
        ]
    }
    with_peers = hand.model_copy(update={"peer_refs": peers})

    sarif = _sarif(with_peers)  # still valid SARIF
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    mapped = rules["CW-MF-01"]["properties"]
    assert mapped["peer_refs"] == [
        {"ref": "prowler:bedrock_guardrails_configured", "relation": "stricter", "why": why}
    ]
    assert "prowler:bedrock_guardrails_configured" in mapped["tags"]
    assert all("peer_refs" not in r["properties"] for i, r in rules.items() if i != "CW-MF-01")

    ocsf = {f.compliance.control: f for f in _ocsf(with_peers)}  # still valid OCSF
    assert ocsf["CW-MF-01"].model_extra is not None
    assert ocsf["CW-MF-01"].model_extra["unmapped"]["peer_refs"][0]["relation"] == "stricter"
    assert ocsf[HOSTILE_CHECK_ID].model_extra["unmapped"]["peer_refs"] == []  # type: ignore[index]

    asff = json.loads(_render("asff", with_peers))["Findings"]
    _asff(with_peers)  # still valid ASFF
    fields = {f["GeneratorId"].split("/", 1)[1]: f["ProductFields"] for f in asff}
    assert fields["CW-MF-01"]["aiposture/peer_refs"] == (
        "prowler:bedrock_guardrails_configured (stricter)"
    )
    assert "aiposture/peer_refs" not in fields[HOSTILE_CHECK_ID]
    assert all(len(v) <= 2048 for f in fields.values() for v in f.values())

    rows = _csv(with_peers)
    assert {r["peer_refs"] for r in rows if r["check_id"] == "CW-MF-01"} == {
        "prowler:bedrock_guardrails_configured (stricter)"
    }
    assert {r["peer_refs"] for r in rows if r["check_id"] != "CW-MF-01"} == {""}
    assert list(rows[0])[-1] == "peer_refs"  # added last: earlier columns keep their place


def test_results_json_carries_peer_refs_and_an_earlier_file_keeps_its_hash(hand: Results):
    from aiposture.results import content_sha256

    before = content_sha256(hand)  # no peer_refs: the member is left out of the hash
    assert hand.peer_refs is None
    with_peers = hand.model_copy(
        update={
            "peer_refs": {
                "CW-MF-01": [PeerRefRecord(ref="prowler:x", relation="covered", why="same")]
            }
        }
    )
    assert content_sha256(with_peers) != before
    doc = json.loads(_render("json", with_peers))
    assert doc["peer_refs"]["CW-MF-01"][0] == {
        "ref": "prowler:x",
        "relation": "covered",
        "why": "same",
    }
