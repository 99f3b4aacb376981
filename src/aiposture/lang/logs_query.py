"""Saved CloudWatch Logs Insights queries: what they read and which rows they admit.

A saved query (Logs ``DescribeQueryDefinitions``) is judged by what it does, never by its
name. :func:`parse` reads the two languages users save for the guide's queries:

* ``SQL``: the OpenSearch SQL subset CloudWatch Logs Insights runs: a SELECT list (aliases,
  backticked dotted fields, ``*``, ``COUNT(*)`` and other functions), ``FROM`` a log group
  (backticked name or ARN, or ``logGroups(logGroupIdentifier: [...])``) with an optional
  alias, ``[INNER | LEFT [OUTER]] JOIN ... ON ...``, ``WHERE`` with AND/OR/NOT, comparisons,
  ``[NOT] IN (...)``, ``[NOT] LIKE``, ``IS [NOT] NULL``, then GROUP BY, HAVING, ORDER BY
  and LIMIT.
* ``CWLI``: the Logs Insights query language: ``fields``, ``display``, ``filter`` (``=``,
  ``!=``, ``<``, ``>``, ``in [...]``, ``not in``, ``like /regex/`` or ``"text"``, ``=~``,
  ``and``/``or``/``not``), ``stats ... by ...``, ``sort``, ``limit``, ``dedup`` and ``parse``.
  Its log groups are the definition's ``logGroupNames``.

``PPL`` is recognised but not evaluated: its queries never satisfy a requirement.

:meth:`Query.admits` evaluates the row filter on one CloudTrail record with SQL's
three-valued logic. It returns ``None`` when the filter holds a construct this module cannot
evaluate (a function, arithmetic, a subquery, a field made by ``parse``): such a query is
never counted as covering an event. Conditions on the other side of a join do not restrict
the rows admitted from a source; the joins themselves are recorded in :attr:`Query.joins`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiposture.lang.logs_query_cwli import CwliParser
from aiposture.lang.logs_query_model import LANGUAGES, Query, QuerySyntaxError, Source
from aiposture.lang.logs_query_sql import SqlParser
from aiposture.lang.logs_query_tokens import tokenize

__all__ = ["LANGUAGES", "Query", "QuerySyntaxError", "Source", "parse", "parse_definition"]

# --------------------------------------------------------------------------- entry point


def parse(query_string: str, language: str = "CWLI", log_group_names: Sequence[str] = ()) -> Query:
    """Parse a saved query of ``language`` (``SQL``, ``CWLI`` or ``PPL``).

    ``log_group_names`` is the definition's ``logGroupNames``: the sources of CWLI and PPL
    queries (SQL names its log groups in FROM and JOIN). Raises :class:`QuerySyntaxError`
    with the character position for malformed text. PPL is returned unparsed with
    ``evaluated`` False.
    """
    lang = (language or "CWLI").upper()
    if lang not in LANGUAGES:
        raise QuerySyntaxError(f"unknown query language {language!r}", 0)
    if lang == "PPL":
        return Query(
            "PPL",
            query_string,
            sources=[Source(g, None, (g,)) for g in log_group_names],
            unsupported=["PPL queries are not evaluated"],
        )
    if lang == "SQL":
        query = Query("SQL", query_string)
        toks = tokenize(query_string, regex_ok=False)
        SqlParser(toks, query_string, query).parse_query()
        return query
    query = Query("CWLI", query_string)
    toks = tokenize(query_string, regex_ok=True)
    CwliParser(toks, query_string, query).parse_pipeline(log_group_names)
    return query


def parse_definition(definition: Mapping[str, Any]) -> Query:
    """Parse one DescribeQueryDefinitions entry (``queryString``, ``queryLanguage``, ...)."""
    names = definition.get("logGroupNames") or []
    return parse(
        str(definition.get("queryString") or ""),
        str(definition.get("queryLanguage") or "CWLI"),
        [str(n) for n in names],
    )
