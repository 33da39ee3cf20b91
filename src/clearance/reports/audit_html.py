"""The dataset audit report as one self-contained HTML file with inline SVG charts: the sections
of :mod:`clearance.reports.audit_sections` (the HTML-only ones too) in one page, nothing
scripted or fetched, every value escaped (:mod:`clearance.reports.html`)."""

from __future__ import annotations

from clearance.audit.report import AuditReport
from clearance.reports import audit_sections as sections
from clearance.reports.audit_facts import DECISIONS
from clearance.reports.css import AUDIT_CSS
from clearance.reports.document import html_blocks, html_section
from clearance.reports.html import Html, page, review_signoff
from clearance.reports.html import section as signoff_section


def render_audit_html(report: AuditReport) -> str:
    body = [
        sections.summary(report),
        sections.tables(report),
        sections.findings(report),
        sections.guidance(report),
        sections.entities(report),
        sections.anonymity(report),
        sections.retention(report),
        sections.consent(report),
        sections.controls(report),
        sections.checks(report),
        *sections.inputs(report),
    ]
    parts = [
        Html("<header>"),
        html_blocks(sections.header(report)),
        Html("</header>"),
        Html("<main>"),
        *(html_section(s) for s in body),
        signoff_section("signoff", "Sign-off", review_signoff(DECISIONS)),
        Html("</main>"),
    ]
    return page(f"{sections.TITLE}: {report.policy.purpose}", AUDIT_CSS, parts)
