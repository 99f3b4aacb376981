"""The README's "Permissions" section says what the managed-policy data says."""

from __future__ import annotations

import json
import re
from pathlib import Path

from aiposture.collect.policy import iam_actions, security_audit_addition
from aiposture.iam.managed_policies import MANAGED_POLICIES, VIEW_ONLY_ACCESS

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Permissions\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_the_readme_prints_the_addition_the_command_prints() -> None:
    block = re.search(r"```json\n(.*?)```", _section(), re.DOTALL)
    assert block is not None
    assert json.loads(block.group(1)) == security_audit_addition()


def test_the_readme_names_what_view_only_access_lacks() -> None:
    section = _section()
    bullet = section[section.index("**ViewOnlyAccess is not enough**") :]
    bullet = bullet[: bullet.index("\n\n")]
    lacking = VIEW_ONLY_ACCESS.lacks(iam_actions())
    assert f"lacks {len(lacking)} of the reads" in bullet
    assert sorted(re.findall(r"`([a-z0-9-]+:[A-Za-z0-9]+)`", bullet)) == lacking
    assert f"needs the {len(iam_actions())} read-only actions" in section


def test_the_readme_names_the_recorded_policy_versions() -> None:
    section = " ".join(_section().split())
    for policy in MANAGED_POLICIES:
        assert f"{policy.name} {policy.version}" in section
