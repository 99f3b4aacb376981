"""Writing a fix plan to a folder: one sub-folder per account, every form of the plan.

::

    DIR/plan.json                  the plan as data
    DIR/README.md                  the index, with the verification
    DIR/<account>/README.md        what each change does and why
    DIR/<account>/apply.sh         AWS CLI calls (idempotent, guarded, nothing destructive)
    DIR/<account>/main.tf          Terraform (imports the resources it changes)
    DIR/<account>/cloudformation-<region>[-import].yaml
"""

from __future__ import annotations

from pathlib import Path

from aiposture.atomic import write_atomically
from aiposture.remediate.cloudformation import render_cloudformation
from aiposture.remediate.markdown import (
    INDEX_NAME,
    PAGE_NAME,
    SCRIPT_NAME,
    TERRAFORM_NAME,
    render_account_markdown,
    render_index,
)
from aiposture.remediate.plan import Plan, Verification
from aiposture.remediate.script import render_script
from aiposture.remediate.terraform import render_terraform

PLAN_NAME = "plan.json"
FORMS = ("script", "cloudformation", "terraform", "markdown")
"""The forms ``aiposture remediate --form`` can write (all by default)."""


def write_plan(
    plan: Plan,
    out_dir: Path,
    verification: Verification | None,
    forms: tuple[str, ...] = FORMS,
) -> list[Path]:
    """Write ``plan`` in every form of ``forms`` under ``out_dir``; return the files written."""
    written: list[Path] = []

    def put(path: Path, text: str, executable: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode("utf-8"), 0o755 if executable else 0o644)
        written.append(path)

    put(out_dir / PLAN_NAME, plan.model_dump_json(indent=2) + "\n")
    if "markdown" in forms:
        put(out_dir / INDEX_NAME, render_index(plan, verification))
    for account in plan.accounts:
        folder = out_dir / account.account_id
        templates = render_cloudformation(plan, account) if "cloudformation" in forms else {}
        if "markdown" in forms:
            page = render_account_markdown(plan, account, verification, list(templates))
            put(folder / PAGE_NAME, page)
        if not account.changes:
            continue
        if "script" in forms:
            put(folder / SCRIPT_NAME, render_script(plan, account), executable=True)
        if "terraform" in forms:
            put(folder / TERRAFORM_NAME, render_terraform(plan, account))
        for name, text in templates.items():
            put(folder / name, text)
    return written
