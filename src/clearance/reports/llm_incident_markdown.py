"""The LLM audit's incident report in Markdown (a pull request or a ticket, not a dashboard):
what leaked, how likely it is to leak again, and what to rotate first. The sections are
:func:`clearance.reports.llm_sections.incident_sections`, the same as the HTML's."""

from __future__ import annotations

from clearance.llm.report import LLMAuditReport
from clearance.reports.document import markdown_section
from clearance.reports.llm_sections import (
    FOOTER,
    INCIDENT_TITLE,
    incident_facts,
    incident_sections,
)
from clearance.reports.table import cell_markdown


def render_incident_markdown(
    report: LLMAuditReport, *, generated_at: str | None = None, corpus: list[str] | None = None
) -> str:
    """An incident report for the security team: timeline fields to fill in, the evidence
    (fingerprints, masked previews, files and lines, never a value) and the remediation plan.
    ``generated_at`` pre-fills *detected at*."""
    facts = [f"**{k}:** {cell_markdown(v)}" for k, v in incident_facts(report, corpus)]
    out = [f"# {INCIDENT_TITLE}", "", "  \n".join(facts)]  # two spaces: a line break
    for section in incident_sections(report, generated_at):
        out += markdown_section(section)
    out += ["", f"_{FOOTER}_"]
    return "\n".join(out) + "\n"
