"""The catalog is valid data, and covers every CloudTrail-side requirement of the guides."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aiposture.engine.catalog import load_catalog
from aiposture.errors import CatalogError
from aiposture.guide.vocabulary import AGENTCORE_TYPES, BEDROCK_TYPES, MANTLE_TYPES, NETWORK_SOURCES

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


def test_the_same_id_in_two_folders_is_rejected_naming_both_files(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x-check.yaml").write_text(GOOD.format(id="x-check"))
    with pytest.raises(CatalogError, match="duplicate check id 'x-check'") as caught:
        load_catalog(tmp_path)
    assert str(tmp_path / "a" / "x-check.yaml") in str(caught.value)
    assert str(tmp_path / "b" / "x-check.yaml") in str(caught.value)


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
dimensions: [genai.controls]
dimension_source: guide
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
        (
            GOOD.format(id="x-check").replace(
                "[genai.controls]", "[genai.controls, agentic.vibes]"
            ),
            "unknown dimensions",
        ),
        # The guide maps Management events to genai.controls: it cannot be left out.
        (
            GOOD.format(id="x-check").replace("[genai.controls]", "[agentic.audit]"),
            r"add dimensions \['genai.controls'\]",
        ),
        # A dimension the guide does not map needs a written reason.
        (
            GOOD.format(id="x-check")
            .replace("[genai.controls]", "[genai.controls, agentic.audit]")
            .replace("source: guide", "source: guide+judgement"),
            "say why in dimension_rationale",
        ),
        # The source must tell the truth.
        (
            GOOD.format(id="x-check").replace(
                "[genai.controls]", "[genai.controls, agentic.audit]"
            ),
            "should be 'guide\\+judgement'",
        ),
        (
            GOOD.format(id="x-check").replace("source: guide", "source: judgement"),
            "should be 'guide'",
        ),
        (
            GOOD.format(id="x-check") + "applies_to: {agentic_scopes: [0, 2]}\n",
            r"Agentic AI scopes are 1-4, not \[0\]",
        ),
        (
            GOOD.format(id="x-check") + "applies_to: {genai_scopes: [3, 6]}\n",
            r"Generative AI scopes are 1-5, not \[6\]",
        ),
        (GOOD.format(id="x-check") + "applies_to: {genai_scopes: []}\n", "at least one"),
        (GOOD.format(id="x-check") + "applies_to: {agentic_scopes: [2, 2]}\n", "listed twice"),
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


def test_judged_dimensions_load_with_a_rationale_and_scopes_are_kept(tmp_path):
    text = (
        GOOD.format(id="x-check")
        .replace("[genai.controls]", "[genai.controls, agentic.audit]")
        .replace("source: guide", "source: guide+judgement\ndimension_rationale: it is a log")
        + "applies_to: {agentic_scopes: [4, 2, 3]}\n"
    )
    check = load_catalog(_write(tmp_path, "x-check", text)).checks[0].check
    assert check.dimension_rationale == "it is a log"
    assert check.applies_to.as_result() == {"genai": [1, 2, 3, 4, 5], "agentic": [2, 3, 4]}


def test_every_shipped_check_states_its_scopes_and_dimension_source():
    for item in CATALOG.checks:
        raw = yaml.safe_load(item.path.read_text())
        assert "applies_to" in raw and "dimension_source" in raw, item.path
        if raw["dimension_source"] != "guide":
            assert raw["dimension_rationale"].strip(), item.path


def test_agent_checks_do_not_apply_to_workloads_without_agency():
    """Agentic scope 1 is "no agency": AgentCore, agent and tool-use checks are out."""
    agentic_only = {
        c.check.id for c in CATALOG.checks if 1 not in c.check.applies_to.agentic_scopes
    }
    assert "ct-data-agentcore-gateway" in agentic_only
    assert "ct-data-bedrock-agent-alias" in agentic_only
    assert "mf-24-bedrock-tool-invocations" in agentic_only
    # What every AI workload needs stays in scope everywhere.
    for cid in ("ct-trail-logging", "ct-management-events", "bedrock-invocation-logging"):
        assert cid not in agentic_only
    everywhere = CATALOG.get("ct-trail-logging")
    assert everywhere is not None
    assert everywhere.check.applies_to.genai_scopes == [1, 2, 3, 4, 5]


def test_guide_mapped_dimensions_are_carried():
    """Spot checks against the guide's "Implements the ... dimension" notes."""
    expect = {
        "ct-data-agentcore-runtime": {"agentic.orchestration", "agentic.scope"},
        "ct-data-agentcore-token-vault": {"agentic.identity"},
        "ct-data-agentcore-memory": {"agentic.data"},
        "ct-network-bedrock-vpce-denied": {"agentic.scope"},
        "query-04-agent-cross-service-access-denied": {
            "agentic.identity",
            "agentic.scope",
            "genai.controls",
        },
        "bedrock-invocation-logging": {"genai.governance"},
        "mf-25-automated-reasoning-changes": {"genai.risk"},
    }
    for cid, dims in expect.items():
        item = CATALOG.get(cid)
        assert item is not None and dims <= set(item.check.dimensions), cid
        assert item.check.dimension_source in {"guide", "guide+judgement"}, cid
