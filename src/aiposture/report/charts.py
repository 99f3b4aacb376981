"""Inline SVG charts for the report: no script, no URL, every label escaped.

The markup is built here rather than in the template so that the chart's geometry can be
tested in plain Python; every string that reaches it (dimension names come from the check
catalog, but are treated as untrusted like everything else) goes through ``escape``.
Colours are SVG ``fill`` attributes: weasyprint ignores CSS ``fill``.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["BAND_COLOURS", "band", "score_chart"]

BAND_COLOURS: dict[str, str] = {
    "good": "#067647",
    "fair": "#dc6803",
    "poor": "#b42318",
    "none": "#98a2b3",
}
"""Bar colour per score band."""

_LABEL_W = 190
_BAR_W = 380
_VALUE_W = 60
_ROW_H = 20
_BAR_H = 12
_TOP = 18


def band(value: float | None) -> str:
    """``good`` (80 and up), ``fair`` (50 and up), ``poor``, or ``none`` when n/a."""
    if value is None:
        return "none"
    return "good" if value >= 80 else "fair" if value >= 50 else "poor"


def _label(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def score_chart(bars: Sequence[tuple[str, float | None]]) -> Markup:
    """A horizontal bar chart of 0-100 scores, one bar per ``(name, score)``.

    ``None`` (nothing applicable) draws an empty track labelled ``n/a``. Returns an empty
    string when there is nothing to draw.
    """
    if not bars:
        return Markup("")
    width = _LABEL_W + _BAR_W + _VALUE_W
    height = _TOP + _ROW_H * len(bars) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="Scores by dimension, 0 to 100" font-family="DejaVu Sans, sans-serif">'
    ]
    for tick in (0, 50, 80, 100):
        x = _LABEL_W + _BAR_W * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{_TOP - 4}" x2="{x:.1f}" y2="{height - 4}" '
            f'stroke="#d0d5dd" stroke-width="0.6" stroke-dasharray="2,2"/>'
            f'<text x="{x:.1f}" y="{_TOP - 7}" font-size="8" fill="#667085" '
            f'text-anchor="middle">{tick}</text>'
        )
    for i, (name, value) in enumerate(bars):
        y = _TOP + i * _ROW_H
        mid = y + _ROW_H / 2 + 3
        clamped = 0.0 if value is None else min(100.0, max(0.0, value))
        colour = BAND_COLOURS[band(value)]
        shown = "n/a" if value is None else f"{value:.1f}"
        weight = ' font-weight="bold"' if i == 0 and name == "Overall" else ""
        parts.append(
            f'<g class="chart-row"><title>{escape(name)}: {shown}</title>'
            f'<text x="{_LABEL_W - 6}" y="{mid:.1f}" font-size="9" fill="#1d2433" '
            f'text-anchor="end"{weight}>{escape(_label(name))}</text>'
            f'<rect x="{_LABEL_W}" y="{y + 4}" width="{_BAR_W}" height="{_BAR_H}" '
            f'fill="#eef0f4"/>'
            f'<rect class="chart-bar" x="{_LABEL_W}" y="{y + 4}" '
            f'width="{_BAR_W * clamped / 100:.1f}" height="{_BAR_H}" fill="{colour}"/>'
            f'<text x="{_LABEL_W + _BAR_W + 6}" y="{mid:.1f}" font-size="9" '
            f'fill="{colour}" font-weight="bold">{shown}</text></g>'
        )
    parts.append("</svg>")
    # Every interpolated value above is a number, a fixed colour or an escape()d name.
    return Markup("".join(parts))  # noqa: S704
