"""Rule kind ``guardrail_policy``: each Bedrock guardrail enforces one of its safety policies.

Judged per inventoried guardrail from its GetGuardrail answer (the working draft, which is
what GetGuardrail returns without a version), by ``policy``:

- ``prompt_attack``: the content policy has a ``PROMPT_ATTACK`` filter at ``HIGH`` input
  strength that is enforced: input evaluation on (``inputEnabled`` true) and the input action
  ``BLOCK`` (``NONE`` only reports the detection in the trace: "detect mode");
- ``sensitive_information``: the sensitive information policy has a PII entity type or a
  regex that blocks or masks (``BLOCK`` or ``ANONYMIZE``) on an enabled input or output;
- ``contextual_grounding``: the contextual grounding policy has both a ``GROUNDING`` and a
  ``RELEVANCE`` filter, each enabled, with action ``BLOCK`` and a threshold above 0.

``inputEnabled``, ``inputAction`` (and the grounding filters' ``enabled`` and ``action``)
are optional members of the answer (botocore's GuardrailContentFilter,
GuardrailPiiEntity, GuardrailRegex, GuardrailContextualGroundingFilter) and AWS documents
no default: an explicit ``false`` or ``NONE`` is a definite FAIL, an omitted one leaves the
enforcement unknown, which is ERROR (never PASS).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind
from aiposture.rules.support.guardrails import GUARDRAIL, judge_each
from aiposture.snapshot.models import InventoryItem

Policy = Literal["prompt_attack", "sensitive_information", "contextual_grounding"]
"""The guardrail policies ``guardrail_policy`` judges."""

_WHAT: Mapping[str, str] = {
    "prompt_attack": "the prompt-attack filter",
    "sensitive_information": "the sensitive information filter",
    "contextual_grounding": "the contextual grounding filters",
}


class GuardrailPolicyParams(Params):
    """Parameters of ``guardrail_policy``: which policy each guardrail must enforce."""

    policy: Policy


def _name(item: InventoryItem) -> str:
    return f"Bedrock guardrail {item.name or item.id}"


def _base(details: Mapping[str, Any]) -> dict[str, Any]:
    return {"version": details.get("version"), "status": details.get("status")}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _prompt_attack(item: InventoryItem, details: Mapping[str, Any]) -> Outcome:
    policy = details.get("contentPolicy") or {}
    filters = [f for f in _list(policy.get("filters")) if f.get("type") == "PROMPT_ATTACK"]
    evidence = {**_base(details), "filter": filters[0] if filters else None}
    name = _name(item)
    if not filters:
        return Outcome(
            Status.FAIL,
            f"{name} has no PROMPT_ATTACK filter in its content policy, so jailbreaks and "
            "prompt injections reach the model unfiltered.",
            evidence=evidence,
        )
    f = filters[0]
    strength = str(f.get("inputStrength") or "NONE")
    problems: list[str] = []
    if strength != "HIGH":
        problems.append(f"its input strength is {strength}, not HIGH")
    if f.get("inputEnabled") is False:
        problems.append("its input evaluation is disabled (inputEnabled false)")
    if f.get("inputAction") is not None and f.get("inputAction") != "BLOCK":
        problems.append(
            f"its input action is {f.get('inputAction')}, so it only reports the attack in the "
            "trace and does not block it"
        )
    if problems:
        return Outcome(
            Status.FAIL,
            f"{name}'s PROMPT_ATTACK filter does not block prompt attacks: {'; '.join(problems)}.",
            evidence=evidence,
        )
    omitted = [k for k in ("inputAction", "inputEnabled") if f.get(k) is None]
    if omitted:
        return Outcome(
            Status.ERROR,
            f"{name}'s PROMPT_ATTACK filter is at HIGH input strength, but the GetGuardrail "
            f"answer omits {' and '.join(omitted)}, so whether it blocks cannot be told.",
            evidence=evidence,
        )
    return Outcome(
        Status.PASS,
        f"{name} blocks prompt attacks on input at HIGH strength (as configured in its "
        f"version {details.get('version')}).",
        evidence=evidence,
    )


_MASKING = ("BLOCK", "ANONYMIZE")


def _entry_state(entry: Mapping[str, Any]) -> tuple[bool, bool]:
    """(enforced on some direction, could be enforced but an enabled flag is omitted)."""
    enforced = unknown = False
    for side in ("input", "output"):
        action = entry.get(f"{side}Action") or entry.get("action")
        enabled = entry.get(f"{side}Enabled")
        if action not in _MASKING or enabled is False:
            continue
        if enabled is True:
            enforced = True
        else:
            unknown = True
    return enforced, unknown


def _sensitive_information(item: InventoryItem, details: Mapping[str, Any]) -> Outcome:
    policy = details.get("sensitiveInformationPolicy") or {}
    entries = [("PII entity", str(e.get("type")), e) for e in _list(policy.get("piiEntities"))]
    entries += [("regex", str(e.get("name")), e) for e in _list(policy.get("regexes"))]
    name = _name(item)
    enforced: list[str] = []
    unknown: list[str] = []
    for label, key, entry in entries:
        on, maybe = _entry_state(entry)
        if on:
            enforced.append(f"{label} {key} ({entry.get('action')})")
        elif maybe:
            unknown.append(f"{label} {key}")
    evidence = {
        **_base(details),
        "pii_entities": _list(policy.get("piiEntities")),
        "regexes": [
            {k: v for k, v in e.items() if k != "pattern"} for e in _list(policy.get("regexes"))
        ],
        "enforced": enforced,
    }
    if enforced:
        shown = "; ".join(enforced[:5]) + (
            f"; and {len(enforced) - 5} more" if len(enforced) > 5 else ""
        )
        return Outcome(
            Status.PASS,
            f"{name} blocks or masks sensitive information: {shown}.",
            evidence=evidence,
        )
    if unknown:
        return Outcome(
            Status.ERROR,
            f"{name} has sensitive information entries that block or mask ({', '.join(unknown)}), "
            "but the GetGuardrail answer omits whether their input and output evaluation is "
            "enabled, so whether they apply cannot be told.",
            evidence=evidence,
        )
    if not entries:
        return Outcome(
            Status.FAIL,
            f"{name} has no sensitive information policy (no PII entity type, no regex), so "
            "personal data passes through in prompts and responses.",
            evidence=evidence,
        )
    return Outcome(
        Status.FAIL,
        f"{name}'s sensitive information policy neither blocks nor masks anything: each of its "
        f"{len(entries)} PII entity types and regexes has action NONE or is disabled on both "
        "input and output.",
        evidence=evidence,
    )


_GROUNDING = ("GROUNDING", "RELEVANCE")


def _contextual_grounding(item: InventoryItem, details: Mapping[str, Any]) -> Outcome:
    policy = details.get("contextualGroundingPolicy") or {}
    filters = {str(f.get("type")): f for f in _list(policy.get("filters"))}
    evidence = {**_base(details), "filters": list(filters.values())}
    name = _name(item)
    if not filters:
        return Outcome(
            Status.FAIL,
            f"{name} has no contextual grounding policy, so ungrounded and irrelevant responses "
            "are never detected.",
            evidence=evidence,
        )
    missing = [t for t in _GROUNDING if t not in filters]
    if missing:
        return Outcome(
            Status.FAIL,
            f"{name}'s contextual grounding policy lacks the {' and '.join(missing)} "
            f"filter{'s' if len(missing) > 1 else ''}.",
            evidence=evidence,
        )
    problems: list[str] = []
    omitted: list[str] = []
    for t in _GROUNDING:
        f = filters[t]
        threshold = f.get("threshold")
        if f.get("enabled") is False:
            problems.append(f"the {t} filter is disabled")
        elif f.get("action") is not None and f.get("action") != "BLOCK":
            problems.append(
                f"the {t} filter has action {f.get('action')}, so it scores without blocking"
            )
        elif not isinstance(threshold, int | float) or threshold <= 0:
            problems.append(f"the {t} filter has threshold {threshold}, which nothing can trip")
        else:
            omitted += [f"{t} {k}" for k in ("enabled", "action") if f.get(k) is None]
    if problems:
        return Outcome(
            Status.FAIL,
            f"{name} does not block ungrounded responses: {'; '.join(problems)}.",
            evidence=evidence,
        )
    if omitted:
        return Outcome(
            Status.ERROR,
            f"{name} has GROUNDING and RELEVANCE filters with thresholds above 0, but the "
            f"GetGuardrail answer omits {', '.join(omitted)}, so whether they block cannot be "
            "told.",
            evidence=evidence,
        )
    return Outcome(
        Status.PASS,
        f"{name} blocks ungrounded and irrelevant responses (GROUNDING threshold "
        f"{filters['GROUNDING'].get('threshold')}, RELEVANCE threshold "
        f"{filters['RELEVANCE'].get('threshold')}).",
        evidence=evidence,
    )


_JUDGES = {
    "prompt_attack": _prompt_attack,
    "sensitive_information": _sensitive_information,
    "contextual_grounding": _contextual_grounding,
}


def guardrail_policy(p: GuardrailPolicyParams, ctx: RuleContext) -> list[Outcome]:
    """Each inventoried guardrail of the region enforces the policy ``p.policy``."""
    return judge_each(ctx, GUARDRAIL, _JUDGES[p.policy], _WHAT[p.policy])


GUARDRAIL_POLICY = RuleKind(
    "guardrail_policy",
    guardrail_policy,
    GuardrailPolicyParams,
    "account_region",
    "Each Bedrock guardrail enforces a safety policy (prompt attacks, sensitive information, "
    "contextual grounding).",
    results="resource",
)
