"""What ``aiposture checks`` prints: the check catalog listed (text or JSON), one check shown."""

from __future__ import annotations

import json

from aiposture.engine.catalog import Catalog, load_catalog
from aiposture.errors import ConfigError
from aiposture.results import Severity


def select_checks(kind: str | None = None, severity: Severity | None = None) -> Catalog:
    """The catalog's checks of rule ``kind`` and of ``severity`` (``None``: any).

    An unknown rule kind raises :class:`~aiposture.errors.ConfigError` naming the known ones.
    """
    from aiposture.rules import REGISTRY

    if kind is not None and kind not in REGISTRY:
        raise ConfigError(f"unknown rule kind '{kind}' (one of: {', '.join(sorted(REGISTRY))})")
    return load_catalog().selected(
        lambda c: kind in (None, c.check.rule.kind) and severity in (None, c.check.severity)
    )


def checks_json(catalog: Catalog) -> str:
    """The checks as a JSON list: id, severity, title and seed_refs of each."""
    rows = [
        {
            "id": c.check.id,
            "severity": c.check.severity.value,
            "title": c.check.title,
            "seed_refs": c.check.seed_refs,
        }
        for c in catalog.checks
    ]
    return json.dumps(rows, indent=2)


def checks_table(catalog: Catalog) -> list[str]:
    """One line per check: id, severity, title (aligned columns)."""
    return [
        f"{item.check.id:<52} {item.check.severity.value:<9} {item.check.title}"
        for item in catalog.checks
    ]


def show_check(check_id: str) -> str:
    """The text of ``aiposture checks show CHECK_ID``: a ``#`` header, then the check as YAML.

    The header names the check's YAML file, its rule kind and module, its test selector
    and, when it has them, the file of its pass and fail examples.

    An unknown id raises :class:`~aiposture.errors.ConfigError`.
    """
    import yaml

    from aiposture.engine.catalog import cases_path, rule_module, selector_for_tests, source_path

    item = load_catalog().get(check_id)
    if item is None:
        raise ConfigError(f"no check with id '{check_id}' (see `aiposture checks list`)")
    data = item.check.model_dump(mode="json")
    data["rule"]["summary"] = item.kind.summary
    header = [
        f"# yaml:  {source_path(item)}",
        f"# rule:  {item.kind.name} in {rule_module(item.kind)}",
        f"# tests: {selector_for_tests(item.check.id)}",
    ]
    cases = cases_path(item)
    if cases is not None:
        header.append(f"# cases: {cases}")
    return "\n".join(
        [*header, yaml.safe_dump(data, sort_keys=False, width=100, allow_unicode=True)]
    )


AI_POSTURE_FAMILIES = ("ai-posture", "agent-telemetry")
"""The check families (``checks/<family>/``) the Prowler comparison lists check by check,
a peer or not."""


def peers_table(catalog: Catalog | None = None) -> str:
    """The Markdown table comparing the catalog's checks with Prowler's (``checks list --peers``).

    Built from every check's ``peer_refs`` and :data:`aiposture.guide.peers.NOT_COVERED`
    (:func:`aiposture.guide.peers.comparison_table`); the README's "Compared with Prowler"
    section holds exactly this table.
    """
    from aiposture.guide.peers import comparison_table

    items = (catalog or load_catalog()).checks
    return comparison_table(
        ((c.check.id, p.ref, p.relation, p.why) for c in items for p in c.check.peer_refs),
        (
            (c.check.id, c.check.title)
            for c in items
            if c.path.parent.name in AI_POSTURE_FAMILIES and not c.check.peer_refs
        ),
    )
