"""Rule kind ``saved_query``: a saved Logs Insights query on the CloudTrail log group.

The guide's 27 queries are requirements stated by what they do: the CloudTrail records they
must return (``must_match``; ``must_not_match``: close records they exist to leave out), the
fields they must return (the caller identity, source IP, ...) and, for the cross-pipeline
queries, the joins with the model invocation log group or ``aws/spans``. Each saved query
(Logs DescribeQueryDefinitions, read in the log group's account and region) is parsed by
:mod:`aiposture.lang.logs_query` and its row filter evaluated on the sample records. Its name
is never looked at. The query is the ``query`` link of the detection chain
(:mod:`aiposture.rules.support.chain`): the trail must record the records and deliver them, and the
log group's class must run queries of the saved query's language (OpenSearch SQL and PPL
only on Standard, :mod:`aiposture.rules.support.log_classes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, field_validator

from aiposture.errors import PatternSyntaxError
from aiposture.guide import detection as guide
from aiposture.lang.logs_query import Query, Source, parse_definition
from aiposture.memo import Fact
from aiposture.results import Status
from aiposture.rules.base import (
    Outcome,
    Params,
    RuleContext,
    RuleKind,
    describe_error,
    errors_for,
)
from aiposture.rules.model_invocation_logging import bedrock_not_offered
from aiposture.rules.support.chain import Candidate, Upstream, broken, decide, ok, unknown, upstream
from aiposture.rules.support.detection_scope import DeliveryGroup
from aiposture.rules.support.log_classes import QUERY_FEATURE
from aiposture.rules.support.sample_events import SampleEvents, context_event

PLACEHOLDER = "YOUR_CLOUDTRAIL_LOG_GROUP"
"""The guide's stand-in for the CloudTrail log group name."""

QUERY = "query"
"""The saved query's link in the detection chain."""

CLOUDTRAIL = "cloudtrail"
INVOCATION_LOGGING = "invocation_logging"

_PARSED: Fact[Query | PatternSyntaxError] = Fact("parsed saved query definition")
"""Each DescribeQueryDefinitions entry, parsed once per evaluation (every saved-query
check of the region judges every definition), or the syntax error it raised."""


class RequiredJoin(Params):
    """A join the query must make from the CloudTrail log group.

    ``log_group`` is ``cloudtrail`` (the CloudTrail log group again, under another alias),
    ``invocation_logging`` (the account's Bedrock model invocation log group, from
    GetModelInvocationLoggingConfiguration) or a literal log group name such as ``aws/spans``.
    ``left`` is the CloudTrail field and ``right`` the other side's field that ON must equate;
    leave both out for joins on a condition that is not a key equality (a time window).
    """

    log_group: str = Field(min_length=1)
    left: str | None = None
    right: str | None = None


class SavedQueryParams(SampleEvents):
    """Parameters of ``saved_query``.

    ``must_match``: records the query must return (one per value the guide's IN lists name);
    ``must_not_match``: close records it must leave out. ``fields``: CloudTrail fields it must return or
    group by. ``joins``: joins it must make. ``guide_query_number``: which of the guide's
    Queries the check is for; its SQL (:attr:`guide_query`, with ``YOUR_CLOUDTRAIL_LOG_GROUP``)
    is read from :mod:`aiposture.guide.detection`, for reference and remediation only (never
    used to judge).
    """

    guide_query_number: int
    """The guide's Query number (1-27)."""
    fields: list[str] = Field(default_factory=list)
    joins: list[RequiredJoin] = Field(default_factory=list)

    @field_validator("guide_query_number")
    @classmethod
    def _known_query(cls, value: int) -> int:
        if value not in guide.QUERIES_BY_NUMBER:
            raise ValueError(
                f"the guide has Queries {min(guide.QUERIES_BY_NUMBER)}-"
                f"{max(guide.QUERIES_BY_NUMBER)}, not {value}"
            )
        return value

    @property
    def guide_query(self) -> str:
        """The guide's own SQL, verbatim, with ``YOUR_CLOUDTRAIL_LOG_GROUP``."""
        return guide.query(self.guide_query_number).sql


@dataclass
class _Verdict:
    """How one saved query measures up against the requirement."""

    definition: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.definition.get("name") or self.definition.get("queryDefinitionId") or "")

    @property
    def passes(self) -> bool:
        return not self.problems and not self.unknown


def _targets(params: SavedQueryParams, ctx: RuleContext) -> tuple[dict[str, str | None], list[str]]:
    """Log group name of each required join target (None: not configured), and unknowns."""
    names: dict[str, str | None] = {}
    unknown: list[str] = []
    for join in params.joins:
        if join.log_group == INVOCATION_LOGGING:
            reg = ctx.region_snapshot
            if reg is None or reg.invocation_logging is None:
                unknown.append(
                    "the model invocation logging configuration of account "
                    f"{ctx.account_id} in {ctx.region} could not be read"
                )
                names[join.log_group] = None
            else:
                names[join.log_group] = reg.invocation_logging.cloudwatch_log_group
        elif join.log_group != CLOUDTRAIL:
            names[join.log_group] = join.log_group
    return names, unknown


def _judge_source(
    params: SavedQueryParams,
    ctx: RuleContext,
    query: Query,
    src: Source,
    group: DeliveryGroup,
    targets: dict[str, str | None],
) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    unknown: list[str] = []
    why = query.why_unevaluable()
    missed: list[str] = []
    unevaluable = False
    for sample in params.must_match:
        event = context_event(sample, ctx)
        verdict = query.admits(event, src)
        if verdict is None:
            unevaluable = True
        elif not verdict:
            missed.append(sample.described)
    if unevaluable:
        reason = why or "it uses functions or fields the query derives itself"
        problems.append(
            f"its row filter cannot be evaluated ({reason}), so it is not counted as "
            "returning the events"
        )
    if missed:
        problems.append(f"it does not return {', '.join(missed)}")
    if not unevaluable:
        broad = [s.label for s in params.must_not_match if query.admits(context_event(s, ctx), src)]
        if broad:
            problems.append(
                f"it also returns events it is not for ({', '.join(broad)}), which drown the "
                "ones it exists to surface"
            )
    absent = [f for f in params.fields if not query.reads(f, src)]
    if absent:
        problems.append(f"it does not return the field(s) {', '.join(absent)}")
    for need in params.joins:
        problem = _join_problem(need, query, src, group, targets)
        if problem:
            problems.append(problem)
    return problems, unknown


def _join_problem(
    need: RequiredJoin,
    query: Query,
    src: Source,
    group: DeliveryGroup,
    targets: dict[str, str | None],
) -> str | None:
    if need.log_group == CLOUDTRAIL:
        others = [s for s in query.sources if s != src and s.reads_log_group(group.name, group.arn)]
        what = f"a second read of the CloudTrail log group {group.name}"
    else:
        target = targets.get(need.log_group)
        if target is None:
            return (
                "it needs a join with the model invocation log group, but model invocation "
                "logging does not deliver to CloudWatch Logs in this region"
            )
        others = [s for s in query.sources if s != src and s.reads_log_group(target)]
        what = f"log group {target}"
    joins = [j for j in query.joins for o in others if j.connects(src, o)]
    if not joins:
        return f"it has no JOIN with {what}"
    if need.left and need.right:
        pair = (need.left, need.right)
        if not any(pair in j.keys_between(src, o) for j in joins for o in others):
            return f"its JOIN with {what} is not ON CloudTrail {need.left} = {need.right}"
    return None


def _judge(
    params: SavedQueryParams,
    ctx: RuleContext,
    definition: dict[str, Any],
    group: DeliveryGroup,
    targets: dict[str, str | None],
) -> _Verdict:
    verdict = _Verdict(definition)
    text = str(definition.get("queryString") or "")
    if PLACEHOLDER in text:
        verdict.problems.append(
            f"it still reads the guide's placeholder {PLACEHOLDER} instead of the log group "
            f"name {group.name}"
        )
    query = ctx.memo.get(_PARSED, (definition,), lambda: _parsed(definition))
    if isinstance(query, PatternSyntaxError):
        verdict.problems.append(f"it does not parse: {query}")
        return verdict
    if not query.evaluated:
        verdict.problems.append(
            f"it is written in {query.language}, which aiposture does not evaluate"
        )
        return verdict
    sources = [s for s in query.sources if s.reads_log_group(group.name, group.arn)]
    if not sources:
        read = ", ".join(s.label() for s in query.sources) or "no log group"
        if PLACEHOLDER not in text:
            verdict.problems.append(f"it reads {read}, not the CloudTrail log group {group.name}")
        return verdict
    best: tuple[list[str], list[str]] | None = None
    for src in sources:
        found = _judge_source(params, ctx, query, src, group, targets)
        if best is None or len(found[0]) < len(best[0]):
            best = found
    assert best is not None
    verdict.problems.extend(best[0])
    verdict.unknown.extend(best[1])
    return verdict


def _parsed(definition: dict[str, Any]) -> Query | PatternSyntaxError:
    try:
        return parse_definition(definition)
    except PatternSyntaxError as exc:
        return exc


def _language(definition: dict[str, Any]) -> str:
    return str(definition.get("queryLanguage") or "CWLI").upper()


def _group_candidates(
    params: SavedQueryParams,
    ctx: RuleContext,
    paths: dict[str, Upstream],
    targets: dict[str, str | None],
) -> list[tuple[Upstream, list[Candidate]]]:
    """Every saved query of one log group's account and region, as paths of the chain."""
    any_path = next(iter(paths.values()))
    group = any_path.group
    reg = group.region_snapshot
    defs = reg.query_definitions if reg is not None else None
    if defs is None:
        why = group.unread("DescribeQueryDefinitions")
        link = unknown(QUERY, f"saved queries of log group {group.name}: {why}")
        return [(any_path, [Candidate((link,), "", group.arn)])]
    out: list[tuple[Upstream, list[Candidate]]] = []
    closest: tuple[int, _Verdict] | None = None
    for definition in defs:
        verdict = _judge(params, ctx, definition, group, targets)
        path = paths.get(_language(definition), any_path)
        if verdict.passes:
            message = (
                f"Saved query {verdict.name!r} on CloudTrail log group {group.name} "
                f"(account {group.account_id}, {group.region}) returns the intended events with "
                "the required fields" + (" and joins." if params.joins else ".")
            )
            evidence = {
                "log_group": group.name,
                "query": verdict.name,
                "queryLanguage": definition.get("queryLanguage"),
            }
            link = ok(QUERY, f"saved query {verdict.name!r} answers the requirement")
            out.append((path, [Candidate((link,), message, group.arn, evidence)]))
        elif closest is None or len(verdict.problems) < len(closest[1].problems):
            closest = (len(verdict.problems), verdict)
    # Definitions are read once per query language: when one language could not be read,
    # a missing answer may be among its definitions.
    failed = errors_for(reg.errors, "DescribeQueryDefinitions") if reg and not out else []
    if failed:
        languages = ", ".join(dict.fromkeys(e.resource or "some language" for e in failed))
        link = unknown(
            QUERY,
            f"no saved query read on log group {group.name} covers the requirement, and its "
            f"saved queries in {languages} could not be read: {describe_error(failed[0])}",
        )
        return [(any_path, [Candidate((link,), "", group.arn)])]
    if closest is not None:
        verdict = closest[1]
        link = broken(
            QUERY,
            f"no saved Logs Insights query on CloudTrail log group {group.name} covers the "
            f"requirement. The closest, {verdict.name!r}: {'; '.join(verdict.problems)}",
        )
        evidence = {
            "log_group": group.name,
            "definitions": len(defs),
            "closest": verdict.name,
            "problems": verdict.problems,
        }
        out.append((any_path, [Candidate((link,), "", group.arn, evidence)]))
    elif not out:
        link = broken(
            QUERY,
            f"no saved Logs Insights query reads CloudTrail log group {group.name}: the link "
            "log group -> saved query is missing",
        )
        evidence = {"log_groups": [group.name], "definitions": 0}
        out.append((any_path, [Candidate((link,), "", group.arn, evidence)]))
    return out


def saved_query(params: SavedQueryParams, ctx: RuleContext) -> list[Outcome]:
    """A saved Logs Insights query on the CloudTrail log group reads what the guide's query reads.

    A query that must join the model invocation log group is NOT_APPLICABLE where Bedrock
    is not offered.
    """
    not_offered = bedrock_not_offered(ctx)
    if not_offered is not None and any(j.log_group == INVOCATION_LOGGING for j in params.joins):
        return [
            Outcome(
                Status.NOT_APPLICABLE,
                f"This query joins the model invocation log group, which does not apply: "
                f"{not_offered}.",
            )
        ]
    targets, target_unknown = _targets(params, ctx)
    up = upstream(ctx, params, QUERY_FEATURE["CWLI"])
    paths: list[tuple[Upstream, list[Candidate]]] = []
    for path in up.paths:
        per_language = {lang: path.for_feature(f) for lang, f in QUERY_FEATURE.items()}
        paths.extend(_group_candidates(params, ctx, per_language, targets))
    outcome = decide(
        up,
        paths,
        "whether a saved Logs Insights query covers this requirement",
        fix=(
            QUERY,
            "Save the guide's query with the log group name filled in (see remediation), with "
            "query language SQL.",
        ),
        unknown_extra=target_unknown,
    )
    return [outcome]


SAVED_QUERY = RuleKind(
    "saved_query",
    saved_query,
    SavedQueryParams,
    "account_region",
    "A saved Logs Insights query on the CloudTrail log group reads what the guide's query reads.",
    results="region",
)
