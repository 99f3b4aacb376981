"""A trail whose GetEventSelectors returned ``AdvancedEventSelectors: []`` logs nothing."""

from __future__ import annotations

from typing import Any

import pytest

from aiposture.collect.cloudtrail import parse_event_selectors
from aiposture.results import Status
from aiposture.snapshot.models import EventSelectors
from tests.builders import snapshot, trail
from tests.rules.helpers import only, run_check

NOTHING = "advanced event selectors: none (the trail logs no events)"
CLASSIC_ALL = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]


def _with(selectors: EventSelectors) -> Any:
    t = trail()
    t.event_selectors = selectors
    return snapshot(t)


@pytest.mark.parametrize(
    "response",
    [
        {"TrailARN": "a", "AdvancedEventSelectors": []},
        {"TrailARN": "a", "AdvancedEventSelectors": [], "EventSelectors": []},
    ],
)
def test_empty_advanced_list_fails_management_events_saying_it_logs_nothing(
    response: dict[str, Any],
) -> None:
    out = only(run_check("ct-management-events", _with(parse_event_selectors(response))))
    assert out.status is Status.FAIL, out.message
    assert f"trail ai-trail: {NOTHING}" in out.message


def test_empty_advanced_list_fails_a_data_event_check_saying_it_logs_nothing() -> None:
    snap = _with(parse_event_selectors({"TrailARN": "a", "AdvancedEventSelectors": []}))
    out = only(run_check("ct-data-bedrock-model", snap))
    assert out.status is Status.FAIL, out.message
    assert f"trail ai-trail: {NOTHING}" in out.message


def test_empty_advanced_list_next_to_classic_selectors_is_classic() -> None:
    response = {"TrailARN": "a", "AdvancedEventSelectors": [], "EventSelectors": CLASSIC_ALL}
    selectors = parse_event_selectors(response)
    assert (selectors.mode, selectors.logs_nothing) == ("classic", False)
    out = only(run_check("ct-management-events", _with(selectors)))
    assert out.status is Status.PASS, out.message


def test_a_trail_that_returned_no_selector_key_keeps_the_classic_default() -> None:
    selectors = parse_event_selectors({"TrailARN": "a"})
    assert (selectors.mode, selectors.logs_nothing) == ("none", False)
    out = only(run_check("ct-management-events", _with(selectors)))
    assert out.status is Status.PASS, out.message  # the API default logs management events


def test_an_older_snapshot_without_an_advanced_list_reads_as_before() -> None:
    selectors = EventSelectors.model_validate({"advanced": None, "classic": None})
    assert selectors.as_api() == {} and not selectors.logs_nothing
    empty = EventSelectors.model_validate({"advanced": [], "classic": None})
    assert empty.as_api() == {"AdvancedEventSelectors": []} and empty.mode == "advanced"
