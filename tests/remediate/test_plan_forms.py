"""The forms of a fix plan come from one registry, and ``write_plan`` writes what it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiposture.remediate.outputs import write_plan
from aiposture.remediate.plan import Unresolved, Verification
from aiposture.remediate.plan_forms import available_forms
from aiposture.remediate.script_steps import step_commands
from tests.remediate.sample_plan import ACCOUNT, REGION, sample_plan


def _written(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_every_form_is_written_by_default(tmp_path: Path) -> None:
    written = write_plan(sample_plan(), tmp_path, Verification(targeted=0))
    names = _written(tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written.files} == names
    assert {"plan.json", "README.md", f"{ACCOUNT}/README.md", f"{ACCOUNT}/apply.sh"} <= names
    assert f"{ACCOUNT}/main.tf" in names
    assert f"{ACCOUNT}/cloudformation-{REGION}.yaml" in names
    assert available_forms() == ["markdown", "script", "terraform", "cloudformation"]


def test_only_the_forms_asked_for_are_written(tmp_path: Path) -> None:
    write_plan(sample_plan(), tmp_path, Verification(targeted=0), forms=["terraform"])
    assert _written(tmp_path) == {"plan.json", f"{ACCOUNT}/main.tf"}


def test_a_page_names_no_template_that_was_not_written(tmp_path: Path) -> None:
    write_plan(sample_plan(), tmp_path, Verification(targeted=0), forms=["markdown"])
    page = (tmp_path / ACCOUNT / "README.md").read_text()
    assert "cloudformation-" not in page
    with_templates = tmp_path / "all"
    write_plan(sample_plan(), with_templates, Verification(targeted=0))
    assert f"cloudformation-{REGION}.yaml" in (with_templates / ACCOUNT / "README.md").read_text()


def test_an_unknown_form_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown fix plan form 'pdf'; choose from: markdown"):
        write_plan(sample_plan(), tmp_path / "plan", None, forms=["markdown", "pdf"])
    assert not (tmp_path / "plan").exists()


def test_an_unresolved_step_has_no_command() -> None:
    step = Unresolved(account_id=ACCOUNT, region=REGION, reason="needs a topic")
    with pytest.raises(ValueError, match="unresolved"):
        step_commands(step)
