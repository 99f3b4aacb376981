"""Peer tools' checks that aiposture's checks correspond to (a check's ``peer_refs``).

A user migrating from a peer tool maps that tool's findings onto aiposture's through the
``peer_refs`` of each check (``prowler:<CheckID>``). The table below is Prowler's own
catalog of AI-workload checks for AWS, read from the Prowler repository
(prowler-cloud/prowler, commit 3e000faa31 of 2026-08-21): every ``*.metadata.json`` under
``prowler/providers/aws/services/bedrock/``, plus the CloudTrail and IAM checks whose
subject is Bedrock. The README's comparison table is checked against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PROWLER_SOURCE = "prowler-cloud/prowler@3e000faa31 (2026-08-21)"
"""Where :data:`PROWLER_CHECKS` was read."""


@dataclass(frozen=True)
class PeerCheck:
    """One check of a peer tool, as its own catalog names it."""

    check_id: str
    title: str
    severity: str


PROWLER_CHECKS: dict[str, PeerCheck] = {
    c.check_id: c
    for c in (
        PeerCheck(
            "bedrock_agent_guardrail_enabled",
            "Amazon Bedrock agent uses a guardrail to protect agent sessions",
            "high",
        ),
        PeerCheck(
            "bedrock_agent_role_least_privilege",
            "Amazon Bedrock agent execution role follows least privilege",
            "high",
        ),
        PeerCheck(
            "bedrock_agent_role_not_shared_across_agents",
            "Bedrock Agent has a dedicated execution role",
            "high",
        ),
        PeerCheck(
            "bedrock_api_key_no_administrative_privileges",
            "Amazon Bedrock API key does not have administrative privileges, privilege "
            "escalation paths, or full Bedrock service access",
            "high",
        ),
        PeerCheck(
            "bedrock_api_key_no_long_term_credentials",
            "Amazon Bedrock long-term API key has expired",
            "high",
        ),
        PeerCheck(
            "bedrock_custom_model_encrypted_with_cmk",
            "Bedrock custom model is encrypted with a customer-managed KMS key",
            "critical",
        ),
        PeerCheck(
            "bedrock_full_access_policy_attached",
            "IAM role does not have AmazonBedrockFullAccess managed policy attached",
            "high",
        ),
        PeerCheck(
            "bedrock_guardrail_contextual_grounding_filter_enabled",
            "Bedrock guardrail blocks ungrounded and irrelevant model responses",
            "high",
        ),
        PeerCheck(
            "bedrock_guardrail_prompt_attack_filter_enabled",
            "Amazon Bedrock guardrail has prompt attack filter strength set to HIGH",
            "high",
        ),
        PeerCheck(
            "bedrock_guardrail_sensitive_information_filter_enabled",
            "Amazon Bedrock guardrail blocks or masks sensitive information",
            "high",
        ),
        PeerCheck(
            "bedrock_guardrails_configured",
            "Bedrock has at least one guardrail configured in the audited region",
            "medium",
        ),
        PeerCheck(
            "bedrock_knowledge_base_encrypted_with_cmk",
            "Bedrock knowledge base data source is encrypted with a customer-managed KMS key",
            "high",
        ),
        PeerCheck(
            "bedrock_model_invocation_logging_enabled",
            "Amazon Bedrock model invocation logging is enabled",
            "medium",
        ),
        PeerCheck(
            "bedrock_model_invocation_logs_encryption_enabled",
            "Amazon Bedrock model invocation logs are encrypted in the S3 bucket and "
            "KMS-encrypted in the CloudWatch log group",
            "high",
        ),
        PeerCheck(
            "bedrock_prompt_encrypted_with_cmk",
            "Amazon Bedrock prompt is encrypted at rest with a customer-managed KMS key",
            "medium",
        ),
        PeerCheck(
            "bedrock_prompt_management_exists",
            "Amazon Bedrock Prompt Management prompts exist in the region",
            "low",
        ),
        PeerCheck(
            "bedrock_vpc_endpoints_configured",
            "VPC endpoints ensure private connectivity for all Bedrock APIs",
            "medium",
        ),
        PeerCheck(
            "cloudtrail_bedrock_logging_enabled",
            "CloudTrail logs Amazon Bedrock API calls for security auditing",
            "medium",
        ),
        PeerCheck(
            "iam_role_access_not_stale_to_bedrock",
            "Regular Bedrock access ensures IAM roles retain only actively used permissions",
            "medium",
        ),
        PeerCheck(
            "iam_user_access_not_stale_to_bedrock",
            "Regular Bedrock access ensures IAM users retain only actively used permissions",
            "medium",
        ),
    )
}
"""Prowler's AI-workload checks for AWS, by CheckID (from :data:`PROWLER_SOURCE`)."""

_STALE_ACCESS = (
    "a read-only scanner cannot judge it: Prowler reads IAM's service-last-accessed data "
    "for each {kind} (iam_service.py) by calling iam:GenerateServiceLastAccessedDetails, "
    "which starts a report job, before iam:GetServiceLastAccessedDetails. Generate is not a "
    "Describe, Get, List or Lookup call, so aiposture's guard refuses it and its policy does "
    "not grant it."
)

NOT_COVERED: dict[str, str] = {
    "prowler:iam_role_access_not_stale_to_bedrock": _STALE_ACCESS.format(kind="role"),
    "prowler:iam_user_access_not_stale_to_bedrock": _STALE_ACCESS.format(kind="user"),
}
"""Prowler checks no aiposture check corresponds to (``prowler:<CheckID>``), with the
reason. Every check of :data:`PROWLER_CHECKS` is either named by some check's
``peer_refs`` or listed here, never both (a test holds the catalog to it)."""

PEERS_BEGIN = "<!-- BEGIN PROWLER TABLE: generated by `make readme-peers`, do not edit -->"
"""The line before the generated comparison table in the README."""
PEERS_END = "<!-- END PROWLER TABLE -->"
"""The line after it."""

_HEADER = (
    "| aiposture check | Prowler check | covered / stricter / partial / not applicable / aiposture only | why |",
    "|---|---|---|---|",
)


def _cell(text: str) -> str:
    """One line of the catalog's own text, safe in a Markdown table cell.

    No table break, emphasis or HTML tag comes of it.
    """
    line = " ".join(text.split())
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), ("|", "\\|"), ("*", "\\*")):
        line = line.replace(raw, safe)
    return line


def comparison_table(
    mapped: Iterable[tuple[str, str, str, str]],
    unmatched: Iterable[tuple[str, str]] = (),
) -> str:
    """The Markdown table comparing aiposture's checks with Prowler's, one row per pair.

    ``mapped`` holds (aiposture check id, ``prowler:<CheckID>``, relation, why) for every
    ``peer_refs`` entry of the catalog naming Prowler. Every check of :data:`PROWLER_CHECKS`
    gets a row: one per aiposture check that maps it, else its :data:`NOT_COVERED` reason
    ("not applicable"), else "not mapped" (which the tests refuse). Rows are sorted by the
    Prowler check, then the aiposture check. ``unmatched`` holds (check id, title) of the AI
    posture checks no Prowler check corresponds to: each gets a closing row ("aiposture
    only"), so that every AI posture check is compared.
    """
    by_peer: dict[str, list[tuple[str, str, str]]] = {}
    for check_id, ref, relation, why in mapped:
        tool, _, peer = ref.partition(":")
        if tool == "prowler":
            by_peer.setdefault(peer, []).append((check_id, relation, why))
    rows = list(_HEADER)
    for peer in sorted(PROWLER_CHECKS):
        pairs = sorted(by_peer.get(peer, []))
        if not pairs:
            reason = NOT_COVERED.get(f"prowler:{peer}")
            relation, why = ("not applicable", reason) if reason else ("not mapped", "")
            pairs = [("", relation, why)]
        for check_id, relation, why in pairs:
            ours = f"`{check_id}`" if check_id else "(none)"
            rows.append(f"| {ours} | `{peer}` | {relation} | {_cell(why)} |")
    for check_id, title in sorted(unmatched):
        why = f"{title}. Prowler ({PROWLER_SOURCE}) has no check on it."
        rows.append(f"| `{check_id}` | (none) | aiposture only | {_cell(why)} |")
    return "\n".join(rows) + "\n"


def with_table(readme: str, table: str) -> str:
    """``readme`` with the text between :data:`PEERS_BEGIN` and :data:`PEERS_END` replaced.

    Raises ValueError when the markers are not there, once each and in order.
    """
    if readme.count(PEERS_BEGIN) != 1 or readme.count(PEERS_END) != 1:
        raise ValueError(f"the README needs one '{PEERS_BEGIN}' and one '{PEERS_END}' line")
    head, _, rest = readme.partition(PEERS_BEGIN + "\n")
    _, sep, tail = rest.partition(PEERS_END)
    if not sep:
        raise ValueError(f"'{PEERS_END}' must follow '{PEERS_BEGIN}'")
    return f"{head}{PEERS_BEGIN}\n{table}{PEERS_END}{tail}"


PEER_TOOLS: dict[str, dict[str, PeerCheck]] = {"prowler": PROWLER_CHECKS}
"""Every peer tool a ``peer_refs`` entry may name (``<tool>:<check id>``)."""


def unknown_peer_refs(refs: list[str]) -> list[str]:
    """The entries of ``refs`` that name no known peer check (``<tool>:<check id>``)."""
    out = []
    for ref in refs:
        tool, _, check_id = ref.partition(":")
        if check_id not in PEER_TOOLS.get(tool, {}):
            out.append(ref)
    return out
