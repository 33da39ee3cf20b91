"""The sections of the LLM memorisation audit's reports, each built once as the format-neutral
model of :mod:`clearance.reports.document` (typed cells, so escaping is the default): the audit
page (:mod:`clearance.reports.llm_html`) and the incident report, Markdown
(:mod:`clearance.reports.llm_incident_markdown`) and HTML
(:mod:`clearance.reports.llm_incident_html`), only print them.

Where the formats differ, it is written down here: the chart is HTML only, the text bar is
Markdown only, and the incident Markdown (a ticket, not a dashboard) leaves out a few columns.
Like the report, nothing here holds a secret value: fingerprints and masked previews only.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearance.llm.report import (
    LLMAuditReport,
    SecretResult,
    deployed_probability,
    probability_text,
)
from clearance.reports.document import (
    Block,
    Bullets,
    Empty,
    Heading,
    Only,
    Pairs,
    Para,
    Section,
)
from clearance.reports.svg.charts import Bar, Segment, svg_bar_chart
from clearance.reports.table import Badge, Cell, Checkbox, Code, Styled, Table, Text, joined

AUDIT_TITLE = "LLM memorisation audit"
INCIDENT_TITLE = "Incident report: secrets memorised by a language model"
FOOTER = "This report holds fingerprints and masked previews only, never a secret value."
HALLUCINATED = "Secret-shaped outputs matching no inventory value (likely hallucinated)"
ROTATE = "ranked by extractability x duplication"
_NO_CHART = "No inventory secrets: nothing to chart."
_NOTHING_TO_ROTATE = (
    "Nothing to rotate on this evidence; rotate anyway any secret found in the corpus."
)

# --- cells -----------------------------------------------------------------------------------


def pct(rate: float) -> str:
    return f"{100 * rate:.0f}%"


def severity(report: LLMAuditReport) -> str:
    s = report.summary
    return "HIGH" if s.extracted else ("MEDIUM" if s.partial else "LOW")


def _severity_badge(report: LLMAuditReport) -> Badge:
    sev = severity(report)
    return Badge(sev, f"sev-{sev.lower()}")


def _match(kind: str) -> Styled:
    return Styled(kind, f"match-{kind}")


def _files(x: SecretResult, limit: int | None = None) -> Text:
    shown = x.files if limit is None else x.files[:limit]
    text = ", ".join(f"{f.path}:{f.line}" for f in shown)
    if len(shown) < len(x.files) or x.files_truncated:
        text += ", ..."
    return Text(text)


def _best_prompt(x: SecretResult) -> Text:
    if x.best_prompt is None:
        return Text("")
    bp = x.best_prompt
    where = f" {bp.path}:{bp.line}" if bp.path else ""
    return Text(f"{bp.kind} {bp.fingerprint[:12]}{where} ({bp.decoding})")


def _bar(rate: float, width: int = 20) -> Code:
    filled = round(rate * width)
    return Code("#" * filled + "." * (width - filled))


def _columns(table: Table, keep: Sequence[int]) -> Table:
    """``table`` with only the columns ``keep`` (in that order)."""
    return Table(
        [table.head[i] for i in keep],
        [[row[i] for i in keep] for row in table.rows],
        num=[n for n, i in enumerate(keep) if i in table.num],
        row_css=table.row_css,
        wrap=table.wrap,
        md_align=table.md_align,
    )


def _per_format(table: Table, *, markdown: Sequence[int], html: Sequence[int]) -> list[Block]:
    """One table, each format showing the columns it lists."""
    return [Only("markdown", _columns(table, markdown)), Only("html", _columns(table, html))]


def _all_but(table: Table, *drop: int) -> list[int]:
    return [i for i in range(len(table.head)) if i not in drop]


# --- headers ---------------------------------------------------------------------------------


def audit_facts(report: LLMAuditReport) -> list[tuple[str, Cell]]:
    return [
        ("Model", Code(report.settings.model)),
        ("Schema version", report.schema_version),
        ("Severity", _severity_badge(report)),
    ]


def incident_facts(report: LLMAuditReport, corpus: Sequence[str] | None) -> list[tuple[str, Cell]]:
    s = report.summary
    facts: list[tuple[str, Cell]] = [("Model", Code(report.settings.model))]
    if corpus:
        facts.append(("Training corpus audited", joined(Code(c) for c in corpus)))
    severity_text = (
        f": {s.extracted} of {s.secrets} inventory secrets extracted verbatim, "
        f"{s.partial} partially."
    )
    facts.append(("Severity", (_severity_badge(report), severity_text)))
    return facts


# --- sections both reports show --------------------------------------------------------------


def duplication(report: LLMAuditReport) -> list[Block]:
    """Extraction by duplication: a chart and a table in HTML, a table with text bars in
    Markdown."""
    buckets = report.extraction_by_duplication
    table = Table(
        ["Copies in corpus", "Secrets", "Extracted", "Partial", "Rate", ""],
        [
            [b.bucket, str(b.secrets), str(b.extracted), str(b.partial), pct(b.rate), _bar(b.rate)]
            for b in buckets
        ],
        num=(1, 2, 3, 4),
        md_align=True,
    )
    if not buckets:
        return [Only("html", Empty(_NO_CHART)), Only("markdown", table)]
    bars = [
        Bar(
            label=f"{b.bucket} copies",
            segments=(
                Segment(b.extracted, "m-exact"),
                Segment(b.partial, "m-partial"),
                Segment(max(0, b.secrets - b.extracted - b.partial), "m-none"),
            ),
            note=f"{b.extracted}/{b.secrets} extracted ({pct(b.rate)})",
            detail=f"{b.secrets} secrets, {b.extracted} extracted, {b.partial} partial, "
            f"rate {pct(b.rate)}",
        )
        for b in buckets
    ]
    if any(b.total > 0 for b in bars):
        legend = (("m-exact", "extracted"), ("m-partial", "partial"), ("m-none", "not extracted"))
        axis = "secrets per number of copies in the corpus"
        svg = svg_bar_chart("Extraction by duplication", bars, legend=legend, axis=axis)
        chart = Only("html", svg)
    else:
        chart = Only("html", Empty(_NO_CHART))
    return [chart, *_per_format(table, markdown=range(6), html=range(5))]


def hallucinated(report: LLMAuditReport) -> list[Block]:
    """Secret-shaped outputs matching no inventory secret; the Markdown leaves out the rule and
    the probe kinds."""
    if not report.hallucinated:
        return [Empty("None.")]
    table = Table(
        ["Fingerprint", "Type", "Rule", "Preview", "Count", "Probe kinds"],
        [
            [
                Code(h.fingerprint[:16]),
                Text(h.entity),
                Text(h.rule),
                Code(h.preview),
                str(h.count),
                ", ".join(h.probe_kinds),
            ]
            for h in report.hallucinated
        ],
        num=(4,),
        md_align=True,
    )
    return _per_format(table, markdown=(0, 1, 3, 4), html=range(6))


def rotation(report: LLMAuditReport, *, checkbox: bool) -> list[Block]:
    """The rotation plan (``checkbox``: a *Done* box per secret); the Markdown leaves out the
    extractability."""
    if not report.rotation:
        return [Empty(_NOTHING_TO_ROTATE)]
    head = ["#", "Fingerprint", "Type", "Preview", "Copies", "Match", "Extractability", "Score"]
    head += ["In vault", *(["Done"] if checkbox else [])]
    rows: list[list[Cell]] = [
        [
            str(r.rank),
            Code(r.fingerprint[:16]),
            Text(r.entity),
            Code(r.preview),
            str(r.duplicates),
            _match(r.match),
            f"{r.extractability:.2f}",
            f"{r.score:.2f}",
            "yes" if r.in_vault else "no",
            *([Checkbox()] if checkbox else []),
        ]
        for r in report.rotation
    ]
    table = Table(head, rows, num=(0, 4, 6, 7), md_align=True)
    return _per_format(table, markdown=_all_but(table, 6), html=range(len(head)))


def warnings(report: LLMAuditReport) -> Section | None:
    """None when there is nothing to warn about: no section at all."""
    if not report.warnings:
        return None
    return Section("warnings", "Warnings", [Bullets([Text(w) for w in report.warnings])])


def probes_text(report: LLMAuditReport) -> str:
    p, st = report.probes_run, report.settings
    return (
        f"Probes: {p.targeted} targeted, {p.format} format, {p.untargeted} untargeted, "
        f"{p.divergence} divergence; {p.generations} generations (greedy and {st.n_samples} "
        f"samples at temperature {st.temperature}, seed {st.seed}, up to {st.max_new_tokens} new "
        f"tokens). Partial match: at least {st.min_partial} characters beyond the format prefix."
    )


# --- the audit report (HTML only today) ------------------------------------------------------


def summary_section(report: LLMAuditReport) -> Section:
    s = report.summary
    facts: list[tuple[str, Cell]] = [
        ("Inventory secrets", str(s.secrets)),
        ("Extracted (exact)", f"{s.extracted} ({pct(s.extraction_rate)})"),
        ("Partially extracted", f"{s.partial} ({pct(s.partial_rate)})"),
        ("Not extracted", str(s.not_extracted)),
        ("Queries", str(s.queries)),
        ("Generations", str(s.generations)),
        ("Hallucinated candidates", str(s.hallucinated)),
    ]
    return Section("summary", "Summary", [Pairs(facts)])


def secrets_section(report: LLMAuditReport) -> Section:
    if not report.secrets:
        return Section("secrets", "Secrets", [Empty("No inventory secrets.")])
    head = ["Fingerprint", "Type", "Entity", "Preview", "Duplicates", "Extracted", "Match"]
    head += ["Chars recovered", "Queries", "Files", "P(1 / 100)", "Deployed P(1 / 100)"]
    rows: list[list[Cell]] = [
        [
            Code(x.fingerprint[:16]),
            Text(x.type),
            Text(x.entity),
            Code(x.preview),
            str(x.duplicates),
            "yes" if x.extracted else "no",
            _match(x.match),
            f"{x.chars_recovered}/{x.length}",
            str(x.queries),
            _files(x),
            probability_text(x.probability),
            probability_text(deployed_probability(x)),
        ]
        for x in report.secrets
    ]
    return Section("secrets", "Secrets", [Table(head, rows, num=(4, 7, 8), md_align=True)])


def audit_sections(report: LLMAuditReport) -> list[Section]:
    """The audit report's sections after its summary, in order."""
    p, st = report.probes_run, report.settings
    probes: list[tuple[str, Cell]] = [
        ("Targeted", str(p.targeted)),
        ("Format", str(p.format)),
        ("Untargeted", str(p.untargeted)),
        ("Divergence", str(p.divergence)),
        ("Generations", str(p.generations)),
    ]
    settings: list[tuple[str, Cell]] = [
        ("Model", Code(st.model)),
        ("Reference model", Code(st.reference) if st.reference else "none"),
        ("Samples", str(st.n_samples)),
        ("Temperature", str(st.temperature)),
        ("Deployed decoding", st.deployed_decoding),
        ("Max new tokens", str(st.max_new_tokens)),
        ("Prefix lines", ", ".join(str(n) for n in st.prefix_lines)),
        ("Min partial", str(st.min_partial)),
        ("Seed", str(st.seed)),
        ("Untargeted prompts", str(st.untargeted)),
        ("Categories", Text(", ".join(st.categories)) if st.categories else "all"),
    ]
    sections = [
        Section("duplication", "Extraction by duplication", duplication(report)),
        secrets_section(report),
        Section("rotation", f"Rotation ({ROTATE})", rotation(report, checkbox=False)),
        Section("hallucinated", HALLUCINATED, hallucinated(report)),
        Section("probes", "Probes run", [Pairs(probes)]),
        Section("settings", "Settings", [Pairs(settings)]),
        warnings(report),
    ]
    return [s for s in sections if s is not None]


# --- the incident report (Markdown and HTML) -------------------------------------------------


def _leaked(report: LLMAuditReport) -> list[Block]:
    leaked = [x for x in report.secrets if x.match != "none"]
    note = Para(
        "Probabilities: P(1 / 100) under the model's own distribution (temperature 1), and "
        f"under the deployed decoding ({report.settings.deployed_decoding})."
    )
    if not leaked:
        # the HTML has always explained the columns, even of no table
        return [Only("html", note), Empty("None.")]
    head = ["Fingerprint", "Type", "Preview", "Copies", "Match", "Chars", "Queries"]
    head += ["P(1 / 100)", "Deployed P(1 / 100)", "Best prompt", "Files"]
    rows: list[list[Cell]] = [
        [
            Code(x.fingerprint[:16]),
            Text(x.entity),
            Code(x.preview),
            str(x.duplicates),
            _match(x.match),
            f"{x.chars_recovered}/{x.length}",
            str(x.queries),
            probability_text(x.probability),
            probability_text(deployed_probability(x)),
            _best_prompt(x),
            _files(x, limit=3),
        ]
        for x in leaked
    ]
    return [note, Table(head, rows, num=(3, 5, 6), md_align=True)]


# the plan's steps: text of the tool, with the commands set as code
_CONTAIN: list[Cell] = [
    (
        Checkbox(),
        " Deploy the guard proxy in front of the model so outputs carrying an inventory secret "
        "are blocked (",
        Code("clearance"),
        " guard, fingerprint matching).",
    ),
    (Checkbox(), " Restrict access to the model and its weights until the retrained model ships."),
]
_FIX_DATA: list[Cell] = [
    (
        Checkbox(),
        " Scrub the secrets from the training corpus (",
        Code("clearance scan"),
        " / redact).",
    ),
    (
        Checkbox(),
        " Deduplicate the corpus: extraction grows with the number of copies (table above).",
    ),
]
_FIX_MODEL: list[Cell] = [
    (Checkbox(), " Retrain on the scrubbed corpus, or unlearn the listed secrets."),
    (
        Checkbox(),
        " Re-audit (",
        Code("clearance llm audit"),
        ") at the deployed precision and quantization: quantizing an unlearned model can bring "
        "the removed text back.",
    ),
]


def incident_sections(report: LLMAuditReport, generated_at: str | None) -> list[Section]:
    """The incident report's sections, in order (the HTML adds its sign-off):
    ``generated_at`` pre-fills *detected at*."""
    timeline: list[list[Cell]] = [["Detected at", Text(generated_at) if generated_at else ""]]
    timeline += [[field, ""] for field in ("Contained at", "Rotated at", "Owner", "Ticket")]
    evidence: list[Block] = [
        Para(probes_text(report)),
        Heading("Extraction by duplication"),
        *duplication(report),
        Heading("Extracted and partially extracted secrets"),
        *_leaked(report),
    ]
    if report.hallucinated:
        evidence += [Heading(HALLUCINATED), *hallucinated(report)]
    remediation: list[Block] = [
        Heading(f"1. Rotate ({ROTATE})"),
        *rotation(report, checkbox=True),
        Heading("2. Contain"),
        Bullets(_CONTAIN, css="checklist"),
        Heading("3. Fix the data"),
        Bullets(_FIX_DATA, css="checklist"),
        Heading("4. Fix the model"),
        Bullets(_FIX_MODEL, css="checklist"),
    ]
    sections = [
        Section("timeline", "Timeline", [Table(["Field", "Value"], timeline, md_align=True)]),
        Section("evidence", "Evidence", evidence),
        Section("remediation", "Remediation plan", remediation),
        warnings(report),
    ]
    return [s for s in sections if s is not None]
