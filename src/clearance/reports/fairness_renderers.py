"""Renderers for the fairness report: JSON, Markdown (for a pull request or the model-risk file)
and one self-contained HTML file (inline CSS and SVG, no scripts, nothing fetched).

Output is deterministic: the same report renders to the same bytes. Groups below the minimum
size are shown greyed and labelled "insufficient data", after the ranked groups, never ranked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence

from clearance.fairness.curves import GroupCurves
from clearance.fairness.models import Comparison, Disparity, GroupMetrics, Interval
from clearance.fairness.report import FairnessReport, ReasonSummary
from clearance.reports.audit_renderers import (
    _CSS,
    Bar,
    Segment,
    _md,
    _md_cell,
    _md_code,
    _md_table,
    svg_bar_chart,
)
from clearance.reports.html import code as _code
from clearance.reports.html import e as _e
from clearance.reports.html import empty as _empty
from clearance.reports.html import kv as _kv
from clearance.reports.html import page
from clearance.reports.html import section as _section
from clearance.reports.html import table as _html_table
from clearance.reports.svg import Diagonal, Series, add_error_bars, svg_line_chart

FairnessRenderer = Callable[[FairnessReport], str]

DECISIONS = ("approved for use", "approved with conditions", "rejected")
INSUFFICIENT = "insufficient data"
CHARTED = (
    ("selection_rate", "Selection rate", "selection rate"),
    ("true_positive_rate", "True positive rate (TPR)", "true positive rate"),
    ("false_positive_rate", "False positive rate (FPR)", "false positive rate"),
)
DISPARITY_ORDER = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equal_opportunity_difference",
    "average_odds_difference",
    "predictive_parity_difference",
    "auc_gap",
    "calibration_gap",
)
GROUP_HEAD = (
    "group",
    "count",
    "base rate",
    "selection rate [95% CI]",
    "TPR",
    "FPR",
    "TNR",
    "FNR",
    "precision",
    "accuracy",
    "AUC",
    "ECE",
    "calibration-in-the-large",
)
COMPARISON_HEAD = (
    "metric",
    "group vs reference",
    "difference [CI]",
    "ratio",
    "test",
    "p",
    "adjusted p",
    "significant",
)
CORRECTIONS = {"holm": "Holm", "bh": "Benjamini-Hochberg"}


# --- shared helpers --------------------------------------------------------------------------


def _f(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "n/a"
    return f"{x:+.3f}" if signed else f"{x:.3f}"


def _p(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3g}"


def _ci(iv: Interval | None, signed: bool = False) -> str:
    return "" if iv is None else f"[{_f(iv.low, signed)}, {_f(iv.high, signed)}]"


def _with_ci(x: float | None, iv: Interval | None, signed: bool = False) -> str:
    return f"{_f(x, signed)} {_ci(iv, signed)}".rstrip()


def _yes_no(x: bool | None) -> str:
    return "n/a" if x is None else ("yes" if x else "no")


def _name(metric: str) -> str:
    return metric.replace("_", " ")


def _attributes(report: FairnessReport) -> list[str]:
    """Attributes in the disparities' order, then any others measured."""
    names = [d.attribute for d in report.disparities] + [g.attribute for g in report.by_group]
    return list(dict.fromkeys(names))


def _disparity(report: FairnessReport, attribute: str) -> Disparity | None:
    return next((d for d in report.disparities if d.attribute == attribute), None)


def _groups(report: FairnessReport, attribute: str) -> list[GroupMetrics]:
    """The reference first, then the other sufficient groups, then insufficient ones."""
    d = _disparity(report, attribute)
    ref = d.reference if d else None
    groups = [g for g in report.by_group if g.attribute == attribute]
    return sorted(groups, key=lambda g: (not g.sufficient, g.group != ref))


def _group_label(g: GroupMetrics, reference: str | None) -> str:
    if not g.sufficient:
        return f"{g.group} ({INSUFFICIENT})"
    return f"{g.group} (reference)" if g.group == reference else g.group


def _disparity_rows(d: Disparity) -> list[tuple[str, str, str]]:
    names = [m for m in DISPARITY_ORDER if m in d.metrics or m in d.ci]
    names += sorted((set(d.metrics) | set(d.ci)) - set(DISPARITY_ORDER))
    return [(m, _f(d.metrics.get(m)), _ci(d.ci.get(m))) for m in names]


def _comparison_cells(c: Comparison) -> list[str]:
    return [
        _name(c.metric),
        f"{c.group} vs {c.reference}",
        _with_ci(c.difference, c.ci, signed=True),
        _f(c.ratio),
        c.test,
        _p(c.p_value),
        _p(c.p_value_adjusted),
        _yes_no(c.significant),
    ]


def _group_cells(g: GroupMetrics) -> list[str]:
    """Every column of GROUP_HEAD after the group itself, as text."""
    return [
        str(g.count),
        _f(g.base_rate),
        _with_ci(g.selection_rate, g.ci.get("selection_rate")),
        _f(g.true_positive_rate),
        _f(g.false_positive_rate),
        _f(g.true_negative_rate),
        _f(g.false_negative_rate),
        _f(g.precision),
        _f(g.accuracy),
        _f(g.roc_auc),
        _f(g.expected_calibration_error),
        _f(g.calibration_in_the_large, signed=True),
    ]


def _rule_text(report: FairnessReport) -> str:
    s, t = report.settings, report.verdict.thresholds
    ratio = t.get("demographic_parity_ratio", s.demographic_parity_ratio_min)
    alpha = t.get("alpha", s.alpha)
    text = (
        f"Passes when every demographic parity ratio is >= {ratio:g} (four-fifths rule) and no "
        f"gap to the reference group is significant at alpha = {alpha:g} after "
        f"{CORRECTIONS.get(s.correction, s.correction)} correction"
    )
    eo = t.get("equalized_odds_difference", s.equalized_odds_difference_max)
    if eo is not None:
        text += f", and every equalized odds difference is <= {eo:g}"
    return text + "."


def _verdict_word(report: FairnessReport) -> str:
    return "pass" if report.verdict.passed else "fail"


def _predictions(report: FairnessReport) -> str:
    d, m = report.data, report.model
    if d.predictions_from == "model":
        where = m.source if m else "the model"
        kind = m.kind if m else d.model_kind
        return f"model {where}" + (f" ({kind})" if kind else "")
    return f"column {d.prediction_column}"


def _scores(report: FairnessReport) -> str:
    d = report.data
    if d.scores_from == "column":
        return f"column {d.score_column}"
    if d.scores_from == "model":
        return "the model's probability of the favourable outcome"
    return "none (AUC and calibration not computed)"


def _missing(report: FairnessReport) -> str:
    d = report.data
    how = "dropped" if d.missing == "drop" else "kept as their own group (missing)"
    counts = ", ".join(f"{k}: {v}" for k, v in d.missing_counts.items()) or "none"
    return f"rows with a missing sensitive value {how}; missing per attribute: {counts}"


def _header_pairs(report: FairnessReport) -> list[tuple[str, str]]:
    """(label, plain text) of the header's facts; each renderer escapes them its own way."""
    d = report.data
    others = [v for v in d.label_values if v != d.favourable]
    label = f"{d.target}: {d.favourable} is favourable (1)"
    if others:
        label += f", {others[0]} unfavourable (0)"
    pairs = [
        ("Data", d.source),
        ("Rows", f"{d.rows_in} read, {d.rows_used} used, {d.rows_dropped} dropped"),
        ("Label", label),
        ("Sensitive attributes", ", ".join(d.sensitive)),
        ("Predictions from", _predictions(report)),
        ("Scores", _scores(report)),
    ]
    if report.model is not None:
        pairs.append(("Model kind", report.model.kind))
    if d.features is not None:
        inferred = " (inferred: every other column)" if d.features_inferred else ""
        pairs.append(("Features", ", ".join(d.features) + inferred))
    pairs += [
        ("Missing values", _missing(report)),
        ("Tool", f"{report.tool} {report.version} (report schema {report.schema_version})"),
    ]
    return pairs


def _settings_pairs(report: FairnessReport) -> list[tuple[str, str]]:
    s = report.settings
    pairs = [
        ("Minimum group size", str(s.min_group_size)),
        ("Significance level (alpha)", f"{s.alpha:g}"),
        ("Multiple-testing correction", CORRECTIONS.get(s.correction, s.correction)),
        ("Bootstrap resamples", str(s.bootstrap)),
        ("Seed", str(s.seed)),
        ("Intersections", "yes" if s.intersections else "no"),
        ("Demographic parity ratio minimum", f"{s.demographic_parity_ratio_min:g}"),
    ]
    if s.equalized_odds_difference_max is not None:
        pairs.append(("Equalized odds difference maximum", f"{s.equalized_odds_difference_max:g}"))
    refs = ", ".join(f"{k}: {v}" for k, v in s.reference.items())
    pairs.append(("Reference groups set by the policy", refs or "none (chosen by rule)"))
    return pairs


def _reasons_of(report: FairnessReport, attribute: str) -> list[ReasonSummary]:
    return [r for r in report.reasons if r.attribute == attribute]


def _top(r: ReasonSummary) -> str:
    return "; ".join(f"{reason} ({n})" for reason, n in r.top_reasons) or "none"


# --- JSON ------------------------------------------------------------------------------------


def render_fairness_json(report: FairnessReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, sort_keys=False) + "\n"


# --- Markdown --------------------------------------------------------------------------------


def _md_rows(rows: Iterable[Sequence[str]]) -> list[list[str]]:
    return [[_md_cell(c) for c in r] for r in rows]


def _md_header(report: FairnessReport) -> list[str]:
    d, v = report.data, report.verdict
    out = ["# clearance fairness report", ""]
    out += [f"- {k}: {_md(t)}" for k, t in _header_pairs(report)]
    if report.model is not None and report.model.warnings:
        out += ["- Model warnings:"] + [f"  - {_md(w)}" for w in report.model.warnings]
    out += ["", "## Verdict", "", f"**{_verdict_word(report).upper()}**: {_md(_rule_text(report))}"]
    thresholds = ", ".join(f"{_md_code(k)} = {x:g}" for k, x in v.thresholds.items())
    out += ["", f"Thresholds: {thresholds}", ""]
    out += [f"- {_md(r)}" for r in v.reasons] or ["No reason to fail: every check passed."]
    out += ["", "## Derived attributes", ""]
    if d.derivations:
        out += _md_table(
            ["attribute", "source", "kind", "definition"],
            (
                [_md_code(n.name), _md_code(n.source), n.kind, _md_cell("; ".join(n.definition))]
                for n in d.derivations
            ),
        )
    else:
        out.append("None: every sensitive attribute is a column of the data.")
    out += ["", "## Preparation", ""]
    out += [f"- {_md(line)}" for line in d.lines] or ["No notes."]
    return out


def _md_attribute(report: FairnessReport, attribute: str) -> list[str]:
    d = _disparity(report, attribute)
    ref = d.reference if d else None
    out = ["", f"## Attribute {_md_code(attribute)}", ""]
    if d is not None:
        out.append(f"Reference group: {_md_code(d.reference)} ({_md(d.reference_rule)}).")
        if d.insufficient_groups:
            groups = ", ".join(_md_code(g) for g in d.insufficient_groups)
            out.append(
                f"Insufficient data (below {report.settings.min_group_size} records, not "
                f"ranked): {groups}."
            )
        out.append("")
    out += ["### Group metrics", ""]
    rows = ([_group_label(g, ref), *_group_cells(g)] for g in _groups(report, attribute))
    out += _md_table(GROUP_HEAD, _md_rows(rows))
    if d is None:
        return out
    out += ["", "### Disparities", ""]
    rows = ([_name(m), v, ci] for m, v, ci in _disparity_rows(d))
    out += _md_table(["metric", "value", "95% CI"], _md_rows(rows))
    out += ["", "### Comparisons with the reference group", ""]
    if d.comparisons:
        out += _md_table(COMPARISON_HEAD, _md_rows(_comparison_cells(c) for c in d.comparisons))
    else:
        out.append("No comparisons: no sufficient group besides the reference.")
    return out


def _md_proxies(report: FairnessReport) -> list[str]:
    out = ["", "## Proxies", ""]
    if not report.proxies:
        return [*out, "No proxy analysis in this report."]
    rows = (
        [
            _md_code(p.feature),
            _md_code(p.attribute),
            f"{p.mutual_information:.4f}",
            _f(p.auc),
            "**yes**" if p.flagged else "no",
        ]
        for p in report.proxies
    )
    return out + _md_table(["feature", "attribute", "mutual information", "AUC", "flagged"], rows)


def _md_reasons(report: FairnessReport) -> list[str]:
    out = ["", "## Adverse-action reasons", ""]
    if not report.reasons:
        return [*out, "No adverse-action reasons in this report."]
    for attribute in list(dict.fromkeys(r.attribute for r in report.reasons)):
        out += [f"### {_md_code(attribute)}", ""]
        rows = ([r.group, str(r.denied), _top(r)] for r in _reasons_of(report, attribute))
        out += _md_table(["group", "denied", "top reasons (applicants)"], _md_rows(rows))
        out.append("")
    return out[:-1]


def _md_tail(report: FairnessReport) -> list[str]:
    out = ["", "## Settings", ""]
    out += [f"- {k}: {_md(t)}" for k, t in _settings_pairs(report)]
    out += ["", "## Warnings", ""]
    out += [f"- {_md(w)}" for w in report.warnings] or ["None."]
    out += [
        "",
        "## Sign-off",
        "",
        "- Reviewed by: ______________________________",
        "- Role: ______________________________",
        "- Date: ______________________________",
        "- Decision: " + " / ".join(f"[ ] {d}" for d in DECISIONS),
        "- Conditions and notes: ______________________________",
        "- Signature: ______________________________",
    ]
    return out


def render_fairness_markdown(report: FairnessReport) -> str:
    parts = [_md_header(report)]
    parts += [_md_attribute(report, a) for a in _attributes(report)]
    parts += [_md_proxies(report), _md_reasons(report), _md_tail(report)]
    return "\n".join(line for part in parts for line in part) + "\n"


# --- HTML ------------------------------------------------------------------------------------

_FAIRNESS_CSS = (
    _CSS
    + """
.verdict { font-size: 18px; } .verdict ul { font-size: 15px; margin: 8px 0 0; }
svg.chart .rate { fill: #3b82f6; } svg.chart .rate-ref { fill: #1e3a8a; }
svg.chart .insufficient { fill: #cbd2d9; } svg.chart .track { fill: #eef2f6; }
svg.chart .err { stroke: #111827; stroke-width: 1.5; }
svg.chart .grid { stroke: #e4e7eb; stroke-width: 1; }
svg.chart .diagonal { stroke: #7b8794; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg.chart .curve { fill: none; stroke-width: 2; }
.s0 .curve { stroke: #2563eb; } .s0 .dot { fill: #2563eb; }
.s1 .curve { stroke: #c2410c; } .s1 .dot { fill: #c2410c; }
.s2 .curve { stroke: #2f855a; } .s2 .dot { fill: #2f855a; }
.s3 .curve { stroke: #7c3aed; } .s3 .dot { fill: #7c3aed; }
.s4 .curve { stroke: #b42318; } .s4 .dot { fill: #b42318; }
.s5 .curve { stroke: #0e7490; } .s5 .dot { fill: #0e7490; }
.s6 .curve { stroke: #a16207; } .s6 .dot { fill: #a16207; }
.s7 .curve { stroke: #be185d; } .s7 .dot { fill: #be185d; }
.sx .curve { stroke: #9aa5b1; stroke-dasharray: 4 3; } .sx .dot { fill: #9aa5b1; }
.charts { display: grid; grid-template-columns: 1fr; }
tr.insufficient td { color: #7b8794; background: #f5f7fa; }
tr.flagged td { background: #fdecea; } tr.significant td { background: #fff4e5; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px;
  border: 1px solid var(--line); color: var(--muted); white-space: nowrap; }
.tag.ref { border-color: #1e3a8a; color: #1e3a8a; } .tag.flag { border-color: #b42318;
  color: #b42318; font-weight: 700; }
.table-wrap { overflow-x: auto; max-width: 100%; } .ci { white-space: nowrap; }
h2 code { font-size: inherit; }
td ol, td ul { margin: 0; padding-left: 20px; } h4 { margin: 16px 0 4px; }
"""
)


def _table(
    head: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]], num: Sequence[int] = ()
) -> str:
    """Like ``_html_table`` with a CSS class per row (``""`` for none), in a scroll box."""
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = []
    for css, cells in rows:
        tds = "".join(
            f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>"
            for i, c in enumerate(cells)
        )
        body.append(f'<tr class="{_e(css)}">{tds}</tr>' if css else f"<tr>{tds}</tr>")
    return "\n".join(
        [
            '<div class="table-wrap"><table>',
            f"<thead><tr>{th}</tr></thead>",
            "<tbody>",
            *body,
            "</tbody>",
            "</table></div>",
        ]
    )


def _html_ci(x: float | None, iv: Interval | None, signed: bool = False) -> str:
    """A value and its interval, which wraps as a whole."""
    ci = f' <span class="ci">{_e(_ci(iv, signed))}</span>' if iv is not None else ""
    return _e(_f(x, signed)) + ci


def _tag(text: str, css: str = "") -> str:
    return (
        f'<span class="tag {_e(css)}">{_e(text)}</span>'
        if css
        else f'<span class="tag">{_e(text)}</span>'
    )


def _html_header(report: FairnessReport) -> str:
    d, v = report.data, report.verdict
    pairs = [(k, _e(t)) for k, t in _header_pairs(report)]
    if report.model is not None and report.model.warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in report.model.warnings)
        pairs.append(("Model warnings", f"<ul>{items}</ul>"))
    word = _verdict_word(report)
    reasons = "".join(f"<li>{_e(r)}</li>" for r in v.reasons)
    thresholds = ", ".join(f"{k} = {x:g}" for k, x in v.thresholds.items())
    verdict = "\n".join(
        [
            f'<div class="gate verdict {word}">',
            f'<p><span class="badge {word}">{word.upper()}</span> {_e(_rule_text(report))}</p>',
            f"<p>Thresholds: {_e(thresholds)}</p>",
            f"<ul>{reasons}</ul>" if reasons else "<p>No reason to fail: every check passed.</p>",
            "</div>",
        ]
    )
    if d.derivations:
        derivations = _html_table(
            ["attribute", "source", "kind", "definition"],
            (
                [
                    _code(n.name),
                    _code(n.source),
                    _e(n.kind),
                    "<ul>" + "".join(f"<li>{_code(x)}</li>" for x in n.definition) + "</ul>",
                ]
                for n in d.derivations
            ),
        )
    else:
        derivations = _empty("None: every sensitive attribute is a column of the data.")
    lines = (
        "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in d.lines) + "</ul>"
        if d.lines
        else _empty("No notes.")
    )
    return "\n".join(
        [
            "<header>",
            "<h1>clearance fairness report</h1>",
            _kv(pairs),
            verdict,
            "<h2>Derived attributes</h2>",
            derivations,
            "<h2>Preparation</h2>",
            lines,
            "</header>",
        ]
    )


def _rate_chart(
    attribute: str, metric: str, title: str, axis: str, groups: list[GroupMetrics], ref: str | None
) -> str:
    bars, intervals = [], []
    for g in groups:
        value = getattr(g, metric)
        iv = g.ci.get(metric)
        rate = min(max(value or 0.0, 0.0), 1.0)
        if not g.sufficient:
            css, note = "insufficient", f"{INSUFFICIENT} (n = {g.count}), not ranked"
        else:
            css, note = ("rate-ref" if g.group == ref else "rate"), _with_ci(value, iv)
        detail = f"{_with_ci(value, iv)}, n = {g.count}" + (
            f", {INSUFFICIENT}" if not g.sufficient else ""
        )
        segments = (Segment(rate, css), Segment(1.0 - rate, "track"))
        bars.append(Bar(_group_label(g, ref), segments, note, detail))
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
            auc = f" (AUC {_f(g.roc_auc)})" if g is not None and g.roc_auc is not None else ""
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


def _curve_charts(report: FairnessReport, attribute: str) -> list[str]:
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
    return ["<h4>ROC curves</h4>", roc, "<h4>Calibration curves</h4>", calibration]


def _html_attribute(report: FairnessReport, index: int, attribute: str) -> str:
    d = _disparity(report, attribute)
    ref = d.reference if d else None
    groups = _groups(report, attribute)
    intro = []
    if d is not None:
        intro.append(
            f"<p>Reference group: {_code(d.reference)} {_tag('reference', 'ref')} "
            f"({_e(d.reference_rule)}).</p>"
        )
        if d.insufficient_groups:
            names = ", ".join(_code(g) for g in d.insufficient_groups)
            intro.append(
                f"<p>{_tag(INSUFFICIENT)} below {report.settings.min_group_size} records, shown "
                f"greyed and not ranked: {names}.</p>"
            )
    charts = [
        f"<h4>{_e(t)}</h4>\n{_rate_chart(attribute, m, t, axis, groups, ref)}"
        for m, t, axis in CHARTED
    ]

    def group_cell(g: GroupMetrics) -> str:
        tags = (_tag("reference", "ref") if g.group == ref and g.sufficient else "") + (
            _tag(f"{INSUFFICIENT}, not ranked") if not g.sufficient else ""
        )
        return f"{_code(g.group)} {tags}".rstrip()

    group_table = _table(
        GROUP_HEAD,
        (
            (
                "" if g.sufficient else "insufficient",
                [
                    group_cell(g),
                    *map(_e, _group_cells(g)[:2]),
                    _html_ci(g.selection_rate, g.ci.get("selection_rate")),
                    *map(_e, _group_cells(g)[3:]),
                ],
            )
            for g in groups
        ),
        num=tuple(range(1, len(GROUP_HEAD))),
    )
    body = [*intro, "<h3>Rates by group</h3>", *charts, "<h3>Group metrics</h3>", group_table]
    if d is not None:
        body += [
            "<h3>Disparities</h3>",
            _table(
                ["metric", "value", "95% CI"],
                (("", [_e(_name(m)), _e(v), _e(ci)]) for m, v, ci in _disparity_rows(d)),
                num=(1, 2),
            ),
            "<h3>Comparisons with the reference group</h3>",
            _table(
                COMPARISON_HEAD,
                (
                    (
                        "significant" if c.significant else "",
                        [
                            *map(_e, _comparison_cells(c)[:2]),
                            _html_ci(c.difference, c.ci, signed=True),
                            *map(_e, _comparison_cells(c)[3:]),
                        ],
                    )
                    for c in d.comparisons
                ),
                num=(2, 3, 5, 6),
            )
            if d.comparisons
            else _empty("No comparisons: no sufficient group besides the reference."),
        ]
    body += ["<h3>ROC and calibration</h3>", *_curve_charts(report, attribute)]
    title = f"<h2>Attribute <code>{_e(attribute)}</code></h2>"
    return "\n".join(
        [f'<section id="attribute-{index}" class="attribute">', title, *body, "</section>"]
    )


def _html_proxies(report: FairnessReport) -> str:
    if not report.proxies:
        return _section("proxies", "Proxies", _empty("No proxy analysis in this report."))
    rows = (
        (
            "flagged" if p.flagged else "",
            [
                _code(p.feature),
                _code(p.attribute),
                f"{p.mutual_information:.4f}",
                _f(p.auc),
                _tag("flagged", "flag") if p.flagged else "no",
            ],
        )
        for p in report.proxies
    )
    table = _table(["feature", "attribute", "mutual information", "AUC", "flagged"], rows, (2, 3))
    note = (
        "<p>Flagged features predict a sensitive attribute beyond the policy's proxy "
        "thresholds (mutual information, AUC): the model can use them in its place.</p>"
    )
    return _section("proxies", "Proxies", note, table)


def _html_reasons(report: FairnessReport) -> str:
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
                    "<ol>" + "".join(f"<li>{_e(x)} ({n})</li>" for x, n in r.top_reasons) + "</ol>",
                ],
            )
            for r in _reasons_of(report, attribute)
        )
        body += [
            f"<h3>{_code(attribute)}</h3>",
            _table(["group", "denied", "top reasons (applicants)"], rows, num=(1,)),
        ]
    return _section("reasons", title, *body)


def _html_tail(report: FairnessReport) -> str:
    settings = _section("settings", "Settings", _kv((k, _e(t)) for k, t in _settings_pairs(report)))
    warnings = _section(
        "warnings",
        "Warnings",
        "<ul>" + "".join(f"<li>{_e(w)}</li>" for w in report.warnings) + "</ul>"
        if report.warnings
        else _empty("None."),
    )
    decision = " ".join(f"&#9744; {_e(d)}" for d in DECISIONS)
    rows = [
        ("Reviewed by", ""),
        ("Role", ""),
        ("Date", ""),
        ("Decision", decision),
        ("Conditions and notes", ""),
        ("Signature", ""),
    ]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    signoff = _section(
        "signoff", "Sign-off", f'<table class="signoff"><tbody>{body}</tbody></table>'
    )
    return "\n".join([settings, warnings, signoff])


def render_fairness_html(report: FairnessReport) -> str:
    attributes = [_html_attribute(report, i, a) for i, a in enumerate(_attributes(report))]
    sections = [
        _html_header(report),
        "<main>",
        *attributes,
        _html_proxies(report),
        _html_reasons(report),
        _html_tail(report),
        "</main>",
    ]
    title = f"clearance fairness report: {report.data.target} ({_verdict_word(report)})"
    return page(title, _FAIRNESS_CSS, sections)


# --- registry --------------------------------------------------------------------------------

FAIRNESS_RENDERERS: dict[str, FairnessRenderer] = {
    "json": render_fairness_json,
    "markdown": render_fairness_markdown,
    "html": render_fairness_html,
}


def render_fairness(report: FairnessReport, fmt: str) -> str:
    try:
        renderer = FAIRNESS_RENDERERS[fmt]
    except KeyError:
        allowed = ", ".join(FAIRNESS_RENDERERS)
        raise ValueError(f"unknown format {fmt!r}; allowed: {allowed}") from None
    return renderer(report)
