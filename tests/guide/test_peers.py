"""Prowler's checks against aiposture's: every one mapped or explained, and the README's table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aiposture.catalog_views import peers_table
from aiposture.engine.catalog import load_catalog
from aiposture.guide.peers import (
    NOT_COVERED,
    PEERS_BEGIN,
    PEERS_END,
    PROWLER_CHECKS,
    comparison_table,
    with_table,
)
from tests.cli.helpers import run_aiposture

README = Path(__file__).resolve().parents[2] / "README.md"
FIX = "run `make readme-peers` (aiposture checks list --peers --write-readme README.md)"


def _referenced() -> set[str]:
    return {p.ref for c in load_catalog().checks for p in c.check.peer_refs}


def test_every_prowler_check_is_mapped_or_not_covered_never_both() -> None:
    referenced = _referenced()
    every = {f"prowler:{c}" for c in PROWLER_CHECKS}
    assert set(NOT_COVERED) <= every, "NOT_COVERED names a check Prowler does not have"
    assert not referenced & set(NOT_COVERED), (
        f"{sorted(referenced & set(NOT_COVERED))} are mapped by a check and listed in "
        "NOT_COVERED: remove them from NOT_COVERED"
    )
    missing = sorted(every - referenced - set(NOT_COVERED))
    assert not missing, f"{missing}: add peer_refs to a check, or a reason to NOT_COVERED"


def test_the_stale_access_checks_are_not_covered_because_generate_is_not_a_read() -> None:
    for kind in ("role", "user"):
        reason = NOT_COVERED[f"prowler:iam_{kind}_access_not_stale_to_bedrock"]
        assert "iam:GenerateServiceLastAccessedDetails" in reason and "read-only" in reason


def test_the_readme_holds_the_generated_table() -> None:
    text = README.read_text(encoding="utf-8")
    assert "\n## Compared with Prowler\n" in text
    start = text.index(PEERS_BEGIN + "\n") + len(PEERS_BEGIN) + 1
    shown = text[start : text.index(PEERS_END, start)]
    assert shown == peers_table(), f"the README's Prowler table is out of date: {FIX}"


def test_the_table_has_a_row_per_pair_and_one_per_prowler_check_otherwise() -> None:
    table = comparison_table(
        [
            ("check-b", "prowler:bedrock_guardrails_configured", "stricter", "B | too <b>"),
            ("check-a", "prowler:bedrock_guardrails_configured", "covered", "A\n  wraps"),
            ("check-c", "prowler:bedrock_agent_role_not_shared_across_agents", "partial", "C"),
        ],
        [("check-z", "Runtimes run in a VPC"), ("check-y", "A <b>| title")],
    )
    lines = table.splitlines()
    assert lines[0] == (
        "| aiposture check | Prowler check | covered / stricter / partial / not applicable "
        "/ aiposture only | why |"
    )
    rows = lines[2:]
    assert len(rows) == len(PROWLER_CHECKS) + 1 + 2
    # the checks no Prowler check corresponds to close the table, sorted, escaped
    assert rows[-2].startswith("| `check-y` | (none) | aiposture only | A &lt;b>\\| title. ")
    assert rows[-1].startswith("| `check-z` | (none) | aiposture only | Runtimes run in a VPC. ")
    assert "has no check on it." in rows[-1]
    assert "| `check-c` | `bedrock_agent_role_not_shared_across_agents` | partial | C |" in rows
    assert "| `check-a` | `bedrock_guardrails_configured` | covered | A wraps |" in rows
    assert "| `check-b` | `bedrock_guardrails_configured` | stricter | B \\| too &lt;b> |" in rows
    assert rows.index(
        "| `check-a` | `bedrock_guardrails_configured` | covered | A wraps |"
    ) < rows.index("| `check-b` | `bedrock_guardrails_configured` | stricter | B \\| too &lt;b> |")
    stale = next(r for r in rows if "`iam_user_access_not_stale_to_bedrock`" in r)
    assert stale.startswith("| (none) |") and "| not applicable |" in stale
    unmapped = next(r for r in rows if "`bedrock_agent_guardrail_enabled`" in r)
    assert "| not mapped |" in unmapped


def test_with_table_replaces_only_between_the_markers() -> None:
    readme = f"intro\n{PEERS_BEGIN}\nold\n{PEERS_END}\nafter\n"
    assert with_table(readme, "new\n") == f"intro\n{PEERS_BEGIN}\nnew\n{PEERS_END}\nafter\n"
    with pytest.raises(ValueError, match="needs one"):
        with_table("no markers\n", "new\n")


def test_the_command_prints_and_writes_the_table(tmp_path: Path) -> None:
    proc = run_aiposture(["checks", "list", "--peers"], dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == peers_table()
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{PEERS_BEGIN}\nstale\n{PEERS_END}\n", encoding="utf-8")
    args = ["checks", "list", "--peers", "--write-readme", str(readme)]
    proc = run_aiposture(args, dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    assert (
        readme.read_text(encoding="utf-8") == f"# x\n\n{PEERS_BEGIN}\n{peers_table()}{PEERS_END}\n"
    )
    assert "rewritten" in proc.stderr
    again = run_aiposture(args, dict(os.environ))
    assert again.returncode == 0 and "up to date" in again.stderr
    bad = run_aiposture(["checks", "list", "--write-readme", str(readme)], dict(os.environ))
    assert bad.returncode != 0 and "--write-readme goes with --peers" in bad.stderr
