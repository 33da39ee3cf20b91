"""The SVG charts of the fairness report's HTML (Markdown has none): rates by group with their
bootstrap intervals, ROC and calibration curves. Groups below the minimum size are greyed and
labelled "insufficient data"."""

from __future__ import annotations

from clearance.fairness.curves import GroupCurves
from clearance.fairness.models import GroupMetrics
from clearance.fairness.report import FairnessReport
from clearance.reports.fairness_facts import INSUFFICIENT, group_label, num, with_ci
from clearance.reports.html import Html
from clearance.reports.svg.charts import (
    Bar,
    Diagonal,
    Segment,
    Series,
    add_error_bars,
    svg_bar_chart,
    svg_line_chart,
)


def rate_chart(
    attribute: str, metric: str, title: str, axis: str, groups: list[GroupMetrics], ref: str | None
) -> Html:
    bars, intervals = [], []
    for g in groups:
        value = getattr(g, metric)
        iv = g.ci.get(metric)
        rate = min(max(value or 0.0, 0.0), 1.0)
        if not g.sufficient:
            css, note = "insufficient", f"{INSUFFICIENT} (n = {g.count}), not ranked"
        else:
            css, note = ("rate-ref" if g.group == ref else "rate"), with_ci(value, iv)
        detail = f"{with_ci(value, iv)}, n = {g.count}" + (
            f", {INSUFFICIENT}" if not g.sufficient else ""
        )
        segments = (Segment(rate, css), Segment(1.0 - rate, "track"))
        bars.append(Bar(group_label(g, ref), segments, note, detail))
        intervals.append((iv.low, iv.high) if iv is not None and value is not None else None)
    chart = svg_bar_chart(
        f"{title} of {attribute} by group",
        bars,
        axis=f"{axis}, 0 to 1; whiskers: bootstrap 95% confidence interval",
        legend=[("rate-ref", "reference group"), ("rate", "group"), ("insufficient", INSUFFICIENT)],
    )
    return add_error_bars(chart, bars, intervals)


def _series(curves: list[GroupCurves], groups: dict[str, GroupMetrics], roc: bool) -> list[Series]:
    out = []
    for i, c in enumerate(curves):
        g = groups.get(c.group)
        css = "sx" if g is not None and not g.sufficient else f"s{i % 8}"
        label = c.group + (f" ({INSUFFICIENT})" if css == "sx" else "")
        if roc:
            auc = f" (AUC {num(g.roc_auc)})" if g is not None and g.roc_auc is not None else ""
            points = tuple(c.roc)
            none = "" if points else " (no curve: one outcome only)"
            out.append(Series(label + auc + none, points, css, f"{len(points)} points"))
        else:
            points = tuple((x, y) for x, y, _ in c.calibration)
            titles = tuple(
                f"mean score {x:.3f}, observed {y:.3f}, n = {n}" for x, y, n in c.calibration
            )
            n = sum(k for _, _, k in c.calibration)
            out.append(Series(label, points, css, f"{len(points)} bins, n = {n}", titles))
    return out


def curve_charts(report: FairnessReport, attribute: str) -> tuple[Html, Html] | None:
    """The ROC and the calibration chart of the attribute; None when there are no scores."""
    curves = [c for c in report.curves if c.attribute == attribute]
    if not curves:
        return None
    groups = {g.group: g for g in report.by_group if g.attribute == attribute}
    roc = svg_line_chart(
        f"ROC curves of {attribute} by group",
        _series(curves, groups, roc=True),
        x_label="false positive rate",
        y_label="true positive rate",
        diagonal=Diagonal("chance (diagonal)"),
    )
    calibration = svg_line_chart(
        f"Calibration curves of {attribute} by group",
        _series(curves, groups, roc=False),
        x_label="mean predicted score (bin)",
        y_label="observed favourable rate",
        diagonal=Diagonal("perfect calibration (diagonal)"),
        markers=True,
    )
    return roc, calibration
