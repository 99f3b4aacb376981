"""The guide data says what the guide prints: its 23 Contributor Insights rules and 27 queries.

``seed/guide_001_rules_and_queries.json`` is the guide's own text, cut out of guide 001 (the
seed is not in this repository) by the rule and query headings: each rule's name and JSON
body as printed after "Rule Name:", and each query's lines as printed (Query 1 prints only
its GROUP BY and ORDER BY lines). The metric filters' patterns have the same test in
``tests/lang/filter_cases/guide_patterns.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiposture.guide import detection as guide

SEED = json.loads(
    (Path(__file__).parent / "seed" / "guide_001_rules_and_queries.json").read_text(
        encoding="utf-8"
    )
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_excerpt_holds_every_guide_rule_and_query() -> None:
    assert sorted(map(int, SEED["rules"])) == [r.number for r in guide.INSIGHT_RULES]
    assert sorted(map(int, SEED["queries"])) == [q.number for q in guide.QUERIES]


@pytest.mark.parametrize("rule", guide.INSIGHT_RULES, ids=lambda r: f"rule-{r.number}")
def test_each_rule_is_the_guides_rule(rule: guide.InsightRule) -> None:
    printed: dict[str, Any] = SEED["rules"][str(rule.number)]
    assert rule.name == printed["name"]
    ours = rule.definition(guide.CLOUDTRAIL_LOG_GROUP_PLACEHOLDER, mantle_aware=False)
    assert ours == printed["definition"]


@pytest.mark.parametrize("query", guide.QUERIES, ids=lambda q: f"query-{q.number}")
def test_each_query_holds_the_guides_lines_in_order(query: guide.Query) -> None:
    """Every line the guide prints is in the query, in the guide's order."""
    sql = _flat(query.sql)
    at = 0
    for line in SEED["queries"][str(query.number)]:
        found = sql.find(_flat(line), at)
        assert found >= 0, f"Query {query.number}: {line!r} missing or out of order"
        at = found + len(_flat(line))


PRINTED_WHOLE = [
    q for q in guide.QUERIES if SEED["queries"][str(q.number)][0].startswith(("SELECT", "WITH"))
]
"""The queries the guide prints in full (all but Query 1)."""


def test_the_guide_prints_all_queries_but_the_first_in_full() -> None:
    assert [q.number for q in guide.QUERIES if q not in PRINTED_WHOLE] == [1]


@pytest.mark.parametrize("query", PRINTED_WHOLE, ids=lambda q: f"query-{q.number}")
def test_a_query_the_guide_prints_whole_is_exactly_the_guides(query: guide.Query) -> None:
    assert _flat(query.sql) == _flat("\n".join(SEED["queries"][str(query.number)]))
