"""The incident report of an LLM memorisation audit as one self-contained HTML page: the sections
of :func:`clearance.reports.llm_sections.incident_sections` (the same as the Markdown's), and a
sign-off to fill in. Fingerprints and masked previews only, never a secret value."""

from __future__ import annotations

from clearance.llm.report import LLMAuditReport
from clearance.reports.html import BOX
from clearance.reports.html import section as _section
from clearance.reports.html import signoff as _signoff
from clearance.reports.llm_html import llm_header, llm_page
from clearance.reports.llm_sections import INCIDENT_TITLE, incident_facts, incident_sections

# paper to sign: the HTML alone has it (a Markdown incident lives in a ticket that has its own)
_SIGNOFF = _section(
    "signoff",
    "Sign-off",
    _signoff(
        [
            ("Incident owner", ""),
            ("Security reviewer", ""),
            ("Date", ""),
            ("Closed", BOX + " yes"),
            ("Notes", ""),
            ("Signature", ""),
        ]
    ),
)


def render_incident_html(
    report: LLMAuditReport, *, generated_at: str | None = None, corpus: list[str] | None = None
) -> str:
    """The incident report (same content as ``render_incident_markdown``) as one self-contained
    HTML page. ``generated_at`` pre-fills *detected at*."""
    header = llm_header(INCIDENT_TITLE, incident_facts(report, corpus))
    sections = incident_sections(report, generated_at)
    return llm_page(f"Incident report: {report.settings.model}", header, sections, _SIGNOFF)
