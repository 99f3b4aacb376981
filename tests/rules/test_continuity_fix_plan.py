"""The fix plan never plans, targets nor credits a continuity result: the past cannot be fixed.

A stopped trail fails ``ct-trail-logging`` (the plan starts it) and, with the StopLogging in
the history, ``continuity-trail-logging``. Played on the snapshot, starting the trail makes
the present state disagree with the history's last event, so the continuity result would
change: the verification must neither count that as fixed nor as a regression, and the
continuity FAIL must be an Unresolved step that says to investigate.
"""

from __future__ import annotations

from aiposture.config import Config
from aiposture.engine.catalog import load_catalog
from aiposture.engine.runner import evaluate
from aiposture.remediate.build import build_plan
from aiposture.remediate.markdown import render_account_markdown
from aiposture.remediate.plan import StartLogging, Unresolved
from aiposture.remediate.script import render_script
from aiposture.remediate.verify import compare, judged_after, plan_and_verify
from aiposture.results import Status
from aiposture.rules import REGISTRY
from aiposture.snapshot.io import snapshot_sha256
from aiposture.snapshot.models import Snapshot
from tests.builders import guide_trail, snapshot
from tests.rules.continuity_builders import ago, event, history, with_history

CONTINUITY = "continuity-trail-logging"


def _stopped_trail_with_history() -> Snapshot:
    snap = snapshot(guide_trail("ops-trail", logging=False))
    hist = history(event("StopLogging", ago(10), name="ops-trail", event_id="stop"))
    return with_history(snap, hist)


def test_only_the_continuity_kind_judges_the_past() -> None:
    assert [name for name, kind in REGISTRY.items() if kind.judges_past] == ["continuity"]


def test_a_continuity_fail_is_an_investigate_note_never_a_target() -> None:
    snap, catalog, config = _stopped_trail_with_history(), load_catalog(), Config()
    sha = snapshot_sha256(snap)
    results = evaluate(snap, sha, catalog, config)
    failing = {r.check_id for r in results.results if r.status is Status.FAIL}
    assert {"ct-trail-logging", CONTINUITY} <= failing

    plan, verification = plan_and_verify(snap, results, catalog, config, sha)
    steps = [s for a in plan.accounts for s in a.steps]
    assert any(isinstance(s, StartLogging) for s in steps), "the present-state fix is planned"
    assert all(t.check_id != CONTINUITY for t in plan.targets)
    (note,) = [
        s for s in steps if isinstance(s, Unresolved) and s.targets[0].check_id == CONTINUITY
    ]
    assert note.config_key is None
    assert "lies in the past, which no change can fix: investigate it" in note.reason
    assert "was off from" in note.reason, "the gap itself is named"

    # Played on the snapshot, the start changes the continuity result (the history's last
    # event, the stop, no longer explains the present): it is neither fixed nor regressed.
    after = judged_after(plan, snap, catalog, config)
    assert [r.status for r in after.results if r.check_id == CONTINUITY] != [Status.FAIL]
    changes = [*verification.fixed, *verification.not_fixed, *verification.regressed]
    changes += verification.other_changes
    assert all(c.check_id != CONTINUITY for c in changes)
    assert verification.ok


def test_a_passing_continuity_result_that_changes_after_a_plan_is_no_regression() -> None:
    catalog, config = load_catalog(), Config()
    on = with_history(snapshot(guide_trail("ops-trail")), history())
    gap = with_history(
        snapshot(guide_trail("ops-trail")),
        history(
            event("StopLogging", ago(10), name="ops-trail"),
            event("StartLogging", ago(9), name="ops-trail"),
        ),
    )
    before, after = evaluate(on, "a", catalog, config), evaluate(gap, "b", catalog, config)
    assert [r.status for r in before.results if r.check_id == CONTINUITY] == [Status.PASS]
    assert [r.status for r in after.results if r.check_id == CONTINUITY] == [Status.FAIL]
    plan = build_plan(on, before, catalog, config, "a")
    verification = compare(plan, before, after, catalog)
    assert all(c.check_id != CONTINUITY for c in verification.regressed)
    others = [r for r in before.results if not r.check_id.startswith("continuity-")]
    counted = verification.unchanged + len(verification.fixed) + len(verification.not_fixed)
    counted += len(verification.regressed) + len(verification.other_changes)
    assert counted == len(others), "continuity results are left out of the comparison"


def test_the_plan_page_lists_the_gap_to_investigate_not_as_a_manual_change() -> None:
    snap, catalog, config = _stopped_trail_with_history(), load_catalog(), Config()
    sha = snapshot_sha256(snap)
    plan, verification = plan_and_verify(
        snap, evaluate(snap, sha, catalog, config), catalog, config, sha
    )
    (account,) = plan.accounts
    page = render_account_markdown(plan, account, verification)
    investigate = page.split("### Gaps in the audit period to investigate", 1)
    assert len(investigate) == 2, page
    assert CONTINUITY in investigate[1].split("\n## ", 1)[0]
    manual = page.split("### Manual changes", 1)[-1].split("### Gaps in the audit period", 1)[0]
    assert CONTINUITY not in manual


def test_the_script_says_the_gap_is_to_investigate_not_to_change_by_hand() -> None:
    snap, catalog, config = _stopped_trail_with_history(), load_catalog(), Config()
    sha = snapshot_sha256(snap)
    plan = build_plan(snap, evaluate(snap, sha, catalog, config), catalog, config, sha)
    (account,) = plan.accounts
    (gap,) = [s for s in account.unresolved if s.past_gap]
    assert [t.check_id for t in gap.targets] == [CONTINUITY]
    assert not any(s.past_gap for s in account.unresolved if s is not gap)
    script = render_script(plan, account)
    note = script.split(f"NOT FIXED by this script: {CONTINUITY}", 1)[1].split("\n\n", 1)[0]
    assert "no change fixes the past; investigate it" in note
    assert "change it by hand" not in note
