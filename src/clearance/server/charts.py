"""The dashboard's charts: inline SVG drawn by the reports' chart code (every label escaped
there, nothing scripted or fetched): a fairness run's rates by group with their intervals (the
fairness report's own charts) and the trends' runs and findings per bucket, stacked by
command."""

from __future__ import annotations

from typing import Literal

from clearance.fairness.models import Disparity, GroupMetrics
from clearance.reports.fairness_charts import rate_chart
from clearance.reports.fairness_facts import CHARTED
from clearance.reports.html import Html
from clearance.reports.svg.charts import Bar, Segment, svg_bar_chart
from clearance.server.trends import Trends

# the commands drawn in their own colour (CSS c0..c6); the rest share c7, "other"
COLOURS = 7


def attributes(groups: list[GroupMetrics], disparities: list[Disparity]) -> list[str]:
    """Attributes in the disparities' order, then any others measured (as the report)."""
    return list(dict.fromkeys([d.attribute for d in disparities] + [g.attribute for g in groups]))


def ordered(groups: list[GroupMetrics], attribute: str, ref: str | None) -> list[GroupMetrics]:
    """The reference first, then the other sufficient groups, then insufficient ones."""
    mine = [g for g in groups if g.attribute == attribute]
    return sorted(mine, key=lambda g: (not g.sufficient, g.group != ref))


def fairness_charts(
    groups: list[GroupMetrics], attribute: str, ref: str | None
) -> list[tuple[str, Html]]:
    """(title, chart) per charted rate of ``attribute``'s groups (``groups`` ordered)."""
    return [
        (title, rate_chart(attribute, metric, title, axis, groups, ref))
        for metric, title, axis in CHARTED
        if any(getattr(g, metric) is not None for g in groups)
    ]


def trend_chart(data: Trends, which: Literal["runs", "findings"]) -> Html | None:
    """Columns per bucket, stacked by command; None when there is nothing to draw."""
    if not data.buckets:
        return None
    shown = data.commands[:COLOURS]
    css = {c: f"c{i}" for i, c in enumerate(shown)}
    bars = []
    for b in data.buckets:
        counts = b.runs if which == "runs" else b.findings
        per: dict[str, int] = {}
        for command, n in counts.items():
            key = command if command in css else "other"
            per[key] = per.get(key, 0) + n
        segments = tuple(
            Segment(float(per[c]), css.get(c, "c7")) for c in [*shown, "other"] if per.get(c)
        )
        total = sum(per.values())
        detail = ", ".join(f"{c}: {n}" for c, n in sorted(per.items(), key=lambda kv: -kv[1]))
        label = b.start[5:] if data.unit == "day" else b.start
        bars.append(Bar(label, segments or (Segment(0.0, "track"),), f"{total}", detail or "0"))
    legend = [(css[c], c) for c in shown]
    if len(data.commands) > COLOURS:
        legend.append(("c7", "other"))
    per_unit = "day" if data.unit == "day" else "week (Monday)"
    return svg_bar_chart(
        f"{which.capitalize()} per {data.unit}",
        bars,
        columns=True,
        legend=legend,
        axis=f"{which} per {per_unit}, stacked by command (UTC)",
    )
