"""A datasheet for a dataset (Gebru et al., "Datasheets for Datasets"): the seven sections
(motivation, composition, collection, preprocessing, uses, distribution, maintenance), the human
answers from an optional YAML, the measured facts pre-filled from a dataset audit report (tables
and sizes, PII and special categories found, retention, consent coverage, the remediation the
audit recommends). Rendered as Markdown, HTML or JSON."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import Field

from clearance._version import __version__
from clearance.audit.report import AuditReport
from clearance.cards.evidence import Evidence, load_evidence, load_yaml, validate
from clearance.cards.models import EvidenceRef, Text, YamlSection
from clearance.cards.render_markdown import md_block
from clearance.core.model import FrozenModel
from clearance.core.run import SchemaVersion, ToolName, ToolVersion
from clearance.errors import InputError
from clearance.reports.css import AUDIT_CSS
from clearance.reports.escape import md_code, md_text
from clearance.reports.html import Html, code, empty, items, page, section, table, tag
from clearance.reports.markdown import md_table

SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("motivation", "Motivation", "Why was the dataset created, by whom, funded by whom?"),
    (
        "composition",
        "Composition",
        "What do the instances represent; is anything missing, confidential or sensitive?",
    ),
    (
        "collection",
        "Collection process",
        "How, when and by whom was the data collected; were people told and did they consent?",
    ),
    (
        "preprocessing",
        "Preprocessing, cleaning, labelling",
        "What was done to the raw data; is the raw data kept?",
    ),
    ("uses", "Uses", "What has the dataset been used for; what should it not be used for?"),
    ("distribution", "Distribution", "Who gets the dataset, how, under which licence and terms?"),
    (
        "maintenance",
        "Maintenance",
        "Who maintains it, how are errors reported, how long is it kept?",
    ),
)


class DatasheetAnswers(YamlSection):
    """``datasheet.yaml``: the human answers; every key optional."""

    name: Text = None
    motivation: Text = None
    composition: Text = None
    collection: Text = None
    preprocessing: Text = None
    uses: Text = None
    distribution: Text = None
    maintenance: Text = None


class TableFact(FrozenModel):
    name: str
    rows: int
    columns: int
    source: str = Field(description="JSON path in the evidence")


class CountFact(FrozenModel):
    table: str
    category: str
    what: str = Field(description="the rule or entity found")
    columns: list[str]
    values: int = Field(description="values or rows flagged")


class ShareFact(FrozenModel):
    table: str
    measure: str
    count: int
    of: int
    source: str


class SectionDoc(FrozenModel):
    key: str
    title: str
    text: str | None = Field(description="the human answer; None: still to be written")
    prompt: str


class Datasheet(FrozenModel):
    schema_version: SchemaVersion = "1"
    kind: Literal["datasheet"] = "datasheet"
    tool: ToolName = "clearance"
    version: ToolVersion
    name: str | None
    sections: list[SectionDoc]
    tables: list[TableFact]
    pii: list[CountFact]
    special_categories: list[CountFact]
    retention: list[ShareFact]
    consent: list[ShareFact]
    remediation: list[str] = Field(description="what the audit recommends (not applied)")
    evidence: EvidenceRef
    evidence_sha256: str


def init_datasheet() -> str:
    out = ["# Datasheet (Gebru et al., Datasheets for Datasets): answer each question.", 'name: ""']
    for key, _, prompt in SECTIONS:
        out += ["", f"# {prompt}", f'{key}: ""']
    return "\n".join(out) + "\n"


def _counts(report: AuditReport, category: str) -> list[CountFact]:
    grouped: Counter[tuple[str, str]] = Counter()
    columns: dict[tuple[str, str], set[str]] = {}
    for f in report.findings:
        if f.category != category:
            continue
        key = (f.location.table or f.location.file or "?", f.entity or f.rule)
        grouped[key] += f.count
        if f.location.column:
            columns.setdefault(key, set()).add(f.location.column)
    return [
        CountFact(
            table=t, category=category, what=w, columns=sorted(columns.get((t, w), ())), values=n
        )
        for (t, w), n in sorted(grouped.items())
    ]


def build_datasheet(evidence: Evidence, answers: DatasheetAnswers | None = None) -> Datasheet:
    report = evidence.report
    if not isinstance(report, AuditReport):
        raise InputError(
            str(evidence.ref.path), f"a datasheet needs a dataset audit report, not {report.kind}"
        )
    answers = answers or DatasheetAnswers()
    sections = []
    for key, title, prompt in SECTIONS:
        text = getattr(answers, key)
        sections.append(
            SectionDoc(
                key=key, title=title, text=text if text and text.strip() else None, prompt=prompt
            )
        )
    sha = evidence.ref.sha256
    fixes = sorted({f"{f.rule}: {f.fix}" for f in report.findings if f.fix})
    return Datasheet(
        version=__version__,
        name=answers.name or None,
        sections=sections,
        tables=[
            TableFact(name=t.name, rows=t.rows, columns=len(t.columns), source=f"tables[{i}]")
            for i, t in enumerate(report.tables)
        ],
        pii=_counts(report, "pii"),
        special_categories=_counts(report, "special_category"),
        retention=[
            ShareFact(
                table=f"{r.table}.{r.column}",
                measure=f"older than {r.limit_days} days",
                count=r.expired,
                of=r.rows,
                source=f"retention[{i}].expired",
            )
            for i, r in enumerate(report.retention)
        ],
        consent=[
            ShareFact(
                table=c.table,
                measure="consented",
                count=c.consented,
                of=c.rows,
                source=f"consent[{i}].consented",
            )
            for i, c in enumerate(report.consent)
        ],
        remediation=fixes,
        evidence=evidence.ref,
        evidence_sha256=sha,
    )


def build_datasheet_paths(evidence: Path, answers: Path | None = None) -> Datasheet:
    """The library entry point: the audit report (and the human answers) read and merged."""
    what = "a datasheet YAML"
    given = validate(DatasheetAnswers, load_yaml(answers, what), answers, what) if answers else None
    return build_datasheet(load_evidence(evidence), given)


def _share(f: ShareFact) -> str:
    pct = f" ({100 * f.count / f.of:.1f}%)" if f.of else ""
    return f"{f.count} of {f.of}{pct}"


def _fact_tables(ds: Datasheet) -> list[tuple[str, list[str], list[list[str]]]]:
    """The measured tables, format-neutral: (title, head, rows of text)."""
    out = [
        (
            "Tables",
            ["table", "rows", "columns"],
            [[t.name, str(t.rows), str(t.columns)] for t in ds.tables],
        )
    ]
    for title, facts in (
        ("PII found", ds.pii),
        ("Special categories found", ds.special_categories),
    ):
        out.append(
            (
                title,
                ["table", "what", "columns", "values"],
                [[c.table, c.what, ", ".join(c.columns), str(c.values)] for c in facts],
            )
        )
    out.append(
        (
            "Retention",
            ["column", "measure", "rows"],
            [[r.table, r.measure, _share(r)] for r in ds.retention],
        )
    )
    out.append(
        (
            "Consent coverage",
            ["table", "measure", "rows"],
            [[c.table, c.measure, _share(c)] for c in ds.consent],
        )
    )
    return out


def render_datasheet_markdown(ds: Datasheet) -> str:
    out = [f"# Datasheet: {md_text(ds.name or 'unnamed dataset')}", ""]
    out += [
        f"Measured facts from the dataset audit {md_code(ds.evidence.path)} (SHA-256 {md_code(ds.evidence_sha256)}).",
        "",
    ]
    facts = _fact_tables(ds)
    for s in ds.sections:
        out += [f"## {s.title}", ""]
        out += [md_block(s.text) if s.text else f"_To be completed: {md_text(s.prompt)}_", ""]
        if s.key == "composition":
            for title, head, rows in facts:
                out += [f"### {title}", ""]
                out += (
                    [*md_table(head, ([md_text(c) for c in r] for r in rows)), ""]
                    if rows
                    else ["_None found._", ""]
                )
        if s.key == "preprocessing" and ds.remediation:
            out += ["### Remediation the audit recommends (not applied)", ""]
            out += [*(f"- {md_text(r)}" for r in ds.remediation), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_datasheet_html(ds: Datasheet) -> str:
    title = f"Datasheet: {ds.name or 'unnamed dataset'}"
    body: list[Html] = [
        tag("<h1>{}</h1>", title),
        tag(
            "<p>Measured facts from the dataset audit {} (SHA-256 {}).</p>",
            code(ds.evidence.path),
            code(ds.evidence_sha256),
        ),
    ]
    facts = _fact_tables(ds)
    for s in ds.sections:
        parts: list[Html] = [
            tag('<p style="white-space: pre-wrap">{}</p>', s.text)
            if s.text
            else tag('<p class="empty">To be completed: {}</p>', s.prompt)
        ]
        if s.key == "composition":
            for sub, head, rows in facts:
                parts += [
                    tag("<h3>{}</h3>", sub),
                    table(head, rows) if rows else empty("None found."),
                ]
        if s.key == "preprocessing" and ds.remediation:
            parts += [
                tag("<h3>{}</h3>", "Remediation the audit recommends (not applied)"),
                items(ds.remediation),
            ]
        body.append(section(s.key, s.title, *parts))
    return page(title, AUDIT_CSS, body)


def render_datasheet_json(ds: Datasheet) -> str:
    return ds.model_dump_json(indent=2) + "\n"
