"""The guardrail checks' own facts: which alarm dimensions cover a guardrail, which flow nodes
call a model. The checks themselves are judged by their case files
(``checks/ai-posture/*guardrail*.cases.yaml``)."""

from __future__ import annotations

import pytest

from aiposture.rules.guardrail_alarm import REGION_WIDE, coverage
from aiposture.rules.support.guardrails import model_nodes

ARN = "arn:aws:bedrock:us-east-1:111122223333:guardrail/gr1234abcd56"


def metric(**dims: str) -> dict[str, object]:
    return {
        "Namespace": "AWS/Bedrock/Guardrails",
        "MetricName": "InvocationsIntervened",
        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
    }


@pytest.mark.parametrize(
    ("dims", "covers", "note"),
    [
        ({"Operation": "ApplyGuardrail"}, REGION_WIDE, "every guardrail of the region"),
        ({"GuardrailArn": ARN, "GuardrailVersion": "3"}, ARN, "its GuardrailVersion 3"),
        ({"GuardrailPolicyType": "ContentPolicy"}, None, "only the interventions of"),
        ({"GuardrailContentSource": "Input"}, None, "only the interventions of"),
        ({"GuardrailArn": ARN}, None, "AWS does not publish"),
        ({}, None, "no dimensions"),
        ({"Operation": "Converse"}, None, "a value AWS does not publish"),
    ],
)
def test_only_published_dimension_sets_cover_guardrails(
    dims: dict[str, str], covers: str | None, note: str
) -> None:
    """AWS publishes InvocationsIntervened per Operation, content source, policy type, and
    guardrail ARN with version (User Guide, monitoring-guardrails-cw-metrics); CloudWatch keeps
    each combination apart, so an alarm on any other combination receives no data."""
    scope, text = coverage(metric(**dims))
    assert scope == covers
    assert note in text


def test_model_nodes_are_prompt_nodes_and_generating_knowledge_base_nodes_even_in_loops() -> None:
    guard = {"guardrailIdentifier": "gr1234abcd56", "guardrailVersion": "1"}
    definition = {
        "nodes": [
            {"name": "in", "type": "Input"},
            {
                "name": "p",
                "type": "Prompt",
                "configuration": {"prompt": {"guardrailConfiguration": guard}},
            },
            {
                "name": "r",
                "type": "KnowledgeBase",
                "configuration": {"knowledgeBase": {"knowledgeBaseId": "KB1"}},
            },
            {"name": "a", "type": "Agent", "configuration": {"agent": {"agentAliasArn": "arn:x"}}},
            {
                "name": "loop",
                "type": "Loop",
                "configuration": {
                    "loop": {
                        "definition": {
                            "nodes": [
                                {
                                    "name": "g",
                                    "type": "KnowledgeBase",
                                    "configuration": {
                                        "knowledgeBase": {"knowledgeBaseId": "KB1", "modelId": "m"}
                                    },
                                }
                            ]
                        }
                    }
                },
            },
        ]
    }
    assert model_nodes(definition) == [("Prompt node p", guard), ("KnowledgeBase node g", None)]
    assert model_nodes(None) == [] and model_nodes({"nodes": "garbage"}) == []
