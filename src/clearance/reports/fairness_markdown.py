"""The fairness report as Markdown (for a pull request or the model-risk file)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from clearance.fairness.report import FairnessReport
from clearance.reports.escape import md_code, md_text
from clearance.reports.fairness_facts import (
    DECISIONS,
    GROUP_HEAD,
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
    top_reasons,
    verdict_word,
)
from clearance.reports.markdown import md_table, signoff_lines


def _md_rows(rows: Iterable[Sequence[str]]) -> list[list[str]]:
    return [[md_text(c) for c in r] for r in rows]


def _md_header(report: FairnessReport) -> list[str]:
    d, v = report.data, report.verdict
    out = ["# clearance fairness report", ""]
    out += [f"- {k}: {md_text(t)}" for k, t in header_pairs(report)]
    if report.model is not None and report.model.warnings:
        out += ["- Model warnings:"] + [f"  - {md_text(w)}" for w in report.model.warnings]
    out += [
        "",
        "## Verdict",
        "",
        f"**{verdict_word(report).upper()}**: {md_text(rule_text(report))}",
    ]
    thresholds = ", ".join(f"{md_code(k)} = {x:g}" for k, x in v.thresholds.items())
    out += ["", f"Thresholds: {thresholds}", ""]
    out += [f"- {md_text(r)}" for r in v.reasons] or ["No reason to fail: every check passed."]
    out += ["", "## Derived attributes", ""]
    if d.derivations:
        out += md_table(
            ["attribute", "source", "kind", "definition"],
            (
                [md_code(n.name), md_code(n.source), n.kind, md_text("; ".join(n.definition))]
                for n in d.derivations
            ),
        )
    else:
        out.append("None: every sensitive attribute is a column of the data.")
    out += ["", "## Preparation", ""]
    out += [f"- {md_text(line)}" for line in d.lines] or ["No notes."]
    return out


def _md_attribute(report: FairnessReport, attribute: str) -> list[str]:
    d = disparity_of(report, attribute)
    ref = d.reference if d else None
    out = ["", f"## Attribute {md_code(attribute)}", ""]
    if d is not None:
        out.append(f"Reference group: {md_code(d.reference)} ({md_text(d.reference_rule)}).")
        if d.insufficient_groups:
            groups = ", ".join(md_code(g) for g in d.insufficient_groups)
            out.append(
                f"Insufficient data (below {report.settings.min_group_size} records, not "
                f"ranked): {groups}."
            )
        out.append("")
    out += ["### Group metrics", ""]
    rows = ([group_label(g, ref), *group_cells(g)] for g in ordered_groups(report, attribute))
    out += md_table(GROUP_HEAD, _md_rows(rows))
    if d is None:
        return out
    out += ["", "### Disparities", ""]
    out += disparities_table(d).markdown()
    out += ["", "### Comparisons with the reference group", ""]
    if d.comparisons:
        out += comparisons_table(d).markdown()
    else:
        out.append("No comparisons: no sufficient group besides the reference.")
    return out


def _md_proxies(report: FairnessReport) -> list[str]:
    out = ["", "## Proxies", ""]
    if not report.proxies:
        return [*out, "No proxy analysis in this report."]
    rows = (
        [
            md_code(p.feature),
            md_code(p.attribute),
            f"{p.mutual_information:.4f}",
            num(p.auc),
            "**yes**" if p.flagged else "no",
        ]
        for p in report.proxies
    )
    return out + md_table(["feature", "attribute", "mutual information", "AUC", "flagged"], rows)


def _md_reasons(report: FairnessReport) -> list[str]:
    out = ["", "## Adverse-action reasons", ""]
    if not report.reasons:
        return [*out, "No adverse-action reasons in this report."]
    for attribute in list(dict.fromkeys(r.attribute for r in report.reasons)):
        out += [f"### {md_code(attribute)}", ""]
        rows = ([r.group, str(r.denied), top_reasons(r)] for r in reasons_of(report, attribute))
        out += md_table(["group", "denied", "top reasons (applicants)"], _md_rows(rows))
        out.append("")
    return out[:-1]


def _md_tail(report: FairnessReport) -> list[str]:
    out = ["", "## Settings", ""]
    out += [f"- {k}: {md_text(t)}" for k, t in settings_pairs(report)]
    out += ["", "## Warnings", ""]
    out += [f"- {md_text(w)}" for w in report.warnings] or ["None."]
    return out + signoff_lines(DECISIONS)


def render_fairness_markdown(report: FairnessReport) -> str:
    parts = [_md_header(report)]
    parts += [_md_attribute(report, a) for a in attributes_of(report)]
    parts += [_md_proxies(report), _md_reasons(report), _md_tail(report)]
    return "\n".join(line for part in parts for line in part) + "\n"
