"""What the AI access rules share: reading :class:`~aiposture.snapshot.access.IamPosture`.

A principal's policies are judged from the documents IAM returned; a document that was not
read makes the judgement ERROR (never PASS) unless another policy already fails it. User,
role, group and policy names are AWS data: the sentences built here hold them as plain
text, for the renderers to escape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiposture.rules.base import describe_error
from aiposture.rules.support.iam_policy import broad_grants
from aiposture.snapshot.access import IamPosture, Principal
from aiposture.snapshot.models import AccountSnapshot, CallError

KNOWN_BROAD_MANAGED: dict[str, str] = {
    "AdministratorAccess": "administrative access",
    "PowerUserAccess": "administrative access outside IAM and Organizations",
    "IAMFullAccess": "privilege escalation (iam:*)",
    "AmazonBedrockFullAccess": "full bedrock access",
    "BedrockAgentCoreFullAccess": "full bedrock-agentcore access",
}
"""AWS managed policies judged by name, whether or not their document was read (AWS Managed
Policy Reference Guide, each policy's page)."""


def iam_error(acct: AccountSnapshot, operation: str | None = None) -> str:
    """Why the account's IAM evidence (or one operation of it) is missing."""
    for e in acct.errors:
        if e.service == "iam" and (operation is None or e.operation == operation):
            return describe_error(e)
    return "IAM was not read in this account (a snapshot written before these checks?)"


def failed_call(acct: AccountSnapshot, operation: str, resource: str) -> CallError | None:
    """The recorded failure of ``operation`` about ``resource``, if any."""
    for e in acct.errors:
        if e.operation == operation and e.resource == resource:
            return e
    return None


def is_aws_managed(arn: str) -> bool:
    """Tell whether ``arn`` names an AWS managed policy (account ``aws``)."""
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[4] == "aws" and parts[5].startswith("policy/")


@dataclass
class PolicyFindings:
    """What one principal's policies grant broadly, and what could not be read."""

    grants: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)


def judge_principal(
    acct: AccountSnapshot, iam: IamPosture, p: Principal, service: str, out: PolicyFindings
) -> None:
    """Add ``p``'s broad grants (administrative, full ``service`` access, escalation) to ``out``."""
    label = f"{p.kind} {p.name}"
    if p.attached is None:
        out.unread.append(f"the managed policies of {label} ({_why(acct, p, 'Attached')})")
    for policy in p.attached or []:
        known = KNOWN_BROAD_MANAGED.get(policy.name) if is_aws_managed(policy.arn) else None
        if known:
            out.grants.append(f"{known} through managed policy {policy.name} of {label}")
            continue
        doc = iam.policies.get(policy.arn)
        if doc is None or doc.document is None:
            out.unread.append(f"managed policy {policy.name} of {label}")
            continue
        for g in broad_grants(doc.document, service):
            out.grants.append(f"{g.describe()} through managed policy {policy.name} of {label}")
    if p.inline is None:
        out.unread.append(f"the inline policies of {label} ({_why(acct, p, 'Inline')})")
    for name, document in (p.inline or {}).items():
        if document is None:
            out.unread.append(f"inline policy {name} of {label}")
            continue
        for g in broad_grants(document, service):
            out.grants.append(f"{g.describe()} through inline policy {name} of {label}")


def _why(acct: AccountSnapshot, p: Principal, which: str) -> str:
    cap = p.kind.capitalize()
    op = f"ListAttached{cap}Policies" if which == "Attached" else f"List{cap}Policies"
    err = failed_call(acct, op, p.arn or p.name)
    return describe_error(err) if err else "not read"
