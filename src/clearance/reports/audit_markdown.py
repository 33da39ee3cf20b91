"""The dataset audit report as Markdown, for sign-off. Text from data goes through ``md_text``
(no raw HTML, table cells kept whole) or ``md_code``; tables through :class:`Table`."""

from __future__ import annotations

from clearance.audit.report import AnonymityResult, AuditReport
from clearance.reports.audit_facts import (
    CATEGORIES,
    DECISIONS,
    SEVERITIES,
    bins_text,
    by_category,
    checks_line,
    consent_table,
    control_title,
    controls_of,
    findings_table,
    gate_line,
    not_ran,
    ordered,
    pct,
    ratio,
    rules_of,
    tables_table,
)
from clearance.reports.escape import md_code, md_text
from clearance.reports.markdown import md_table, signoff_lines


def _md_header(report: AuditReport) -> list[str]:
    p = report.policy
    return [
        "# clearance dataset audit",
        "",
        f"- Purpose: {md_text(p.purpose)}",
        f"- Policy profile: {md_text(p.profile)}",
        f"- k-anonymity threshold (k): {p.k}",
        f"- l-diversity threshold (l): {p.l}",
        f"- Reference date: {p.reference_date}",
        f"- Policy source: {md_code(p.source)}",
        f"- Subject key: {md_code(p.subject_key) if p.subject_key else 'none found'}",
        f"- Tool: {report.tool} {report.version} (report schema {report.schema_version})",
        "",
        "## Gate verdict",
        "",
        f"**{report.summary.gate.upper()}**: {md_text(gate_line(report))}",
    ]


def _md_summary(report: AuditReport) -> list[str]:
    s = report.summary
    out = [
        "",
        "## Summary",
        "",
        f"{s.tables} table(s), {s.rows} row(s), {s.findings} finding(s).",
        "",
    ]
    out += md_table(
        ["severity", "findings"], ([k, str(v)] for k, v in ordered(s.by_severity, SEVERITIES))
    )
    out.append("")
    out += md_table(
        ["category", "findings"], ([k, str(v)] for k, v in ordered(s.by_category, CATEGORIES))
    )
    return out


def _md_tables(report: AuditReport) -> list[str]:
    out = ["", "## Tables", ""]
    if not report.tables:
        return [*out, "No tables were audited."]
    return out + tables_table(report).markdown()


def _md_findings(report: AuditReport) -> list[str]:
    out = ["", "## Findings", ""]
    if not report.findings:
        return [*out, "No findings."]
    return out + findings_table(report).markdown()


def _md_guidance(report: AuditReport) -> list[str]:
    out: list[str] = []
    for category, found in by_category(report.findings):
        out += ["", f"### {category} ({len(found)} finding(s))", ""]
        for f in rules_of(found):
            out.append(f"- **{md_text(f.rule)}** ({md_text(f.entity)})")
            if f.why:
                out.append(f"  - Why it matters: {md_text(f.why)}")
            out.append(f"  - Remediation: {md_text(f.remediation)}")
        controls = controls_of(found)
        if controls:
            out += ["", "Controls:", ""]
            out += [f"- {md_code(c)}: {md_text(control_title(c))}" for c, _ in controls]
    return ["", "## Guidance by category", *out] if out else []


def _md_anonymity_one(a: AnonymityResult, l_threshold: int) -> list[str]:
    verdict = "meets" if a.k >= a.k_threshold else "below"
    out = [
        "",
        f"### {md_code(a.table)}",
        "",
        f"- Quasi-identifiers: {', '.join(md_code(q) for q in a.quasi_identifiers)}",
        f"- k = {a.k} ({verdict} the threshold k = {a.k_threshold}); {a.classes} class(es), "
        f"{a.rows} row(s)",
        f"- Records below k: {a.records_below_k} ({pct(a.share_below_k)})",
        f"- Unique records: {a.unique_records}; sample uniqueness {pct(a.sample_uniqueness)}",
        f"- Prosecutor risk: max {pct(a.prosecutor_risk_max)}, "
        f"average {pct(a.prosecutor_risk_avg)}",
    ]
    for attr, lv in sorted(a.l_diversity.items()):
        out.append(f"- l-diversity of {md_code(attr)}: l = {lv} (threshold l = {l_threshold})")
    sizes = ", ".join(f"{size}: {n}" for size, n in sorted(a.class_size_histogram))
    out.append(f"- Classes by size (size: classes): {sizes or 'none'}")
    return out


def _md_anonymity(report: AuditReport) -> list[str]:
    out = ["", "## Anonymity (k-anonymity, l-diversity)"]
    if not report.anonymity:
        return [*out, "", "No anonymity measurement in this audit."]
    for a in report.anonymity:
        out += _md_anonymity_one(a, report.policy.l)
    return out


def _md_retention(report: AuditReport) -> list[str]:
    out = ["", "## Retention", ""]
    if not report.retention:
        return [*out, "No retention measurement in this audit."]
    head = [
        "table.column",
        "limit (days)",
        "rows",
        "expired",
        "unparseable",
        "missing",
        "oldest (days)",
    ]
    rows = (
        [
            md_code(f"{r.table}.{r.column}"),
            str(r.limit_days),
            str(r.rows),
            f"{r.expired} ({ratio(r.expired, r.rows)})",
            str(r.unparseable),
            str(r.missing),
            "" if r.oldest_age_days is None else str(r.oldest_age_days),
        ]
        for r in report.retention
    )
    out += md_table(head, rows)
    out.append("")
    out += [
        f"- Record ages of {md_code(f'{r.table}.{r.column}')}: {bins_text(r)}"
        for r in report.retention
    ]
    return out


def _md_consent(report: AuditReport) -> list[str]:
    out = ["", "## Consent coverage", ""]
    if not report.consent:
        return [*out, "No consent measurement in this audit."]
    return out + consent_table(report).markdown()


def _md_checks(report: AuditReport) -> list[str]:
    out = ["", "## Checks", "", f"{checks_line(report)}.", "", "### Skipped or failed", ""]
    skipped = not_ran(report)
    if skipped:
        head = ["rule", "category", "table", "status", "reason"]
        out += md_table(
            head,
            (
                [
                    md_code(c.rule),
                    c.category,
                    md_text(c.table) if c.table else "(dataset)",
                    c.status,
                    md_text(c.reason),
                ]
                for c in skipped
            ),
        )
    else:
        out.append("None: every check ran.")
    ran = [c for c in report.checks if c.status == "ran"]
    if ran:
        out += ["", "### Ran", ""]
        out += md_table(
            ["rule", "category", "table", "findings"],
            (
                [
                    md_code(c.rule),
                    c.category,
                    md_text(c.table) if c.table else "(dataset)",
                    str(c.findings),
                ]
                for c in ran
            ),
        )
    return out


def _md_inputs(report: AuditReport) -> list[str]:
    out = ["", "## Skipped inputs", ""]
    out += [f"- {md_code(s.path)}: {md_text(s.reason)}" for s in report.skipped] or ["None."]
    out += ["", "## Warnings", ""]
    out += [f"- {md_text(w)}" for w in report.warnings] or ["None."]
    return out


def _md_signoff() -> list[str]:
    return signoff_lines(DECISIONS)


def render_audit_markdown(report: AuditReport) -> str:
    parts = (
        _md_header(report),
        _md_summary(report),
        _md_tables(report),
        _md_findings(report),
        _md_guidance(report),
        _md_anonymity(report),
        _md_retention(report),
        _md_consent(report),
        _md_checks(report),
        _md_inputs(report),
        _md_signoff(),
    )
    return "\n".join(line for part in parts for line in part) + "\n"
