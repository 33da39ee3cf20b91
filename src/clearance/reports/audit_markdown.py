"""The dataset audit report as Markdown, for sign-off: the sections of
:mod:`clearance.reports.audit_sections` printed in order, then the sign-off block."""

from __future__ import annotations

from clearance.audit.report import AuditReport
from clearance.reports import audit_sections as sections
from clearance.reports.audit_facts import DECISIONS
from clearance.reports.document import markdown_blocks, markdown_section
from clearance.reports.markdown import signoff_lines


def render_audit_markdown(report: AuditReport) -> str:
    body = [
        sections.summary(report),
        sections.tables(report),
        sections.findings(report),
        sections.guidance(report),
        sections.anonymity(report),
        sections.retention(report),
        sections.consent(report),
        sections.checks(report),
        *sections.inputs(report),
    ]
    out = markdown_blocks(sections.header(report))
    for section in body:
        out += markdown_section(section)
    return "\n".join([*out, *signoff_lines(DECISIONS)]) + "\n"
