"""What the fairness report's Markdown and HTML renderers both print: the numbers as text,
groups in report order (reference first, insufficient last), the header and settings facts."""

from __future__ import annotations

from clearance.fairness.models import Comparison, Disparity, GroupMetrics, Interval
from clearance.fairness.report import FairnessReport, ReasonSummary
from clearance.reports.table import Cell, Styled, Table, Text

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


def num(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "n/a"
    return f"{x:+.3f}" if signed else f"{x:.3f}"


def p_text(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3g}"


def ci_text(iv: Interval | None, signed: bool = False) -> str:
    return "" if iv is None else f"[{num(iv.low, signed)}, {num(iv.high, signed)}]"


def with_ci(x: float | None, iv: Interval | None, signed: bool = False) -> str:
    return f"{num(x, signed)} {ci_text(iv, signed)}".rstrip()


def yes_no(x: bool | None) -> str:
    return "n/a" if x is None else ("yes" if x else "no")


def metric_name(metric: str) -> str:
    return metric.replace("_", " ")


def attributes_of(report: FairnessReport) -> list[str]:
    """Attributes in the disparities' order, then any others measured."""
    names = [d.attribute for d in report.disparities] + [g.attribute for g in report.by_group]
    return list(dict.fromkeys(names))


def disparity_of(report: FairnessReport, attribute: str) -> Disparity | None:
    return next((d for d in report.disparities if d.attribute == attribute), None)


def ordered_groups(report: FairnessReport, attribute: str) -> list[GroupMetrics]:
    """The reference first, then the other sufficient groups, then insufficient ones."""
    d = disparity_of(report, attribute)
    ref = d.reference if d else None
    groups = [g for g in report.by_group if g.attribute == attribute]
    return sorted(groups, key=lambda g: (not g.sufficient, g.group != ref))


def group_label(g: GroupMetrics, reference: str | None) -> str:
    if not g.sufficient:
        return f"{g.group} ({INSUFFICIENT})"
    return f"{g.group} (reference)" if g.group == reference else g.group


def disparity_rows(d: Disparity) -> list[tuple[str, str, str]]:
    names = [m for m in DISPARITY_ORDER if m in d.metrics or m in d.ci]
    names += sorted((set(d.metrics) | set(d.ci)) - set(DISPARITY_ORDER))
    return [(m, num(d.metrics.get(m)), ci_text(d.ci.get(m))) for m in names]


def comparison_cells(c: Comparison) -> list[str]:
    return [
        metric_name(c.metric),
        f"{c.group} vs {c.reference}",
        with_ci(c.difference, c.ci, signed=True),
        num(c.ratio),
        c.test,
        p_text(c.p_value),
        p_text(c.p_value_adjusted),
        yes_no(c.significant),
    ]


def group_cells(g: GroupMetrics) -> list[str]:
    """Every column of GROUP_HEAD after the group itself, as text."""
    return [
        str(g.count),
        num(g.base_rate),
        with_ci(g.selection_rate, g.ci.get("selection_rate")),
        num(g.true_positive_rate),
        num(g.false_positive_rate),
        num(g.true_negative_rate),
        num(g.false_negative_rate),
        num(g.precision),
        num(g.accuracy),
        num(g.roc_auc),
        num(g.expected_calibration_error),
        num(g.calibration_in_the_large, signed=True),
    ]


def rule_text(report: FairnessReport) -> str:
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


def verdict_word(report: FairnessReport) -> str:
    return "pass" if report.verdict.passed else "fail"


def predictions(report: FairnessReport) -> str:
    d, m = report.data, report.model
    if d.predictions_from == "model":
        where = m.source if m else "the model"
        kind = m.kind if m else d.model_kind
        return f"model {where}" + (f" ({kind})" if kind else "")
    return f"column {d.prediction_column}"


def scores(report: FairnessReport) -> str:
    d = report.data
    if d.scores_from == "column":
        return f"column {d.score_column}"
    if d.scores_from == "model":
        return "the model's probability of the favourable outcome"
    return "none (AUC and calibration not computed)"


def missing(report: FairnessReport) -> str:
    d = report.data
    how = "dropped" if d.missing == "drop" else "kept as their own group (missing)"
    counts = ", ".join(f"{k}: {v}" for k, v in d.missing_counts.items()) or "none"
    return f"rows with a missing sensitive value {how}; missing per attribute: {counts}"


def header_pairs(report: FairnessReport) -> list[tuple[str, str]]:
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
        ("Predictions from", predictions(report)),
        ("Scores", scores(report)),
    ]
    if report.model is not None:
        pairs.append(("Model kind", report.model.kind))
    if d.features is not None:
        inferred = " (inferred: every other column)" if d.features_inferred else ""
        pairs.append(("Features", ", ".join(d.features) + inferred))
    pairs += [
        ("Missing values", missing(report)),
        ("Tool", f"{report.tool} {report.version} (report schema {report.schema_version})"),
    ]
    return pairs


def settings_pairs(report: FairnessReport) -> list[tuple[str, str]]:
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


def reasons_of(report: FairnessReport, attribute: str) -> list[ReasonSummary]:
    return [r for r in report.reasons if r.attribute == attribute]


def top_reasons(r: ReasonSummary) -> str:
    return "; ".join(f"{reason} ({n})" for reason, n in r.top_reasons) or "none"


# --- the tables both formats print --------------------------------------------------------


def value_with_ci(x: float | None, iv: Interval | None, signed: bool = False) -> Cell:
    """A value and its interval (a span of its own in HTML, which wraps as a whole)."""
    if iv is None:
        return Text(num(x, signed))
    return (Text(num(x, signed)), " ", Styled(ci_text(iv, signed), "ci"))


def disparities_table(d: Disparity) -> Table:
    rows: list[list[Cell]] = [
        [Text(metric_name(m)), Text(v), Text(ci)] for m, v, ci in disparity_rows(d)
    ]
    return Table(["metric", "value", "95% CI"], rows, num=(1, 2), wrap=True)


def comparisons_table(d: Disparity) -> Table:
    rows: list[list[Cell]] = []
    for c in d.comparisons:
        cells: list[Cell] = [Text(x) for x in comparison_cells(c)]
        cells[2] = value_with_ci(c.difference, c.ci, signed=True)
        rows.append(cells)
    css = ["significant" if c.significant else "" for c in d.comparisons]
    return Table(COMPARISON_HEAD, rows, num=(2, 3, 5, 6), row_css=css, wrap=True)
