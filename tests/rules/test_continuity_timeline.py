"""The timeline rebuild: backwards from the present, both sides of each interval, clipped to the period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiposture.rules.support.timeline import (
    Change,
    Interval,
    Lane,
    Segment,
    State,
    clip,
    gaps,
    rebuild,
)

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def change(hours: float, before: State | None, after: State | None, order: str = "") -> Change:
    return Change(at(hours), order or f"e{hours:08.2f}", before, after, {"event_id": order})


STOP: tuple[State, State] = ("on", "off")
START: tuple[State, State] = ("off", "on")


def states(intervals: list[Interval]) -> list[tuple[float | None, float | None, str]]:
    def h(t: datetime | None) -> float | None:
        return None if t is None else (t - T0) / timedelta(hours=1)

    return [(h(i.start), h(i.end), i.state) for i in intervals]


def test_no_change_means_the_present_state_all_along() -> None:
    assert states(rebuild("on", [])) == [(None, None, "on")]
    assert states(rebuild("unknown", [])) == [(None, None, "unknown")]


def test_a_stop_and_a_start_make_an_off_interval_between_on_ones() -> None:
    out = rebuild("on", [change(10, *START), change(2, *STOP)])
    assert states(out) == [(None, 2, "on"), (2, 10, "off"), (10, None, "on")]
    assert out[1].opened_by is not None and out[1].opened_by.time == at(2)
    assert out[1].closed_by is not None and out[1].closed_by.time == at(10)


def test_same_instant_changes_are_ordered_by_event_id_and_the_greater_id_wins() -> None:
    """A StopLogging and a StartLogging at one instant: the one with the greater id is later."""
    stop_last = [change(5, *START, order="a-start"), change(5, *STOP, order="b-stop")]
    # the start (a-) comes first: before it off; after the stop (b-) off; nothing between
    assert states(rebuild("off", stop_last)) == [(None, None, "off")]
    start_last = [change(5, *STOP, order="a-stop"), change(5, *START, order="b-start")]
    assert [i.state for i in rebuild("on", start_last)] == ["on"]
    # the reverse order against the same present state cannot be explained: unknown after
    assert states(rebuild("on", stop_last)) == [(None, 5, "off"), (5, None, "unknown")]


def test_a_later_state_the_last_change_does_not_explain_is_unknown_never_guessed() -> None:
    out = rebuild("on", [change(3, *STOP)])
    assert states(out) == [(None, 3, "on"), (3, None, "unknown")]


def test_a_change_that_does_not_say_what_was_before_takes_the_left_side() -> None:
    delete = change(1, "on", "off")
    put = change(4, None, "on")
    assert states(rebuild("on", [delete, put])) == [(None, 1, "on"), (1, 4, "off"), (4, None, "on")]
    # with nothing on its left it is taken for an update: the later state carries back
    assert states(rebuild("on", [put])) == [(None, None, "on")]


def test_a_change_that_says_nothing_is_no_point_of_the_timeline() -> None:
    neutral = change(2, None, None)
    assert states(rebuild("off", [change(1, *STOP), neutral])) == [
        (None, 1, "on"),
        (1, None, "off"),
    ]
    assert states(rebuild("on", [change(1, *STOP), neutral])) == [
        (None, 1, "on"),
        (1, None, "unknown"),
    ]


def test_clip_covers_the_period_exactly_and_is_unknown_before_the_history() -> None:
    out = rebuild("on", [change(10, *START), change(2, *STOP)])
    segs = clip(out, at(-5), at(20), known_from=at(-5))
    assert [(s.start, s.end, s.state) for s in segs] == [
        (at(-5), at(2), "on"),
        (at(2), at(10), "off"),
        (at(10), at(20), "on"),
    ]
    short = clip(out, at(-5), at(20), known_from=at(0))
    assert (short[0].start, short[0].end, short[0].state) == (at(-5), at(0), "unknown")
    assert short[1].state == "on" and short[1].opened_by is None


def test_a_gap_clipped_at_the_period_keeps_its_events() -> None:
    out = rebuild("on", [change(10, *START), change(2, *STOP)])
    (gap,) = gaps(clip(out, at(5), at(8), known_from=at(0)))
    assert (gap.start, gap.end, gap.hours) == (at(5), at(8), 3)
    assert gap.opened_by is not None and gap.opened_by.time == at(2)
    assert gap.closed_by is not None and gap.closed_by.time == at(10)


def test_the_lane_is_the_worst_state_of_its_controls_at_each_instant() -> None:
    one = [
        Segment(at(0), at(5), "on"),
        Segment(at(5), at(8), "weakened"),
        Segment(at(8), at(10), "on"),
    ]
    two = [Segment(at(0), at(6), "on"), Segment(at(6), at(7), "off"), Segment(at(7), at(10), "on")]
    merged = Lane(at(0), at(10), [one, two]).merged()
    assert [(s.start, s.end, s.state) for s in merged] == [
        (at(0), at(5), "on"),
        (at(5), at(6), "weakened"),
        (at(6), at(7), "off"),
        (at(7), at(8), "weakened"),
        (at(8), at(10), "on"),
    ]
    assert [s.state for s in Lane(at(0), at(10), []).merged()] == ["unknown"]
