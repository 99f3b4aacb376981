"""Every check, by its id: its pieces are where ``aiposture checks show`` says, and it fails closed.

The test ids are the check ids, so ``pytest tests -k <check-id>`` runs a check's own cases.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from aiposture.config import Config
from aiposture.engine.catalog import LoadedCheck, load_catalog, rule_module
from aiposture.engine.runner import evaluate
from aiposture.results import Status
from aiposture.rules import REGISTRY
from tests.builders import snapshot

CATALOG = load_catalog()
CHECKS = [pytest.param(item, id=item.check.id) for item in CATALOG.checks]


@pytest.mark.parametrize("item", CHECKS)
def test_check_rule_kind_lives_in_the_module_checks_show_names(item: LoadedCheck) -> None:
    assert REGISTRY[item.check.rule.kind] is item.kind
    assert rule_module(item.kind) == f"aiposture.rules.{item.check.rule.kind}"
    module = importlib.import_module(rule_module(item.kind))
    assert Path(module.__file__ or "").is_file()
    assert getattr(module, item.kind.function.__name__) is item.kind.function


@pytest.mark.parametrize("item", CHECKS)
def test_check_never_passes_an_account_with_nothing_configured(item: LoadedCheck) -> None:
    one = CATALOG.selected(lambda c: c.check.id == item.check.id)
    results = evaluate(snapshot(), "sha", one, Config()).results
    assert {r.check_id for r in results} <= {item.check.id}
    passed = [r for r in results if r.status is Status.PASS]
    assert not passed, [r.message for r in passed]
