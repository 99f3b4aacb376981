"""``aiposture policy``: the IAM policy aiposture needs to read what it checks."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "--security-audit-addition",
    is_flag=True,
    help="Print only the statement the AWS managed policy SecurityAudit lacks "
    "(attach it next to SecurityAudit).",
)
def policy(security_audit_addition: bool) -> None:
    """Print the least-privilege read-only IAM policy aiposture needs."""
    from aiposture.api import iam_policy_json

    text = iam_policy_json(security_audit_addition=security_audit_addition)
    if text is None:
        click.echo("SecurityAudit grants every action aiposture reads: nothing to add", err=True)
        return
    click.echo(text)
