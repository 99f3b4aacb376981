"""The catalog is valid data, and covers every CloudTrail-side requirement of the guides."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiposture.engine.catalog import load_catalog
from aiposture.engine.guide import AGENTCORE_TYPES, BEDROCK_TYPES, MANTLE_TYPES, NETWORK_SOURCES
from aiposture.errors import CatalogError

CATALOG = load_catalog()
REQUIRED = [
    *(f"Data events: {t}" for t in (*BEDROCK_TYPES, *AGENTCORE_TYPES, *MANTLE_TYPES)),
    "Data events: AWS::S3::Object",
    "Data events: AWS::Lambda::Function",
    *(f"Network activity: {s}" for s in NETWORK_SOURCES),
    "Management events",
    "Insights: ApiCallRateInsight",
    "Insights: ApiErrorRateInsight",
    "CloudWatch Logs delivery",
    "Model invocation logging",
]


def test_guide_counts():
    assert (len(BEDROCK_TYPES), len(AGENTCORE_TYPES), len(MANTLE_TYPES)) == (18, 14, 3)


@pytest.mark.parametrize("ref", REQUIRED)
def test_every_cloudtrail_requirement_has_a_check(ref):
    assert any(ref in c.check.seed_refs for c in CATALOG.checks), ref


def test_ids_match_files_and_are_unique():
    ids = [c.check.id for c in CATALOG.checks]
    assert len(ids) == len(set(ids))
    for item in CATALOG.checks:
        assert item.path.stem == item.check.id


def test_data_event_checks_target_their_seed_type():
    for item in CATALOG.checks:
        if item.check.rule.kind == "data_events_logged":
            assert item.check.seed_refs == [
                f"Data events: {item.check.rule.params['resource_type']}"
            ]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return tmp_path


GOOD = """\
id: {id}
title: t
severity: high
seed_refs: ["Management events"]
dimensions: [agentic.audit]
rationale: r
remediation: {{text: fix}}
rule: {{kind: trail_logging}}
"""


def test_a_minimal_check_loads(tmp_path):
    cat = load_catalog(_write(tmp_path, "x-check", GOOD.format(id="x-check")))
    assert [c.check.id for c in cat.checks] == ["x-check"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.format(id="other"), "does not match the file name"),
        (GOOD.format(id="x-check").replace("trail_logging", "nope"), "unknown rule kind 'nope'"),
        (
            GOOD.format(id="x-check").replace('"Management events"', '"Metric Filter 99"'),
            "unknown seed_refs",
        ),
        (GOOD.format(id="x-check").replace("agentic.audit", "agentic.vibes"), "unknown dimensions"),
        (GOOD.format(id="x-check") + "surprise: 1\n", "surprise"),
        (
            GOOD.format(id="x-check").replace(
                "{kind: trail_logging}", "{kind: insights_enabled, params: {}}"
            ),
            "insight_type",
        ),
        ("id: [unclosed", "not valid YAML"),
    ],
)
def test_bad_checks_are_rejected_with_a_message(tmp_path, text, message):
    with pytest.raises(CatalogError, match=message.replace("(", r"\(").replace("'", "'")):
        load_catalog(_write(tmp_path, "x-check", text))
