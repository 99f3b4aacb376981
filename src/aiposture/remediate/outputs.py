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

``aiposture remediate`` always writes every form (it has no option to choose them); the
forms are listed in :mod:`aiposture.remediate.plan_forms`. An account with no change gets
only its page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aiposture.atomic import write_atomically
from aiposture.remediate.plan import Plan, Verification
from aiposture.remediate.plan_forms import PlanFile, PlanJob, available_forms, get_form

PLAN_NAME = "plan.json"


@dataclass
class WrittenPlan:
    """What :func:`write_plan` wrote, and which scripts it held back or guarded."""

    files: list[Path] = field(default_factory=list)
    withheld: list[Path] = field(default_factory=list)
    """Scripts not written because the plan failed verification (and --force was not given)."""
    guarded: list[Path] = field(default_factory=list)
    """Scripts written with --force although the plan failed verification: they refuse to run
    unless :data:`~aiposture.remediate.verify.UNVERIFIED_ENV` holds their account id."""


def write_plan(
    plan: Plan,
    out_dir: Path,
    verification: Verification | None,
    forms: Sequence[str] | None = None,
    *,
    force: bool = False,
) -> WrittenPlan:
    """Write ``plan.json`` and ``plan`` in every form of ``forms`` under ``out_dir``.

    ``forms`` (default: every one, which is what ``aiposture remediate`` writes) are names
    from :func:`~aiposture.remediate.plan_forms.available_forms`; an unknown name raises
    :class:`ValueError` before anything is written. Files are written in the registry's
    order, the index first, then account by account.

    When ``verification`` failed, no account's ``apply.sh`` is written (a stale one from an
    earlier run is removed): a step in one account can break results in another, so the
    whole plan is held back. ``force`` writes the scripts anyway, each guarded so that it
    refuses to run unless :data:`~aiposture.remediate.verify.UNVERIFIED_ENV` holds its
    account id.
    """
    chosen = available_forms() if forms is None else list(dict.fromkeys(forms))
    for name in chosen:
        get_form(name)
    writers = [get_form(name) for name in available_forms() if name in chosen]
    job = PlanJob(plan, verification, force=force, forms=chosen)
    done = WrittenPlan()

    def put(item: PlanFile) -> None:
        path = out_dir / item.path
        if item.text is None:
            path.unlink(missing_ok=True)
            done.withheld.append(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, item.text.encode("utf-8"), 0o755 if item.executable else 0o644)
        done.files.append(path)
        if item.guarded:
            done.guarded.append(path)

    put(PlanFile(Path(PLAN_NAME), plan.model_dump_json(indent=2) + "\n"))
    for form in writers:
        for item in form.index_files(job):
            put(item)
    for account in plan.accounts:
        for form in writers:
            for item in form.account_files(job, account):
                put(item)
    return done
