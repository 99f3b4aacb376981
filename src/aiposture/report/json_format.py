"""The ``results.json`` format: the results contract itself, indented."""

from __future__ import annotations

from aiposture.results import Results, results_json

__all__ = ["JsonRenderer"]


class JsonRenderer:
    """Render results as the ``results.json`` contract (same bytes as ``dump_results``)."""

    name = "json"
    filename = "results.json"

    def render(self, results: Results) -> bytes:
        """Return ``results`` as indented JSON in UTF-8 with its content hash set."""
        return results_json(results)
