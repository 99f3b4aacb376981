"""The forms a fix plan is written in: Markdown, the shell script, Terraform, CloudFormation.

Every form is a small class with a ``name`` and two methods: the files it writes at the
top of the plan's folder (:meth:`PlanForm.index_files`) and in each account's folder
(:meth:`PlanForm.account_files`). The registry below lists them explicitly, in the order
their files are written; importing a module registers nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from aiposture.remediate.cloudformation import CloudFormationForms, cloudformation_forms
from aiposture.remediate.markdown import (
    INDEX_NAME,
    PAGE_NAME,
    SCRIPT_NAME,
    TERRAFORM_NAME,
    render_account_markdown,
    render_index,
)
from aiposture.remediate.plan import AccountPlan, Plan, Verification
from aiposture.remediate.script import render_script
from aiposture.remediate.terraform import render_terraform
from aiposture.remediate.verify import UNVERIFIED_ENV, failure

__all__ = [
    "PlanFile",
    "PlanForm",
    "PlanJob",
    "available_forms",
    "get_form",
    "script_note",
]

CLOUDFORMATION = "cloudformation"
"""The name of the CloudFormation form (the account pages name its templates)."""


@dataclass(frozen=True)
class PlanFile:
    """One file of a form, at ``path`` under the plan's folder."""

    path: Path
    text: str | None
    """The file's text; ``None`` when it is held back (a stale copy is removed)."""
    executable: bool = False
    guarded: bool = False
    """Written although the plan failed verification (``--force``): it refuses to run
    unless :data:`~aiposture.remediate.verify.UNVERIFIED_ENV` holds its account id."""


@dataclass
class PlanJob:
    """What every form is rendered from: the plan, its verification, ``--force``, the forms."""

    plan: Plan
    verification: Verification | None
    force: bool = False
    forms: Sequence[str] = ()
    """The forms being written (the account pages name only templates that are)."""
    _templates: dict[str, CloudFormationForms] = field(default_factory=dict, repr=False)

    @property
    def failed(self) -> str | None:
        """Why the plan failed its verification, on one line; None when it did not."""
        return failure(self.verification)

    def cloudformation(self, account: AccountPlan) -> CloudFormationForms:
        """The account's CloudFormation templates as written, rendered once.

        None when the CloudFormation form is not written, so a page names no template.
        """
        if CLOUDFORMATION not in self.forms:
            return CloudFormationForms({}, {})
        if account.account_id not in self._templates:
            self._templates[account.account_id] = cloudformation_forms(self.plan, account)
        return self._templates[account.account_id]


class PlanForm(Protocol):
    """One form of a fix plan."""

    name: str

    def index_files(self, job: PlanJob) -> list[PlanFile]:
        """The files at the top of the plan's folder."""
        ...

    def account_files(self, job: PlanJob, account: AccountPlan) -> list[PlanFile]:
        """The files in ``account``'s folder."""
        ...


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


class MarkdownForm:
    """The plan's index and one page per account (every account, even one with no change)."""

    name = "markdown"

    def index_files(self, job: PlanJob) -> list[PlanFile]:
        """The index, ``README.md``, with the verification."""
        note = _index_note(job.failed, job.force)
        return [
            PlanFile(Path(INDEX_NAME), render_index(job.plan, job.verification, script_note=note))
        ]

    def account_files(self, job: PlanJob, account: AccountPlan) -> list[PlanFile]:
        """The account's page: what each change does and why, and how to apply the plan."""
        note = script_note(job.failed, job.force, account.account_id) if account.changes else None
        page = render_account_markdown(
            job.plan, account, job.verification, job.cloudformation(account), script_note=note
        )
        return [PlanFile(Path(account.account_id) / PAGE_NAME, page)]


class ScriptForm:
    """``apply.sh``: held back when the plan fails verification, guarded when forced."""

    name = "script"

    def index_files(self, job: PlanJob) -> list[PlanFile]:
        """None: every script is an account's."""
        return []

    def account_files(self, job: PlanJob, account: AccountPlan) -> list[PlanFile]:
        """The account's script, if it has changes (``text`` None: held back)."""
        if not account.changes:
            return []
        path = Path(account.account_id) / SCRIPT_NAME
        failed = job.failed
        if failed is None:
            return [PlanFile(path, render_script(job.plan, account), executable=True)]
        if not job.force:
            return [PlanFile(path, None)]
        text = render_script(job.plan, account, (failed, UNVERIFIED_ENV))
        return [PlanFile(path, text, executable=True, guarded=True)]


class TerraformForm:
    """``main.tf``: the changes as Terraform, importing what already exists."""

    name = "terraform"

    def index_files(self, job: PlanJob) -> list[PlanFile]:
        """None: every Terraform file is an account's."""
        return []

    def account_files(self, job: PlanJob, account: AccountPlan) -> list[PlanFile]:
        """The account's ``main.tf``, if it has changes."""
        if not account.changes:
            return []
        text = render_terraform(job.plan, account)
        return [PlanFile(Path(account.account_id) / TERRAFORM_NAME, text)]


class CloudFormationForm:
    """One template per region (and an import template where resources already exist)."""

    name = CLOUDFORMATION

    def index_files(self, job: PlanJob) -> list[PlanFile]:
        """None: every template is an account's."""
        return []

    def account_files(self, job: PlanJob, account: AccountPlan) -> list[PlanFile]:
        """The account's templates, if it has changes."""
        if not account.changes:
            return []
        files = job.cloudformation(account).files
        return [PlanFile(Path(account.account_id) / name, text) for name, text in files.items()]


_FORMS: dict[str, PlanForm] = {
    form.name: form
    for form in (MarkdownForm(), ScriptForm(), TerraformForm(), CloudFormationForm())
}


def available_forms() -> list[str]:
    """The names of every form of a fix plan, in the order their files are written."""
    return list(_FORMS)


def get_form(name: str) -> PlanForm:
    """The form called ``name``; an unknown name raises :class:`ValueError`."""
    try:
        return _FORMS[name]
    except KeyError:
        choices = ", ".join(available_forms())
        raise ValueError(f"unknown fix plan form {name!r}; choose from: {choices}") from None
