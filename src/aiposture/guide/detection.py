"""The guide's detection layer as data: filters, alarms, rules, queries and the dashboard.

Guide 001, from "Security Analytics" to "Unified Audit & Monitoring Dashboard".

Everything here is the guide's text, with ``YOUR_CLOUDTRAIL_LOG_GROUP`` left in place; the
``*_for`` helpers fill in a log group. The guide's Metric Filters 1 and 6, Contributor
Insights Rules 1 and 5 and Queries 1 and 6 filter on ``bedrock.amazonaws.com`` only, so
they miss bedrock-mantle inference (guide 002: ``CreateInference``, a data event with
eventSource ``bedrock-mantle.amazonaws.com``); each has a mantle-aware version here, which
is what an account that follows both guides deploys. The demo seeds from this module
(:mod:`aiposture.demo.seed`); nothing here talks to AWS.

The items themselves live in the data file ``detection.yaml`` next to this module (patterns
and SQL exactly as the guide writes them); this module reads it once, at import, checks
every entry and builds the frozen dataclasses below from it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aiposture.guide.data_entry import DataEntry, read_data_file

CLOUDTRAIL_LOG_GROUP_PLACEHOLDER = "YOUR_CLOUDTRAIL_LOG_GROUP"
"""The guide's placeholder for the CloudTrail delivery log group."""
INVOCATION_LOG_GROUP_NAME = "bedrock-model-invocation-logging"
"""The model invocation logging log group the cross-pipeline queries read."""
SPANS_LOG_GROUP_NAME = "aws/spans"
"""The ADOT spans log group the cross-pipeline queries read."""
METRIC_NAMESPACE = "AIWorkloadMetrics"
"""The guide's namespace for every metric filter."""
MANTLE_SOURCE = "bedrock-mantle.amazonaws.com"
"""The eventSource of bedrock-mantle events (guide 002)."""
MANTLE_INFERENCE = "CreateInference"
"""bedrock-mantle's inference operation, a CloudTrail data event (guide 002)."""
DASHBOARD_NAME = "AI-Workload-Security-Dashboard"
"""The guide's dashboard name."""


@dataclass(frozen=True)
class MetricFilter:
    """One of the guide's metric filters: its number, title, metric and verbatim pattern."""

    number: int
    title: str
    metric: str
    """The metric name, in :data:`METRIC_NAMESPACE`."""
    pattern: str
    """The guide's filter pattern, verbatim."""

    @property
    def seed_ref(self) -> str:
        """The guide item, as checks name it."""
        return f"Metric Filter {self.number}"

    @property
    def filter_name(self) -> str:
        """The demo's filter name."""
        return f"AI-{self.metric}"

    @property
    def complete_pattern(self) -> str:
        """The pattern an account following both guides deploys (mantle-aware where needed)."""
        return MANTLE_AWARE_PATTERNS.get(self.number, self.pattern)


@dataclass(frozen=True)
class Alarm:
    """One row of the guide's alarm tables (Sum, ``>`` threshold, one evaluation period)."""

    name: str
    """The guide's alarm name."""
    metric: str
    threshold: float
    period_seconds: int
    team: Literal["security", "ai-ops"]
    """Which of the guide's two tables (and SNS routes) the alarm belongs to."""

    @property
    def seed_ref(self) -> str:
        """The guide item, as checks name it."""
        return f"Alarm: {self.name}"

    @property
    def alarm_name(self) -> str:
        """The demo's CloudWatch alarm name."""
        return f"AI-{self.metric}"


RuleFilter = tuple[str, str, tuple[str | int, ...]]
"""A Contributor Insights filter: (Match selector, list operator, values as the guide writes
them: strings, or numbers such as Rule 14's HTTP status codes)."""


@dataclass(frozen=True)
class InsightRule:
    """One of the guide's Contributor Insights rules (JSON, Count, on the CloudTrail group)."""

    number: int
    title: str
    name: str
    """The guide's rule name."""
    filters: tuple[RuleFilter, ...]
    keys: tuple[str, ...]

    @property
    def seed_ref(self) -> str:
        """The guide item, as checks name it."""
        return f"Contributor Insights Rule {self.number}"

    def definition(self, log_group: str, *, mantle_aware: bool = True) -> dict[str, Any]:
        """The rule definition on ``log_group``; mantle-aware for Rules 1 and 5 by default."""
        filters = MANTLE_AWARE_RULE_FILTERS.get(self.number) if mantle_aware else None
        return {
            "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
            "AggregateOn": "Count",
            "Contribution": {
                "Filters": [
                    {"Match": match, operator: list(values)}
                    for match, operator, values in (filters or self.filters)
                ],
                "Keys": list(self.keys),
            },
            "LogFormat": "JSON",
            "LogGroupNames": [log_group],
        }

    def definition_text(self, log_group: str, *, mantle_aware: bool = True) -> str:
        """:meth:`definition` as the JSON text PutInsightRule takes."""
        return json.dumps(self.definition(log_group, mantle_aware=mantle_aware))


@dataclass(frozen=True)
class Query:
    """One of the guide's saved Logs Insights queries (OpenSearch SQL)."""

    number: int
    title: str
    sql: str
    """The guide's SQL with ``YOUR_CLOUDTRAIL_LOG_GROUP`` (Query 1: reconstructed)."""

    @property
    def seed_ref(self) -> str:
        """The guide item, as checks name it."""
        return f"Query {self.number}"

    @property
    def query_name(self) -> str:
        """The demo's saved-query name (folders by ``/``)."""
        return f"AI-Security/Query {self.number:02d} - {self.title}"

    def sql_for(self, log_group: str, *, mantle_aware: bool = True) -> str:
        """The SQL reading ``log_group``; mantle-aware for Queries 1 and 6 by default."""
        text = MANTLE_AWARE_QUERIES.get(self.number, self.sql) if mantle_aware else self.sql
        return text.replace(CLOUDTRAIL_LOG_GROUP_PLACEHOLDER, log_group)

    def log_groups(self, log_group: str) -> list[str]:
        """Every log group the query reads, the CloudTrail one first."""
        groups = [log_group]
        for other in (INVOCATION_LOG_GROUP_NAME, SPANS_LOG_GROUP_NAME):
            if f"`{other}`" in self.sql:
                groups.append(other)
        return groups


@dataclass(frozen=True)
class BrokenPattern:
    """A filter that looks like the guide's but cannot match what it exists to catch."""

    number: int
    """The guide filter it imitates."""
    flaw: str
    pattern: str


# --- reading the data file -------------------------------------------------------------

DATA_FILE = "detection.yaml"
"""The file in this package that holds the guide's items, as the guide writes them."""
RULE_OPERATORS = frozenset({"In", "NotIn", "StartsWith"})
"""The Contributor Insights list operators a rule filter in the data may use."""
_TEAMS: tuple[Literal["security", "ai-ops"], ...] = ("security", "ai-ops")


def _rule_filters(entry: DataEntry, key: str) -> tuple[RuleFilter, ...]:
    """A rule's filters, written as in a rule definition: ``{Match: ..., <operator>: [...]}``."""
    filters = []
    for i, raw in enumerate(entry.items(key)):
        at = f".{key}[{i}]"
        operators = set(raw) - {"Match"} if isinstance(raw, dict) else set()
        if len(operators) != 1 or not operators <= RULE_OPERATORS:
            entry.fail(f"needs Match and one operator of {sorted(RULE_OPERATORS)}", at)
        (operator,) = operators
        item = entry.child(raw, at, f"Match {operator}")
        values: list[str | int] = []
        for value in item.items(operator):
            if isinstance(value, bool) or not isinstance(value, str | int):
                item.fail("holds a value that is neither text nor a number", f".{operator}")
            values.append(value)
        filters.append((item.text("Match"), operator, tuple(values)))
    return tuple(filters)


def _mantle_sql(entry: DataEntry) -> str:
    """The query's SQL with each mantle-aware replacement made (each ``old`` occurs once)."""
    sql = entry.text("sql")
    for change in entry.entries("mantle_aware", "old new"):
        if sql.count(change.text("old")) != 1:
            change.fail("does not occur exactly once in the SQL", ".old")
        sql = sql.replace(change.text("old"), change.text("new"))
    return sql


def _rows(entry: DataEntry, key: str, ref: str) -> tuple[tuple[tuple[str, int], ...], ...]:
    """Dashboard rows: each a list of ``{title: ..., <ref>: number}`` widgets."""
    rows = []
    for i, row in enumerate(entry.items(key)):
        at = f".{key}[{i}]"
        if not isinstance(row, list) or not row:
            entry.fail("is not a non-empty list", at)
        widgets = [entry.child(w, f"{at}[{j}]", f"title {ref}") for j, w in enumerate(row)]
        rows.append(tuple((w.text("title"), w.number(ref)) for w in widgets))
    return tuple(rows)


def _by_filter(entry: DataEntry, key: str) -> dict[int, str]:
    """Patterns keyed by the number of the guide filter each stands in for."""
    value = entry.data[key]
    if not isinstance(value, dict) or not value:
        entry.fail("is not a non-empty mapping", f".{key}")
    patterns = {}
    for number, pattern in value.items():
        if number not in FILTERS_BY_NUMBER:
            entry.fail("names no guide filter", f".{key}.{number}")
        if not isinstance(pattern, str) or not pattern:
            entry.fail("is not a non-empty string", f".{key}.{number}")
        patterns[int(number)] = pattern
    return patterns


_DATA = read_data_file(
    "aiposture.guide",
    DATA_FILE,
    "metric_filters equivalent_patterns broken_patterns alarms insight_rules queries dashboard",
)

_FILTERS = _DATA.numbered("metric_filters", "title metric pattern", "mantle_aware")
METRIC_FILTERS: tuple[MetricFilter, ...] = tuple(
    MetricFilter(e.number("number"), e.text("title"), e.text("metric"), e.text("pattern"))
    for e in _FILTERS
)
"""The guide's metric filters, by number (the patterns verbatim)."""
FILTERS_BY_NUMBER: dict[int, MetricFilter] = {f.number: f for f in METRIC_FILTERS}
""":data:`METRIC_FILTERS` by guide number."""
MANTLE_AWARE_PATTERNS: dict[int, str] = {
    e.number("number"): e.text("mantle_aware") for e in _FILTERS if "mantle_aware" in e.data
}
"""Metric Filters 1 and 6 as an account following guides 001 and 002 writes them."""

_RULES = _DATA.numbered("insight_rules", "title name filters keys", "mantle_aware")
INSIGHT_RULES: tuple[InsightRule, ...] = tuple(
    InsightRule(
        e.number("number"),
        e.text("title"),
        e.text("name"),
        filters=_rule_filters(e, "filters"),
        keys=e.texts("keys"),
    )
    for e in _RULES
)
"""The guide's Contributor Insights rules, by number."""
MANTLE_AWARE_RULE_FILTERS: dict[int, tuple[RuleFilter, ...]] = {
    e.number("number"): _rule_filters(e, "mantle_aware") for e in _RULES if "mantle_aware" in e.data
}
"""Contributor Insights Rules 1 and 5 with bedrock-mantle added (In lists stay within 10)."""

_QUERIES = _DATA.numbered("queries", "title sql", "mantle_aware")
QUERIES: tuple[Query, ...] = tuple(
    Query(e.number("number"), e.text("title"), e.text("sql")) for e in _QUERIES
)
"""The guide's saved queries, by number (the SQL line for line)."""
QUERIES_BY_NUMBER: dict[int, Query] = {q.number: q for q in QUERIES}
""":data:`QUERIES` by guide number."""
MANTLE_AWARE_QUERIES: dict[int, str] = {
    e.number("number"): _mantle_sql(e) for e in _QUERIES if "mantle_aware" in e.data
}
"""Queries 1 and 6 with bedrock-mantle inference added (a superset of the guide's WHERE)."""
QUERY_1_SQL = QUERIES_BY_NUMBER[1].sql
"""Query 1, reconstructed: the guide prints only its GROUP BY and ORDER BY lines; the SELECT,
FROM and WHERE follow its description (AccessDenied or UnauthorizedOperation on Bedrock
APIs, by identity, ranked by frequency) and the shape of Queries 2-4."""

EQUIVALENT_PATTERNS: dict[int, str] = _by_filter(_DATA, "equivalent_patterns")
"""Filters written differently from the guide but meaning the same (clauses reordered,
parentheses regrouped or distributed): they match exactly the events the guide's match."""
BROKEN_PATTERNS: tuple[BrokenPattern, ...] = tuple(
    BrokenPattern(e.number("number"), e.text("flaw"), e.text("pattern"))
    for e in _DATA.entries("broken_patterns", "number flaw pattern")
)
"""Filters for the partial account that parse but can never match their events."""

_ALARM_TABLES = _DATA.child(_DATA.data["alarms"], ".alarms", " ".join(_TEAMS))
ALARMS: tuple[Alarm, ...] = tuple(
    Alarm(e.text("name"), e.text("metric"), e.number("threshold"), e.number("period_seconds"), team)
    for team in _TEAMS
    for e in _ALARM_TABLES.entries(team, "name metric threshold period_seconds")
)
"""The guide's two alarm tables: security team, then AI operations team."""
ALARMS_BY_NAME: dict[str, Alarm] = {a.name: a for a in ALARMS}
""":data:`ALARMS` by the guide's alarm name."""

_DASHBOARD = _DATA.child(
    _DATA.data["dashboard"], ".dashboard", "metric_counters insight_rule_rows query_rows"
)
_METRIC_COUNTERS: tuple[tuple[str, str], ...] = tuple(
    (e.text("title"), e.text("metric"))
    for e in _DASHBOARD.entries("metric_counters", "title metric")
)
_CI_ROWS = _rows(_DASHBOARD, "insight_rule_rows", "rule")
"""The dashboard's Contributor Insights rows (the guide's top-contributor widgets)."""
_QUERY_ROWS = _rows(_DASHBOARD, "query_rows", "query")
"""Dashboard rows 8 and 9 (the guide's Logs Insights widgets)."""


def _check_references() -> None:
    """Every filter number, metric, rule and query the data refers to is in the guide."""
    metrics = {f.metric for f in METRIC_FILTERS}
    rules = {r.number for r in INSIGHT_RULES}
    unknown = [
        *(
            f"broken pattern {b.number}"
            for b in BROKEN_PATTERNS
            if b.number not in FILTERS_BY_NUMBER
        ),
        *(f"alarm {a.name!r}" for a in ALARMS if a.metric not in metrics),
        *(f"dashboard widget {t!r}" for t, m in _METRIC_COUNTERS if m not in metrics),
        *(f"dashboard widget {t!r}" for row in _CI_ROWS for t, n in row if n not in rules),
        *(
            f"dashboard widget {t!r}"
            for row in _QUERY_ROWS
            for t, n in row
            if n not in QUERIES_BY_NUMBER
        ),
    ]
    if unknown:
        _DATA.fail(f"names no item of the guide: {', '.join(unknown)}")
    if len(ALARMS_BY_NAME) != len(ALARMS):
        _DATA.fail("names an alarm twice", ".alarms")


_check_references()


def metric_filter(number: int) -> MetricFilter:
    """The guide's Metric Filter ``number``."""
    return FILTERS_BY_NUMBER[number]


def alarm_for_metric(metric: str) -> Alarm:
    """The guide's alarm on ``metric``."""
    return next(a for a in ALARMS if a.metric == metric)


def insight_rule(number: int) -> InsightRule:
    """The guide's Contributor Insights Rule ``number``."""
    return next(r for r in INSIGHT_RULES if r.number == number)


def query(number: int) -> Query:
    """The guide's Query ``number``."""
    return QUERIES_BY_NUMBER[number]


# --- the dashboard ---------------------------------------------------------------------


def dashboard_body(
    account_id: str,
    region: str,
    log_group: str,
    alarm_names: list[str],
    *,
    rule_names: Mapping[int, str] | None = None,
    namespace: str = METRIC_NAMESPACE,
    queries: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """The guide's dashboard on ``log_group``: status row, Contributor Insights, queries.

    ``rule_names`` and ``queries`` give the deployed rule names and query texts by guide
    number where they differ from the guide's; ``namespace`` the metrics' namespace.

    Rows 5-7 (model performance, agent workflow, cost) come from a companion guide whose
    queries this guide does not print; they are left out.
    """
    widgets: list[dict[str, Any]] = []
    y = 0

    def place(row: list[dict[str, Any]], height: int) -> None:
        nonlocal y
        width = 24 // len(row)
        for i, widget in enumerate(row):
            widgets.append({**widget, "x": i * width, "y": y, "width": width, "height": height})
        y += height

    alarm_arns = [f"arn:aws:cloudwatch:{region}:{account_id}:alarm:{n}" for n in alarm_names]
    status: list[dict[str, Any]] = [
        {
            "type": "alarm",
            "properties": {"title": "Alarm Status Grid", "alarms": alarm_arns},
        }
    ]
    status.extend(
        {
            "type": "metric",
            "properties": {
                "title": title,
                "view": "singleValue",
                "region": region,
                "stat": "Sum",
                "period": 300,
                "metrics": [[namespace, metric]],
            },
        }
        for title, metric in _METRIC_COUNTERS
    )
    place(status, 4)
    for ci_row in _CI_ROWS:
        place(
            [
                {
                    "type": "metric",
                    "properties": {
                        "title": title,
                        "view": "timeSeries",
                        "stacked": False,
                        "region": region,
                        "insightRule": {
                            "maxContributorCount": 10,
                            "orderBy": "Sum",
                            "ruleName": (rule_names or {}).get(number, insight_rule(number).name),
                        },
                        "legend": {"position": "bottom"},
                    },
                }
                for title, number in ci_row
            ],
            6,
        )
    for query_row in _QUERY_ROWS:
        place(
            [
                {
                    "type": "log",
                    "properties": {
                        "title": f"{title} (Query {number})",
                        "view": "table",
                        "region": region,
                        "queryLanguage": "SQL",
                        "query": (queries or {}).get(number, query(number).sql_for(log_group)),
                    },
                }
                for title, number in query_row
            ],
            6,
        )
    return {"widgets": widgets}
