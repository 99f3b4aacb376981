"""Each check case answers to its check id in brackets, as every per-check test does.

``aiposture checks show ID`` prints ``pytest tests -k '[ID]'``, which selects the tests whose
parameter id is exactly the check id. A case's id is ``<check-id>::<case-name>``
(``tests/rules/test_check_cases.py``), so this adds ``[<check-id>]`` to the names ``-k``
matches for it: that selector runs the check's cases too.
"""

from __future__ import annotations

import pytest

CASES_MODULE = "tests.rules.test_check_cases"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each check case the keyword ``[<check-id>]`` before ``-k`` deselects."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        module = getattr(getattr(item, "module", None), "__name__", None)
        if callspec is None or module != CASES_MODULE:
            continue
        check_id = getattr(callspec.params.get("case"), "check_id", None)
        if isinstance(check_id, str):
            item.extra_keyword_matches.add(f"[{check_id}]")
