"""Inline SVG charts for the HTML reports: a bar chart (horizontal bars or columns, stacked
segments, an optional marker line, log scale), error bars drawn over it, and a line chart (ROC
and calibration curves, with an optional diagonal).

Every text is escaped, nothing is scripted or fetched, and the output is deterministic. Charts
are :class:`~clearance.reports.html.Html`: every piece of text in them went through ``escape``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clearance.reports.html import Html
from clearance.reports.html import e as escape


@dataclass(frozen=True, slots=True)
class Segment:
    value: float
    css: str


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    note: str = ""
    detail: str = ""

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


@dataclass(frozen=True, slots=True)
class Marker:
    """A line across a column chart; ``at`` counts bars from the left (2.5: mid third bar)."""

    at: float
    label: str


_W = 800


def _n(x: float) -> str:
    return f"{x:.1f}"


def _scale(value: float, top: float, log: bool) -> float:
    if top <= 0 or value <= 0:
        return 0.0
    return math.log10(1 + value) / math.log10(1 + top) if log else value / top


def needs_log(values: Iterable[float]) -> bool:
    positive = [v for v in values if v > 0]
    return bool(positive) and max(positive) >= 50 * min(positive)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, css: str) -> str:
    return f'<rect class="{escape(css)}" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}"/>'


def _segments(bar: Bar, length: float) -> list[tuple[float, float, str]]:
    """(offset, length, css) of each stacked segment of a bar drawn ``length`` long."""
    out, offset, total = [], 0.0, bar.total
    for s in bar.segments:
        size = length * s.value / total if total else 0.0
        out.append((offset, size, s.css))
        offset += size
    return out


def _legend(entries: Sequence[tuple[str, str]], y: float) -> list[str]:
    out, x = [], 8.0
    for css, label in entries:
        out += [_rect(x, y, 10, 10, css), _text(x + 14, y + 9, label)]
        x += 28 + 7 * len(label)
    return out


def _tip(bar: Bar) -> str:
    """Opens the bar's group with its full label and value as an accessible title."""
    value = bar.detail or bar.note or f"{bar.total:g}"
    return f"<g><title>{escape(f'{bar.label}: {value}')}</title>"


def _hbars(bars: Sequence[Bar], log: bool) -> tuple[list[str], float]:
    label_w, plot_w, row_h, top = 240.0, 300.0, 22.0, 6.0
    peak = max(b.total for b in bars)
    out = []
    for i, bar in enumerate(bars):
        y = top + i * row_h
        length = plot_w * _scale(bar.total, peak, log)
        out += [_tip(bar), _text(label_w - 8, y + 12, _clip(bar.label, 36), "end")]
        out += [
            _rect(label_w + off, y + 2, size, 14, css) for off, size, css in _segments(bar, length)
        ]
        out += [_text(label_w + length + 6, y + 12, bar.note or f"{bar.total:g}"), "</g>"]
    return out, top + len(bars) * row_h


def _columns(bars: Sequence[Bar], log: bool, marker: Marker | None) -> tuple[list[str], float]:
    left, top, plot_h = 48.0, 30.0, 160.0
    slot = min(96.0, (_W - left - 16) / len(bars))
    peak = max(b.total for b in bars)
    rotate = len(bars) > 8
    out = [
        f'<line class="axis" x1="{_n(left)}" y1="{_n(top + plot_h)}" x2="{_n(left + slot * len(bars))}" y2="{_n(top + plot_h)}"/>'
    ]
    for i, bar in enumerate(bars):
        h = plot_h * _scale(bar.total, peak, log)
        x, xc = left + i * slot + slot * 0.1, left + (i + 0.5) * slot
        out.append(_tip(bar))
        out += [
            _rect(x, top + plot_h - off - size, slot * 0.8, size, css)
            for off, size, css in _segments(bar, h)
        ]
        if slot >= 26:
            out.append(_text(xc, top + plot_h - h - 3, f"{bar.total:g}", "middle"))
        spin = f' transform="rotate(-40 {_n(xc)} {_n(top + plot_h + 14)})"' if rotate else ""
        out += [
            _text(xc, top + plot_h + 14, bar.label, "end" if rotate else "middle", spin),
            "</g>",
        ]
    if marker is not None:
        mx = left + marker.at * slot
        anchor = "end" if mx > _W - 160 else "start"
        out += [
            f'<line class="marker" x1="{_n(mx)}" y1="{_n(top - 12)}" x2="{_n(mx)}" y2="{_n(top + plot_h)}"/>',
            _text(
                mx + (-4 if anchor == "end" else 4),
                top - 16,
                marker.label,
                anchor,
                ' class="marker-label"',
            ),
        ]
    return out, top + plot_h + (64 if rotate else 24)


def svg_bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    columns: bool = False,
    log: bool = False,
    marker: Marker | None = None,
    legend: Sequence[tuple[str, str]] = (),
    axis: str = "",
) -> Html:
    """One inline SVG bar chart: horizontal bars (labels left, values right), or ``columns``
    (labels below, optional vertical ``marker`` line). Bars may stack several segments. ``log``
    scales lengths by log10(1 + value)."""
    if columns:
        body, height = _columns(bars, log, marker)
    else:
        body, height = _hbars(bars, log)
    caption = axis + (" (log scale)" if log else "")
    if caption:
        body.append(_text(8, height + 12, caption, extra=' class="caption"'))
        height += 18
    if legend:
        body += _legend(legend, height + 4)
        height += 20
    head = (
        f'<svg class="chart" role="img" '
        f'aria-label="{escape(title)}" width="{_W}" height="{_n(height + 6)}" '
        f'viewBox="0 0 {_W} {_n(height + 6)}">'
    )
    # the one place a chart becomes Html: each text above went through escape
    return Html("\n".join([head, f"<title>{escape(title)}</title>", *body, "</svg>"]))


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line class="{escape(css)}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"/>'


# --- error bars over svg_bar_chart -----------------------------------------------------------

_BAR_GROUP = re.compile(r"<g><title>.*?</g>", re.S)
_RECT = re.compile(
    r'<rect class="[^"]*" x="(-?[\d.]+)" y="(-?[\d.]+)" width="([\d.]+)" height="([\d.]+)"/>'
)


def add_error_bars(
    svg: str, bars: Sequence[Bar], intervals: Sequence[tuple[float, float] | None]
) -> Html:
    """Draws an interval (a whisker with end caps, class ``err``) over each horizontal bar of
    ``svg``, the output of :func:`svg_bar_chart` ``(title, bars)`` on a linear scale. A bar's length
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
    return Html("".join(out))


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
) -> Html:
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
    # the one place a chart becomes Html: each text above went through escape
    return Html("\n".join([head, f"<title>{escape(title)}</title>", *body, "</svg>"]))
