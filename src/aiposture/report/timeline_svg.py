"""The continuity timeline: an inline SVG, one lane per control family over the audit period.

Like :mod:`aiposture.report.charts`, the markup is built here so its geometry can be tested
in plain Python. The x-axis is the period ``[start, end)`` with a tick at the first of each
month; each lane is drawn from its segments (on, off, weakened, unknown), every gap again on
top with a ``<title>`` naming it (never narrower than :data:`MIN_GAP_PX`, so an hour-long gap
in a quarter still shows), and each change as a tick whose ``<title>`` names the time, event,
actor and source IP (a denied call is a dashed grey tick: it changed nothing). Changes that
fall on the same pixel column share one tick and one title, so a busy history draws at most
one tick per column.

No script, no URL; every string (actor ARNs, control names and event names come from AWS)
goes through ``escape``. Colours are SVG ``fill``/``stroke`` attributes: weasyprint ignores
CSS ``fill``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from markupsafe import Markup, escape

from aiposture.report.formatting import as_utc

__all__ = [
    "MIN_GAP_PX",
    "STATE_COLOURS",
    "STATUS_COLOURS",
    "TICK_TITLE_LIMIT",
    "TimelineGap",
    "TimelineLane",
    "TimelineTick",
    "month_ticks",
    "timeline_svg",
]

STATE_COLOURS: dict[str, str] = {
    "on": "#7fd1a4",
    "off": "#d92d20",
    "weakened": "#f97066",
    "unknown": "#d0d5dd",
}
"""Segment colour per state: gaps (off, weakened) in red, a control on in green, unknown grey."""

STATUS_COLOURS: dict[str, str] = {
    "FAIL": "#b42318",
    "ERROR": "#b54708",
    "WAIVED": "#5925dc",
    "PASS": "#067647",
    "NOT_APPLICABLE": "#667085",
}
"""The colour of a lane's status word, as in the rest of the report."""

_STATUS_WORDS = {"NOT_APPLICABLE": "N/A"}

MIN_GAP_PX = 2.0
"""The narrowest a gap is drawn, in SVG units."""

TICK_TITLE_LIMIT = 12
"""Changes named in one tick's title; more on the same column are counted ("and N more")."""

_LABEL_W = 210
_PLOT_W = 560
_STATUS_W = 52
_ROW_H = 18
_BAR_H = 10
_TOP = 22
_LEGEND_H = 22
_END_LABEL_ROOM = 48
"""How far from either end of the axis a month's name must be (the ends print dates)."""
_TRACK = "#f2f4f7"
_TICK = "#1d2433"
_DENIED = "#98a2b3"


@dataclass(frozen=True)
class TimelineTick:
    """One change on a lane: when, and what its hover text says."""

    time: datetime
    title: str
    denied: bool = False
    """A failed call (``error_code``): it changed nothing and is drawn dashed and grey."""


@dataclass(frozen=True)
class TimelineGap:
    """A gap to draw over a lane, with its hover text."""

    start: datetime
    end: datetime
    state: str
    title: str


@dataclass(frozen=True)
class TimelineLane:
    """One control family's lane."""

    label: str
    segments: Sequence[tuple[datetime, datetime, str]]
    """``(start, end, state)`` stretches; none for a lane with no control (drawn ``n/a``)."""
    status: str | None = None
    """The worst result status of the lane's regions (``FAIL``...), printed at its right."""
    note: str = ""
    """The lane's hover text (each region's status)."""
    gaps: Sequence[TimelineGap] = field(default_factory=tuple)
    ticks: Sequence[TimelineTick] = field(default_factory=tuple)


def month_ticks(start: datetime, end: datetime) -> list[datetime]:
    """The first instant of each month strictly inside ``(start, end)``, in UTC."""
    start, end = as_utc(start), as_utc(end)
    year, month = start.year, start.month
    out: list[datetime] = []
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        moment = datetime(year, month, 1, tzinfo=UTC)
        if moment >= end:
            return out
        if moment > start:
            out.append(moment)


class _Axis:
    def __init__(self, start: datetime, end: datetime) -> None:
        self.start = as_utc(start)
        self.end = as_utc(end)
        self.span = max((self.end - self.start).total_seconds(), 1.0)

    def x(self, moment: datetime) -> float:
        share = (as_utc(moment) - self.start).total_seconds() / self.span
        return _LABEL_W + _PLOT_W * min(1.0, max(0.0, share))


def _label(text: str, limit: int = 42) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _axis(axis: _Axis, height: float) -> list[str]:
    parts = []
    for moment in month_ticks(axis.start, axis.end):
        x = axis.x(moment)
        name = moment.strftime("%b %Y") if moment.month == 1 else moment.strftime("%b")
        parts.append(
            f'<line class="month-tick" x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" '
            f'y2="{height:.1f}" stroke="#98a2b3" stroke-width="0.5" stroke-dasharray="2,2"/>'
        )
        if _END_LABEL_ROOM <= x - _LABEL_W <= _PLOT_W - _END_LABEL_ROOM:
            # Near either end the month's name would print over the period's first or last date.
            parts.append(
                f'<text class="month" x="{x:.1f}" y="{_TOP - 9}" font-size="8" fill="#667085" '
                f'text-anchor="middle">{name}</text>'
            )
    left, right = _LABEL_W, _LABEL_W + _PLOT_W
    parts.append(
        f'<text x="{left}" y="{_TOP - 9}" font-size="7" fill="#1d2433" text-anchor="start">'
        f"{axis.start:%Y-%m-%d}</text>"
        f'<text x="{right}" y="{_TOP - 9}" font-size="7" fill="#1d2433" text-anchor="end">'
        f"{axis.end:%Y-%m-%d}</text>"
    )
    return parts


def _segments(axis: _Axis, lane: TimelineLane, y: float) -> list[str]:
    parts = []
    for start, end, state in lane.segments:
        x1, x2 = axis.x(start), axis.x(end)
        width = x2 - x1
        if state in ("off", "weakened"):
            width = max(width, MIN_GAP_PX)
        if width <= 0:
            continue
        colour = STATE_COLOURS.get(state, STATE_COLOURS["unknown"])
        parts.append(
            f'<rect class="seg seg-{escape(state)}" x="{x1:.2f}" y="{y:.1f}" '
            f'width="{width:.2f}" height="{_BAR_H}" fill="{colour}"/>'
        )
    for gap in lane.gaps:
        x1, x2 = axis.x(gap.start), axis.x(gap.end)
        width = max(x2 - x1, MIN_GAP_PX)
        colour = STATE_COLOURS["weakened" if gap.state == "weakened" else "off"]
        parts.append(
            f'<rect class="gap gap-{escape(gap.state)}" x="{x1:.2f}" y="{y - 1:.1f}" '
            f'width="{width:.2f}" height="{_BAR_H + 2}" fill="{colour}">'
            f"<title>{escape(gap.title)}</title></rect>"
        )
    return parts


def _ticks(axis: _Axis, lane: TimelineLane, y: float) -> list[str]:
    columns: dict[int, list[TimelineTick]] = {}
    for tick in sorted(lane.ticks, key=lambda t: as_utc(t.time)):
        columns.setdefault(round(axis.x(tick.time)), []).append(tick)
    parts = []
    for column, ticks in sorted(columns.items()):
        denied = all(t.denied for t in ticks)
        lines = [t.title for t in ticks[:TICK_TITLE_LIMIT]]
        if len(ticks) > TICK_TITLE_LIMIT:
            lines.append(f"... and {len(ticks) - TICK_TITLE_LIMIT} more change(s)")
        stroke = _DENIED if denied else _TICK
        dash = ' stroke-dasharray="1.5,1.5"' if denied else ""
        kind = "tick denied" if denied else "tick"
        parts.append(
            f'<g class="{kind}"><title>{escape(chr(10).join(lines))}</title>'
            f'<rect x="{column - 3}" y="{y - 3:.1f}" width="6" height="{_BAR_H + 6}" '
            f'fill="#000000" fill-opacity="0"/>'
            f'<line x1="{column}" y1="{y - 3:.1f}" x2="{column}" y2="{y + _BAR_H + 3:.1f}" '
            f'stroke="{stroke}" stroke-width="1.2"{dash}/></g>'
        )
    return parts


def _legend(y: float) -> list[str]:
    items = [
        ("on", STATE_COLOURS["on"], "on"),
        ("off", STATE_COLOURS["off"], "off (gap)"),
        ("weakened", STATE_COLOURS["weakened"], "weakened (gap)"),
        ("unknown", STATE_COLOURS["unknown"], "unknown (history not read)"),
    ]
    parts = []
    x = float(_LABEL_W)
    for _, colour, text in items:
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="8" fill="{colour}"/>'
            f'<text x="{x + 13:.1f}" y="{y + 7:.1f}" font-size="7" fill="#5b6474">{text}</text>'
        )
        x += 13 + 4.6 * len(text) + 12
    parts.append(
        f'<line x1="{x + 4:.1f}" y1="{y - 1:.1f}" x2="{x + 4:.1f}" y2="{y + 9:.1f}" '
        f'stroke="{_TICK}" stroke-width="1.2"/>'
        f'<text x="{x + 9:.1f}" y="{y + 7:.1f}" font-size="7" fill="#5b6474">change</text>'
    )
    x += 52
    parts.append(
        f'<line x1="{x + 4:.1f}" y1="{y - 1:.1f}" x2="{x + 4:.1f}" y2="{y + 9:.1f}" '
        f'stroke="{_DENIED}" stroke-width="1.2" stroke-dasharray="1.5,1.5"/>'
        f'<text x="{x + 9:.1f}" y="{y + 7:.1f}" font-size="7" fill="#5b6474">denied call</text>'
    )
    return parts


def timeline_svg(
    start: datetime, end: datetime, lanes: Sequence[TimelineLane], *, label: str
) -> Markup:
    """The timeline of ``lanes`` over ``[start, end)``; ``label`` is its accessible name.

    Returns an empty string when there is no lane to draw.
    """
    if not lanes:
        return Markup("")
    axis = _Axis(start, end)
    width = _LABEL_W + _PLOT_W + _STATUS_W
    plot_bottom = _TOP + _ROW_H * len(lanes)
    height = plot_bottom + _LEGEND_H
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(label)}" font-family="DejaVu Sans, sans-serif">',
        *_axis(axis, plot_bottom),
    ]
    for i, lane in enumerate(lanes):
        y = _TOP + i * _ROW_H + (_ROW_H - _BAR_H) / 2
        mid = y + _BAR_H - 1.5
        note = f"<title>{escape(lane.note)}</title>" if lane.note else ""
        parts.append(
            f'<g class="lane">{note}<text class="lane-label" x="{_LABEL_W - 6}" y="{mid:.1f}" font-size="7.5" '
            f'fill="#1d2433" text-anchor="end">{escape(_label(lane.label))}</text>'
            f'<rect class="track" x="{_LABEL_W}" y="{y:.1f}" width="{_PLOT_W}" '
            f'height="{_BAR_H}" fill="{_TRACK}"/>'
        )
        if lane.segments:
            parts += _segments(axis, lane, y)
            parts += _ticks(axis, lane, y)
        else:
            parts.append(
                f'<text x="{_LABEL_W + 6}" y="{mid:.1f}" font-size="7" fill="#98a2b3">'
                f"no such control in the period</text>"
            )
        if lane.status:
            colour = STATUS_COLOURS.get(lane.status, "#667085")
            word = _STATUS_WORDS.get(lane.status, lane.status)
            parts.append(
                f'<text class="lane-status" x="{_LABEL_W + _PLOT_W + 6}" y="{mid:.1f}" '
                f'font-size="7.5" font-weight="bold" fill="{colour}">{escape(word)}</text>'
            )
        parts.append("</g>")
    parts += _legend(plot_bottom + 8)
    parts.append("</svg>")
    # Every interpolated value is a number, a fixed colour, a date or an escape()d string.
    return Markup("".join(parts))  # noqa: S704
