"""The guides' data files are checked as they load: a bad entry is refused, and named.

The detection layer (:mod:`aiposture.guide.detection`) is built from ``detection.yaml`` at
import; a file that lacks a key, has a stray one, or holds the wrong kind of value must stop
the import with the file and the place, never build an item from half the data.
"""

from __future__ import annotations

import pytest

from aiposture.guide import detection
from aiposture.guide.data_entry import DataEntry, GuideDataError, read_data_file

SOURCE = "aiposture/guide/example.yaml"


def _entry(data: object) -> DataEntry:
    return DataEntry(data, "", "items", source=SOURCE)


def test_a_missing_key_is_refused_with_the_file_and_place() -> None:
    top = _entry({"items": [{"number": 1, "title": "x"}]})
    with pytest.raises(GuideDataError, match=r"^aiposture/guide/example\.yaml: items\[0\] lacks"):
        top.entries("items", "number title pattern")


def test_an_unknown_key_is_refused() -> None:
    top = _entry({"items": [{"number": 1, "titel": "x"}]})
    with pytest.raises(GuideDataError, match=r"items\[0\] has unknown keys \['titel'\]"):
        top.entries("items", "number", "title")


def test_values_of_the_wrong_kind_are_refused() -> None:
    item = _entry({"items": [{"number": True, "title": "", "keys": ["a", 3]}]}).entries(
        "items", "number title keys"
    )[0]
    with pytest.raises(GuideDataError, match=r"items\[0\]\.number is not an integer"):
        item.number("number")
    with pytest.raises(GuideDataError, match=r"items\[0\]\.title is not a non-empty string"):
        item.text("title")
    with pytest.raises(GuideDataError, match=r"items\[0\]\.keys\[1\] is not a non-empty string"):
        item.texts("keys")


def test_numbered_items_must_run_in_order() -> None:
    top = _entry({"items": [{"number": 1}, {"number": 3}]})
    with pytest.raises(GuideDataError, match=r"items\[1\] is not number 2"):
        top.numbered("items", "")


def test_a_top_level_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(GuideDataError, match=r"example\.yaml: the file is not a mapping"):
        _entry(["items"])


def test_the_detection_data_file_holds_every_guide_item() -> None:
    data = read_data_file(
        "aiposture.guide",
        detection.DATA_FILE,
        "metric_filters equivalent_patterns broken_patterns alarms insight_rules queries dashboard",
    )
    assert len(data.items("metric_filters")) == len(detection.METRIC_FILTERS) == 25
    assert len(data.items("insight_rules")) == len(detection.INSIGHT_RULES) == 23
    assert len(data.items("queries")) == len(detection.QUERIES) == 27
    # block scalars keep the SQL line for line, with no trailing newline
    assert [e.text("sql") for e in data.entries("queries", "number title sql", "mantle_aware")] == [
        q.sql for q in detection.QUERIES
    ]
    assert all(not q.sql.endswith("\n") and q.sql.count("\n") >= 5 for q in detection.QUERIES)
