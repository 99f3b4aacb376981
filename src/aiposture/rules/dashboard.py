"""Rule kind ``dashboard``: a CloudWatch dashboard shows the guide's detections.

The guide's AI-Workload-Security-Dashboard has rows of widgets: an alarm status grid over
the metric-filter alarms, metric counters, Contributor Insights widgets for its rules, and
Logs Insights widgets running the investigation and correlation queries over the CloudTrail
log group. Dashboards are judged by content, not by name: a dashboard passes when it has an
alarm widget listing existing alarms, a Contributor Insights widget showing an existing,
enabled rule that reads a CloudTrail delivery log group, and a Logs Insights widget whose
source is a CloudTrail delivery log group. Dashboards are account-wide, so the kind runs
once per account: on the account's one read (``AccountSnapshot.dashboards``), or, for a
snapshot written when they were read per region, on the regions' reads joined.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import Field

from aiposture.lang.contributor_rules import RuleDefinitionError, parse_rule
from aiposture.results import Status
from aiposture.rules.base import Outcome, Params, RuleContext, RuleKind, describe_error, errors_for
from aiposture.rules.support.detection_scope import cloudtrail_log_groups

_SOURCE = re.compile(r"""\bSOURCE\s+(?:'([^']*)'|"([^"]*)")""", re.IGNORECASE)
_SQL_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+`([^`]+)`", re.IGNORECASE)
_IDENTIFIERS = re.compile(r"logGroup(?:Identifier|Name)s?\s*:\s*\[([^\]]*)\]", re.IGNORECASE)
_QUOTED = re.compile(r"""'([^']*)'|"([^"]*)\"""")


class DashboardParams(Params):
    """Parameters of ``dashboard``: the guide's name, metric counters and rules, for evidence.

    Only the dashboard's content decides; these name what each guide row shows.
    """

    guide_name: str = "AI-Workload-Security-Dashboard"
    guide_metrics: list[str] = Field(default_factory=list)
    """``Namespace/MetricName`` of the guide's number widgets."""
    guide_rules: list[str] = Field(default_factory=list)
    """Names of the guide's Contributor Insights rules shown on the dashboard."""


@dataclass
class _Judged:
    """What one dashboard shows, and what is missing or unknown."""

    name: str
    invalid: str | None = None
    alarms_ok: list[str] = field(default_factory=list)
    alarms_missing: list[str] = field(default_factory=list)
    rules_ok: list[str] = field(default_factory=list)
    rules_bad: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    log_ct: list[str] = field(default_factory=list)
    log_other: list[str] = field(default_factory=list)
    correlation: list[str] = field(default_factory=list)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    """Why a requirement could not be verified, by requirement (alarms, rules, logs)."""
    widget_types: dict[str, int] = field(default_factory=dict)

    def unmet(self) -> dict[str, str]:
        """The requirements this dashboard does not meet, by requirement."""
        if self.invalid:
            return {"body": self.invalid}
        out = {}
        if not self.alarms_ok:
            out["alarms"] = "an alarm status widget listing existing alarms"
        if not self.rules_ok:
            out["rules"] = (
                "a Contributor Insights widget showing an existing, enabled rule on the "
                "CloudTrail log group"
            )
        if not self.log_ct:
            out["logs"] = "a Logs Insights widget querying the CloudTrail log group"
        return out

    def missing(self) -> list[str]:
        """Sentences for the requirements this dashboard does not meet."""
        return list(self.unmet().values())

    def undecided(self) -> list[str]:
        """Why the dashboard might pass after all: every unmet requirement has unread evidence."""
        unmet = self.unmet()
        if not unmet or not all(self.unknown.get(k) for k in unmet):
            return []
        return [why for k in unmet for why in self.unknown[k]]

    def note_unknown(self, requirement: str, why: str) -> None:
        """Record that evidence for ``requirement`` could not be read."""
        self.unknown.setdefault(requirement, []).append(why)


def _sources(query: str) -> list[str]:
    """The log groups a Logs Insights query (CWLI, SQL or PPL) reads."""
    found = [a or b for a, b in _SOURCE.findall(query)]
    found += _SQL_TABLE.findall(query)
    for inner in _IDENTIFIERS.findall(query):
        found += [a or b for a, b in _QUOTED.findall(inner)]
    return list(dict.fromkeys(name.split(":log-group:")[-1].removesuffix(":*") for name in found))


def _metric_names(metrics: Any) -> list[str]:
    """``Namespace/MetricName`` of a metric widget's ``metrics`` rows ('.' repeats the row above)."""
    out: list[str] = []
    previous: list[Any] = []
    for row in metrics if isinstance(metrics, list) else []:
        if not isinstance(row, list):
            continue
        values = [v for v in row if not isinstance(v, dict)]
        values = [
            previous[i] if v == "." and i < len(previous) else v for i, v in enumerate(values)
        ]
        previous = values
        if len(values) >= 2:
            out.append(f"{values[0]}/{values[1]}")
    return out


class _Judge:
    """Judges dashboards of one account against what the snapshot holds."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.ct_groups: set[tuple[str, str]] = set()
        self.ct_gaps: list[str] = []
        for region in ctx.account.scanned_regions:
            scope = cloudtrail_log_groups(replace(ctx, region=region))
            self.ct_gaps += scope.unknowns()
            self.ct_groups |= {(g.name, g.region) for g in scope.groups}
        if not ctx.account.scanned_regions:  # dashboards read, but no region: no log groups
            self.ct_gaps.append(
                f"no region of account {ctx.account_id} was scanned, so its CloudTrail log "
                "groups are unknown"
            )

    def _is_ct(self, name: str, region: str | None) -> bool:
        return any(n == name and (region is None or r == region) for n, r in self.ct_groups)

    def _alarm(self, arn: str, judged: _Judged) -> None:
        parts = arn.split(":")
        if len(parts) < 7:
            judged.alarms_missing.append(arn)
            return
        region, account, name = parts[3], parts[4], ":".join(parts[6:])
        acct = self.ctx.snapshot.account(account)
        reg = acct.regions.get(region) if acct else None
        if reg is None or reg.alarms is None or reg.composite_alarms is None:
            errs = errors_for(reg.errors if reg else [], "DescribeAlarms")
            why = describe_error(errs[0]) if errs else f"alarms of {account}, {region} not read"
            judged.note_unknown("alarms", f"alarm {name}: {why}")
            return
        if any(a.get("AlarmName") == name for a in [*reg.alarms, *reg.composite_alarms]):
            judged.alarms_ok.append(name)
        else:
            judged.alarms_missing.append(name)

    def _rule(self, name: str, region: str | None, judged: _Judged) -> None:
        regions = [region] if region else list(self.ctx.account.scanned_regions)
        for r in regions:
            reg = self.ctx.account.regions.get(r)
            if reg is None or reg.insight_rules is None:
                errs = errors_for(reg.errors if reg else [], "DescribeInsightRules")
                why = describe_error(errs[0]) if errs else f"insight rules of {r} not read"
                judged.note_unknown("rules", f"Contributor Insights rule {name}: {why}")
                continue
            rule = next((x for x in reg.insight_rules if x.get("Name") == name), None)
            if rule is None:
                continue
            if rule.get("State") != "ENABLED":
                judged.rules_bad.append(f"{name} (state {rule.get('State')})")
                return
            try:
                parsed = parse_rule(str(rule.get("Definition") or ""))
            except RuleDefinitionError as exc:  # an unreadable rule never counts
                judged.rules_bad.append(f"{name} (definition cannot be evaluated: {exc})")
                return
            reads_ct = any(
                parsed.applies_to_log_group(n, None, g)
                for n, g in self.ct_groups
                if region is None or g == r
            )
            if reads_ct:
                judged.rules_ok.append(name)
            else:
                judged.rules_bad.append(f"{name} (does not read a CloudTrail delivery log group)")
            return
        if not judged.unknown.get("rules"):
            judged.rules_bad.append(f"{name} (no such rule)")

    def judge(self, name: str, body: str) -> _Judged:
        """What the dashboard ``name`` with ``body`` shows."""
        judged = _Judged(name)
        try:
            loaded = json.loads(body)
        except ValueError as exc:
            judged.invalid = f"its body is not valid JSON ({exc})"
            return judged
        widgets = loaded.get("widgets") if isinstance(loaded, dict) else None
        if not isinstance(widgets, list):
            judged.invalid = "its body has no widgets list"
            return judged
        for widget in widgets:
            if not isinstance(widget, dict):
                continue
            kind = str(widget.get("type") or "")
            judged.widget_types[kind] = judged.widget_types.get(kind, 0) + 1
            props = widget.get("properties") or {}
            if not isinstance(props, dict):
                continue
            region = props.get("region") if isinstance(props.get("region"), str) else None
            if kind == "alarm":
                for arn in props.get("alarms") or []:
                    self._alarm(str(arn), judged)
            elif kind == "metric" and isinstance(props.get("insightRule"), dict):
                self._rule(str(props["insightRule"].get("ruleName") or ""), region, judged)
            elif kind == "metric":
                judged.metrics += _metric_names(props.get("metrics"))
            elif kind == "log":
                self._log(
                    str(props.get("query") or ""), region, str(props.get("title") or ""), judged
                )
        if self.ct_gaps:
            judged.unknown["logs"] = list(self.ct_gaps)
            judged.unknown.setdefault("rules", []).extend(self.ct_gaps)
        return judged

    def _log(self, query: str, region: str | None, title: str, judged: _Judged) -> None:
        sources = _sources(query)
        label = title or (", ".join(sources) or "untitled")
        if any(self._is_ct(s, region) for s in sources):
            judged.log_ct.append(label)
            if any(not self._is_ct(s, region) for s in sources):
                judged.correlation.append(label)
        else:
            judged.log_other.append(label)


def _rows(params: DashboardParams, j: _Judged) -> dict[str, Any]:
    shown = {r.split(" ")[0] for r in [*j.rules_ok, *j.rules_bad]}
    return {
        "status_overview": {
            "alarm_grid": j.alarms_ok or "missing",
            "alarms_not_found": j.alarms_missing,
            "metrics_present": [m for m in params.guide_metrics if m in j.metrics],
            "metrics_missing": [m for m in params.guide_metrics if m not in j.metrics],
        },
        "contributor_insights": {
            "working": j.rules_ok,
            "not_working": j.rules_bad,
            "guide_rules_missing": [r for r in params.guide_rules if r not in shown],
        },
        "investigation_queries_on_cloudtrail": j.log_ct,
        "cross_pipeline_correlation": j.correlation,
        "other_log_widgets": j.log_other,
    }


def _evidence(params: DashboardParams, j: _Judged) -> dict[str, Any]:
    out: dict[str, Any] = {"name": j.name, "widgets": j.widget_types, "missing": j.missing()}
    if not j.invalid:
        out["rows"] = _rows(params, j)
    if j.unknown:
        out["unknown"] = j.unknown
    return out


@dataclass
class _Read:
    """The account's dashboards as the snapshot holds them."""

    bodies: dict[str, str] = field(default_factory=dict)
    list_unread: list[str] = field(default_factory=list)
    """Why a ListDashboards is missing (per region, for a per-region snapshot)."""
    body_errors: dict[str, str] = field(default_factory=dict)
    """Why a GetDashboard failed, by dashboard name."""
    listed: bool = False
    """True when at least one ListDashboards answer is in the snapshot."""


def _note_body_errors(read: _Read, errors: list[Any]) -> None:
    for err in errors_for(errors, "GetDashboard"):
        if err.resource:
            read.body_errors.setdefault(err.resource, describe_error(err))


def _read_dashboards(ctx: RuleContext) -> _Read:
    """The account-wide read, or the per-region reads of an older snapshot joined."""
    account = ctx.account
    read = _Read()
    if account.dashboards_per_account:
        if account.dashboards is None:
            errs = errors_for(account.errors, "ListDashboards")
            read.list_unread.append(describe_error(errs[0]))
        else:
            read.listed = True
            read.bodies = dict(account.dashboards)
        _note_body_errors(read, account.errors)
        return read
    for region in account.scanned_regions:
        reg = account.regions.get(region)
        if reg is None or reg.dashboards is None:
            errs = errors_for(reg.errors if reg else [], "ListDashboards")
            why = describe_error(errs[0]) if errs else f"dashboards of {region} not read"
            read.list_unread.append(why)
            continue
        read.listed = True
        for name, body in reg.dashboards.items():
            read.bodies.setdefault(name, body)
        _note_body_errors(read, reg.errors)
    return read


def dashboard(params: DashboardParams, ctx: RuleContext) -> list[Outcome]:
    """A CloudWatch dashboard assembles the guide's alarm, Contributor Insights and query widgets."""
    read = _read_dashboards(ctx)
    bodies, body_errors = read.bodies, read.body_errors
    acct = ctx.account_id
    if not read.listed:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot read the CloudWatch dashboards of account {acct}: "
                + "; ".join(read.list_unread or ["no region was scanned"])
                + ".",
            )
        ]
    # Dashboards are account-wide: one region's ListDashboards lists them all, so a body
    # read in any region settles it.
    unread = [f"dashboard {n}: {why}" for n, why in body_errors.items() if n not in bodies]
    judge = _Judge(ctx)
    judged = [judge.judge(name, body) for name, body in sorted(bodies.items())]
    judged.sort(key=lambda j: (j.name != params.guide_name, len(j.missing())))
    evidence: dict[str, Any] = {
        "guide_name": params.guide_name,
        "dashboards": [_evidence(params, j) for j in judged[:20]],
    }
    arn = f"arn:{ctx.partition}:cloudwatch::{acct}:dashboard/"
    winner = next((j for j in judged if not j.missing()), None)
    if winner is not None:
        note = (
            ""
            if winner.name == params.guide_name
            else f" (it is named {winner.name}, not the guide's {params.guide_name}; the "
            "content is what counts)"
        )
        rows = _rows(params, winner)
        return [
            Outcome(
                Status.PASS,
                f"Dashboard {winner.name} shows {len(winner.alarms_ok)} existing alarm(s), "
                f"{len(winner.rules_ok)} working Contributor Insights rule(s) and "
                f"{len(winner.log_ct)} Logs Insights widget(s) on the CloudTrail log group"
                f"{note}. Guide rules not shown: "
                f"{len(rows['contributor_insights']['guide_rules_missing'])}; guide metrics "
                f"not shown: {len(rows['status_overview']['metrics_missing'])}.",
                arn + winner.name,
                evidence,
            )
        ]
    unknown = [*unread, *(f"dashboard {j.name}: {u}" for j in judged for u in j.undecided())]
    if unknown:
        return [
            Outcome(
                Status.ERROR,
                f"Cannot verify the AI monitoring dashboard of account {acct}: "
                + "; ".join(dict.fromkeys(unknown))
                + ".",
                evidence=evidence,
            )
        ]
    if not judged:
        return [
            Outcome(
                Status.FAIL,
                f"Account {acct} has no CloudWatch dashboard; create {params.guide_name} with "
                "the alarm status grid, Contributor Insights widgets and CloudTrail Logs "
                "Insights widgets of the guide.",
                evidence=evidence,
            )
        ]
    problems = "; ".join(
        f"dashboard {j.name} is unusable: {j.invalid}"
        if j.invalid
        else f"dashboard {j.name} lacks " + ", ".join(j.missing())
        for j in judged[:5]
    )
    more = f" (and {len(judged) - 5} more)" if len(judged) > 5 else ""
    return [
        Outcome(
            Status.FAIL,
            f"No CloudWatch dashboard of account {acct} assembles the guide's detections: "
            f"{problems}{more}.",
            arn + judged[0].name,
            evidence,
        )
    ]


DASHBOARD = RuleKind(
    "dashboard",
    dashboard,
    DashboardParams,
    "account",
    "A CloudWatch dashboard assembles the guide's alarm, Contributor Insights and query widgets.",
    results="region",
)
