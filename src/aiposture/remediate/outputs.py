"""Writing a fix plan to a folder: one sub-folder per account, every form of the plan.

::

    DIR/plan.json                  the plan as data
    DIR/README.md                  the index, with the verification
    DIR/<account>/README.md        what each change does and why
    DIR/<account>/apply.sh         AWS CLI calls (idempotent, guarded, nothing destructive);
                                   not written when the plan fails verification, unless
                                   forced, and then it refuses to run without the override
    DIR/<account>/main.tf          Terraform (imports the resources it changes)
    DIR/<account>/cloudformation-<region>[-import].yaml
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aiposture.atomic import write_atomically
from aiposture.remediate.cloudformation import CloudFormationForms, cloudformation_forms
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
from aiposture.remediate.verify import UNVERIFIED_ENV, failure

PLAN_NAME = "plan.json"
FORMS = ("script", "cloudformation", "terraform", "markdown")
"""The forms ``aiposture remediate --form`` can write (all by default)."""


@dataclass
class WrittenPlan:
    """What :func:`write_plan` wrote, and which scripts it held back or guarded."""

    files: list[Path] = field(default_factory=list)
    withheld: list[Path] = field(default_factory=list)
    """Scripts not written because the plan failed verification (and --force was not given)."""
    guarded: list[Path] = field(default_factory=list)
    """Scripts written with --force although the plan failed verification: they refuse to run
    unless :data:`~aiposture.remediate.verify.UNVERIFIED_ENV` holds their account id."""


def script_note(failed: str | None, force: bool, account_id: str) -> str | None:
    """What the account's page says about its script when the plan failed verification."""
    if failed is None:
        return None
    if not force:
        return (
            f"{SCRIPT_NAME} was not written: {failed} (see the plan's verification). Do not "
            "apply the other forms either. aiposture remediate --force writes the script "
            f"anyway, and it then refuses to run unless {UNVERIFIED_ENV}={account_id} is set."
        )
    return (
        f"{SCRIPT_NAME} was written with --force although {failed}: it refuses to run "
        f"unless {UNVERIFIED_ENV}={account_id} is set. Apply no form before the plan's "
        "verification is understood."
    )


def _index_note(failed: str | None, force: bool) -> str | None:
    if failed is None:
        return None
    what = f"{failed[:1].upper()}{failed[1:]}."
    if not force:
        return (
            f"{what} No {SCRIPT_NAME} was written; apply no form of this plan, and report it "
            "as an aiposture bug (the verification is at the end)."
        )
    return (
        f"{what} The {SCRIPT_NAME} scripts were written with --force and refuse to run "
        f"unless {UNVERIFIED_ENV} holds the account id."
    )


def write_plan(
    plan: Plan,
    out_dir: Path,
    verification: Verification | None,
    forms: tuple[str, ...] = FORMS,
    *,
    force: bool = False,
) -> WrittenPlan:
    """Write ``plan`` in every form of ``forms`` under ``out_dir``.

    When ``verification`` failed, no account's ``apply.sh`` is written (a stale one from an
    earlier run is removed): a step in one account can break results in another, so the
    whole plan is held back. ``force`` writes the scripts anyway, each guarded so that it
    refuses to run unless :data:`~aiposture.remediate.verify.UNVERIFIED_ENV` holds its
    account id.
    """
    done = WrittenPlan()
    failed = failure(verification)

    def put(path: Path, text: str, executable: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode("utf-8"), 0o755 if executable else 0o644)
        done.files.append(path)

    put(out_dir / PLAN_NAME, plan.model_dump_json(indent=2) + "\n")
    if "markdown" in forms:
        put(
            out_dir / INDEX_NAME,
            render_index(plan, verification, script_note=_index_note(failed, force)),
        )
    for account in plan.accounts:
        folder = out_dir / account.account_id
        note = script_note(failed, force, account.account_id) if account.changes else None
        cfn = (
            cloudformation_forms(plan, account)
            if "cloudformation" in forms
            else CloudFormationForms({}, {})
        )
        templates = cfn.files
        if "markdown" in forms:
            page = render_account_markdown(plan, account, verification, cfn, script_note=note)
            put(folder / PAGE_NAME, page)
        if not account.changes:
            continue
        if "script" in forms:
            script = folder / SCRIPT_NAME
            if failed is None:
                put(script, render_script(plan, account), executable=True)
            elif force:
                text = render_script(plan, account, (failed, UNVERIFIED_ENV))
                put(script, text, executable=True)
                done.guarded.append(script)
            else:
                script.unlink(missing_ok=True)
                done.withheld.append(script)
        if "terraform" in forms:
            put(folder / TERRAFORM_NAME, render_terraform(plan, account))
        for name, text in templates.items():
            put(folder / name, text)
    return done
