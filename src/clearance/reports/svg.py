"""Inline SVG pieces beyond the bar chart of ``audit_renderers``: a line chart (ROC and
calibration curves, with an optional diagonal) and error bars drawn over that bar chart.

Everything is escaped, nothing is scripted or fetched, and the output is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from clearance.reports.audit_renderers import Bar
from clearance.reports.html import e as escape

_W = 800


def _n(x: float) -> str:
    return f"{x:.1f}"


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line class="{escape(css)}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/>'


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- error bars over svg_bar_chart -----------------------------------------------------------

_BAR_GROUP = re.compile(r"<g><title>.*?</g>", re.S)
_RECT = re.compile(
    r'<rect class="[^"]*" x="(-?[\d.]+)" y="(-?[\d.]+)" width="([\d.]+)" height="([\d.]+)"/>'
)


def add_error_bars(
    svg: str, bars: Sequence[Bar], intervals: Sequence[tuple[float, float] | None]
) -> str:
    """Draws an interval (a whisker with end caps, class ``err``) over each horizontal bar of
    ``svg``, the output of ``svg_bar_chart(title, bars)`` on a linear scale. A bar's length
    sets the scale, so each bar with an interval needs a positive total: pad rates with a
    track segment up to 1 (``Segment(1 - rate, "track")``) to put every bar on [0, 1]."""
    if len(intervals) != len(bars):
        raise ValueError("one interval (or None) per bar")
    groups = list(_BAR_GROUP.finditer(svg))
    if len(groups) != len(bars):
        raise ValueError(f"expected {len(bars)} bars in the chart, found {len(groups)}")
    out, last = [], 0
    for match, bar, interval in zip(groups, bars, intervals, strict=True):
        group = match.group(0)
        rects = [tuple(float(v) for v in r) for r in _RECT.findall(group)]
        if interval is None or not rects or bar.total <= 0:
            continue
        x0, y, _, h = rects[0]
        per_unit = sum(r[2] for r in rects) / bar.total
        low, high = (x0 + per_unit * max(0.0, v) for v in interval)
        mid = y + h / 2
        whisker = [
            _line(low, mid, high, mid, "err"),
            _line(low, mid - 5, low, mid + 5, "err"),
            _line(high, mid - 5, high, mid + 5, "err"),
        ]
        end = match.end() - len("</g>")
        out += [svg[last:end], "\n".join(["", *whisker, ""])]
        last = end
    out.append(svg[last:])
    return "".join(out)


# --- line chart ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Series:
    """One curve: ``points`` in data units, drawn with CSS class ``css`` (stroke and fill).
    ``point_titles`` (one per point, or empty) become each marker's accessible title."""

    label: str
    points: tuple[tuple[float, float], ...]
    css: str
    detail: str = ""
    point_titles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Diagonal:
    """The reference line y = x (chance for ROC, perfect calibration), labelled in the legend."""

    label: str


_LEFT, _TOP, _PLOT = 64.0, 14.0, 320.0
_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


def svg_line_chart(
    title: str,
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    x_range: tuple[float, float] = (0.0, 1.0),
    y_range: tuple[float, float] = (0.0, 1.0),
    diagonal: Diagonal | None = None,
    markers: bool = False,
) -> str:
    """One inline SVG line chart on a square plot with a legend on the right: each series a
    polyline (``markers`` adds a dot per point), optional dashed ``diagonal`` y = x."""
    (x_lo, x_hi), (y_lo, y_hi) = x_range, y_range

    def px(x: float) -> float:
        return _LEFT + _PLOT * (x - x_lo) / (x_hi - x_lo)

    def py(y: float) -> float:
        return _TOP + _PLOT * (1 - (y - y_lo) / (y_hi - y_lo))

    bottom = _TOP + _PLOT
    body = []
    for t in _TICKS:
        xv, yv = x_lo + t * (x_hi - x_lo), y_lo + t * (y_hi - y_lo)
        body += [
            _line(px(xv), _TOP, px(xv), bottom, "grid"),
            _line(_LEFT, py(yv), _LEFT + _PLOT, py(yv), "grid"),
            _text(px(xv), bottom + 16, f"{xv:g}", "middle"),
            _text(_LEFT - 6, py(yv) + 4, f"{yv:g}", "end"),
        ]
    body += [
        _line(_LEFT, bottom, _LEFT + _PLOT, bottom, "axis"),
        _line(_LEFT, _TOP, _LEFT, bottom, "axis"),
        _text(_LEFT + _PLOT / 2, bottom + 36, x_label, "middle", ' class="caption"'),
        _text(
            16,
            _TOP + _PLOT / 2,
            y_label,
            "middle",
            f' class="caption" transform="rotate(-90 16 {_n(_TOP + _PLOT / 2)})"',
        ),
    ]
    legend_x, legend_y = _LEFT + _PLOT + 28, _TOP + 8
    if diagonal is not None:
        lo, hi = max(x_lo, y_lo), min(x_hi, y_hi)
        body += [
            f"<g><title>{escape(diagonal.label)}</title>",
            _line(px(lo), py(lo), px(hi), py(hi), "diagonal"),
            "</g>",
        ]
        body += [
            _line(legend_x, legend_y, legend_x + 22, legend_y, "diagonal"),
            _text(legend_x + 28, legend_y + 4, _clip(diagonal.label, 48)),
        ]
        legend_y += 20
    for s in series:
        tip = s.label + (f": {s.detail}" if s.detail else "")
        body.append(f'<g class="{escape(s.css)}"><title>{escape(tip)}</title>')
        if len(s.points) > 1:
            coords = " ".join(f"{_n(px(x))},{_n(py(y))}" for x, y in s.points)
            body.append(f'<polyline class="curve" points="{coords}"/>')
        if markers or len(s.points) == 1:
            for i, (x, y) in enumerate(s.points):
                dot = f'<circle class="dot" cx="{_n(px(x))}" cy="{_n(py(y))}" r="3"'
                if i < len(s.point_titles):
                    dot += f"><title>{escape(s.point_titles[i])}</title></circle>"
                else:
                    dot += "/>"
                body.append(dot)
        body += [
            _line(legend_x, legend_y, legend_x + 22, legend_y, "curve"),
            _text(legend_x + 28, legend_y + 4, _clip(s.label, 48)),
            "</g>",
        ]
        legend_y += 20
    height = max(bottom + 44, legend_y + 4)
    head = (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{_W}" '
        f'height="{_n(height)}" viewBox="0 0 {_W} {_n(height)}">'
    )
    return "\n".join([head, f"<title>{escape(title)}</title>", *body, "</svg>"])
