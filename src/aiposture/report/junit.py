"""JUnit XML (``report.junit.xml``): one test suite per Scoping Matrix dimension.

Each result is a test case named after its check and its account/region/resource, with the
check id as ``classname``. A result mapped to several dimensions appears in each of their
suites; one mapped to none is in the suite ``unmapped``. PASS has no child; FAIL has a
``<failure>`` with the message and the evidence excerpt; ERROR (unverified) an ``<error>``;
WAIVED and NOT_APPLICABLE a ``<skipped>`` with the reason. Text is XML-escaped, and
characters XML 1.0 cannot carry are replaced by U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from aiposture.report._machine import PRODUCT_NAME, iso_utc, where
from aiposture.report.formatting import evidence_excerpt, ranked_results
from aiposture.results import Result, Results, Status

__all__ = ["UNMAPPED_SUITE", "JunitRenderer", "suites"]

UNMAPPED_SUITE = "unmapped"
_EVIDENCE_LIMIT = 2000
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _skip_reason(result: Result) -> str:
    if result.status is Status.WAIVED and result.waiver is not None:
        waiver = result.waiver
        return (
            f"Waived by {waiver.id} (owner {waiver.owner}, expires "
            f"{waiver.expires.isoformat()}): {waiver.justification}"
        )
    return result.message


def _testcase(result: Result) -> ET.Element:
    case = ET.Element(
        "testcase",
        {"name": _clean(f"{result.check_id} [{where(result)}]"), "classname": result.check_id},
    )
    if result.status is Status.FAIL:
        excerpt = evidence_excerpt(result.evidence, _EVIDENCE_LIMIT)
        body = f"{result.message}\n\nEvidence:\n{excerpt.text}"
        if excerpt.truncated:
            body += f"\n[evidence cut: {excerpt.total_chars} characters in all]"
        child = ET.SubElement(
            case,
            "failure",
            {"message": _clean(result.message), "type": result.severity.value},
        )
        child.text = _clean(body)
    elif result.status is Status.ERROR:
        child = ET.SubElement(
            case, "error", {"message": _clean(result.message), "type": "unverified"}
        )
        child.text = _clean(f"Unverified: the check could not be evaluated.\n{result.message}")
    elif result.status in (Status.WAIVED, Status.NOT_APPLICABLE):
        ET.SubElement(case, "skipped", {"message": _clean(_skip_reason(result))})
    return case


def _counts(results: list[Result]) -> dict[str, str]:
    return {
        "tests": str(len(results)),
        "failures": str(sum(r.status is Status.FAIL for r in results)),
        "errors": str(sum(r.status is Status.ERROR for r in results)),
        "skipped": str(sum(r.status in (Status.WAIVED, Status.NOT_APPLICABLE) for r in results)),
    }


def suites(results: Results) -> dict[str, list[Result]]:
    """Return the results of each suite: dimensions in name order, then ``unmapped``."""
    by_suite: dict[str, list[Result]] = defaultdict(list)
    for result in ranked_results(results):
        for dimension in dict.fromkeys(result.dimensions) or (UNMAPPED_SUITE,):
            by_suite[dimension].append(result)
    names = sorted(n for n in by_suite if n != UNMAPPED_SUITE)
    if UNMAPPED_SUITE in by_suite:
        names.append(UNMAPPED_SUITE)
    return {name: by_suite[name] for name in names}


class JunitRenderer:
    """Render results as JUnit XML."""

    name = "junit"
    filename = "report.junit.xml"

    def render(self, results: Results) -> bytes:
        """Return the ``<testsuites>`` document in UTF-8 with an XML declaration."""
        grouped = suites(results)
        everything = [r for members in grouped.values() for r in members]
        root = ET.Element("testsuites", {"name": PRODUCT_NAME, **_counts(everything)})
        timestamp = iso_utc(results.scan.finished_at)
        for name, members in grouped.items():
            suite = ET.SubElement(
                root,
                "testsuite",
                {"name": _clean(name), **_counts(members), "timestamp": timestamp},
            )
            for result in members:
                suite.append(_testcase(result))
        ET.indent(root)
        data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return data + b"\n"
