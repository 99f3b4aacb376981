"""``aiposture checks``: the listing's filters, and ``show`` pointing at a check's pieces."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aiposture.engine.catalog import load_catalog, selector_for_tests
from tests.cli.helpers import one_line, run_main

ROOT = Path(__file__).resolve().parents[2]
CHECK = "mf-01-bedrock-unauthorized-access"


def _header(out: str) -> dict[str, str]:
    lines = [line.removeprefix("# ") for line in out.splitlines() if line.startswith("# ")]
    return {key: value.strip() for key, value in (line.split(":", 1) for line in lines)}


def test_show_names_the_yaml_the_rule_module_and_the_tests(capsys):
    code, out, _ = run_main(capsys, "checks", "show", CHECK)
    assert code == 0
    head = _header(out)
    assert head["yaml"] == f"checks/detection-metric-filters/{CHECK}.yaml"
    assert (ROOT / head["yaml"]).is_file()
    assert head["rule"] == "metric_filter in aiposture.rules.metric_filter"
    assert head["tests"] == f"pytest tests -k '[{CHECK}]'"
    assert head["cases"] == f"checks/detection-metric-filters/{CHECK}.cases.yaml"
    assert (ROOT / head["cases"]).is_file()
    body = yaml.safe_load(out)  # the header is YAML comments: the rest still parses
    assert body["id"] == CHECK and body["rule"]["kind"] == "metric_filter"


@pytest.mark.parametrize("check", [CHECK, "ct-data-agentcore-browser"])
def test_the_test_selector_collects_the_checks_own_tests(check):
    """Only that check's: ``ct-data-agentcore-browser-custom`` shares the prefix."""
    selector = shlex.split(selector_for_tests(check))
    assert selector[:2] == ["pytest", "tests"]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/engine/test_catalog_walk.py",
            *selector[2:],
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    collected = [line for line in proc.stdout.splitlines() if "::" in line]
    assert len(collected) >= 2 and all(line.endswith(f"[{check}]") for line in collected), collected


def test_list_filters_by_kind_and_severity(capsys):
    code, out, _ = run_main(capsys, "checks", "list", "--json", "--kind", "metric_filter")
    assert code == 0
    rows = json.loads(out)
    expected = {c.check.id for c in load_catalog().checks if c.check.rule.kind == "metric_filter"}
    assert {r["id"] for r in rows} == expected and len(expected) == 25
    code, out, _ = run_main(capsys, "checks", "list", "--json", "--severity", "critical")
    assert code == 0
    rows = json.loads(out)
    assert rows and {r["severity"] for r in rows} == {"critical"}


def test_list_refuses_an_unknown_kind_in_one_line(capsys):
    code, out, err = run_main(capsys, "checks", "list", "--kind", "metric_filters")
    assert code == 2 and out == ""
    line = one_line(err)
    assert "unknown rule kind 'metric_filters'" in line and "metric_filter," in line


def test_list_refuses_an_unknown_severity(capsys):
    code, out, err = run_main(capsys, "checks", "list", "--severity", "urgent")
    assert code == 2 and out == "" and "urgent" in err
