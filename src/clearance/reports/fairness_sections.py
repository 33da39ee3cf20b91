"""The sections of the fairness report, each built once as the format-neutral document model
(:mod:`clearance.reports.document`) that the Markdown and the HTML renderer print. What only the
HTML shows (the SVG charts, the proxies' note) is an ``Only("html", ...)`` block; a fact both
formats print with a different decoration (``**yes**`` or a tag) is built by one function per
format (:func:`clearance.reports.document.each_format`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from clearance.fairness.models import Disparity, GroupMetrics, Proxy
from clearance.fairness.notes import PreparationNotes
from clearance.fairness.report import FairnessReport
from clearance.reports.document import (
    Block,
    Box,
    Bullets,
    Empty,
    Format,
    Heading,
    Lines,
    Only,
    Pairs,
    Para,
    Section,
    each_format,
)
from clearance.reports.fairness_charts import curve_charts, rate_chart
from clearance.reports.fairness_facts import (
    CHARTED,
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
    top_reasons,
    value_with_ci,
    verdict_word,
)
from clearance.reports.html import Html
from clearance.reports.table import Badge, Cell, Code, Fragment, Styled, Table, Text, joined

PROXY_NOTE = Html(
    "<p>Flagged features predict a sensitive attribute beyond the policy's proxy "
    "thresholds (mutual information, AUC): the model can use them in its place.</p>"
)


# --- the header: data, verdict, derivations, preparation ---------------------------------------


def header_blocks(report: FairnessReport) -> list[Block]:
    d = report.data
    pairs: list[tuple[str, Cell | Bullets]] = [(k, Text(t)) for k, t in header_pairs(report)]
    if report.model is not None and report.model.warnings:
        pairs.append(("Model warnings", Bullets([Text(w) for w in report.model.warnings])))
    notes = Bullets([Text(line) for line in d.lines]) if d.lines else Empty("No notes.")
    return [
        Heading("clearance fairness report", 1),
        Pairs(pairs),
        Only("markdown", Heading("Verdict", 2)),
        _verdict(report),
        Heading("Derived attributes", 2),
        _derivations(d),
        Heading("Preparation", 2),
        notes,
    ]


def _verdict(report: FairnessReport) -> Box:
    v, word = report.verdict, verdict_word(report)
    rule = Text(rule_text(report))
    reasons: Block = (
        Bullets([Text(r) for r in v.reasons])
        if v.reasons
        else Para("No reason to fail: every check passed.")
    )

    def thresholds(fmt: Format) -> Para:  # the keys as code spans in Markdown
        cells = [
            (Code(k) if fmt == "markdown" else k, f" = {x:g}") for k, x in v.thresholds.items()
        ]
        return Para(("Thresholds: ", *_flat(cells)))

    return Box(
        f"gate verdict {word}",
        [
            Only("markdown", Para(("**", word.upper(), "**: ", rule))),
            Only("html", Para((Badge(word.upper(), word), " ", rule))),
            *each_format(thresholds),
            reasons,
        ],
    )


def _flat(cells: Sequence[tuple[Fragment, ...]], sep: str = ", ") -> tuple[Fragment, ...]:
    out: list[Fragment] = []
    for i, cell in enumerate(cells):
        out += [sep, *cell] if i else list(cell)
    return tuple(out)


def _derivations(d: PreparationNotes) -> Block:
    if not d.derivations:
        return Empty("None: every sensitive attribute is a column of the data.")
    rows: list[list[Cell]] = [
        [Code(n.name), Code(n.source), n.kind, Text("; ".join(n.definition))] for n in d.derivations
    ]
    return Table(["attribute", "source", "kind", "definition"], rows)


# --- one section per attribute ------------------------------------------------------------------


def attribute_section(report: FairnessReport, index: int, attribute: str) -> Section:
    d = disparity_of(report, attribute)
    ref = d.reference if d else None
    groups = ordered_groups(report, attribute)
    blocks: list[Block] = []
    if d is not None:
        blocks += each_format(partial(_intro, d, report.settings.min_group_size))
    blocks.append(Only("html", Heading("Rates by group")))
    for metric, title, axis in CHARTED:
        chart = rate_chart(attribute, metric, title, axis, groups, ref)
        blocks += [Only("html", Heading(title, 4)), Only("html", chart)]
    blocks += [Heading("Group metrics"), *each_format(partial(_group_table, groups, ref))]
    if d is not None:
        comparisons: Block = (
            comparisons_table(d)
            if d.comparisons
            else Empty("No comparisons: no sufficient group besides the reference.")
        )
        blocks += [
            Heading("Disparities"),
            disparities_table(d),
            Heading("Comparisons with the reference group"),
            comparisons,
        ]
    blocks += [Only("html", Heading("ROC and calibration")), *_curves(report, attribute)]
    heading = ("Attribute ", Code(attribute))
    return Section(f"attribute-{index}", heading, blocks, css="attribute")


def _intro(d: Disparity, min_size: int, fmt: Format) -> Lines:
    tagged: tuple[Fragment, ...] = (" ", Styled("reference", "tag ref")) if fmt == "html" else ()
    out: list[Cell] = [
        ("Reference group: ", Code(d.reference), *tagged, " (", Text(d.reference_rule), ").")
    ]
    if d.insufficient_groups:
        groups = joined(Code(g) for g in d.insufficient_groups)
        out.append((f"Insufficient data (below {min_size} records, not ranked): ", *groups, "."))
    return Lines(out)


def _group_label(g: GroupMetrics, ref: str | None, fmt: Format) -> Cell:
    """``male (reference)`` in Markdown; the name as code with a tag in HTML."""
    if fmt == "markdown":
        return Text(group_label(g, ref))
    if not g.sufficient:
        return (Code(g.group), " ", Styled(f"{INSUFFICIENT}, not ranked", "tag"))
    if g.group == ref:
        return (Code(g.group), " ", Styled("reference", "tag ref"))
    return Code(g.group)


def _group_table(groups: list[GroupMetrics], ref: str | None, fmt: Format) -> Table:
    rows: list[list[Cell]] = []
    for g in groups:
        cells: list[Cell] = [Text(c) for c in group_cells(g)]
        cells[2] = value_with_ci(g.selection_rate, g.ci.get("selection_rate"))
        rows.append([_group_label(g, ref, fmt), *cells])
    css = ["" if g.sufficient else "insufficient" for g in groups]
    return Table(GROUP_HEAD, rows, num=tuple(range(1, len(GROUP_HEAD))), row_css=css, wrap=True)


def _curves(report: FairnessReport, attribute: str) -> list[Block]:
    charts = curve_charts(report, attribute)
    if charts is None:
        return [
            Only("html", Empty("No ROC or calibration curves: the predictions have no scores."))
        ]
    roc, calibration = charts
    return [
        Only("html", Heading("ROC curves", 4)),
        Only("html", roc),
        Only("html", Heading("Calibration curves", 4)),
        Only("html", calibration),
    ]


# --- the sections after the attributes ----------------------------------------------------------


def _proxy_table(proxies: Sequence[Proxy], fmt: Format) -> Table:
    flagged: Cell = "**yes**" if fmt == "markdown" else Styled("flagged", "tag flag")
    rows: list[list[Cell]] = [
        [
            Code(p.feature),
            Code(p.attribute),
            f"{p.mutual_information:.4f}",
            num(p.auc),
            flagged if p.flagged else "no",
        ]
        for p in proxies
    ]
    head = ["feature", "attribute", "mutual information", "AUC", "flagged"]
    css = ["flagged" if p.flagged else "" for p in proxies]
    return Table(head, rows, num=(2, 3), row_css=css, wrap=True)


def proxies_section(report: FairnessReport) -> Section:
    if not report.proxies:
        return Section("proxies", "Proxies", [Empty("No proxy analysis in this report.")])
    table = each_format(partial(_proxy_table, report.proxies))
    return Section("proxies", "Proxies", [Only("html", PROXY_NOTE), *table])


def reasons_section(report: FairnessReport) -> Section:
    title = "Adverse-action reasons"
    if not report.reasons:
        return Section("reasons", title, [Empty("No adverse-action reasons in this report.")])
    blocks: list[Block] = []
    for attribute in dict.fromkeys(r.attribute for r in report.reasons):
        rows: list[list[Cell]] = [
            [Text(r.group), str(r.denied), Text(top_reasons(r))]
            for r in reasons_of(report, attribute)
        ]
        head = ["group", "denied", "top reasons (applicants)"]
        blocks += [Heading(Code(attribute)), Table(head, rows, num=(1,), wrap=True)]
    return Section("reasons", title, blocks)


def settings_section(report: FairnessReport) -> Section:
    return Section(
        "settings", "Settings", [Pairs([(k, Text(t)) for k, t in settings_pairs(report)])]
    )


def warnings_section(report: FairnessReport) -> Section:
    body = Bullets([Text(w) for w in report.warnings]) if report.warnings else Empty("None.")
    return Section("warnings", "Warnings", [body])


def overall_section(report: FairnessReport) -> Section:
    """The group metrics over every row (the model's performance as a whole), before the
    attributes compare groups against it."""
    if report.overall is None:
        # reports written before the field existed
        return Section("overall", "Overall", [Empty("No overall metrics in this report.")])
    intro = Para("The same metrics over every row, as one group (intervals from the same bootstraps).")
    table = each_format(partial(_group_table, [report.overall], None))
    return Section("overall", "Overall", [intro, *table])


def body_sections(report: FairnessReport) -> list[Section]:
    """Every section after the header, in report order (the sign-off is each format's own)."""
    attributes = [attribute_section(report, i, a) for i, a in enumerate(attributes_of(report))]
    return [
        overall_section(report),
        *attributes,
        proxies_section(report),
        reasons_section(report),
        settings_section(report),
        warnings_section(report),
    ]
