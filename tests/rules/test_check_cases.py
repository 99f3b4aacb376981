"""Every check's pass and fail examples (``checks/<group>/<check-id>.cases.yaml``), run by the engine.

Each case builds a one-account snapshot from its evidence and judges it with the real
evaluation (:func:`aiposture.engine.runner.evaluate`, the catalog narrowed to the check),
exactly as a scan judges it. The test ids are ``<check-id>::<case-name>``: ``pytest -k
mf-01`` runs a check's cases, and so does the selector ``aiposture checks show`` prints
(``tests/rules/conftest.py`` gives each case its check id as a keyword). The case format
is described in :mod:`tests.rules.cases`.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from aiposture.engine.catalog import (
    CASES_SUFFIX,
    Catalog,
    LoadedCheck,
    cases_path,
    load_catalog,
    selector_for_tests,
)
from aiposture.engine.runner import evaluate
from aiposture.results import Status
from aiposture.rules import REGISTRY
from tests.builders import ACCOUNT
from tests.rules.cases import (
    BrokenCaseFile,
    CaseFileError,
    CheckCase,
    load_case_file,
    load_cases,
)
from tests.rules.helpers import CATALOG

ROOT = Path(__file__).resolve().parents[2]
CASES = load_cases(CATALOG)
LOADED = [c for c in CASES if isinstance(c, CheckCase)]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.test_id) for c in CASES])
def test_check_case(case: CheckCase | BrokenCaseFile) -> None:
    if isinstance(case, BrokenCaseFile):
        pytest.fail(case.reason, pytrace=False)
    example = case.case
    one = CATALOG.selected(lambda c: c.check.id == case.check_id)
    results = evaluate(example.snapshot(), "sha", one, example.config).results
    mine = [r for r in results if r.check_id == case.check_id and r.account_id == ACCOUNT]
    assert mine, f"{case.path}: {case.check_id} gave no result for case {example.name}"
    seen = [(r.status.value, r.region, r.message) for r in mine]
    assert all(r.status is example.status for r in mine), (
        f"{case.path}: case {example.name} expects {example.expect}, got {seen}"
    )
    if example.message is not None:
        assert all(example.message in r.message for r in mine), (
            f"{case.path}: case {example.name}: no '{example.message}' in {seen}"
        )


def test_every_rule_kind_has_a_passing_and_a_failing_case() -> None:
    statuses: dict[str, set[Status]] = defaultdict(set)
    for case in LOADED:
        item = CATALOG.get(case.check_id)
        assert item is not None
        statuses[item.kind.name].add(case.case.status)
    lacking = {
        kind: sorted(s.value for s in {Status.PASS, Status.FAIL} - statuses[kind])
        for kind in REGISTRY
        if not {Status.PASS, Status.FAIL} <= statuses[kind]
    }
    assert not lacking, f"rule kinds without a PASS or FAIL case: {lacking}"


def test_a_bad_case_file_is_named_with_its_problem(tmp_path: Path) -> None:
    item = CATALOG.get("det-guardduty-enabled")
    assert item is not None
    # case files sit beside their check: judge these against a copy of the check in tmp_path
    folder = tmp_path / item.path.parent.name
    folder.mkdir()
    copy = LoadedCheck(item.check, item.kind, item.params, folder / item.path.name)
    catalog = Catalog((copy,), CATALOG.version)
    bad = folder / "det-guardduty-enabled.cases.yaml"
    bad.write_text("cases:\n  - name: x\n    evidence: {}\n    expect: PASSED\n", "utf-8")
    with pytest.raises(
        CaseFileError, match=r"det-guardduty-enabled\.cases\.yaml .*cases\.0\.expect"
    ):
        load_case_file(bad, catalog)
    (folder / "no-such-check.cases.yaml").write_text("cases: []\n", "utf-8")
    broken = load_cases(catalog, tmp_path)
    assert all(isinstance(b, BrokenCaseFile) for b in broken) and len(broken) == 2
    assert isinstance(broken[1], BrokenCaseFile)
    assert "names no check of the catalog ('no-such-check')" in broken[1].reason
    assert broken[1].test_id == "no-such-check::invalid-case-file"


def test_the_catalog_loads_no_case_file_as_a_check(tmp_path: Path) -> None:
    item = CATALOG.get("det-guardduty-enabled")
    assert item is not None
    cases = item.path.with_name(f"det-guardduty-enabled{CASES_SUFFIX}")
    for path in (item.path, cases):
        shutil.copy(path, tmp_path / path.name)
    loaded = load_catalog(tmp_path)
    assert [c.check.id for c in loaded.checks] == ["det-guardduty-enabled"]
    assert cases_path(loaded.checks[0]) is not None


def test_checks_show_selector_runs_the_checks_cases() -> None:
    """The selector ``checks show`` prints collects exactly that check's cases."""
    check = "det-guardduty-enabled"
    item = CATALOG.get(check)
    assert item is not None and cases_path(item) is not None
    command = shlex.split(selector_for_tests(check))
    assert command[:2] == ["pytest", "tests"]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/rules/test_check_cases.py",
            *command[2:],
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    collected = [line for line in proc.stdout.splitlines() if "::" in line]
    expected = {c.test_id for c in LOADED if c.check_id == check}
    assert len(expected) >= 2
    assert {line.split("[", 1)[1].rstrip("]") for line in collected} == expected


EMPTY_KIND_CASES = {
    "none-in-region",
    "no-agents",
    "no-guardrails",
    "no-flows",
    "no-keys",
    "no-runtime",
}
"""The case names the per-resource checks give their "none of the kind here" case."""
NOTHING_TO_JUDGE = [
    c
    for c in LOADED
    if c.case.status is Status.NOT_APPLICABLE
    and (c.case.name in EMPTY_KIND_CASES or "nothing to judge" in (c.case.message or ""))
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.test_id) for c in NOTHING_TO_JUDGE])
def test_nothing_to_judge_says_in_its_evidence_that_the_kind_was_listed_empty(
    case: CheckCase,
) -> None:
    """A per-resource check with no resource to judge records ``listed`` true and ``count`` 0.

    The demo's acceptance test tells this NOT_APPLICABLE (the kind was listed and holds
    nothing) from any other by that evidence: a listing that failed is ERROR, never this.
    """
    example = case.case
    one = CATALOG.selected(lambda c: c.check.id == case.check_id)
    results = evaluate(example.snapshot(), "sha", one, example.config).results
    mine = [r for r in results if r.check_id == case.check_id and r.account_id == ACCOUNT]
    assert mine
    for r in mine:
        assert (r.evidence.get("listed"), r.evidence.get("count")) == (True, 0), r.evidence
