"""CSV (``report.csv``): one row per result, with fixed columns, safe to open in a spreadsheet.

Columns are :data:`COLUMNS`, in that order (``peer_refs`` last: the peer tools' checks the
check corresponds to, ``prowler:<id> (covered|stricter|partial)``). Lists (dimensions, seed
references, peer references) are joined with ``; ``. A cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so no spreadsheet
evaluates it as a formula.
"""

from __future__ import annotations

import csv
import io

from aiposture.report._machine import peer_refs_text
from aiposture.report.formatting import https_url, ranked_results
from aiposture.results import Result, Results

__all__ = ["COLUMNS", "CsvRenderer", "neutralise"]

COLUMNS = (
    "check_id",
    "title",
    "severity",
    "status",
    "account_id",
    "region",
    "resource_arn",
    "dimensions",
    "seed_refs",
    "message",
    "remediation",
    "remediation_url",
    "waiver_id",
    "waiver_owner",
    "waiver_expires",
    "peer_refs",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would read as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _row(result: Result, results: Results) -> list[str]:
    waiver = result.waiver
    cells = [
        result.check_id,
        result.title,
        result.severity.value,
        result.status.value,
        result.account_id or "",
        result.region or "",
        result.resource_arn or "",
        "; ".join(result.dimensions),
        "; ".join(result.seed_refs),
        result.message,
        result.remediation.text,
        https_url(result.remediation.url) or "",
        waiver.id if waiver else "",
        waiver.owner if waiver else "",
        waiver.expires.isoformat() if waiver else "",
        peer_refs_text(results, result.check_id),
    ]
    return [neutralise(cell) for cell in cells]


class CsvRenderer:
    """Render results as CSV."""

    name = "csv"
    filename = "report.csv"

    def render(self, results: Results) -> bytes:
        """Return a header row and one row per result (RFC 4180 quoting, CRLF line ends)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for result in ranked_results(results):
            writer.writerow(_row(result, results))
        return buffer.getvalue().encode("utf-8")
