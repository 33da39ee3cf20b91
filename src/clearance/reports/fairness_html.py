"""The fairness report as one self-contained HTML file: inline CSS and SVG, no scripts, nothing
fetched, every value from the report escaped (:mod:`clearance.reports.html`). Groups below the
minimum size are shown greyed and labelled "insufficient data", after the ranked groups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from clearance.fairness.curves import GroupCurves
from clearance.fairness.models import GroupMetrics, Interval
from clearance.fairness.report import FairnessReport
from clearance.reports.css import FAIRNESS_CSS
from clearance.reports.fairness_facts import (
    CHARTED,
    DECISIONS,
    GROUP_HEAD,
    INSUFFICIENT,
    attributes_of,
    comparisons_table,
    disparities_table,
    disparity_of,
    group_cells,
    group_label,
    header_pairs,
    num,
    ordered_groups,
    reasons_of,
    rule_text,
    settings_pairs,
    value_with_ci,
    verdict_word,
    with_ci,
)
from clearance.reports.html import Html, join, lines, page, review_signoff, tag
from clearance.reports.html import code as _code
from clearance.reports.html import empty as _empty
from clearance.reports.html import items as _items
from clearance.reports.html import kv as _kv
from clearance.reports.html import section as _section
from clearance.reports.html import table as _html_table
from clearance.reports.svg.charts import (
    Bar,
    Diagonal,
    Segment,
    Series,
    add_error_bars,
    svg_bar_chart,
    svg_line_chart,
)
from clearance.reports.table import cell_html


def _table(
    head: Sequence[str], rows: Iterable[tuple[str, Sequence[object]]], num: Sequence[int] = ()
) -> Html:
    """A table with a CSS class per row (``""`` for none), in a scroll box."""
    listed = list(rows)
    return _html_table(
        head, [cells for _, cells in listed], num, row_css=[c for c, _ in listed], wrap=True
    )


def _html_ci(x: float | None, iv: Interval | None, signed: bool = False) -> Html:
    return cell_html(value_with_ci(x, iv, signed))


def _tag(text: str, css: str = "") -> Html:
    if css:
        return tag('<span class="tag {}">{}</span>', css, text)
    return tag('<span class="tag">{}</span>', text)


def _html_header(report: FairnessReport) -> Html:
    d, v = report.data, report.verdict
    pairs: list[tuple[str, object]] = list(header_pairs(report))
    if report.model is not None and report.model.warnings:
        pairs.append(("Model warnings", _items(report.model.warnings)))
    word = verdict_word(report)
    thresholds = ", ".join(f"{k} = {x:g}" for k, x in v.thresholds.items())
    verdict = lines(
        [
            tag('<div class="gate verdict {}">', word),
            tag(
                '<p><span class="badge {}">{}</span> {}</p>', word, word.upper(), rule_text(report)
            ),
            tag("<p>Thresholds: {}</p>", thresholds),
            _items(v.reasons)
            if v.reasons
            else Html("<p>No reason to fail: every check passed.</p>"),
            Html("</div>"),
        ]
    )
    if d.derivations:
        derivations = _html_table(
            ["attribute", "source", "kind", "definition"],
            (
                [_code(n.name), _code(n.source), n.kind, _items(_code(x) for x in n.definition)]
                for n in d.derivations
            ),
        )
    else:
        derivations = _empty("None: every sensitive attribute is a column of the data.")
    notes = _items(d.lines) if d.lines else _empty("No notes.")
    return lines(
        [
            Html("<header>"),
            Html("<h1>clearance fairness report</h1>"),
            _kv(pairs),
            verdict,
            Html("<h2>Derived attributes</h2>"),
            derivations,
            Html("<h2>Preparation</h2>"),
            notes,
            Html("</header>"),
        ]
    )


def _rate_chart(
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


def _curve_charts(report: FairnessReport, attribute: str) -> list[Html]:
    curves = [c for c in report.curves if c.attribute == attribute]
    if not curves:
        return [_empty("No ROC or calibration curves: the predictions have no scores.")]
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
    return [Html("<h4>ROC curves</h4>"), roc, Html("<h4>Calibration curves</h4>"), calibration]


def _html_attribute(report: FairnessReport, index: int, attribute: str) -> Html:
    d = disparity_of(report, attribute)
    ref = d.reference if d else None
    groups = ordered_groups(report, attribute)
    intro = []
    if d is not None:
        intro.append(
            tag(
                "<p>Reference group: {} {} ({}).</p>",
                _code(d.reference),
                _tag("reference", "ref"),
                d.reference_rule,
            )
        )
        if d.insufficient_groups:
            intro.append(
                tag(
                    "<p>{} below {} records, shown greyed and not ranked: {}.</p>",
                    _tag(INSUFFICIENT),
                    report.settings.min_group_size,
                    join((_code(g) for g in d.insufficient_groups), ", "),
                )
            )
    charts = [
        tag("<h4>{}</h4>\n{}", t, _rate_chart(attribute, m, t, axis, groups, ref))
        for m, t, axis in CHARTED
    ]

    def group_cell(g: GroupMetrics) -> Html:
        tags = (_tag("reference", "ref") if g.group == ref and g.sufficient else Html()) + (
            _tag(f"{INSUFFICIENT}, not ranked") if not g.sufficient else ""
        )
        return tag("{} {}", _code(g.group), tags).rstrip()

    group_table = _table(
        GROUP_HEAD,
        (
            (
                "" if g.sufficient else "insufficient",
                [
                    group_cell(g),
                    *group_cells(g)[:2],
                    _html_ci(g.selection_rate, g.ci.get("selection_rate")),
                    *group_cells(g)[3:],
                ],
            )
            for g in groups
        ),
        num=tuple(range(1, len(GROUP_HEAD))),
    )
    body: list[object] = [*intro, Html("<h3>Rates by group</h3>"), *charts]
    body += [Html("<h3>Group metrics</h3>"), group_table]
    if d is not None:
        body += [
            Html("<h3>Disparities</h3>"),
            disparities_table(d).html(),
            Html("<h3>Comparisons with the reference group</h3>"),
            comparisons_table(d).html()
            if d.comparisons
            else _empty("No comparisons: no sufficient group besides the reference."),
        ]
    body += [Html("<h3>ROC and calibration</h3>"), *_curve_charts(report, attribute)]
    title = tag("<h2>Attribute <code>{}</code></h2>", attribute)
    return lines(
        [
            tag('<section id="attribute-{}" class="attribute">', index),
            title,
            *body,
            Html("</section>"),
        ]
    )


def _html_proxies(report: FairnessReport) -> Html:
    if not report.proxies:
        return _section("proxies", "Proxies", _empty("No proxy analysis in this report."))
    rows = (
        (
            "flagged" if p.flagged else "",
            [
                _code(p.feature),
                _code(p.attribute),
                f"{p.mutual_information:.4f}",
                num(p.auc),
                _tag("flagged", "flag") if p.flagged else "no",
            ],
        )
        for p in report.proxies
    )
    table = _table(["feature", "attribute", "mutual information", "AUC", "flagged"], rows, (2, 3))
    note = Html(
        "<p>Flagged features predict a sensitive attribute beyond the policy's proxy "
        "thresholds (mutual information, AUC): the model can use them in its place.</p>"
    )
    return _section("proxies", "Proxies", note, table)


def _html_reasons(report: FairnessReport) -> Html:
    title = "Adverse-action reasons"
    if not report.reasons:
        return _section("reasons", title, _empty("No adverse-action reasons in this report."))
    body = []
    for attribute in list(dict.fromkeys(r.attribute for r in report.reasons)):
        rows = (
            (
                "",
                [
                    _code(r.group),
                    str(r.denied),
                    tag(
                        "<ol>{}</ol>", join(tag("<li>{} ({})</li>", x, n) for x, n in r.top_reasons)
                    ),
                ],
            )
            for r in reasons_of(report, attribute)
        )
        body += [
            tag("<h3>{}</h3>", _code(attribute)),
            _table(["group", "denied", "top reasons (applicants)"], rows, num=(1,)),
        ]
    return _section("reasons", title, *body)


def _html_tail(report: FairnessReport) -> Html:
    settings = _section("settings", "Settings", _kv(settings_pairs(report)))
    warnings = _section(
        "warnings", "Warnings", _items(report.warnings) if report.warnings else _empty("None.")
    )
    return lines([settings, warnings, _section("signoff", "Sign-off", review_signoff(DECISIONS))])


def render_fairness_html(report: FairnessReport) -> str:
    attributes = [_html_attribute(report, i, a) for i, a in enumerate(attributes_of(report))]
    sections = [
        _html_header(report),
        Html("<main>"),
        *attributes,
        _html_proxies(report),
        _html_reasons(report),
        _html_tail(report),
        Html("</main>"),
    ]
    title = f"clearance fairness report: {report.data.target} ({verdict_word(report)})"
    return page(title, FAIRNESS_CSS, sections)
