"""The sections of the dataset audit report, each built once as the format-neutral model of
:mod:`clearance.reports.document` and :mod:`clearance.reports.table`; the Markdown and HTML
renderers only print them. What one format alone shows (the SVG charts, the Markdown severity
table, the gate line's two looks) is an :class:`Only` block; the entities and controls sections
are HTML-only."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from clearance.audit.report import AnonymityResult, AuditReport, CheckRun
from clearance.core.findings import Finding
from clearance.reports.audit_charts import (
    anonymity_chart,
    consent_chart,
    entities_chart,
    entity_bars,
    retention_chart,
    severity_chart,
)
from clearance.reports.audit_facts import (
    CATEGORIES,
    SEVERITIES,
    bins_text,
    by_category,
    checks_line,
    control_title,
    controls_of,
    gate_line,
    not_ran,
    ordered,
    pct,
    ratio,
    rules_of,
    where,
)
from clearance.reports.document import (
    Block,
    Bullets,
    Empty,
    Heading,
    Item,
    Only,
    Pairs,
    Para,
    Section,
)
from clearance.reports.html import Html
from clearance.reports.table import Badge, Cell, Code, Strong, Table, Text, joined

TITLE = "clearance dataset audit"


def _chart(build: Callable[[], Html | None], none: str) -> Only:
    """An HTML chart, built only when the HTML prints; ``none`` where there is nothing to draw."""

    def block() -> Block | Html:
        svg = build()
        return svg if svg is not None else Empty(none)

    return Only("html", block)


def header(report: AuditReport) -> list[Block]:
    """The title, the policy in force and the gate verdict (a section of its own in Markdown,
    a badge in the HTML page header)."""
    p, s = report.policy, report.summary
    policy: list[tuple[str, Cell]] = [
        ("Purpose", Text(p.purpose)),
        ("Policy profile", Text(p.profile)),
        ("k-anonymity threshold (k)", str(p.k)),
        ("l-diversity threshold (l)", str(p.l)),
        ("Reference date", str(p.reference_date)),
        ("Policy source", Code(p.source)),
        ("Subject key", Code(p.subject_key) if p.subject_key else "none found"),
        ("Tool", f"{report.tool} {report.version} (report schema {report.schema_version})"),
    ]
    verdict, line = s.gate.upper(), Text(gate_line(report))
    return [
        Heading(TITLE, level=1),
        Pairs(policy),
        Only("markdown", Heading("Gate verdict", level=2)),
        Only("markdown", Para((Strong(verdict), ": ", line))),
        Only("html", Para((Badge(verdict, s.gate), " ", line), css=f"gate {s.gate}")),
    ]


def summary(report: AuditReport) -> Section:
    s = report.summary
    severities = Table(
        ["severity", "findings"], [[k, str(v)] for k, v in ordered(s.by_severity, SEVERITIES)]
    )
    categories = Table(
        ["category", "findings"],
        [[k, str(v)] for k, v in ordered(s.by_category, CATEGORIES)],
        num=(1,),
    )
    overview = Para(f"{s.tables} table(s), {s.rows} row(s), {s.findings} finding(s).")
    blocks: list[Block] = [
        overview,
        Only("markdown", severities),
        Only("html", partial(severity_chart, report)),
    ]
    return Section("severity", "Summary", [*blocks, categories])


def tables(report: AuditReport) -> Section:
    if not report.tables:
        return Section("tables", "Tables", [Empty("No tables were audited.")])
    head = ["table", "origin", "rows", "columns", "subject key", "key overlap", "quasi-identifiers"]
    rows: list[list[Cell]] = [
        [
            (Code(t.name), " (subject table)") if t.subject_table else Code(t.name),
            Text(t.origin),
            str(t.rows),
            str(len(t.columns)),
            Code(t.subject_key) if t.subject_key else "",
            pct(t.key_overlap),
            joined(Code(q) for q in t.quasi_identifiers),
        ]
        for t in report.tables
    ]
    return Section("tables", "Tables", [Table(head, rows, num=(2, 3, 5))])


def findings(report: AuditReport) -> Section:
    if not report.findings:
        return Section("findings", "Findings", [Empty("No findings.")])
    head = ["severity", "rule", "category", "table.column", "count", "share", "preview", "fix"]
    rows: list[list[Cell]] = [
        [
            Badge(f.severity.value, f"sev-{f.severity.value}"),
            Code(f.rule),
            f.category,
            Code(where(f)),
            str(f.count),
            pct(f.share),
            Code(f.preview),
            f.fix or "",
        ]
        for f in report.findings
    ]
    return Section("findings", "Findings", [Table(head, rows, num=(4, 5))])


def _rule(f: Finding) -> Item:
    why: list[Cell] = [("Why it matters: ", Text(f.why))] if f.why else []
    remedy: Cell = ("Remediation: ", Text(f.remediation))
    return Item((Strong(f.rule), " (", Text(f.entity), ")"), [*why, remedy])


def _guidance_one(category: str, found: list[Finding]) -> list[Block]:
    out: list[Block] = [
        Heading(f"{category} ({len(found)} finding(s))"),
        Bullets([_rule(f) for f in rules_of(found)]),
    ]
    controls = controls_of(found)
    if controls:
        items: list[Cell] = [(Code(c), ": ", Text(control_title(c))) for c, _ in controls]
        out += [Para("Controls:"), Bullets(items)]
    return out


def guidance(report: AuditReport) -> Section:
    groups = by_category(report.findings)
    blocks = [b for c, found in groups for b in _guidance_one(c, found)]
    return Section(
        "guidance", "Guidance by category", blocks or [Empty("No findings, no guidance.")]
    )


def entities(report: AuditReport) -> Section:
    """HTML only: the rows each entity matched, per column, as a chart."""
    bars = entity_bars(report)
    if not bars:
        return Section(
            "entities", "Entities per column", [Empty("No entity matched in any column.")]
        )
    return Section("entities", "Entities per column", [Only("html", entities_chart(bars))])


def _anonymity_one(a: AnonymityResult, l_threshold: int) -> list[Block]:
    verdict = "meets" if a.k >= a.k_threshold else "below"
    sizes = ", ".join(f"{size}: {n}" for size, n in sorted(a.class_size_histogram))
    facts: list[Cell] = [
        ("Quasi-identifiers: ", *joined(Code(q) for q in a.quasi_identifiers)),
        f"k = {a.k} ({verdict} the threshold k = {a.k_threshold}); {a.classes} class(es), "
        f"{a.rows} row(s)",
        f"Records below k: {a.records_below_k} ({pct(a.share_below_k)})",
        f"Unique records: {a.unique_records}; sample uniqueness {pct(a.sample_uniqueness)}",
        f"Prosecutor risk: max {pct(a.prosecutor_risk_max)}, average {pct(a.prosecutor_risk_avg)}",
        *(
            ("l-diversity of ", Code(attr), f": l = {lv} (threshold l = {l_threshold})")
            for attr, lv in sorted(a.l_diversity.items())
        ),
        f"Classes by size (size: classes): {sizes or 'none'}",
    ]
    chart = _chart(partial(anonymity_chart, a), "No equivalence classes.")
    return [Heading(Code(a.table)), chart, Bullets(facts)]


def anonymity(report: AuditReport) -> Section:
    title = "Anonymity: k-anonymity and l-diversity"
    if not report.anonymity:
        return Section("anonymity", title, [Empty("No anonymity measurement in this audit.")])
    blocks = [b for a in report.anonymity for b in _anonymity_one(a, report.policy.l)]
    return Section("anonymity", title, blocks)


def retention(report: AuditReport) -> Section:
    if not report.retention:
        return Section("retention", "Retention", [Empty("No retention measurement in this audit.")])
    head = [
        "table.column",
        "limit (days)",
        "rows",
        "expired",
        "unparseable",
        "missing",
        "oldest (days)",
    ]
    rows: list[list[Cell]] = [
        [
            Code(f"{r.table}.{r.column}"),
            str(r.limit_days),
            str(r.rows),
            f"{r.expired} ({ratio(r.expired, r.rows)})",
            str(r.unparseable),
            str(r.missing),
            "" if r.oldest_age_days is None else str(r.oldest_age_days),
        ]
        for r in report.retention
    ]
    charts: list[Block] = []
    for r in report.retention:
        charts += [
            Only("html", Heading(Code(f"{r.table}.{r.column}"))),
            _chart(partial(retention_chart, r), "No parseable timestamps."),
        ]
    ages: list[Cell] = [
        ("Record ages of ", Code(f"{r.table}.{r.column}"), ": ", bins_text(r))
        for r in report.retention
    ]
    table = Table(head, rows, num=(1, 2, 3, 4, 5, 6))
    return Section("retention", "Retention", [table, Bullets(ages), *charts])


def consent(report: AuditReport) -> Section:
    if not report.consent:
        return Section(
            "consent", "Consent coverage", [Empty("No consent measurement in this audit.")]
        )
    head = ["table", "rows", "consented", "not consented", "no record", "coverage"]
    rows: list[list[Cell]] = [
        [
            Code(c.table),
            str(c.rows),
            str(c.consented),
            str(c.not_consented),
            str(c.no_record),
            ratio(c.consented, c.rows),
        ]
        for c in report.consent
    ]
    table = Table(head, rows, num=(1, 2, 3, 4, 5))
    return Section(
        "consent", "Consent coverage", [Only("html", partial(consent_chart, report)), table]
    )


def controls(report: AuditReport) -> Section:
    """HTML only: the controls the findings concern, with how many findings each."""
    found = controls_of(report.findings)
    if not found:
        return Section("controls", "Controls", [Empty("No finding concerns a control.")])
    rows: list[list[Cell]] = [[Code(c), Text(control_title(c)), str(n)] for c, n in found]
    return Section(
        "controls", "Controls", [Table(["control", "description", "findings"], rows, num=(2,))]
    )


def _table_of(c: CheckRun) -> Cell:
    return Text(c.table) if c.table else "(dataset)"


def checks(report: AuditReport) -> Section:
    if not report.checks:
        return Section("checks", "Checks", [Empty("No checks were run.")])
    blocks: list[Block] = [Para(f"{checks_line(report)}."), Heading("Skipped or failed")]
    skipped = not_ran(report)
    if skipped:
        rows: list[list[Cell]] = [
            [Code(c.rule), c.category, _table_of(c), Badge(c.status, c.status), Text(c.reason)]
            for c in skipped
        ]
        blocks.append(Table(["rule", "category", "table", "status", "reason"], rows))
    else:
        blocks.append(Empty("None: every check ran."))
    ran = [c for c in report.checks if c.status == "ran"]
    if ran:
        done: list[list[Cell]] = [
            [Code(c.rule), c.category, _table_of(c), str(c.findings)] for c in ran
        ]
        blocks += [Heading("Ran"), Table(["rule", "category", "table", "findings"], done, num=(3,))]
    return Section("checks", "Checks", blocks)


def inputs(report: AuditReport) -> list[Section]:
    """The inputs that were not audited, and the warnings of the run."""
    skipped: list[Cell] = [(Code(s.path), ": ", Text(s.reason)) for s in report.skipped]
    warnings: list[Cell] = [Text(w) for w in report.warnings]
    return [
        Section("skipped", "Skipped inputs", [Bullets(skipped) if skipped else Empty("None.")]),
        Section("warnings", "Warnings", [Bullets(warnings) if warnings else Empty("None.")]),
    ]
