"""The SVG charts of the dataset audit's HTML report (Markdown has no charts: the sections put
them in ``Only("html", ...)`` blocks): findings by severity, entities per column, equivalence
class sizes, record ages and consent coverage."""

from __future__ import annotations

from itertools import pairwise

from clearance.audit.report import AnonymityResult, AuditReport, ConsentResult, RetentionResult
from clearance.reports.audit_facts import SEVERITIES, bins, ordered, ratio
from clearance.reports.html import Html
from clearance.reports.svg.charts import Bar, Marker, Segment, needs_log, svg_bar_chart


def severity_chart(report: AuditReport) -> Html:
    counts = ordered(report.summary.by_severity, SEVERITIES)
    bars = [Bar(sev, (Segment(n, f"sev-{sev}"),)) for sev, n in counts]
    return svg_bar_chart("Findings by severity", bars, axis="findings")


def entity_bars(report: AuditReport) -> list[Bar]:
    bars = []
    for c in report.columns:
        for entity, n in sorted(c.matches.items(), key=lambda kv: (-kv[1], kv[0])):
            where = f"{c.table}.{c.column}" if c.table is not None else f"{c.file}:{c.column}"
            kind = c.kind.replace("_", " ")
            note = f"{n} rows ({ratio(n, c.rows)}), {kind}"
            detail = f"{n} of {c.rows} rows ({ratio(n, c.rows)}), {kind} column"
            bars.append(Bar(f"{where} · {entity}", (Segment(n, f"kind-{c.kind}"),), note, detail))
    return bars


def entities_chart(bars: list[Bar]) -> Html:
    legend = [
        ("kind-entity", "entity column"),
        ("kind-free_text", "free text"),
        ("kind-other", "other"),
    ]
    return svg_bar_chart(
        "Rows with a match, per entity and column", bars, legend=legend, axis="rows with a match"
    )


def _class_buckets(a: AnonymityResult) -> list[tuple[int, int, int]]:
    """(lowest size, highest size, classes): one bucket per size when few, else 1-2-5 ranges
    split at k so the k line falls on a bucket edge."""
    hist = sorted(a.class_size_histogram)
    if len(hist) <= 20:
        return [(size, size, n) for size, n in hist]
    biggest, edges, step = hist[-1][0], {a.k_threshold}, 1
    while step <= biggest:
        edges.update(e for e in (step, 2 * step, 5 * step) if e <= biggest)
        step *= 10
    bounds = sorted(edges)
    ranges = [(lo, nxt - 1) for lo, nxt in pairwise(bounds)] + [(bounds[-1], biggest)]
    return [
        (lo, hi, sum(n for size, n in hist if lo <= size <= hi)) for lo, hi in ranges if lo <= hi
    ]


def _histogram(
    title: str,
    columns: list[tuple[str, str, int]],
    unit: str,
    marker: Marker,
    legend: list[tuple[str, str]],
    axis: str,
) -> Html:
    """A column chart of (label, CSS class, count), one threshold marked."""
    bars = [Bar(label, (Segment(n, css),), f"{n} {unit}") for label, css, n in columns]
    log = needs_log(n for _, _, n in columns)
    return svg_bar_chart(
        title, bars, columns=True, log=log, marker=marker, legend=legend, axis=axis
    )


def anonymity_chart(a: AnonymityResult) -> Html | None:
    """The class sizes of one table, the k line marked; None without classes."""
    buckets = _class_buckets(a)
    if not buckets:
        return None
    columns = [
        (str(lo) if lo == hi else f"{lo}–{hi}", "below" if hi < a.k_threshold else "above", n)
        for lo, hi, n in buckets
    ]
    at = next((i for i, (lo, _, _) in enumerate(buckets) if lo >= a.k_threshold), len(buckets))
    return _histogram(
        f"Equivalence class sizes of {a.table}",
        columns,
        "classes",
        Marker(at, f"k = {a.k_threshold}"),
        [("below", "classes below k"), ("above", "classes at or above k")],
        "x: class size; y: number of classes",
    )


def retention_chart(r: RetentionResult) -> Html | None:
    """The record ages of one column, the retention limit marked; None without timestamps."""
    age_bins = bins(r)
    if not age_bins:
        return None
    columns = [
        (f"{lo}–{hi} d", "expired" if lo >= r.limit_days else "kept", n) for lo, hi, n in age_bins
    ]
    at = float(len(age_bins))
    for i, (lo, hi, _) in enumerate(age_bins):
        if r.limit_days < hi:
            at = i + max(0.0, (r.limit_days - lo) / (hi - lo)) if hi > lo else float(i)
            break
    return _histogram(
        f"Record age of {r.table}.{r.column}",
        columns,
        "records",
        Marker(at, f"retention limit {r.limit_days} d"),
        [("kept", "within the limit"), ("expired", "past the limit")],
        "x: record age in days; y: records",
    )


def _consent_bar(c: ConsentResult) -> Bar:
    """Shares of the table's rows, so every table's bar is 100% long."""
    parts = (
        (c.consented, "consented"),
        (c.not_consented, "not-consented"),
        (c.no_record, "no-record"),
    )
    segments = tuple(Segment(n / c.rows if c.rows else 0.0, css) for n, css in parts)
    detail = (
        f"{c.consented} consented, {c.not_consented} not consented, {c.no_record} no record "
        f"of {c.rows} rows"
    )
    return Bar(c.table, segments, f"{ratio(c.consented, c.rows)} consented", detail)


def consent_chart(report: AuditReport) -> Html:
    legend = [
        ("consented", "consented"),
        ("not-consented", "not consented for the purpose"),
        ("no-record", "no consent record"),
    ]
    return svg_bar_chart(
        "Consent coverage per table",
        [_consent_bar(c) for c in report.consent],
        legend=legend,
        axis="share of rows",
    )
