"""The audit period as the user states it, and the event families the history reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aiposture.errors import ConfigError
from aiposture.snapshot.history import (
    EVENT_NAMES,
    FAMILIES,
    EventHistory,
    HistoryEvent,
    family_of,
    parse_period,
    parse_since,
)

NOW = datetime(2026, 10, 15, 12, 30, tzinfo=UTC)


def test_a_quarter_includes_its_last_day() -> None:
    period = parse_period("2026-07-01..2026-09-30", now=NOW)
    assert period.start == datetime(2026, 7, 1, tzinfo=UTC)
    assert period.end == datetime(2026, 10, 1, tzinfo=UTC)
    assert period.label == "2026-07-01..2026-09-30"
    assert period.days == 92


def test_a_period_that_runs_past_the_scan_ends_at_the_scan() -> None:
    period = parse_period("2026-10-01..2026-12-31", now=NOW)
    assert period.end == NOW


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026-07-01", "FIRST..LAST"),
        ("2026-09-30..2026-07-01", "ends before it starts"),
        ("2026-02-30..2026-03-01", "2026-02-30"),
        ("2026-11-01..2026-11-30", "starts after the scan"),
    ],
)
def test_a_bad_period_is_a_one_line_config_error(text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as caught:
        parse_period(text, now=NOW)
    assert "\n" not in str(caught.value)


def test_since_counts_days_back_from_the_scan_or_starts_on_a_date() -> None:
    assert parse_since("90d", now=NOW).start == datetime(2026, 7, 17, 12, 30, tzinfo=UTC)
    assert parse_since("90d", now=NOW).label == "last 90 days"
    since = parse_since("2026-08-01", now=NOW)
    assert (since.start, since.end) == (datetime(2026, 8, 1, tzinfo=UTC), NOW)


@pytest.mark.parametrize("text", ["0d", "ninety", "2026-10-16", "-5d"])
def test_a_bad_since_is_refused(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_since(text, now=NOW)


def test_every_event_name_belongs_to_exactly_one_family() -> None:
    assert len(EVENT_NAMES) == len(set(EVENT_NAMES))
    for family in FAMILIES:
        for name in family.event_names:
            assert family_of(name) is family
    assert family_of("GetTrailStatus") is None


def test_a_family_is_complete_only_when_each_of_its_names_was_read() -> None:
    trail = next(f for f in FAMILIES if f.key == "trail-logging")
    history = EventHistory(
        start=NOW, end=NOW, oldest_available=NOW, names_read=["StopLogging", "StartLogging"]
    )
    assert not history.family_complete(trail)
    history.names_read = list(trail.event_names)
    assert history.family_complete(trail)


def test_family_events_come_oldest_first_with_the_event_id_breaking_ties() -> None:
    def event(event_id: str, day: int, name: str) -> HistoryEvent:
        return HistoryEvent(
            event_id=event_id,
            event_name=name,
            event_source="cloudtrail.amazonaws.com",
            event_time=datetime(2026, 9, day, tzinfo=UTC),
        )

    history = EventHistory(
        start=NOW,
        end=NOW,
        oldest_available=NOW,
        events=[
            event("b", 3, "StartLogging"),
            event("a", 3, "StopLogging"),
            event("c", 1, "PutDashboard"),
        ],
    )
    trail = next(f for f in FAMILIES if f.key == "trail-logging")
    assert [e.event_id for e in history.of_family(trail)] == ["a", "b"]
