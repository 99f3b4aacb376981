"""The plan's step kinds: what each step names as its subject, and one order for them all."""

from __future__ import annotations

from typing import get_args

from aiposture.remediate.plan import STEP_ORDER, Step, TrailChange, TrailStep
from tests.remediate.sample_plan import REGION, TRAIL, sample_plan

# What the script's progress lines and the Markdown step titles show for each step.
SUBJECTS = {
    "update_trail": TRAIL,
    "start_logging": TRAIL,
    "put_event_selectors": TRAIL,
    "put_insight_selectors": TRAIL,
    "create_log_group": "bedrock-model-invocation-logging",
    "put_metric_filter": "AI-BedrockUnauthorizedAccess",
    "put_metric_alarm": "AI-BedrockUnauthorizedAccess",
    "put_insight_rule": "AI-TopBedrockModelCallers",
    "put_query_definition": "AI-Security/01-Unauthorized-Bedrock-Access",
    "put_dashboard": "AI-Workload-Security-Dashboard",
    "put_invocation_logging": f"bedrock model invocation logging ({REGION})",
    "unresolved": "",
}


def _step_classes() -> tuple[type, ...]:
    union = get_args(Step)[0]  # Annotated[union, discriminator]
    return get_args(union)


def test_every_step_names_what_it_changes() -> None:
    steps = sample_plan().accounts[0].steps
    assert {s.kind: s.subject for s in steps} == SUBJECTS
    assert {s.kind for s in steps} == set(STEP_ORDER)  # the sample holds every kind


def test_every_step_kind_has_one_place_in_the_safe_order() -> None:
    kinds = [cls.model_fields["kind"].default for cls in _step_classes()]
    assert sorted(kinds) == sorted(STEP_ORDER)
    assert len(set(kinds)) == len(kinds)


def test_the_trail_steps_are_the_trail_changes() -> None:
    trail_kinds = {cls for cls in _step_classes() if issubclass(cls, TrailStep)}
    assert trail_kinds == set(get_args(TrailChange))
