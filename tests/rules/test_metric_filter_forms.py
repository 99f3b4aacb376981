"""Every metric-filter check accepts correct rewrites of its filter and rejects broken ones.

Forms are generated from each check's recommended pattern in :mod:`aiposture.guide.detection`
(the guide's own pattern, corrected for bedrock-mantle in Metric Filters 1 and 6) and run
through the real rule: a builder snapshot whose trail delivers to a log group holding only
that filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from aiposture.guide import detection as guide_detection
from aiposture.lang.filter_pattern import DEFAULT_SEMANTICS
from aiposture.lang.filter_pattern_common import StarString
from aiposture.lang.filter_pattern_json import And, Cmp, Expr, IsKw, Or, StrLit, parse_json_body
from aiposture.results import Status
from aiposture.rules.metric_filter import MetricFilterParams
from aiposture.rules.support.sample_events import build_event
from tests.builders import ACCOUNT, REGION, guide_trail, log_group, snapshot, with_detection
from tests.rules.helpers import CATALOG, only, run_check

GROUP = "aws-cloudtrail-logs/ai"
CHECKS = sorted(i.check.id for i in CATALOG.checks if i.kind.name == "metric_filter")


def _pattern_of(check_id: str) -> str:
    item = CATALOG.get(check_id)
    assert item is not None
    (ref,) = [r for r in item.check.seed_refs if r.startswith("Metric Filter ")]
    return guide_detection.metric_filter(int(ref.removeprefix("Metric Filter "))).complete_pattern


def _params(check_id: str) -> MetricFilterParams:
    params = CATALOG.params_by_id[check_id]
    assert isinstance(params, MetricFilterParams)
    return params


def _tree(pattern: str) -> Expr:
    expr = parse_json_body(pattern, pattern.index("{"), DEFAULT_SEMANTICS)
    assert expr is not None
    return expr


# --- rendering ------------------------------------------------------------------------------


def _sel(selector: tuple[Any, ...]) -> str:
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in selector)


def _atom(node: Expr, tight: bool = False) -> str:
    eq = "=" if tight else " = "
    if isinstance(node, IsKw):
        return f"{_sel(node.selector)} IS {node.keyword}"
    assert isinstance(node, Cmp)
    lit = node.lit
    value = f'"{lit.star.text}"' if isinstance(lit, StrLit) else lit.text  # type: ignore[union-attr]
    op = eq if node.op == "=" else f" {node.op} "
    return f"{_sel(node.selector)}{op}{value}"


def render(node: Expr, *, parens: str = "full", tight: bool = False, nest: bool = False) -> str:
    """Render an expression: ``full`` parenthesises every group, ``min`` only where needed."""
    if isinstance(node, And | Or):
        sep = " && " if isinstance(node, And) else " || "
        parts = []
        for item in node.items:
            text = render(item, parens=parens, tight=tight, nest=nest)
            needs = isinstance(node, And) and isinstance(item, Or)
            if parens == "full" or needs:
                text = f"({text})"
            parts.append(text)
        if nest and len(parts) > 2:
            text = parts[-1]
            for part in reversed(parts[:-1]):
                text = f"{part}{sep}({text})"
            return text
        return sep.join(parts)
    return _atom(node, tight)


def wrap(body: str) -> str:
    """A JSON pattern around ``body``."""
    return "{ " + body + " }"


def mapped(node: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """``node`` with ``fn`` applied bottom-up."""
    if isinstance(node, And):
        return fn(And(tuple(mapped(i, fn) for i in node.items)))
    if isinstance(node, Or):
        return fn(Or(tuple(mapped(i, fn) for i in node.items)))
    return fn(node)


def reverse(node: Expr) -> Expr:
    """Every AND and OR list in reverse order."""
    return mapped(
        node, lambda n: type(n)(tuple(reversed(n.items))) if isinstance(n, And | Or) else n
    )


def distribute(node: Expr) -> Expr:
    """``x && (a || b)`` rewritten as ``(x && a) || (x && b)`` for the first OR of a top AND."""
    if not isinstance(node, And):
        return node
    for index, item in enumerate(node.items):
        if isinstance(item, Or):
            rest = node.items[:index] + node.items[index + 1 :]
            return Or(tuple(And((*rest, alt)) for alt in item.items))
    return node


def wildcard(node: Expr) -> Expr:
    """Exact ``...amazonaws.com`` values written as the prefix wildcard ``...amazonaws.*``."""

    def fn(n: Expr) -> Expr:
        if isinstance(n, Cmp) and isinstance(n.lit, StrLit) and n.lit.star.text.endswith(".com"):
            return replace(n, lit=StrLit(StarString(n.lit.star.text[:-3] + "*")))
        return n

    return mapped(node, fn)


def ands_for_ors(node: Expr) -> Expr:
    """Every ``||`` replaced by ``&&``."""
    return mapped(node, lambda n: And(n.items) if isinstance(n, Or) else n)


def first_atom(node: Expr) -> Cmp:
    """The left-most comparison."""
    while isinstance(node, And | Or):
        node = node.items[0]
    assert isinstance(node, Cmp)
    return node


def negate_first(node: Expr) -> Expr:
    """The left-most comparison negated (``=`` -> ``!=``)."""
    target = first_atom(node)
    return mapped(node, lambda n: replace(n, op="!=") if n is target else n)


def misspell_sources(node: Expr) -> Expr:
    """Every eventSource value misspelt (a letter dropped)."""

    def fn(n: Expr) -> Expr:
        if isinstance(n, Cmp) and n.selector == ("eventSource",) and isinstance(n.lit, StrLit):
            text = n.lit.star.text
            return replace(n, lit=StrLit(StarString(text[:2] + text[3:])))
        return n

    return mapped(node, fn)


def _name_of(event: dict[str, Any]) -> tuple[str, str]:
    """The event's name and the selector that reads it.

    An Insights event has no top-level eventName: the API it reports on is in insightDetails.
    """
    if "eventName" in event:
        return "$.eventName", str(event["eventName"])
    return "$.insightDetails.eventName", str(event["insightDetails"]["eventName"])


def _source_of(event: dict[str, Any]) -> str:
    """The event's source (an Insights event's is in insightDetails)."""
    return str(event.get("eventSource") or event["insightDetails"]["eventSource"])


def _named(check_id: str) -> list[tuple[str, str]]:
    params = _params(check_id)
    names: list[tuple[str, str]] = []
    for sample in params.must_match:
        named = _name_of(build_event(sample, ACCOUNT, REGION))
        if named not in names:
            names.append(named)
    if len(names) == 1:
        selector, name = names[0]
        names.append((selector, name + "V2"))
    return names


def _names(check_id: str) -> list[str]:
    return [name for _, name in _named(check_id)]


def _name_list(check_id: str, sep: str) -> str:
    return sep.join(f'{selector} = "{name}"' for selector, name in _named(check_id))


def correct_forms(check_id: str) -> dict[str, str]:
    """Alternative correct filters: reordered, re-parenthesised, regrouped, distributed..."""
    tree = _tree(_pattern_of(check_id))
    body = render(tree, parens="min")
    name_or = _name_list(check_id, " || ")
    return {
        "as written": _pattern_of(check_id),
        "reordered": wrap(render(reverse(tree))),
        "minimal parentheses": wrap(body),
        "regrouped lists, no spaces": "{" + render(tree, parens="min", tight=True, nest=True) + "}",
        "distributed": wrap(render(distribute(tree), parens="min")),
        "wildcard for exact source": wrap(render(wildcard(tree))),
        "extra outer parentheses": wrap(f"(({body}))"),
        "narrowed to the sample names": wrap(f"({body}) && ({name_or})"),
    }


def broken_forms(check_id: str) -> dict[str, str]:
    """Filters that must fail: wrong operator, negated, wrong case, misspelt, contradictory."""
    tree = _tree(_pattern_of(check_id))
    body = render(tree, parens="min")
    name_or = _name_list(check_id, " || ")
    name_and = _name_list(check_id, " && ")
    top = first_atom(tree).selector[0]
    assert isinstance(top, str)
    params = _params(check_id)
    source = _source_of(build_event(params.must_match[0], ACCOUNT, REGION))
    misspelt = render(misspell_sources(tree))
    if "eventSource" not in misspelt:
        misspelt = f'({misspelt}) && $.eventSource = "{source[:2] + source[3:]}"'
    forms = {
        "&& for ||": wrap(render(ands_for_ors(tree)))
        if "||" in body
        else wrap(f"({body}) && ({name_and})"),
        "negated": wrap(render(negate_first(tree))),
        "wrong-case field": wrap(body.replace(f"$.{top}", f"$.{top.lower()}")),
        "misspelt event source": wrap(misspelt),
        "contradictory": wrap(" && ".join(f'{sel} = "{n}"' for sel, n in _named(check_id)[:2])),
        "&& for || in a name list": wrap(f"({body}) && ({name_and})"),
    }
    assert top != top.lower(), check_id
    assert name_or  # the OR of names is in the correct forms
    return forms


def _outcome(check_id: str, pattern: str) -> Any:
    snap = snapshot(guide_trail(), log_groups=[log_group(GROUP)])
    entry = {
        "filterName": "candidate",
        "filterPattern": pattern,
        "metricTransformations": [
            {"metricName": "M", "metricNamespace": "AIWorkloadMetrics", "metricValue": "1"}
        ],
    }
    with_detection(snap, metric_filters={GROUP: [entry]})
    return only(run_check(check_id, snap))


def test_every_metric_filter_check_is_covered() -> None:
    assert len(CHECKS) == 25


@pytest.mark.parametrize("check_id", CHECKS)
def test_correct_forms_pass(check_id: str) -> None:
    forms = correct_forms(check_id)
    assert len(set(forms.values())) >= 4, forms
    for label, pattern in forms.items():
        outcome = _outcome(check_id, pattern)
        assert outcome.status == Status.PASS, (label, pattern, outcome.message)


@pytest.mark.parametrize("check_id", CHECKS)
def test_broken_forms_fail(check_id: str) -> None:
    for label, pattern in broken_forms(check_id).items():
        outcome = _outcome(check_id, pattern)
        assert outcome.status == Status.FAIL, (label, pattern, outcome.message)
        assert "Broken link: filter." in outcome.message
        assert "pattern AWS would reject" not in outcome.message, (label, pattern)


HAND_WRITTEN: dict[str, tuple[list[str], list[str]]] = {
    # (good, bad). Bad forms are broken (miss an event the detection is for) or over-broad
    # (also count a must-not-match event: an alarm on them fires on routine traffic).
    "mf-06-model-invocation-volume": (
        [
            '{ ($.eventSource = "bedrock.amazonaws.com" || $.eventSource = "bedrock-mantle.amazonaws.com") && ($.eventName = "InvokeModel*" || $.eventName = "Converse*" || $.eventName = "*AsyncInvoke" || $.eventName = "CreateInference") }',  # noqa: E501
            '{ $.eventName = "InvokeModel*" || $.eventName = "Converse*" || $.eventName = "GetAsyncInvoke" || $.eventName = "StartAsyncInvoke" || ($.eventSource = "bedrock-mantle.amazonaws.com" && $.eventName = "CreateInference") }',  # noqa: E501
        ],
        [
            '{ $.eventSource = "bedrock*" && $.eventName = "InvokeModel*" }',
            '{ $.eventSource = "bedrock.amazonaws.com" && ($.eventName = "InvokeModel*" || $.eventName = "Converse*" || $.eventName = "*AsyncInvoke") }',  # noqa: E501
            # over-broad: every Bedrock call, reads (ListFoundationModels) included
            '{ $.eventSource = "bedrock.amazonaws.com" || $.eventSource = "bedrock-mantle.amazonaws.com" }',
            # over-broad: also agent invocations and the ListAsyncInvokes listing
            '{ ($.eventSource = "bedrock.amazonaws.com" || $.eventSource = "bedrock-mantle.amazonaws.com") && ($.eventName = "*Invoke*" || $.eventName = "Converse*" || $.eventName = "CreateInference") }',  # noqa: E501
        ],
    ),
    "mf-01-bedrock-unauthorized-access": (
        [
            '{ $.eventSource = "bedrock*" && ($.errorCode = "AccessDenied" || $.errorCode = "UnauthorizedOperation") }',
            "{ $.eventSource = %^bedrock% && $.errorCode = %AccessDenied|UnauthorizedOperation% }",
        ],
        [
            '{ $.eventSource = "bedrock.amazonaws.com" && $.errorCode = "*Denied" }',
            # over-broad: every Bedrock call, successful ones included
            '{ $.eventSource = "bedrock.amazonaws.com" || $.eventSource = "bedrock-mantle.amazonaws.com" }',
            # over-broad: every Bedrock error, throttling and validation errors included
            '{ ($.eventSource = "bedrock.amazonaws.com" || $.eventSource = "bedrock-mantle.amazonaws.com") && $.errorCode = "*" }',  # noqa: E501
            # over-broad: denials on every service (an S3 denial is not a Bedrock one)
            '{ $.errorCode = "AccessDenied" || $.errorCode = "UnauthorizedOperation" }',
        ],
    ),
    "mf-09-vpce-access-denied": (
        [
            '{ $.errorCode = "VpceAccessDenied" && ($.eventSource = "bedrock.amazonaws.com" || $.eventSource = "s3.amazonaws.com" || $.eventSource = "lambda.amazonaws.com") && $.eventCategory = "NetworkActivity" }',  # noqa: E501
        ],
        [
            # over-broad: permitted network activity through the endpoint too
            '{ $.eventCategory = "NetworkActivity" }',
            # over-broad: IAM denials (AccessDenied) are not endpoint-policy denials
            '{ $.errorCode = "*Denied" && ($.eventSource = "bedrock.amazonaws.com" || $.eventSource = "s3.amazonaws.com" || $.eventSource = "lambda.amazonaws.com") }',  # noqa: E501
        ],
    ),
    "mf-13-insights-anomalies": (
        ['{ $.eventType = "AwsCloudTrailInsight" }'],
        [
            # over-broad: aggregated summaries are not anomalies
            '{ $.eventCategory = "Insight" || $.eventCategory = "Aggregated" }',
            # an Insights event has no top-level eventName
            '{ $.eventCategory = "Insight" && $.eventName = "*" }',
        ],
    ),
    "mf-14-cloudtrail-logging-disruption": (
        [
            '{ $.eventSource = "cloudtrail.amazonaws.com" && ($.eventName = "StopLogging" || $.eventName = "DeleteTrail" || $.eventName = "UpdateTrail") }',  # noqa: E501
        ],
        [
            # over-broad: every CloudTrail call, StartLogging and reads included
            '{ $.eventSource = "cloudtrail.amazonaws.com" }',
            # over-broad: also CreateTrail and StartLogging
            '{ $.eventSource = "cloudtrail.amazonaws.com" && $.readOnly IS FALSE }',
        ],
    ),
    "mf-16-gateway-auth-failures": (
        [
            '{ $.eventSource = "bedrock-agentcore.amazonaws.com" && $.eventName = "InvokeGateway" && $.responseElements.statusCode >= 401 && $.responseElements.statusCode <= 403 && $.responseElements.statusCode != 402 }',  # noqa: E501
            '{ $.eventName = "InvokeGateway" && ($.responseElements.statusCode = "401" || $.responseElements.statusCode = "403") }',  # noqa: E501
        ],
        [
            '{ $.eventSource = "bedrock-agentcore.amazonaws.com" && $.eventName = "InvokeGateway" && ($.errorCode = "401" || $.errorCode = "403") }',  # noqa: E501
            # over-broad: server errors (500) are not authentication failures
            '{ $.eventSource = "bedrock-agentcore.amazonaws.com" && $.eventName = "InvokeGateway" && $.responseElements.statusCode >= 400 }',  # noqa: E501
        ],
    ),
    "mf-11-s3-training-data-writes": (
        [
            '{ $.eventSource = "s3.amazonaws.com" && ($.eventName = "PutObject" || $.eventName = "DeleteObject" || $.eventName = "CopyObject") }'  # noqa: E501
        ],
        [
            '{ $.eventSource = "s3.amazonaws.com" && ($.eventName = "PutObject" || $.eventName = "DeleteObject" || $.eventName = "CopyObject") && $.readOnly IS TRUE }',  # noqa: E501
            # over-broad: bucket-level writes (PutBucketPolicy, DeleteBucket) too
            '{ $.eventSource = "s3.amazonaws.com" && $.readOnly IS FALSE }',
            # over-broad: object reads (GetObject) too
            '{ $.eventSource = "s3.amazonaws.com" && $.eventCategory = "Data" }',
        ],
    ),
    "mf-10-agent-cross-service-denied": (
        [
            # the guide's own narrowing: its filter plus the agent execution role names
            '{ ($.errorCode = "AccessDenied") && ($.userIdentity.type = "AssumedRole") && ($.eventSource = "s3.amazonaws.com" || $.eventSource = "lambda.amazonaws.com" || $.eventSource = "kms.amazonaws.com" || $.eventSource = "sagemaker.amazonaws.com" || $.eventSource = "secretsmanager.amazonaws.com") && ($.userIdentity.sessionContext.sessionIssuer.userName = "AmazonBedrockExecutionRole*") }',  # noqa: E501
        ],
        [
            '{ $.errorCode = "AccessDenied" && $.userIdentity.type = "IAMUser" }',
            # over-broad: drops the service list, so it also counts the agent role's denials
            # on Bedrock itself (Metric Filter 1's events, not a downstream service)
            '{ $.errorCode = "AccessDenied" && $.userIdentity.sessionContext.sessionIssuer.userName = "AmazonBedrockExecutionRole*" }',  # noqa: E501
            # over-broad: successful calls of assumed roles too
            '{ $.userIdentity.type = "AssumedRole" && ($.eventSource = "s3.amazonaws.com" || $.eventSource = "lambda.amazonaws.com" || $.eventSource = "kms.amazonaws.com" || $.eventSource = "sagemaker.amazonaws.com" || $.eventSource = "secretsmanager.amazonaws.com") }',  # noqa: E501
            # over-broad: every error of those services, throttling included
            '{ $.errorCode = "*" && $.userIdentity.type = "AssumedRole" && ($.eventSource = "s3.amazonaws.com" || $.eventSource = "lambda.amazonaws.com" || $.eventSource = "kms.amazonaws.com" || $.eventSource = "sagemaker.amazonaws.com" || $.eventSource = "secretsmanager.amazonaws.com") }',  # noqa: E501
        ],
    ),
    "mf-17-agentcore-tool-invocations": (
        [
            '{ $.eventSource = "bedrock-agentcore.amazonaws.com" && ($.resources[0].type = "AWS::BedrockAgentCore::CodeInterpreter*" || $.resources[0].type = "AWS::BedrockAgentCore::Browser*") }',  # noqa: E501
        ],
        [
            # over-broad: every AgentCore data event (memory, gateway traffic)
            '{ $.eventSource = "bedrock-agentcore.amazonaws.com" && $.eventCategory = "Data" }',
        ],
    ),
    "mf-20-gateway-config-changes": (
        [
            '{ $.eventSource = "bedrock-agentcore.amazonaws.com" && ($.eventName = "CreateGateway*" || $.eventName = "UpdateGateway*" || $.eventName = "DeleteGateway*") }',  # noqa: E501
        ],
        [
            # over-broad: gateway reads and traffic (GetGateway, InvokeGateway) too
            '{ $.eventName = "*Gateway*" }',
            # over-broad: InvokeGateway is a write data event
            '{ $.eventSource = "bedrock-agentcore.amazonaws.com" && $.readOnly IS FALSE }',
        ],
    ),
}


@pytest.mark.parametrize("check_id", sorted(HAND_WRITTEN))
def test_hand_written_forms(check_id: str) -> None:
    good, bad = HAND_WRITTEN[check_id]
    for pattern in good:
        outcome = _outcome(check_id, pattern)
        assert outcome.status == Status.PASS, (pattern, outcome.message)
    for pattern in bad:
        assert _outcome(check_id, pattern).status == Status.FAIL, pattern
