"""The verification section of a fix plan's pages: the verdict and each result's change.

The index shows the whole plan's verification (:func:`plan_verification`); an account's
page shows the results its own changes target and the other changes in that account
(:func:`account_verification`).
"""

from __future__ import annotations

from collections.abc import Sequence

from aiposture.markdown_text import md_code, md_text
from aiposture.remediate.markdown_cells import region_cell, resource_cell, step_keys
from aiposture.remediate.plan import AccountPlan, ResultKey, StatusChange, Verification


def _change_key(change: StatusChange) -> ResultKey:
    return (change.check_id, change.account_id, change.region, change.resource_arn)


def _status_table(title: str, changes: Sequence[StatusChange], *, account: bool) -> list[str]:
    lines = [f"### {title}: {len(changes)}", ""]
    if not changes:
        return lines
    if account:
        lines += [
            "| Check | Title | Account | Region | Resource | Before | After |",
            "|---|---|---|---|---|---|---|",
        ]
    else:
        lines += [
            "| Check | Title | Region | Resource | Before | After |",
            "|---|---|---|---|---|---|",
        ]
    for c in changes:
        title = md_text(c.title) if c.title else "-"
        after = c.after.value if c.after is not None else "gone"
        who = f" {md_text(c.account_id) if c.account_id else 'organization'} |" if account else ""
        lines.append(
            f"| {md_code(c.check_id, in_table=True)} | {title} |{who} {region_cell(c.region)} | "
            f"{resource_cell(c.resource_arn)} | {c.before.value} | {after} |"
        )
    return [*lines, ""]


def _verdict(targeted: int, fixed: int, not_fixed: int, regressed: int) -> str:
    if not not_fixed and not regressed:
        return (
            f"**Verdict: verified.** {fixed} of {targeted} targeted result(s) pass after the "
            "plan was played on the snapshot, and no result that passed fails."
        )
    return (
        f"**Verdict: not verified.** {not_fixed} of {targeted} targeted result(s) still do "
        f"not pass and {regressed} result(s) that passed no longer do: do not apply this "
        "plan; report it as an aiposture bug."
    )


def _verification(
    targeted: int,
    fixed: Sequence[StatusChange],
    not_fixed: Sequence[StatusChange],
    regressed: Sequence[StatusChange],
    other: Sequence[StatusChange],
    *,
    account: bool,
) -> list[str]:
    return [
        "## Verification",
        "",
        "The plan was played on the snapshot and the checks evaluated again.",
        "",
        _verdict(targeted, len(fixed), len(not_fixed), len(regressed)),
        "",
        f"Targeted: {targeted}.",
        "",
        *_status_table("Fixed", fixed, account=account),
        *_status_table("Not fixed", not_fixed, account=account),
        *_status_table("Regressed", regressed, account=account),
        *_status_table("Other changes (not targeted)", other, account=account),
    ]


def plan_verification(verification: Verification) -> list[str]:
    """The whole plan's verification, for the index: every result, with its account."""
    return _verification(
        verification.targeted,
        verification.fixed,
        verification.not_fixed,
        verification.regressed,
        verification.other_changes,
        account=True,
    )


def account_verification(account: AccountPlan, verification: Verification) -> list[str]:
    """One account's verification: what its changes target, and what else changed there."""
    keys = step_keys(account.changes)
    mine = account.account_id

    def targeted(changes: Sequence[StatusChange]) -> list[StatusChange]:
        return [c for c in changes if _change_key(c) in keys]

    def here(changes: Sequence[StatusChange]) -> list[StatusChange]:
        return [c for c in changes if c.account_id == mine]

    return _verification(
        len(keys),
        targeted(verification.fixed),
        targeted(verification.not_fixed),
        here(verification.regressed),
        here(verification.other_changes),
        account=False,
    )
