"""What an evaluation records beyond the results: every dimension's verdict and the peer refs."""

from __future__ import annotations

from pathlib import Path

from aiposture.config import Config
from aiposture.engine.catalog import load_catalog
from aiposture.engine.runner import evaluate
from aiposture.engine.scoring import rescored
from aiposture.guide.vocabulary import DIMENSIONS
from aiposture.results import load_results
from tests.builders import snapshot, trail

CATALOG = load_catalog()
OLD = Path(__file__).parents[1] / "cli" / "fixtures" / "results-before-scoping.json"


def test_an_evaluation_scores_or_explains_every_dimension_and_records_peer_refs() -> None:
    results = evaluate(snapshot(trail()), "sha", CATALOG, Config())
    scores = results.scores
    assert set(scores.dimensions) == set(DIMENSIONS)
    assert scores.not_assessed is not None
    assert set(scores.not_assessed) == {d for d, v in scores.dimensions.items() if v is None}
    assert scores.dimensions["genai.resilience"] is not None  # the trail checks map to it
    peers = results.peers_of("bedrock-invocation-logging")
    assert [(p.ref, p.relation) for p in peers] == [
        ("prowler:bedrock_model_invocation_logging_enabled", "stricter")
    ]
    assert results.peers_of("ct-trail-logging") == []
    assert results.peer_refs is not None
    assert set(results.peer_refs) == {c.check.id for c in CATALOG.checks if c.check.peer_refs}


def test_a_selection_says_a_dimension_was_excluded_by_it() -> None:
    mapped = sorted(c.check.id for c in CATALOG.checks if "genai.resilience" in c.check.dimensions)
    assert len(mapped) > 1
    kept = CATALOG.selected(lambda c: "genai.resilience" not in c.check.dimensions)
    results = evaluate(snapshot(trail()), "sha", kept, Config())
    assert results.scores.not_assessed is not None
    reason = results.scores.not_assessed["genai.resilience"]
    assert reason.startswith(
        f"excluded by the check selection: the {len(mapped)} checks mapped to it ({mapped[0]}, "
    )


def test_a_results_file_from_before_keeps_its_hash_and_rescores_every_dimension() -> None:
    """A past quarter's results (no ``not_assessed``, no ``peer_refs``) load and re-render."""
    assert "not_assessed" not in OLD.read_text() and "peer_refs" not in OLD.read_text()
    old = load_results(OLD)  # its recorded content hash still matches
    assert old.scores.not_assessed is None and old.peer_refs is None
    again = rescored(old)
    assert set(again.scores.dimensions) >= set(DIMENSIONS)
    assert again.scores.not_assessed is not None
    assert set(again.scores.not_assessed) == {
        d for d, v in again.scores.dimensions.items() if v is None
    }
